// Chart lines cut into runs (src/webview/lineRuns.ts): the runs draw exactly the polyline uPlot
// would (gaps open, every segment and every join), each run short, and a dense series reduced to
// its pixel columns. Checked against a naive reference on seeded data with gaps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineRuns } from '../../src/webview/lineRuns';

const identity = (v: number) => v;

function pointsOf(run: Float64Array): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < run.length; k += 2) out.push([run[k]!, run[k + 1]!]);
  return out;
}

/** Segments as text, for set comparison. */
function segmentsOf(points: [number, number][]): string[] {
  const out: string[] = [];
  for (let k = 1; k < points.length; k++) out.push(`${points[k - 1]!.join(',')}>${points[k]!.join(',')}`);
  return out;
}

/** The naive polyline: one stretch per run of non-null values, gaps left open. */
function reference(xs: number[], ys: (number | null)[]): [number, number][][] {
  const stretches: [number, number][][] = [];
  let current: [number, number][] = [];
  ys.forEach((y, i) => {
    if (y === null) {
      if (current.length) stretches.push(current);
      current = [];
    } else current.push([xs[i]!, y]);
  });
  if (current.length) stretches.push(current);
  return stretches;
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

void describe('lineRuns', () => {
  void it('leaves a gap open and draws nothing for a lone point between gaps', () => {
    const runs = lineRuns([0, 1, 2, 3, 4, 5, 6], [5, 6, null, 7, null, 8, 9], 0, 6, identity, identity);
    assert.deepEqual(runs.map(pointsOf), [
      [
        [0, 5],
        [1, 6],
      ],
      [
        [5, 8],
        [6, 9],
      ],
    ]);
  });

  void it('treats undefined and NaN as gaps too, and keeps to i0..i1', () => {
    const runs = lineRuns([0, 1, 2, 3, 4, 5], [1, 2, undefined, 3, Number.NaN, 4], 1, 3, identity, identity);
    assert.deepEqual(runs, []);
    const inRange = lineRuns([0, 1, 2, 3, 4], [1, 2, 3, 4, 5], 1, 3, identity, identity);
    assert.deepEqual(inRange.map(pointsOf), [
      [
        [1, 2],
        [2, 3],
        [3, 4],
      ],
    ]);
  });

  void it('draws every segment and every join of the reference, in runs of at most maxSegments + 1', () => {
    const random = seeded(14);
    for (let trial = 0; trial < 30; trial++) {
      const n = 50 + Math.floor(random() * 400);
      const maxSegments = 1 + Math.floor(random() * 40);
      const xs = Array.from({ length: n }, (_, i) => i * 3);
      const ys = xs.map(() => (random() < 0.05 ? null : Math.round(random() * 200)));
      const runs = lineRuns(xs, ys, 0, n - 1, identity, identity, maxSegments).map(pointsOf);
      const want = reference(xs, ys);
      const wantSegments = new Set(want.flatMap(segmentsOf));
      const gotSegments = new Set(runs.flatMap(segmentsOf));
      assert.deepEqual([...gotSegments].sort(), [...wantSegments].sort(), `trial ${trial}`);
      // A join is two consecutive segments; each must lie inside one run to be drawn as a join.
      const joins = (pts: [number, number][][]) =>
        new Set(
          pts.flatMap((p) =>
            p.slice(2).map((_, k) => `${p[k]!.join()}>${p[k + 1]!.join()}>${p[k + 2]!.join()}`),
          ),
        );
      const gotJoins = joins(runs);
      for (const j of joins(want)) assert.ok(gotJoins.has(j), `trial ${trial}: join ${j} not drawn`);
      for (const run of runs)
        assert.ok(run.length - 1 <= maxSegments + 1, `a run of ${run.length - 1} segments`);
    }
  });

  void it('reduces points on one pixel column to its entry, extremes and exit', () => {
    // 1,000 points over 10 pixel columns.
    const random = seeded(7);
    const xs = Array.from({ length: 1000 }, (_, i) => i / 100);
    const ys = xs.map(() => Math.round(random() * 100));
    const toX = (v: number) => Math.floor(v);
    const runs = lineRuns(xs, ys, 0, 999, toX, identity, 1000).map(pointsOf);
    assert.equal(runs.length, 1);
    const points = runs[0]!;
    assert.ok(points.length <= 10 * 4, `${points.length} points for 10 columns`);
    for (let column = 0; column < 10; column++) {
      const values = ys.slice(column * 100, column * 100 + 100);
      const drawn = points.filter(([x]) => x === column).map(([, y]) => y);
      assert.equal(drawn[0], values[0], 'enters at the first value');
      assert.equal(drawn.at(-1), values.at(-1), 'leaves at the last value');
      assert.equal(Math.min(...drawn), Math.min(...values));
      assert.equal(Math.max(...drawn), Math.max(...values));
    }
  });
});
