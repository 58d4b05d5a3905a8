// The README's test command: static checks, then unit, integration, contract and end-to-end tests.
// Each step runs in its own process; the first failure stops the run with its exit code.
import { spawnSync } from 'node:child_process';

const steps = [
  ['typecheck', ['run', 'typecheck']],
  ['lint', ['run', 'lint']],
  ['build', ['run', 'build']],
  ['unit', ['run', 'test:unit']],
  // The local Azure emulator's own query engine (test support, not extension code).
  ['emulator', ['run', 'test:emulator']],
  ['integration', ['run', 'test:integration']],
  // The read-only Azure check against the emulator; its recording is replayed by the contracts step.
  ['check-azure', ['run', 'check:azure', '--', '--emulator']],
  ['contracts', ['run', 'test:contracts']],
  ['package', ['run', 'package']],
  ['e2e', ['run', 'test:e2e']],
];
const only = process.env.AML_TEST_STEPS?.split(',');
for (const [name, args] of steps) {
  if (only && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync('npm', args, { stdio: 'inherit' });
  console.log(
    `=== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`,
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}
