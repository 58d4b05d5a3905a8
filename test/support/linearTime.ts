// Growth-rate check for text handling that runs on Azure-supplied input. No absolute times: the
// cost at size n and at size 4n are measured in the same run, interleaved, several times, and
// only their ratio is judged. Cost is this process's CPU time, so other processes on a busy
// machine do not count. Linear code gives about 4, quadratic about 16; the limit (10) sits
// far from both so a noisy shared machine cannot flip the verdict, and the minimum of repeated
// measurements is used because noise only ever adds time.

export interface GrowthMeasure {
  /** Size (in units of the generator) at which the smaller input was measured. */
  readonly n: number;
  /** Fastest time at n and at 4n, in ms. */
  readonly small: number;
  readonly large: number;
  readonly ratio: number;
}

/** Ratio above which growth from n to 4n counts as super-linear. */
export const SUPERLINEAR_RATIO = 10;

/** CPU time of this process (user + system) spent in one run, in ms: other processes do not count. */
function timeOnce(run: (input: string) => unknown, input: string): number {
  const started = process.cpuUsage();
  run(input);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/**
 * Measures `run` on make(n) and make(4n). n starts at `startN` and doubles until one run at n takes
 * at least `minMs` or n reaches `maxN`: runs long enough that both sizes are preempted alike on a
 * busy machine (with short runs, the small size fits between preemptions and the large one never
 * does, which inflates the ratio).
 */
export function measureGrowth(
  run: (input: string) => unknown,
  make: (n: number) => string,
  { startN = 256, maxN = 1 << 21, minMs = 20, rounds = 7 } = {},
): GrowthMeasure {
  let n = startN;
  for (;;) {
    const input = make(n);
    run(input); // warm up the JIT
    if (timeOnce(run, input) >= minMs || n >= maxN) break;
    n *= 2;
  }
  const smallInput = make(n);
  const largeInput = make(4 * n);
  let small = Infinity;
  let large = Infinity;
  for (let i = 0; i < rounds; i++) {
    small = Math.min(small, timeOnce(run, smallInput));
    large = Math.min(large, timeOnce(run, largeInput));
  }
  return { n, small, large, ratio: large / Math.max(small, 1e-3) };
}

/**
 * Measures up to `attempts` times while the verdict is super-linear and keeps the lowest ratio:
 * noise inflates a ratio now and then, a super-linear cost inflates every one.
 */
export function confirmedGrowth(
  run: (input: string) => unknown,
  make: (n: number) => string,
  options?: Parameters<typeof measureGrowth>[2],
  attempts = 3,
): GrowthMeasure {
  let best = measureGrowth(run, make, options);
  for (let i = 1; i < attempts && best.ratio > SUPERLINEAR_RATIO; i++) {
    const again = measureGrowth(run, make, options);
    if (again.ratio < best.ratio) best = again;
  }
  return best;
}
