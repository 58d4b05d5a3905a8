// A query result that arrives in pieces: the host shapes each batch of parsed rows into a columnar
// chunk (one schema for the whole run), decides when a chunk is worth a message, and both sides
// grow the whole table from the chunks. Pure and free of Node and DOM APIs: the webview compiles it.
import type { QueryColumn } from '../azure/models';
import {
  shapeQueryResult,
  unfoldTraces,
  type BoolColumn,
  type ColumnarTable,
  type GridColumn,
  type NumericColumn,
  type TextColumn,
} from './queryResult';

/**
 * Shapes the rows of one result batch by batch, as shapeQueryResult shapes a whole result. Columns
 * that unfolding adds (input/output, likelyTruncated) stay in every later chunk once one chunk had
 * them; the rows before are null there (they had nothing to unfold).
 */
export class ChunkShaper {
  private unfolded = false;
  private truncatedCount = 0;

  constructor(
    private readonly name: string,
    private readonly columns: QueryColumn[],
  ) {}

  shape(rows: unknown[][]): ColumnarTable {
    const shaped = shapeQueryResult(
      { status: 'Success', tables: [{ name: this.name, columns: this.columns, rows }] },
      { unfolded: this.unfolded, truncated: this.truncatedCount > 0 },
    );
    this.unfolded ||= shaped.unfolded;
    this.truncatedCount += shaped.truncatedCount;
    return shaped.table;
  }

  /** The same for rows already read into the grid's columns (ColumnarRows): unfolds in place. */
  shapeColumns(table: ColumnarTable): ColumnarTable {
    const sticky = { unfolded: this.unfolded, truncated: this.truncatedCount > 0 };
    const { unfolded, truncatedCount } = unfoldTraces(table, sticky);
    this.unfolded ||= unfolded;
    this.truncatedCount += truncatedCount;
    return table;
  }

  get summary(): { unfolded: boolean; truncatedCount: number } {
    return { unfolded: this.unfolded, truncatedCount: this.truncatedCount };
  }
}

/** When parsed rows are worth a message to the page. */
export interface ChunkPolicyOptions {
  /** Rows of the largest chunk: bounds one message's size (a structured clone of it). */
  maxRows: number;
  /** Rows of the smallest chunk after the first. */
  minRows: number;
  /** A trickle of rows still shows after this long. */
  maxWaitMs: number;
}

export const defaultChunkPolicy: ChunkPolicyOptions = { maxRows: 65_536, minRows: 1000, maxWaitMs: 250 };

/**
 * The first rows go at once; then each chunk is as large as all rows sent before it (between
 * minRows and maxRows): a 500,000-row result takes about 15 messages, a small one a single message,
 * and no row waits longer than maxWaitMs once the next ones are slow to come.
 */
export class ChunkPolicy {
  private sent = 0;
  private lastSend: number;

  constructor(
    private readonly now: () => number,
    private readonly options: ChunkPolicyOptions = defaultChunkPolicy,
  ) {
    this.lastSend = now();
  }

  /** Rows to wait for before the next chunk. */
  get threshold(): number {
    if (this.sent === 0) return 1;
    return Math.min(this.options.maxRows, Math.max(this.options.minRows, this.sent));
  }

  /** Whether `pending` rows should be sent now. */
  due(pending: number): boolean {
    if (pending <= 0) return false;
    return pending >= this.threshold || this.now() - this.lastSend >= this.options.maxWaitMs;
  }

  /** How many of `pending` rows the next chunk takes (never more than maxRows). */
  take(pending: number): number {
    return Math.min(pending, this.options.maxRows);
  }

  sentRows(count: number): void {
    this.sent += count;
    this.lastSend = this.now();
  }
}

// ---- Growing a table from chunks ---------------------------------------------------------------

interface NumericBuffer {
  kind: 'datetime' | 'number';
  values: Float64Array;
}
interface BoolBuffer {
  kind: 'bool';
  values: Int8Array;
}
interface TextBuffer {
  kind: 'string' | 'dynamic';
  bytes: Uint8Array;
  byteLength: number;
  offsets: Uint32Array;
  nulls: Uint8Array | undefined;
}
type ColumnBuffer = (NumericBuffer | BoolBuffer | TextBuffer) & { name: string; sourceType: string };

function grown<T extends Float64Array | Int8Array | Uint8Array | Uint32Array>(
  array: T,
  needed: number,
  fill?: number,
): T {
  if (array.length >= needed) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2, 64));
  next.set(array);
  if (fill !== undefined) next.fill(fill, array.length);
  return next;
}

/**
 * The whole table so far, grown chunk by chunk: each column keeps one buffer that doubles when
 * full (appending stays linear), and `table` shows views of the rows so far. A chunk's column that
 * the table lacks is added with nulls for the earlier rows; a column a chunk lacks is null there.
 */
export class TableBuilder {
  private readonly buffers: ColumnBuffer[] = [];
  private rows = 0;
  private view: ColumnarTable = { rowCount: 0, columns: [] };

  get rowCount(): number {
    return this.rows;
  }

  /** Views of the rows so far (valid until the next append). */
  get table(): ColumnarTable {
    return this.view;
  }

