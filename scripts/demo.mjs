// `npm run demo`: from a fresh clone to the extension running in a real VS Code (code-server) in
// your browser, against the local Azure emulator. Installs dependencies when node_modules is
// missing, builds and packages the .vsix, then runs test/e2e/demo.ts, which provisions code-server
// (cached), starts the emulator and code-server, and prints the URL. Ctrl+C stops everything.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// A Node >= 22 for the build and the emulator (the machine's may be older); code-server gets Node 24.
const nodeBin = execFileSync('bash', [join(root, 'scripts', 'provision-node.sh')], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
})
  .trim()
  .split('\n')
  .pop();
const env = { ...process.env, PATH: `${nodeBin}:${process.env.PATH ?? ''}` };
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, env, stdio: 'inherit' });

try {
  if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
    console.log('demo: installing dependencies (npm ci)');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
  console.log('demo: building and packaging the extension');
  run('npm', ['run', 'package']);
} catch {
  console.error('demo: the install or build failed (see above)');
  process.exit(1);
}

const child = spawn(join(nodeBin, 'node'), ['--import', 'tsx', join(root, 'test', 'e2e', 'demo.ts')], {
  cwd: root,
  env,
  stdio: 'inherit',
});
// Ctrl+C reaches the child too (same process group); it stops code-server and the emulator and
// exits. Here we only wait for it, and forward signals that came from elsewhere.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
