// The grid's filter and sort (src/webview/gridView.ts) against a naive reference: per cell, the
// displayed text folded and searched with includes(); sort by Array.prototype.sort (stable) with
// nulls last. Seeded generated tables with non-ASCII text, nulls, NaN, booleans and ties.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packText, type ColumnarTable, type GridColumn } from '../../src/core/queryResult';
import { cellText } from '../../src/webview/format';
import {
  buildView,
  compareRows,
  filterNeedle,
  foldCase,
  GridSearch,
  searchTextOf,
  type GridSort,
} from '../../src/webview/gridView';
import { seededRandom } from '../emulator/random';

function text(name: string, values: (string | null)[], kind: 'string' | 'dynamic' = 'string'): GridColumn {
  return { name, sourceType: kind, kind, ...packText(values) };
}
function num(name: string, values: number[], kind: 'number' | 'datetime' = 'number'): GridColumn {
  return {
    name,
    sourceType: kind === 'number' ? 'real' : 'datetime',
    kind,
    values: Float64Array.from(values),
  };
}
function bool(name: string, values: (boolean | null)[]): GridColumn {
  return {
    name,
    sourceType: 'bool',
    kind: 'bool',
    values: Int8Array.from(values.map((v) => (v === null ? -1 : v ? 1 : 0))),
  };
}
function table(...columns: GridColumn[]): ColumnarTable {
  const first = columns[0];
  const rowCount = !first ? 0 : 'values' in first ? first.values.length : first.offsets.length - 1;
  return { rowCount, columns };
}

// ---- the reference ------------------------------------------------------------------------------

function naiveFilter(t: ColumnarTable, filter: string): number[] {
  const needle = foldCase(filter.trim());
  const rows: number[] = [];
  for (let r = 0; r < t.rowCount; r++) {
    if (!needle || t.columns.some((c) => naiveSearchText(c, r).includes(needle))) rows.push(r);
  }
  return rows;
}

/** What a cell is searched by, written out without the module's helpers. */
function naiveSearchText(c: GridColumn, r: number): string {
  if (c.kind === 'number') return Number.isNaN(c.values[r]!) ? '' : String(c.values[r]);
  return foldCase(cellText(c, r));
}

/** The sort key of a cell: null for NaN/null, so nulls can go last whichever the direction. */
function key(c: GridColumn, r: number): string | number | null {
  if (c.kind === 'number' || c.kind === 'datetime') return Number.isNaN(c.values[r]!) ? null : c.values[r]!;
  if (c.kind === 'bool') return c.values[r]! < 0 ? null : c.values[r]!;
  return c.kind === 'string' || c.kind === 'dynamic' ? (c.nulls?.[r] === 1 ? null : cellText(c, r)) : null;
}

function naiveView(t: ColumnarTable, filter: string, sort?: GridSort): number[] {
  const rows = naiveFilter(t, filter);
  const col = sort && t.columns.find((c) => c.name === sort.column);
  if (!sort || !col) return rows;
  // Array.prototype.sort is stable: ties keep the result's order.
  return rows.sort((a, b) => {
    const x = key(col, a);
    const y = key(col, b);
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
    if (x === y) return 0;
    return (x < y ? -1 : 1) * (sort.descending ? -1 : 1);
  });
}

function view(t: ColumnarTable, filter: string, sort?: GridSort): number[] {
  const v = buildView(new GridSearch(t), filter, sort);
  return v ? Array.from(v) : Array.from({ length: t.rowCount }, (_, r) => r);
}

// ---- cases ------------------------------------------------------------------------------------

