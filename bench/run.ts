// `npm run bench`: builds, then runs every bench/*.bench.ts (or those named on the command line)
// in turn. Benchmarks print figures and ratios measured in this run; they never assert on time.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
    .sort();
  let failed = 0;
  for (const file of files) {
    console.log(`\n## ${file.replace('.bench.ts', '')}`);
    try {
      const mod = (await import(pathToFileURL(join(__dirname, file)).href)) as {
        default: () => Promise<void>;
      };
      await mod.default();
    } catch (e) {
      failed++;
      console.error(`bench ${file} failed:`, e);
    }
  }
  if (failed > 0) process.exitCode = 1;
}

void main();
