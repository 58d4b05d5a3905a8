// `npm run test:desktop`: the integration suites inside VS Code desktop's extension host, next to
// the development build of the extension, through @vscode/test-electron.
//
// This cannot run on the project's build machines: @vscode/test-electron downloads VS Code from
// Microsoft's update servers (update.code.visualstudio.com), and those machines reach only the npm
// registry and Debian's packages. Run it on a machine with internet access (and a display, or
// under xvfb-run on Linux). Here, the same suites run inside code-server's extension host as the
// last step of `npm run test:e2e` (test/e2e/testHost), with the same in-host runner.
import { execFileSync } from 'node:child_process';
import { existsSync, globSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { build } from 'esbuild';

const repoRoot = resolve(import.meta.dirname, '..', '..');

async function main(): Promise<void> {
  // The development extension runs from dist/.
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  }
  const outDir = join(repoRoot, 'out', 'desktop');
  mkdirSync(outDir, { recursive: true });
  const suite = join(outDir, 'suite.js');
  await build({
    entryPoints: [join(repoRoot, 'test', 'desktop', 'suite.ts')],
    outfile: suite,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  const files = globSync('test/integration/**/*.test.ts', { cwd: repoRoot }).map((f) => join(repoRoot, f));
  const tmp = mkdtempSync(join(tmpdir(), 'amlmonitor-desktop-'));
  const workspace = join(tmp, 'workspace');
  mkdirSync(join(tmp, 'user-data', 'User'), { recursive: true });
  mkdirSync(workspace);
  writeFileSync(
    join(tmp, 'user-data', 'User', 'settings.json'),
    // http.proxySupport off: the suites trust each test emulator's CA through
    // tls.setDefaultCACertificates, which VS Code's patched https (its own CA list) would hide.
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'workbench.startupEditor': 'none',
      'http.proxySupport': 'off',
    }),
  );
  try {
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--user-data-dir',
        join(tmp, 'user-data'),
        '--disable-workspace-trust',
      ],
      extensionTestsEnv: { AML_REPO_ROOT: repoRoot, AML_HOST_TEST_FILES: JSON.stringify(files) },
    });
    console.log('test:desktop: passed');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`test:desktop: ${e instanceof Error ? e.message : String(e)}`);
  console.error(
    'test:desktop needs to download VS Code from update.code.visualstudio.com (not reachable on the project build machines).',
  );
  process.exit(1);
});
