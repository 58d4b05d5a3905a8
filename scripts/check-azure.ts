// npm run check:azure — a read-only check of the calls this extension makes, against your own
// Azure subscription with your Azure CLI sign-in (`az login`), or against the local emulator
// (`--emulator`, as CI runs it). Prints what answered as expected and writes a scrubbed recording
// (no tokens, keys, ids or names) that `npm run test:contracts` replays through the client.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as tls from 'node:tls';
import { parseArgs } from 'node:util';
import type { CloudName, ObservedExchange } from '../src/azure/api';
import { createAzureClient } from '../src/azure/client';
import { resolveCloud } from '../src/azure/clouds';
import { createCredential } from '../src/azure/credentials';
import { formatResults, runChecks } from '../test/contracts/checkAzure';
import { buildRecording } from '../test/contracts/recording';
import { startEmulator } from '../test/emulator/index';

const USAGE = `npm run check:azure [-- options]
  --emulator               check the local emulator instead of Azure (what CI runs)
  --cloud <name>           AzureCloud (default), AzureChinaCloud or AzureUSGovernment
  --tenant <id|domain>     the tenant to sign in to (default: the Azure CLI's)
  --subscription <id>      check this subscription only (default: the first 5 listed)
  --out <file>             where the scrubbed recording goes (default .check-azure/recording.json)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      emulator: { type: 'boolean', default: false },
      cloud: { type: 'string', default: 'AzureCloud' },
      tenant: { type: 'string' },
      subscription: { type: 'string' },
      out: { type: 'string', default: '.check-azure/recording.json' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const observed: ObservedExchange[] = [];
  const emulator = values.emulator ? await startEmulator({ logIntervalMs: 0 }) : undefined;
  try {
    if (emulator) {
      tls.setDefaultCACertificates([
        ...tls.getCACertificates('default'),
        readFileSync(emulator.caPath, 'utf8'),
      ]);
    }
    const cloud = emulator
      ? resolveCloud('Custom', {
          resourceManagerEndpoint: emulator.url,
          logAnalyticsEndpoint: emulator.logsUrl,
        })
      : resolveCloud(values.cloud as CloudName);
    const credential = createCredential({
      kind: emulator ? 'emulator' : 'azureCli',
      cloud,
      ...(values.tenant ? { tenant: values.tenant } : {}),
    });
    const client = createAzureClient({
      cloud,
      credential,
      observe: (exchange) => observed.push(exchange),
      userAgentPrefix: 'check-azure',
    });
    console.log(
      `Checking ${emulator ? `the emulator at ${emulator.url}` : `${cloud.name} with the Azure CLI sign-in`} (read-only)…\n`,
    );
    const results = await runChecks(
      client,
      values.subscription ? { subscriptionId: values.subscription } : {},
    );
    console.log(formatResults(results));

    const recording = buildRecording(observed, results, {
      origins: [cloud.resourceManagerEndpoint, cloud.logAnalyticsEndpoint],
      source: emulator ? 'emulator' : 'azure',
    });
    const out = resolve(values.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(recording, null, 2)}\n`);
    console.log(`\n${recording.exchanges.length} exchanges recorded, scrubbed, in ${values.out}`);

    const failed = results.filter((r) => r.status === 'failed');
    // The emulator has every kind of resource: there, a skipped check is a failure too.
    const skipped = emulator ? results.filter((r) => r.status === 'skipped') : [];
    if (failed.length + skipped.length > 0) {
      console.log(`\n${failed.length} failed${emulator ? `, ${skipped.length} skipped` : ''}.`);
      return 1;
    }
    return 0;
  } finally {
    await emulator?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
