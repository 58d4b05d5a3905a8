// A chart line cut into short runs, each stroked on its own. Chromium rasterizes a canvas stroke
// wider than one device pixel by outlining the whole path and filling the outline with
// anti-aliasing; for a jagged line of ~1,000 segments that costs far more than the sum of its parts
// (Skia has a fast path only for hairlines: linebender/tiny-skia#158 explains the two renderers,
// leeoniya/uPlot#1067 reports the slowdown). Measured in Debian's Chromium without a GPU: one
// chart of 10 noisy series × 1,440 points took ~400 ms as one stroke per series and ~45 ms in runs
// of 64 segments (bench/metricsCharts.bench.ts prints the page's figures). Pure: no DOM.

/** Segments per stroke: short enough to stay cheap, long enough to keep the call count low. */
export const SEGMENTS_PER_RUN = 64;

/**
 * The points to draw for `ys[i0..i1]` against `xs`, in device pixels, as runs of at most
 * `maxSegments` segments. A null or missing value is a gap: the line stops and starts again after
 * it (never drawn through, never drawn as zero). Consecutive runs share one segment so every join
 * is drawn. Several points on one pixel column are reduced to the column's entry, extremes and exit,
 * as uPlot's own linear paths do, so a dense series costs what its width costs. A stretch of one
 * point between gaps draws nothing (as a line of one point draws nothing).
 */
export function lineRuns(
  xs: ArrayLike<number>,
  ys: ArrayLike<number | null | undefined>,
  i0: number,
  i1: number,
  toX: (value: number) => number,
  toY: (value: number) => number,
  maxSegments = SEGMENTS_PER_RUN,
): Float64Array[] {
  const runs: Float64Array[] = [];
  // The stretch being built, as x0, y0, x1, y1, …
  let stretch: number[] = [];
  // The pixel column being accumulated: its x, entry y, extremes and exit y.
  let column: { x: number; first: number; min: number; max: number; last: number } | undefined;

  const push = (x: number, y: number) => {
    const n = stretch.length;
    if (n >= 2 && stretch[n - 2] === x && stretch[n - 1] === y) return;
    stretch.push(x, y);
  };
  const closeColumn = () => {
    if (!column) return;
    const { x, first, min, max, last } = column;
    // Entry was pushed when the column opened; then the extremes in the order that keeps the line
    // short, then the exit.
    if (first <= last) {
      if (min < first) push(x, min);
      if (max > last) push(x, max);
    } else {
      if (max > first) push(x, max);
      if (min < last) push(x, min);
    }
    push(x, last);
    column = undefined;
  };
  const closeStretch = () => {
    closeColumn();
    const points = stretch.length / 2;
    if (points >= 2) {
      for (let start = 0; start < points - 1; start += maxSegments) {
        const end = Math.min(points - 1, start + maxSegments);
        // Runs overlap by one segment: the join at each run's first inner point is drawn.
        const from = Math.max(0, start - 1);
        runs.push(Float64Array.from(stretch.slice(from * 2, (end + 1) * 2)));
      }
    }
    stretch = [];
  };

  for (let i = Math.max(0, i0); i <= i1 && i < xs.length; i++) {
    const value = ys[i];
    if (value === null || value === undefined || !Number.isFinite(value)) {
      closeStretch();
      continue;
    }
    const x = toX(xs[i]!);
    const y = toY(value);
    if (column && column.x === x) {
      column.min = Math.min(column.min, y);
      column.max = Math.max(column.max, y);
      column.last = y;
      continue;
    }
    closeColumn();
    push(x, y);
    column = { x, first: y, min: y, max: y, last: y };
  }
  closeStretch();
  return runs;
}