  append(chunk: ColumnarTable): void {
    const start = this.rows;
    const end = start + chunk.rowCount;
    const byName = new Map(chunk.columns.map((c) => [c.name, c]));
    for (const col of chunk.columns) {
      if (!this.buffers.some((b) => b.name === col.name)) this.buffers.push(this.emptyBuffer(col, start));
    }
    for (const buffer of this.buffers) this.appendColumn(buffer, byName.get(buffer.name), start, end);
    this.rows = end;
    this.view = { rowCount: end, columns: this.buffers.map((b) => this.viewOf(b, end)) };
  }

  /** Exact copies of the rows so far, for a message (a view would clone its whole spare buffer). */
  snapshot(): ColumnarTable {
    return {
      rowCount: this.view.rowCount,
      columns: this.view.columns.map((c): GridColumn => {
        switch (c.kind) {
          case 'datetime':
          case 'number':
            return { ...c, values: c.values.slice() };
          case 'bool':
            return { ...c, values: c.values.slice() };
          default:
            return {
              ...c,
              bytes: c.bytes.slice(),
              offsets: c.offsets.slice(),
              ...(c.nulls ? { nulls: c.nulls.slice() } : {}),
            };
        }
      }),
    };
  }

  /** A column first seen at row `rows`: null in every earlier row. */
  private emptyBuffer(col: GridColumn, rows: number): ColumnBuffer {
    const base = { name: col.name, sourceType: col.sourceType };
    switch (col.kind) {
      case 'datetime':
      case 'number':
        return { ...base, kind: col.kind, values: new Float64Array(Math.max(rows, 64)).fill(NaN) };
      case 'bool':
        return { ...base, kind: 'bool', values: new Int8Array(Math.max(rows, 64)).fill(-1) };
      default:
        return {
          ...base,
          kind: col.kind,
          bytes: new Uint8Array(1024),
          byteLength: 0,
          offsets: new Uint32Array(Math.max(rows + 1, 64)),
          nulls: rows > 0 ? new Uint8Array(Math.max(rows, 64)).fill(1) : undefined,
        };
    }
  }

  private appendColumn(buffer: ColumnBuffer, col: GridColumn | undefined, start: number, end: number): void {
    const n = end - start;
    if (buffer.kind === 'datetime' || buffer.kind === 'number') {
      buffer.values = grown(buffer.values, end, NaN);
      if (col && (col.kind === 'datetime' || col.kind === 'number')) buffer.values.set(col.values, start);
      else buffer.values.fill(NaN, start, end);
      return;
    }
    if (buffer.kind === 'bool') {
      buffer.values = grown(buffer.values, end, -1);
      if (col?.kind === 'bool') buffer.values.set(col.values, start);
      else buffer.values.fill(-1, start, end);
      return;
    }
    // Neither numeric nor bool: a text buffer (TS does not narrow a union-typed discriminant here).
    const text = buffer as TextBuffer;
    text.offsets = grown(text.offsets, end + 1);
    const base = text.byteLength;
    if (col && (col.kind === 'string' || col.kind === 'dynamic')) {
      text.bytes = grown(text.bytes, base + col.bytes.byteLength);
      text.bytes.set(col.bytes, base);
      text.byteLength += col.bytes.byteLength;
      for (let r = 1; r <= n; r++) text.offsets[start + r] = base + (col.offsets[r] ?? 0);
      if (col.nulls || text.nulls) {
        text.nulls = grown(text.nulls ?? new Uint8Array(Math.max(end, 64)), end, 0);
        if (col.nulls) text.nulls.set(col.nulls.subarray(0, n), start);
        else text.nulls.fill(0, start, end);
      }
    } else {
      // The chunk has no such column: null cells, no bytes.
      text.offsets.fill(base, start + 1, end + 1);
      text.nulls = grown(text.nulls ?? new Uint8Array(Math.max(end, 64)), end, 0);
      text.nulls.fill(1, start, end);
    }
  }

  private viewOf(buffer: ColumnBuffer, rows: number): GridColumn {
    const base = { name: buffer.name, sourceType: buffer.sourceType };
    switch (buffer.kind) {
      case 'datetime':
      case 'number':
        return {
          ...base,
          kind: buffer.kind,
          values: buffer.values.subarray(0, rows),
        } satisfies NumericColumn;
      case 'bool':
        return { ...base, kind: 'bool', values: buffer.values.subarray(0, rows) } satisfies BoolColumn;
      default:
        return {
          ...base,
          kind: buffer.kind,
          bytes: buffer.bytes.subarray(0, buffer.byteLength),
          offsets: buffer.offsets.subarray(0, rows + 1),
          ...(buffer.nulls ? { nulls: buffer.nulls.subarray(0, rows) } : {}),
        } satisfies TextColumn;
    }
  }
}

/**
 * A run's chunks as they were sent, joined into one table only when the whole is needed (export, a
 * page that comes back): while rows stream in, the host copies none of them again.
 */
export class ChunkList {
  private readonly chunks: ColumnarTable[] = [];
  private rows = 0;
  private readonly joined = new TableBuilder();
  private joinedChunks = 0;

  get rowCount(): number {
    return this.rows;
  }

  add(chunk: ColumnarTable): void {
    this.chunks.push(chunk);
    this.rows += chunk.rowCount;
  }

  /** Every row so far (views valid until the next call). */
  get table(): ColumnarTable {
    while (this.joinedChunks < this.chunks.length) this.joined.append(this.chunks[this.joinedChunks++]!);
    return this.joined.table;
  }

  /** Exact copies of every row so far, for a message. */
  snapshot(): ColumnarTable {
    void this.table;
    return this.joined.snapshot();
  }
}
