// A structural bound on what the log tail keeps between polls (issue 17 defect 10): one window.
// Measured as the heap still in use after full collections, not as time. Pieces of a window kept
// across polls (the log's first line, the printed start of a growing line) used to be slices of
// their window, and V8 keeps a slice's whole parent string alive: three windows in this run.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type LogTailState, nextLogLines } from '../../src/core/logTail';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const line = (i: number): string => `${String(i).padStart(8, '0')} ${'x'.repeat(90)}`;
/** Lines [from, to), then an unterminated last line when given: a fresh string of about 4 MB. */
function window(from: number, to: number, open = ''): string {
  const lines: string[] = [];
  for (let i = from; i < to; i++) lines.push(line(i));
  return `${lines.join('\n')}\n${open}`;
}

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

void it('keeps one window between polls, not slices of older ones', () => {
  const tail = 35_001;
  const baseline = heapAfterGc();
  let state: LogTailState | undefined;
  let last = 0;
  // The whole log, then full windows whose last line is being written: held, printed once it
  // stays the same for a poll, then growing. Every poll is a fresh string, as from the network.
  const polls: (() => string)[] = [
    () => window(0, 30_000),
    () => window(0, 35_000, 'Loading'),
    () => window(0, 35_000, 'Loading'),
    () => window(0, 35_000, 'Loading more'),
    () => window(0, 35_000, 'Loading more and more'),
  ];
  for (const poll of polls) {
    const snapshot = poll();
    last = snapshot.length;
    const result = nextLogLines(state, snapshot, tail);
    assert.notEqual(result.event, 'reset');
    assert.notEqual(result.event, 'gap');
    state = result.state;
  }
  assert.equal(state?.printedPart, 'Loading');
  const kept = heapAfterGc() - baseline;
  // One window is `last` bytes (one-byte strings); the old code kept three here.
  assert.ok(
    kept < 1.5 * last,
    `kept ${(kept / 1e6).toFixed(1)} MB for a ${(last / 1e6).toFixed(1)} MB window`,
  );
  assert.ok(state);
});
