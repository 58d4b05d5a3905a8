// Peak memory of the log follower (src/logs/follower.ts) for a 10 MB window, as a ratio to the
// window (issue 17 defect 10, goal <= 5x). A process's peak RSS mostly says how much garbage V8 let
// pile up before collecting it (every poll drops a 10 MB snapshot), so the figure held to the goal
// is the heap the follower needs: each shape runs in a child process (followerMemory.child.ts)
// under a fixed V8 heap limit, and bisection finds the smallest limit, beyond the heap in use
// before the follower started, under which it still follows every poll (to STEP). The snapshot a
// poll is given counts. A floor run without a follower (take each snapshot, keep the last) is
// measured the same way, and each line also prints the peak RSS growth under V8's default heap.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Shape } from './followerMemory.child';

const GOAL = 5;
/** Ratios searched, and the step the bisection stops at. */
const MAX_RATIO = 48;
const STEP = 0.25;
const MiB = 1024 * 1024;

const SHAPES: { shape: Shape; what: string }[] = [
  { shape: 'lf', what: 'ordinary lines (LF), sliding 1,000 lines a poll' },
  { shape: 'crlf', what: 'same with CRLF' },
  { shape: 'growing', what: 'last line written in pieces' },
  { shape: 'short', what: '8-character lines (1.2 M a window)' },
  { shape: 'restart', what: 'restart whose new log fills the window' },
];

interface Run {
  ok: boolean;
  baseline: number;
  window: number;
  baseRss: number;
  peakRss: number;
}

function run(shape: Shape, heapLimitMiB?: number, floor = false): Run {
  // Under a limit the young generation is kept small too, so that the limit is the follower's budget.
  const flags = ['--expose-gc'];
  if (heapLimitMiB !== undefined)
    flags.push('--max-semi-space-size=1', `--max-old-space-size=${heapLimitMiB}`);
  const child = spawnSync(
    process.execPath,
    [
      ...flags,
      '--import',
      'tsx',
      join(__dirname, 'followerMemory.child.ts'),
      shape,
      ...(floor ? ['floor'] : []),
    ],
    { encoding: 'utf8', maxBuffer: 64 * MiB },
  );
  const m = /baseline (\d+) window (\d+) printed \d+ rss (\d+) peakRss (\d+)/.exec(child.stdout);
  return {
    ok: child.status === 0 && m !== null,
    baseline: Number(m?.[1] ?? NaN),
    window: Number(m?.[2] ?? NaN),
    baseRss: Number(m?.[3] ?? NaN),
    peakRss: Number(m?.[4] ?? NaN),
  };
}

/** The smallest heap (beyond the baseline) the run completes in, and its peak RSS growth with V8's default heap, as ratios to the window. */
function measure(shape: Shape, floor = false): { heap: number; rss: number; window: number } | undefined {
  const free = run(shape, undefined, floor);
  if (!free.ok) throw new Error(`follower memory child failed on ${shape}`);
  const limitFor = (ratio: number) => Math.ceil((free.baseline + ratio * free.window) / MiB);
  const rss = (free.peakRss - free.baseRss) / free.window;
  if (!run(shape, limitFor(MAX_RATIO), floor).ok) return undefined;
  let fits = MAX_RATIO;
  let fails = 0;
  while (fits - fails > STEP) {
    const mid = (fits + fails) / 2;
    if (run(shape, limitFor(mid), floor).ok) fits = mid;
    else fails = mid;
  }
  return { heap: fits, rss, window: free.window };
}

const x = (ratio: number) => `${ratio.toFixed(2)}x`;

export default function bench(): Promise<void> {
  const floor = measure('lf', true);
  if (floor)
    console.log(
      `floor (no follower: take each 10 MB snapshot, keep the last): heap needed ${x(floor.heap)} the window, ` +
        `peak RSS growth ${x(floor.rss)} (V8 collects the dropped snapshots lazily)`,
    );
  let worst = 0;
  for (const { shape, what } of SHAPES) {
    const m = measure(shape);
    if (!m) {
      console.log(`${what}: needs a heap of more than ${MAX_RATIO}x the window`);
      worst = Infinity;
      continue;
    }
    worst = Math.max(worst, m.heap);
    console.log(
      `${what}: heap needed ${((m.heap * m.window) / MiB).toFixed(1)} MB = ${x(m.heap)} the ${(m.window / MiB).toFixed(0)} MB window ` +
        `(peak RSS growth with V8's default heap ${x(m.rss)})`,
    );
  }
  console.log(
    `follower peak memory, worst shape: ${x(worst)} the window (goal <= ${GOAL}x: ${worst <= GOAL ? 'met' : 'NOT met'})`,
  );
  return Promise.resolve();
}
