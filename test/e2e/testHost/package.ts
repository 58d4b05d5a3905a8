// Builds the test-host extension (testHost/extension.ts) into a .vsix in a temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../provision';

export async function packageTestHost(dir: string): Promise<string> {
  const ext = join(dir, 'test-host');
  mkdirSync(ext, { recursive: true });
  await build({
    entryPoints: [join(import.meta.dirname, 'extension.ts')],
    outfile: join(ext, 'extension.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['vscode'],
    logLevel: 'warning',
  });
  writeFileSync(
    join(ext, 'package.json'),
    JSON.stringify({
      name: 'e2e-test-host',
      displayName: 'AML Monitor E2E Test Host',
      publisher: 'amlmonitor',
      version: '0.0.1',
      license: 'MIT',
      private: true,
      engines: { vscode: '^1.100.0' },
      main: './extension.js',
      activationEvents: ['onCommand:amlMonitorE2e.runIntegrationSuites'],
      extensionDependencies: ['amlmonitor.azureml-endpoint-monitor'],
      contributes: {
        commands: [
          {
            command: 'amlMonitorE2e.runIntegrationSuites',
            title: 'AML Monitor E2E: Run Integration Suites in This Extension Host',
          },
        ],
      },
    }),
  );
  writeFileSync(
    join(ext, 'README.md'),
    'Test-only extension of the Azure ML Endpoint Monitor end-to-end suite.\n',
  );
  writeFileSync(join(ext, 'LICENSE'), 'MIT\n');
  const vsix = join(dir, 'e2e-test-host.vsix');
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'),
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      '--out',
      vsix,
    ],
    { cwd: ext, stdio: 'pipe' },
  );
  return vsix;
}
