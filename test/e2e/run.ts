// The end-to-end suite (`npm run test:e2e`): the packaged .vsix in a real VS Code (code-server),
// driven through Chromium by Playwright as a user would, against the local Azure emulator.
//
// Steps run in order and share one workbench; each has its own time limit and saves a screenshot
// under .e2e-artifacts/ (a failed or hung step saves one named *-FAILED.png and the code-server
// logs). A step that fails does not stop the ones after it. The last line is `N passed, N failed`.
import { execFileSync } from 'node:child_process';
import { existsSync, globSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCodeServer, type CodeServer } from './codeServer';
import { ProvisioningError, provision, repoRoot } from './provision';
import { bindScenario, steps, type Context } from './steps';
import { packageTestHost } from './testHost/package';
import { Workbench } from './workbench';

const artifacts = join(repoRoot, '.e2e-artifacts');
const SETUP_TIMEOUT_MS = 15 * 60_000; // a first run installs code-server
const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.reverse())
      await c().catch((e: unknown) => console.error(`cleanup: ${String(e)}`));
  })();
  return cleaning;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    interrupted = true;
    console.error(`\ne2e: ${signal}, stopping what the suite started`);
    void cleanup().finally(() => process.exit(130));
  });
}

function timed<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

function packageVsix(): string {
  const dist = join(repoRoot, 'dist');
  // Packaged on every run (about 2 s): a .vsix left from an earlier build would test old code.
  console.log('e2e: packaging the extension (npm run package)');
  execFileSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'inherit' });
  const vsix = existsSync(dist) ? readdirSync(dist).find((f) => f.endsWith('.vsix')) : undefined;
  if (!vsix) throw new Error('npm run package wrote no dist/*.vsix');
  return join(dist, vsix);
}

async function setUp(): Promise<Context> {
  const toolchain = await provision((l) => console.log(`provision: ${l}`));
  if (toolchain.installSeconds > 0)
    console.log(`e2e: provisioning took ${toolchain.installSeconds.toFixed(0)} s`);
  const vsix = packageVsix();

  // Imported here so that a broken emulator fails the setup step with the summary line printed.
  const { startEmulator } = await import('../emulator/index');
  const emu = await startEmulator({ scenario: 'default', port: 0, logIntervalMs: 500, lroPolls: 2 });
  cleanups.push(() => emu.stop());
  bindScenario(emu.scenario);
  console.log(`e2e: emulator at ${emu.url}`);

  // The test host runs the integration suites inside code-server's extension host (last step).
  const hostDir = mkdtempSync(join(tmpdir(), 'amlmonitor-e2e-host-'));
  cleanups.push(() => Promise.resolve(rmSync(hostDir, { recursive: true, force: true })));
  const hostVsix = await packageTestHost(hostDir);
  const hostResultsPath = join(hostDir, 'results.json');
  // Every integration suite but the scale one (a minute of paging through thousands of resources,
  // already run by `npm run test:integration`); AML_E2E_HOST_SUITES=all includes it.
  const integrationFiles = globSync('test/integration/**/*.test.ts', { cwd: repoRoot })
    .filter((f) => process.env.AML_E2E_HOST_SUITES === 'all' || !/scale/i.test(f))
    .map((f) => join(repoRoot, f));

  const cs: CodeServer = await startCodeServer({
    toolchain,
    vsix,
    extraVsix: [hostVsix],
    env: {
      AML_REPO_ROOT: repoRoot,
      AML_HOST_RESULTS: hostResultsPath,
      AML_HOST_TEST_FILES: JSON.stringify(integrationFiles),
    },
    emulatorUrl: emu.url,
    caPath: emu.caPath,
    log: (l) => console.log(`e2e: ${l}`),
  });
  cleanups.push(() => cs.stop());

  const wb = await Workbench.launch(toolchain.chromium, artifacts);
  cleanups.push(() => wb.close());
  await wb.open(cs.folderUrl);
  return { emu, cs, wb, artifacts, hostResultsPath };
}

async function main(): Promise<number> {
  const started = Date.now();
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  let passed = 0;
  let failed = 0;

  let ctx: Context;
  try {
    ctx = await timed(
      'setting up (provisioning, emulator, code-server, workbench)',
      SETUP_TIMEOUT_MS,
      setUp(),
    );
    await ctx.wb.screenshot('00-workbench');
    console.log(`✔ workbench ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    passed++;
  } catch (e) {
    const missing =
      e instanceof ProvisioningError ? ' (provisioning: something the suite needs is missing)' : '';
    console.error(`✖ setup failed${missing}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    failed += 1 + steps.length;
    console.error(`✖ ${steps.length} steps not run because setup failed`);
    await cleanup();
    console.log(`\n${passed} passed, ${failed} failed`);
    return 1;
  }

  for (const [i, step] of steps.entries()) {
    if (interrupted) break;
    const n = String(i + 1).padStart(2, '0');
    const t0 = Date.now();
    try {
      await timed(`step "${step.name}"`, step.timeoutMs ?? 90_000, step.run(ctx, `${n}-${step.slug}`));
      await ctx.wb.screenshot(`${n}-${step.slug}`);
      if (ctx.wb.dialogs.length > 0)
        throw new Error(`a JavaScript dialog opened: ${ctx.wb.dialogs.join(' | ')}`);
      console.log(`✔ ${step.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      passed++;
    } catch (e) {
      failed++;
      console.error(
        `✖ ${step.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n  ${e instanceof Error ? (e.stack ?? e.message).replace(/\n/g, '\n  ') : String(e)}`,
      );
      await ctx.wb.screenshot(`${n}-${step.slug}-FAILED`).catch(() => undefined);
      ctx.cs.saveLogs(join(artifacts, 'logs'));
      await ctx.wb.escape(3).catch(() => undefined);
    }
  }

  await cleanup();
  console.log(`e2e: screenshots in ${artifacts} (${((Date.now() - started) / 1000).toFixed(1)} s in all)`);
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (e: unknown) => {
    console.error(`e2e: ${String(e)}`);
    await cleanup();
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  },
);
