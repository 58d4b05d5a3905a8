// Growth-rate check for text handling that runs on Azure-supplied input. No absolute times: the
// cost at size n and at size 4n are measured in the same run, interleaved, several times, and
// only their ratio is judged. Linear code gives about 4, quadratic about 16; the limit (10) sits
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

function timeOnce(run: (input: string) => unknown, input: string): number {
  const started = process.hrtime.bigint();
  run(input);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * Measures `run` on make(n) and make(4n). n starts at `startN` and doubles until one run at n takes
 * at least `minMs` (so timer resolution does not dominate) or n reaches `maxN`.
 */
export function measureGrowth(
  run: (input: string) => unknown,
  make: (n: number) => string,
  { startN = 256, maxN = 1 << 20, minMs = 4, rounds = 7 } = {},
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

/** Measures again when the first verdict is super-linear, so a single noisy burst cannot fail a test. */
export function confirmedGrowth(
  run: (input: string) => unknown,
  make: (n: number) => string,
  options?: Parameters<typeof measureGrowth>[2],
): GrowthMeasure {
  const first = measureGrowth(run, make, options);
  if (first.ratio <= SUPERLINEAR_RATIO) return first;
  const second = measureGrowth(run, make, options);
  return second.ratio < first.ratio ? second : first;
}
