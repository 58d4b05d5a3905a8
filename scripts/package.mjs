// Builds for production and writes exactly one .vsix under dist/ with @vscode/vsce.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, readFileSync } from 'node:fs';

mkdirSync('dist', { recursive: true }); // a fresh clone has none yet (npm run demo packages first)

for (const f of readdirSync('dist', { withFileTypes: true }).filter((d) => d.name.endsWith('.vsix'))) {
  rmSync(`dist/${f.name}`);
}
execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = `dist/${name}-${version}.vsix`;
execFileSync(
  process.execPath,
  // --no-rewrite-relative-links: the README's images stay relative (shown from inside the package);
  // without a repository URL vsce otherwise refuses any relative image.
  [
    'node_modules/@vscode/vsce/vsce',
    'package',
    '--no-dependencies',
    '--allow-missing-repository',
    '--skip-license',
    '--no-rewrite-relative-links',
    '--out',
    out,
  ],
  { stdio: 'inherit' },
);
console.log(`package: ${out}`);
