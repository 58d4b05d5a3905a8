// Speed of the new-lines algorithm (src/core/logTail.ts): per-poll cost on a typical window, and
// throughput on large snapshots. Prints figures; never asserts on time.
import { nextLogLines, type LogTailState } from '../src/core/logTail';
import { LogFollower } from '../src/logs/follower';

const line = (i: number): string =>
  `2026-11-23T22:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z I [${i % 8}] azmlinfsrv - POST /score 200 ${(i * 7) % 997}ms request-id=${(i * 2654435761) >>> 0}`;
const lines = (from: number, to: number): string => {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(line(i));
  return out.join('\n') + '\n';
};

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? NaN;
}

function timeUs(run: () => void, runs: number): number {
  for (let i = 0; i < Math.min(50, runs); i++) run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return median(samples);
}

function stateOf(text: string, tail: number): LogTailState {
  return nextLogLines(undefined, text, tail).state;
}

export default async function bench(): Promise<void> {
  const tail = 10_000;
  const prev = stateOf(lines(0, tail), tail);
  const next = lines(100, tail + 100);
  let emitted = 0;
  const perPoll = timeUs(() => {
    emitted = nextLogLines(prev, next, tail).lines.length;
  }, 500);
  console.log(
    `10,000-line snapshot (${(next.length / 1e6).toFixed(2)} MB), 100 new lines: ${perPoll.toFixed(1)} µs per call (median of 500), ${emitted} lines emitted`,
  );
  const perPollLines = timeUs(() => nextLogLines(prev, next, tail, { forceLineMatch: true }), 100);
  console.log(`  same, line-matching (KMP) path forced: ${perPollLines.toFixed(1)} µs per call`);

  const pingPrev = stateOf('GET /health 200\n'.repeat(tail), tail);
  const pingNext = 'GET /health 200\n'.repeat(tail);
  console.log(
    `10,000 identical lines: ${timeUs(() => nextLogLines(pingPrev, pingNext, tail), 200).toFixed(1)} µs per call`,
  );

  for (const size of [100_000, 1_000_000]) {
    const big = size / 2;
    const a = stateOf(lines(0, size), size);
    const b = lines(big, size + big); // half the window is new
    const us = timeUs(() => nextLogLines(a, b, size), size >= 1_000_000 ? 5 : 20);
    const usLines = timeUs(
      () => nextLogLines(a, b, size, { forceLineMatch: true }),
      size >= 1_000_000 ? 3 : 10,
    );
    console.log(
      `${size.toLocaleString('en')}-line snapshot, ${big.toLocaleString('en')} new: ${(us / 1000).toFixed(1)} ms, ` +
        `${Math.round((size / us) * 1e6).toLocaleString('en')} lines/s (line path: ${Math.round((size / usLines) * 1e6).toLocaleString('en')} lines/s)`,
    );
  }

  // 10 MB of these lines, the window advanced by 1,000 lines.
  const averageLength = lines(0, 1000).length / 1000;
  const count = Math.ceil((10 * 1024 * 1024) / averageLength);
  const tenPrev = stateOf(lines(0, count), count);
  const tenNext = lines(1000, count + 1000);
  const tenUs = timeUs(() => nextLogLines(tenPrev, tenNext, count), 10);
  console.log(
    `${(tenNext.length / 1024 / 1024).toFixed(1)} MB snapshot (${count.toLocaleString('en')} lines), 1,000 new: ${(tenUs / 1000).toFixed(1)} ms`,
  );
  const firstUs = timeUs(() => nextLogLines(undefined, tenNext, count), 10);
  console.log(
    `  first poll of the same snapshot (the new lines are a slice of it, not split): ${(firstUs / 1000).toFixed(1)} ms`,
  );
  await followerBlocking(tenNext, count);
}

/** The longest the event loop stays blocked while a follower prints a 10 MB first window. */
async function followerBlocking(snapshot: string, tail: number): Promise<void> {
  let longest = 0;
  let last = performance.now();
  const monitor = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  let appended = 0;
  const follower = new LogFollower({
    fetch: () => Promise.resolve(snapshot),
    sink: { append: (text) => (appended += text.length), status: () => undefined },
    messages: {
      restarted: () => '',
      skipped: () => '',
      reconnecting: () => '',
      reconnected: () => '',
      ended: () => '',
    },
    tailLines: () => tail,
    maxTailLines: tail,
    pollIntervalMs: () => 60_000,
    maxBackoffMs: () => 60_000,
  });
  const started = performance.now();
  follower.start();
  while (appended < snapshot.length) await new Promise((r) => setTimeout(r, 1));
  const total = performance.now() - started;
  follower.stop();
  clearInterval(monitor);
  console.log(
    `10 MB first print through the follower (scrubbed, in chunks): ${total.toFixed(0)} ms in all, longest event-loop block ${longest.toFixed(0)} ms`,
  );
}
