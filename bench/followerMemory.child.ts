// One run of the log follower over a sliding 10 MB window, in a process of its own so that the
// parent (followerMemory.bench.ts) can give it a fixed heap limit. Exits 0 when every poll was
// followed and printed, and prints `baseline <bytes> window <bytes> …` (the heap in use before the
// follower starts, after a full collection, and the window). Runs out of memory (V8 aborts) when the follower's
// peak live memory does not fit the limit. With `floor` after the shape it runs no follower, only
// takes each snapshot and keeps the last: what any follower needs at least.
//
// The log's text is kept outside the V8 heap (a Buffer) and each poll decodes a fresh string from
// it, as a network answer would: the limit then covers the follower and the snapshot it is given.
import { LogFollower } from '../src/logs/follower';

export type Shape = 'lf' | 'crlf' | 'growing' | 'short' | 'restart';

const WINDOW_BYTES = 10 * 1024 * 1024;
const POLLS = 6;
const NEW_LINES_PER_POLL = 1000;

const ordinary = (i: number): string =>
  `2026-11-23T22:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z I [${i % 8}] azmlinfsrv - POST /score 200 ${(i * 7) % 997}ms request-id=${(i * 2654435761) >>> 0}`;
// Lines of 8 characters: a 10 MB window holds over a million of them.
const short = (i: number): string => `p ${String(i % 100_000).padStart(5, '0')}`;

interface Log {
  /** The lines, each with its terminator, as one latin1 buffer; starts[i] is where line i begins. */
  bytes: Buffer;
  starts: Int32Array;
  windowLines: number;
}

/** `windows` windows of lines, each followed by room for every poll's new lines. */
function buildLog(line: (i: number) => string, eol: string, windows: number): Log {
  const lineBytes = line(5000).length + eol.length;
  const windowLines = Math.ceil(WINDOW_BYTES / lineBytes);
  const count = windows * (windowLines + POLLS * NEW_LINES_PER_POLL);
  const starts = new Int32Array(count + 1);
  // Written straight into one buffer: no garbage before the baseline is taken.
  const bytes = Buffer.alloc(Math.ceil(count * (lineBytes + 8)));
  let offset = 0;
  for (let i = 0; i < count; i++) {
    starts[i] = offset;
    offset += bytes.write(line(i) + eol, offset, 'latin1');
  }
  starts[count] = offset;
  return { bytes: bytes.subarray(0, offset), starts, windowLines };
}

/** A fresh string of lines [from, to) of the log on the V8 heap, as the service's parsed answer would be. */
function text(log: Log, from: number, to: number, extraBytes = 0): string {
  // Node decodes a large buffer to an external string, outside the heap; slicing a concatenation
  // makes V8 copy it into one flat heap string.
  return ('\n' + log.bytes.toString('latin1', log.starts[from], (log.starts[to] ?? 0) + extraBytes)).slice(1);
}

export function snapshots(shape: Shape): { tail: number; polls: (() => string)[] } {
  const log = buildLog(
    shape === 'short' ? short : ordinary,
    shape === 'crlf' ? '\r\n' : '\n',
    shape === 'restart' ? 2 : 1,
  );
  const tail = log.windowLines;
  const polls = Array.from({ length: POLLS }, (_, poll) => () => {
    let end = tail + poll * NEW_LINES_PER_POLL;
    // The container restarts halfway: its new log (lines never seen before) already fills the window.
    if (shape === 'restart' && poll >= POLLS / 2)
      end += tail + POLLS * NEW_LINES_PER_POLL - 3 * NEW_LINES_PER_POLL;
    if (shape !== 'growing') return text(log, end - tail, end);
    // The last line is being written: only its first half is there yet (the next poll has all of it).
    return text(log, end - tail, end - 1, 40);
  });
  return { tail, polls };
}

async function main(): Promise<void> {
  const shape = (process.argv[2] ?? 'lf') as Shape;
  const { tail, polls } = snapshots(shape);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage().heapUsed;
  const rss = process.memoryUsage().rss;
  let printed = 0;
  let poll = 0;
  if (process.argv[3] === 'floor') {
    // The least any follower needs: take each snapshot and keep the last one (the previous window).
    let kept = '';
    for (const next of polls) {
      kept = next();
      printed += kept.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    console.log(
      `baseline ${baseline} window ${WINDOW_BYTES} printed ${printed} rss ${rss} peakRss ${process.resourceUsage().maxRSS * 1024} ${kept.length}`,
    );
    return;
  }
  const follower = new LogFollower({
    fetch: () => Promise.resolve((polls[poll++] ?? (() => ''))()),
    sink: { append: (t) => (printed += t.length), status: () => undefined },
    messages: {
      restarted: () => 'restarted',
      skipped: () => 'skipped',
      reconnecting: () => 'reconnecting',
      reconnected: () => 'reconnected',
      ended: () => 'ended',
    },
    tailLines: () => tail,
    maxTailLines: tail,
    pollIntervalMs: () => 0,
    maxBackoffMs: () => 0,
    setTimer: (run) => setImmediate(poll >= polls.length ? () => follower.stop() : run),
    clearTimer: (h) => clearImmediate(h as NodeJS.Immediate),
    onError: (e) => {
      throw e;
    },
  });
  follower.start();
  await follower.done;
  if (printed < WINDOW_BYTES) throw new Error(`only ${printed} characters printed`);
  console.log(
    `baseline ${baseline} window ${WINDOW_BYTES} printed ${printed} rss ${rss} peakRss ${process.resourceUsage().maxRSS * 1024}`,
  );
}

if (require.main === module) void main();
