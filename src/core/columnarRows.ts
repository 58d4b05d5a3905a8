// Builds the grid's typed columns straight from a query answer's parsed rows, a batch at a time
// (what one piece of the answer completed, a few hundred rows): each row array and cell value dies
// young, in the collector's cheap nursery, instead of 4 million values living until a whole chunk
// was shaped (about a second of garbage collection in bench/queryStream.bench.ts). Text cells of a
// batch are UTF-8-encoded in one call per column. Every cell becomes what shapeQueryResult makes of
// it after the grid's conversion (test/unit/columnarRows.test.ts holds it to that, cell by cell):
// datetime → epoch ms, numbers → doubles, a dynamic object or array → the service's own text.
// Pure and free of Node and DOM APIs.
import type { QueryColumn } from '../azure/models';
import {
  columnKind,
  dynamicCellText,
  encodeCells,
  toDynamicText,
  toEpochMs,
  toNumber,
  toText,
  type ColumnarTable,
  type GridColumn,
} from './queryResult';

const DATETIME = 0;
const NUMBER = 1;
const BOOL = 2;
const STRING = 3;
const DYNAMIC = 4;

const ZERO = 0x30;
const NINE = 0x39;

interface NumericBuffer {
  kind: typeof DATETIME | typeof NUMBER;
  values: Float64Array;
}
interface BoolBuffer {
  kind: typeof BOOL;
  values: Int8Array;
}
interface TextBuffer {
  kind: typeof STRING | typeof DYNAMIC;
  bytes: Uint8Array;
  /** Cell r is bytes[offsets[r] .. offsets[r + 1]); offsets[rows] is where the next cell starts. */
  offsets: Uint32Array;
  nulls: Uint8Array | undefined;
}
type ColumnBuffer = NumericBuffer | BoolBuffer | TextBuffer;

const kindCode = {
  datetime: DATETIME,
  number: NUMBER,
  bool: BOOL,
  string: STRING,
  dynamic: DYNAMIC,
} as const;

/** `count` decimal digits at s[i] as a number; -1 when one is not a digit. */
function digits(s: string, i: number, count: number): number {
  let v = 0;
  for (let k = 0; k < count; k++) {
    const c = s.charCodeAt(i + k);
    if (!(c >= ZERO && c <= NINE)) return -1;
    v = v * 10 + (c - ZERO);
  }
  return v;
}

/**
 * A datetime in the service's own form (`2026-11-23T10:00:00.1234567Z`) as epoch ms, as Date.parse
 * reads it (the fraction cut to milliseconds), without the engine's general date parser; NaN for
 * any other form (the caller then asks Date.parse).
 */
