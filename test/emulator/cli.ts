// `npm run emulator [-- --scenario default|scale|file.json --port 8443 --latency-ms 100
//  --log-interval-ms 1000 --fault 429:/onlineEndpoints:2]`: the emulator alone, until Ctrl+C.
import { parseArgs } from 'node:util';
import type { FaultKind } from './faults';
import { startEmulator } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'default' },
      port: { type: 'string', default: '0' },
      'latency-ms': { type: 'string', default: '0' },
      'log-interval-ms': { type: 'string', default: '1000' },
      fault: { type: 'string', multiple: true, default: [] },
    },
  });
  const emu = await startEmulator({
    scenario: values.scenario,
    port: Number(values.port),
    latencyMs: Number(values['latency-ms']),
    logIntervalMs: Number(values['log-interval-ms']),
  });
  for (const spec of values.fault) {
    // kind:path[:times]
    const [kind, path, times] = spec.split(':');
    if (!kind || !path) throw new Error(`--fault takes kind:path[:times], got ${spec}`);
    emu.faults.add({ kind: kind as FaultKind, path, times: times ? Number(times) : Infinity });
  }
  const settings = {
    'amlMonitor.cloud': 'Custom',
    'amlMonitor.customCloud': { resourceManagerEndpoint: emu.url, logAnalyticsEndpoint: emu.logsUrl },
    'amlMonitor.auth': 'emulator',
  };
  console.log(`Azure emulator (${emu.scenario.name} scenario) on ${emu.url}
  Resource Manager:   ${emu.url}
  Logs query API:     ${emu.logsUrl}
  v1 services:        ${emu.url}/modelmanagement/v1.0
  Certificate (CA):   ${emu.caPath}
Trust it:  NODE_EXTRA_CA_CERTS=${emu.caPath}
Settings:  ${JSON.stringify(settings, null, 2).replace(/\n/g, '\n           ')}
Ctrl+C stops it.`);
  const stop = () => {
    void emu.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
