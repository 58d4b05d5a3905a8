// The demo's second half (scripts/demo.mjs runs it after building and packaging): provisions
// code-server, starts the emulator with the default scenario and code-server with the packaged
// extension pointed at it, prints the URL, and stops both on Ctrl+C.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCodeServer } from './codeServer';
import { provision, repoRoot } from './provision';
import { startEmulator } from '../emulator/index';

async function main(): Promise<void> {
  const dist = join(repoRoot, 'dist');
  const vsix = existsSync(dist) ? readdirSync(dist).find((f) => f.endsWith('.vsix')) : undefined;
  if (!vsix) throw new Error('no dist/*.vsix: run `npm run package` first (npm run demo does)');

  const toolchain = await provision((l) => console.log(`demo: ${l}`));
  const emu = await startEmulator({ scenario: 'default', port: 0 });
  const stops: (() => Promise<void>)[] = [() => emu.stop()];
  let stopping: Promise<void> | undefined;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return stopping; // already stopping: let the first call finish and exit
    stopping = (async () => {
      console.log('\ndemo: stopping code-server and the emulator');
      for (const s of stops.reverse()) await s().catch((e: unknown) => console.error(`demo: ${String(e)}`));
      process.exit(code);
    })();
    return stopping;
  };
  // process.on, not once: a second Ctrl+C (or the parent forwarding it) must not cut the clean-up short.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));

  try {
    const port = process.env.AML_DEMO_PORT ? Number(process.env.AML_DEMO_PORT) : undefined;
    const cs = await startCodeServer({
      toolchain,
      vsix: join(dist, vsix),
      emulatorUrl: emu.url,
      caPath: emu.caPath,
      port,
      workspaceFiles: {
        'traces.kql':
          'traces\n| where customDimensions contains "input"\n| order by timestamp desc\n| limit 50\n',
      },
      log: (l) => console.log(`demo: ${l}`),
    });
    stops.push(() => cs.stop());
    console.log(`
Azure ML Endpoint Monitor demo is running against the local Azure emulator (${emu.url}).

  Open  ${cs.folderUrl}

then click the Azure ML Monitor icon in the activity bar. Ctrl+C stops everything.
`);
  } catch (e) {
    console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
    await stop(1);
  }
}

main().catch((e: unknown) => {
  console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
