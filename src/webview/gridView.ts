// What the grid shows, without the DOM: which rows match the filter, in which order. Pure (no
// document, no window), so the unit tests check it against a naive reference
// (test/unit/gridView.test.ts) and the bench times it (bench/queryGrid.bench.ts).
import { decodeText, unpackText, type ColumnarTable, type GridColumn } from '../core/queryResult';
import { cellText } from './format';

/** The filter box applies what was typed after this pause (the bench reads it from here). */
export const FILTER_DEBOUNCE_MS = 120;

export interface GridSort {
  column: string;
  descending: boolean;
}

/**
 * Case folding for the filter: lower case, and final sigma as sigma (a whole column lower-cased at
 * once picks σ or ς by the next cell's first letter; one cell alone picks by its own end).
 */
export function foldCase(text: string): string {
  const lower = text.toLowerCase();
  return lower.includes('ς') ? lower.replaceAll('ς', 'σ') : lower;
}

/** The needle a filter box's text searches for ('' shows every row). */
export function filterNeedle(filter: string): string {
  return foldCase(filter.trim());
}

/**
 * The text a cell is searched by: what it shows, folded. Numbers in their plain form (Intl
 * formatting of 500,000 values costs seconds), nulls as ''.
 */
export function searchTextOf(col: GridColumn, row: number): string {
  if (col.kind === 'number') {
    const v = col.values[row]!;
    return Number.isNaN(v) ? '' : String(v);
  }
  return foldCase(cellText(col, row));
}

/** One column's search text, packed: every cell's text back to back, and where each cell starts. */
interface PackedSearch {
  text: string;
  offsets: Uint32Array;
}

/** Searches a table's cells; builds each column's packed search text once, on first use. */
export class GridSearch {
  private readonly packed = new Map<number, PackedSearch>();

  constructor(readonly table: ColumnarTable) {}

  private column(c: number): PackedSearch {
    const cached = this.packed.get(c);
    if (cached) return cached;
    const col = this.table.columns[c]!;
    let search: PackedSearch | undefined;
    if (col.kind === 'string' || col.kind === 'dynamic') {
      const decoded = decodeText(col);
      const folded = foldCase(decoded.text);
      // Folding can change the length of a few characters (İ); the offsets then no longer fit.
      if (folded.length === decoded.text.length) search = { text: folded, offsets: decoded.offsets };
    }
    if (!search) {
      const n = this.table.rowCount;
      const parts = new Array<string>(n);
      const offsets = new Uint32Array(n + 1);
      let length = 0;
      for (let r = 0; r < n; r++) {
        const t = searchTextOf(col, r);
        parts[r] = t;
        length += t.length;
        offsets[r + 1] = length;
      }
      search = { text: parts.join(''), offsets };
    }
    this.packed.set(c, search);
    return search;
  }

  /**
   * Rows (ascending) where any column's cell contains `needle` (already folded, non-empty):
   * indexOf over each packed column, a hit counted only when it lies inside one cell.
   */
  matchRows(needle: string): Uint32Array {
    const n = this.table.rowCount;
    const hit = new Uint8Array(n);
    for (let c = 0; c < this.table.columns.length; c++) {
      const { text, offsets } = this.column(c);
      let row = 0;
      let pos = text.indexOf(needle, 0);
      while (pos !== -1) {
        while (row < n && offsets[row + 1]! <= pos) row++;
        if (row >= n) break;
        if (hit[row] || pos + needle.length <= offsets[row + 1]!) {
          hit[row] = 1;
          // Go on past this cell, and past the following rows another column matched already.
          let next = row + 1;
          while (next < n && hit[next]) next++;
          pos = next < n ? text.indexOf(needle, offsets[next]) : -1;
        } else {
          // Runs across a cell boundary: not a match; look again from the next character.
          pos = text.indexOf(needle, pos + 1);
        }
      }
    }
    let count = 0;
    for (let r = 0; r < n; r++) count += hit[r]!;
    const rows = new Uint32Array(count);
    for (let r = 0, i = 0; r < n; r++) if (hit[r]) rows[i++] = r;
    return rows;
  }
}

/**
 * Orders rows by one column. Nulls (NaN, null) last in both directions; equal values keep the
 * result's order (the sort is stable in both directions). Text compares by UTF-16 code units.
 */
export function compareRows(col: GridColumn, descending: boolean): (a: number, b: number) => number {
  const dir = descending ? -1 : 1;
  switch (col.kind) {
    case 'datetime':
    case 'number': {
      const v = col.values;
      return (a, b) => {
        const x = v[a]!;
        const y = v[b]!;
        if (Number.isNaN(x)) return Number.isNaN(y) ? a - b : 1;
        if (Number.isNaN(y)) return -1;
        return x === y ? a - b : (x < y ? -1 : 1) * dir;
      };
    }
    case 'bool': {
      const v = col.values;
      return (a, b) => {
        const x = v[a]!;
        const y = v[b]!;
        if (x < 0) return y < 0 ? a - b : 1;
        if (y < 0) return -1;
        return x === y ? a - b : (x - y) * dir;
      };
    }
    default: {
      const v = unpackText(col);
      return (a, b) => {
        const x = v[a];
        const y = v[b];
        if (x == null) return y == null ? a - b : 1;
        if (y == null) return -1;
        return x === y ? a - b : (x < y ? -1 : 1) * dir;
      };
    }
  }
}

/**
 * The rows to show, in display order, after filter and sort; undefined when that is every row in
 * the result's order.
 */
export function buildView(
  search: GridSearch,
  filter: string,
  sort: GridSort | undefined,
): Uint32Array | undefined {
  const { table } = search;
  const needle = filterNeedle(filter);
  let rows: Uint32Array | undefined = needle ? search.matchRows(needle) : undefined;
  const col = sort ? table.columns.find((c) => c.name === sort.column) : undefined;
  if (sort && col) {
    if (!rows) {
      rows = new Uint32Array(table.rowCount);
      for (let r = 0; r < rows.length; r++) rows[r] = r;
    }
    rows.sort(compareRows(col, sort.descending));
  }
  return rows;
}