export function serviceDatetimeMs(s: string): number {
  const y = digits(s, 0, 4);
  if (
    y < 1970 ||
    s.charCodeAt(4) !== 0x2d ||
    s.charCodeAt(7) !== 0x2d ||
    s.charCodeAt(10) !== 0x54 ||
    s.charCodeAt(13) !== 0x3a ||
    s.charCodeAt(16) !== 0x3a ||
    s.charCodeAt(s.length - 1) !== 0x5a
  )
    return NaN;
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  // Days past 28 are left to Date.parse (it decides what the 31st of a short month is).
  const valid =
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= 28 &&
    h >= 0 &&
    h <= 23 &&
    mi >= 0 &&
    mi <= 59 &&
    sec >= 0 &&
    sec <= 59;
  if (!valid) return NaN;
  let ms = 0;
  const end = s.length - 1;
  if (end !== 19) {
    if (s.charCodeAt(19) !== 0x2e || end === 20) return NaN;
    // Milliseconds are the first three digits; the rest are cut, not rounded.
    for (let p = 20; p < end; p++) {
      const c = s.charCodeAt(p);
      if (!(c >= ZERO && c <= NINE)) return NaN;
      if (p < 23) ms = ms * 10 + (c - ZERO);
    }
    for (let k = Math.min(end - 20, 3); k < 3; k++) ms *= 10;
  }
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

function datetimeCell(v: unknown): number {
  if (typeof v === 'string') {
    const ms = serviceDatetimeMs(v);
    return Number.isNaN(ms) ? Date.parse(v) : ms;
  }
  return toEpochMs(v);
}

/** The rows appended so far, held as typed columns until taken. */
export class ColumnarRows {
  private readonly buffers: ColumnBuffer[];
  private capacity = 1024;
  private rows = 0;
  /** Text of one column of a batch (kept to spare an array per batch). */
  private readonly scratch: (string | null)[] = [];

  constructor(private readonly columns: readonly QueryColumn[]) {
    this.buffers = columns.map((c) => this.emptyBuffer(kindCode[columnKind(c.type)]));
  }

  /** Rows appended and not taken yet. */
  get rowCount(): number {
    return this.rows;
  }

  /** Appends parsed rows (each an array of the service's cells, as JSON.parse made them). */
  append(rows: readonly unknown[][]): void {
    const n = rows.length;
    if (n === 0) return;
    const at = this.rows;
    this.reserveRows(at + n);
    for (let k = 0; k < this.buffers.length; k++) {
      const buffer = this.buffers[k]!;
      switch (buffer.kind) {
        case DATETIME: {
          const values = buffer.values;
          for (let r = 0; r < n; r++) values[at + r] = datetimeCell(rows[r]![k]);
          break;
        }
        case NUMBER: {
          const values = buffer.values;
          for (let r = 0; r < n; r++) {
            const v = rows[r]![k];
            values[at + r] = typeof v === 'number' ? v : toNumber(v);
          }
          break;
        }
        case BOOL: {
          const values = buffer.values;
          for (let r = 0; r < n; r++) {
            const v = rows[r]![k];
            values[at + r] =
              v === true || v === 1 || v === 'true' ? 1 : v === false || v === 0 || v === 'false' ? 0 : -1;
          }
          break;
        }
        default: {
          const cells = this.scratch;
          cells.length = n;
          if (buffer.kind === STRING) {
            for (let r = 0; r < n; r++) {
              const v = rows[r]![k];
              cells[r] = typeof v === 'string' ? v : toText(v);
            }
          } else {
            for (let r = 0; r < n; r++) {
              const v = rows[r]![k];
              cells[r] = typeof v === 'string' ? dynamicCellText(v) : toDynamicText(v);
            }
          }
          this.appendText(buffer, at, cells);
          cells.length = 0;
        }
      }
    }
    this.rows = at + n;
  }

  /** The first `count` rows as exact copies (a message clones them whole); the rest stay. */
  take(count = this.rows): ColumnarTable {
    const take = Math.min(count, this.rows);
    const rest = this.rows - take;
    const columns = this.buffers.map((buffer, k): GridColumn => {
      const { name, type } = this.columns[k]!;
      const base = { name, sourceType: type };
      switch (buffer.kind) {
        case DATETIME:
        case NUMBER: {
          const values = buffer.values.slice(0, take);
          buffer.values.copyWithin(0, take, take + rest);
          return { ...base, kind: buffer.kind === DATETIME ? 'datetime' : 'number', values };
        }
        case BOOL: {
          const values = buffer.values.slice(0, take);
          buffer.values.copyWithin(0, take, take + rest);
          return { ...base, kind: 'bool', values };
        }
        default: {
          const { offsets } = buffer;
          const cut = offsets[take]!;
          const end = offsets[this.rows]!;
          const bytes = buffer.bytes.slice(0, cut);
          const chunkOffsets = offsets.slice(0, take + 1);
          buffer.bytes.copyWithin(0, cut, end);
          for (let r = 0; r <= rest; r++) offsets[r] = offsets[take + r]! - cut;
          let nulls: Uint8Array | undefined;
          if (buffer.nulls) {
            const mask = buffer.nulls.subarray(0, take);
            if (mask.includes(1)) nulls = mask.slice();
            buffer.nulls.copyWithin(0, take, take + rest);
            buffer.nulls.fill(0, rest);
          }
          return {
            ...base,
            kind: buffer.kind === STRING ? 'string' : 'dynamic',
            bytes,
            offsets: chunkOffsets,
            ...(nulls ? { nulls } : {}),
          };
        }
      }
    });
    this.rows = rest;
    return { rowCount: take, columns };
  }

  /** Encodes a batch's text cells after row `at`: one encode call for the batch, as a rule. */
  private appendText(buffer: TextBuffer, at: number, cells: readonly (string | null)[]): void {
    const n = cells.length;
    let chars = 0;
    for (let r = 0; r < n; r++) {
      const v = cells[r];
      if (v === null || v === undefined) (buffer.nulls ??= new Uint8Array(this.capacity))[at + r] = 1;
      else chars += v.length;
    }
    const start = buffer.offsets[at]!;
    // A UTF-16 unit takes at most 3 bytes.
    const needed = start + chars * 3;
    if (buffer.bytes.length < needed) {
      const bytes = new Uint8Array(Math.max(needed, buffer.bytes.length * 2));
      bytes.set(buffer.bytes.subarray(0, start));
      buffer.bytes = bytes;
    }
    encodeCells(cells, buffer.bytes.subarray(start), buffer.offsets.subarray(at, at + n + 1));
    // encodeCells counts offsets from the batch's first byte: shift them to where it starts.
    if (start !== 0) for (let r = 1; r <= n; r++) buffer.offsets[at + r]! += start;
    buffer.offsets[at] = start;
  }

  private emptyBuffer(kind: number): ColumnBuffer {
    const n = this.capacity;
    if (kind === DATETIME || kind === NUMBER) return { kind, values: new Float64Array(n) };
    if (kind === BOOL) return { kind: BOOL, values: new Int8Array(n) };
    return {
      kind: kind === STRING ? STRING : DYNAMIC,
      bytes: new Uint8Array(16 * n),
      offsets: new Uint32Array(n + 1),
      nulls: undefined,
    };
  }

  /** Room for `rows` rows in every column. */
  private reserveRows(rows: number): void {
    if (rows <= this.capacity) return;
    let n = this.capacity;
    while (n < rows) n *= 2;
    for (const buffer of this.buffers) {
      if (buffer.kind === STRING || buffer.kind === DYNAMIC) {
        const offsets = new Uint32Array(n + 1);
        offsets.set(buffer.offsets);
        buffer.offsets = offsets;
        if (buffer.nulls) {
          const nulls = new Uint8Array(n);
          nulls.set(buffer.nulls);
          buffer.nulls = nulls;
        }
      } else if (buffer.kind === BOOL) {
        const values = new Int8Array(n);
        values.set(buffer.values);
        buffer.values = values;
      } else {
        // Neither text nor bool (TS does not narrow a union-typed discriminant here).
        const numeric = buffer as NumericBuffer;
        const values = new Float64Array(n);
        values.set(numeric.values);
        numeric.values = values;
      }
    }
    this.capacity = n;
  }
}