void describe('grid filter', () => {
  void it('does not match across the boundary of two cells', () => {
    const t = table(text('a', ['xab', 'cy', 'abc', null, 'zzab']));
    // "abc" spans rows 0/1 in the packed text ("xab" + "cy"): only row 2 holds it.
    assert.deepEqual(view(t, 'abc'), [2]);
    assert.deepEqual(view(t, 'bc'), [2]);
    assert.deepEqual(view(t, 'ab'), [0, 2, 4]);
    assert.deepEqual(view(t, 'ab'), naiveView(t, 'ab'));
  });

  void it('folds case in non-ASCII text, also where folding changes length or depends on context', () => {
    const t = table(
      text('msg', ['ÉCOLE', 'straße', 'Ankara', 'ΟΔΟΣ', 'Αθήνα', '日本語テキスト', '🙂 ok', 'plain']),
      // İ lower-cases to two units: that column takes the cell-by-cell path, the other the packed one.
      text('tail', ['x', 'y', 'İstanbul', 'A', 'b', 'c', 'd', 'e']),
    );
    for (const needle of [
      'école',
      'STRASSE',
      'straße',
      'i̇stanbul',
      'istanbul',
      'οδος',
      'ΟΔΟΣ',
      'οδοσ',
      'θήν',
      '本語',
      '🙂',
      'ok',
      'a',
    ])
      assert.deepEqual(view(t, needle), naiveView(t, needle), needle);
    // The final sigma: "ΟΔΟΣ" followed by "A" in the next cell still matches "οδος".
    assert.deepEqual(view(t, 'οδος'), [3]);
  });

  void it('counts a row matched by several columns once', () => {
    const t = table(text('a', ['needle', 'x', 'needle']), text('b', ['needle', 'needle', 'y']));
    assert.deepEqual(view(t, 'needle'), [0, 1, 2]);
  });

  void it('searches numbers in their plain form and never matches a null or NaN', () => {
    const t = table(num('n', [1.5, NaN, 1234567, -0.25]), text('s', [null, 'nan', null, 'null']));
    assert.deepEqual(view(t, '1234567'), [2]);
    assert.deepEqual(view(t, 'nan'), [1]);
    assert.deepEqual(view(t, 'null'), [3]);
    assert.equal(searchTextOf(t.columns[0]!, 1), '');
  });

  void it('ignores the blanks around the filter; an empty filter shows every row in order', () => {
    const t = table(text('a', ['a b', 'c']));
    assert.equal(filterNeedle('  A B '), 'a b');
    assert.equal(buildView(new GridSearch(t), '   ', undefined), undefined);
  });
});

void describe('grid sort', () => {
  void it('puts NaN, null and missing booleans last in both directions, and keeps ties in result order', () => {
    const t = table(
      num('n', [3, NaN, 1, 3, NaN, 2]),
      text('s', ['b', null, 'a', 'b', 'c', null]),
      bool('f', [true, null, false, true, false, null]),
    );
    for (const column of ['n', 's', 'f'])
      for (const descending of [false, true]) {
        const sort = { column, descending };
        assert.deepEqual(view(t, '', sort), naiveView(t, '', sort), `${column} ${String(descending)}`);
      }
    assert.deepEqual(view(t, '', { column: 'n', descending: false }), [2, 5, 0, 3, 1, 4]);
    assert.deepEqual(view(t, '', { column: 'n', descending: true }), [0, 3, 5, 2, 1, 4]);
  });

  void it('compareRows orders equal values by row, so any sort algorithm gives the stable order', () => {
    const cmp = compareRows(num('n', [1, 1, 1]), true);
    assert.ok(cmp(0, 1) < 0 && cmp(2, 1) > 0);
  });

  void it('ignores a sort on a column the result does not have', () => {
    const t = table(text('a', ['b', 'a']));
    assert.deepEqual(view(t, '', { column: 'gone', descending: false }), [0, 1]);
  });
});

const rng = seededRandom;

void describe('grid view against the reference on generated tables', () => {
  // Few distinct pieces, so needles hit inside cells, across boundaries and in several columns.
  const pieces = ['a', 'b', 'ab', 'Σ', 'σ', 'ς', 'é', 'É', 'İ', 'ß', '🙂', ' ', '{"x":1}', '0', '1.5'];
  void it('matches the reference for 300 seeded tables, filters and sorts', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      const rows = 1 + Math.floor(r() * 30);
      const cell = (): string | null =>
        r() < 0.15 ? null : Array.from({ length: Math.floor(r() * 4) }, () => pick(pieces)).join('');
      const t = table(
        text('s', Array.from({ length: rows }, cell)),
        text('d', Array.from({ length: rows }, cell), 'dynamic'),
        num(
          'n',
          Array.from({ length: rows }, () => (r() < 0.2 ? NaN : pick([0, 1, 1.5, -2, 10, 15]))),
        ),
        bool(
          'f',
          Array.from({ length: rows }, () => (r() < 0.2 ? null : r() < 0.5)),
        ),
      );
      const filter =
        r() < 0.2 ? '' : Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(pieces)).join('');
      const sort = r() < 0.5 ? { column: pick(['s', 'd', 'n', 'f']), descending: r() < 0.5 } : undefined;
      assert.deepEqual(
        view(t, filter, sort),
        naiveView(t, filter, sort),
        `seed ${seed}: "${filter}" ${JSON.stringify(sort)}`,
      );
    }
  });
});
