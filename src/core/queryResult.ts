// Shapes a Logs query result for the grid: typed columnar arrays (cheap to structured-clone into the
// webview), trace messages that are JSON unfolded into input/output columns, payloads near the
// 64 KB logging limit flagged, and CSV/JSON export. Pure and free of Node and DOM APIs: the webview
// compiles these types too.
import type { QueryResult } from '../azure/models';

export type ColumnKind = 'datetime' | 'number' | 'bool' | 'dynamic' | 'string';

interface ColumnBase {
  name: string;
  /** The service's type name (datetime, long, dynamic, …). */
  sourceType: string;
}
/** Epoch milliseconds or numbers; NaN stands for null. */
export interface NumericColumn extends ColumnBase {
  kind: 'datetime' | 'number';
  values: Float64Array;
}
/** 1 true, 0 false, -1 null. */
export interface BoolColumn extends ColumnBase {
  kind: 'bool';
  values: Int8Array;
}
/**
 * Text (dynamic values as compact JSON), packed as the UTF-8 bytes of every cell and the byte
 * offsets of the cells. Typed arrays cross postMessage as binary (VS Code transfers ArrayBuffers
 * without JSON) and structured-clone as a copy of memory: far cheaper than 500,000 strings
 * (measured in bench/queryGrid.bench.ts). The webview decodes only the cells it shows.
 */
export interface TextColumn extends ColumnBase {
  kind: 'string' | 'dynamic';
  bytes: Uint8Array;
  /** Cell r is bytes[offsets[r] .. offsets[r + 1]). */
  offsets: Uint32Array;
  /** 1 where the cell is null; absent when no cell is. */
  nulls?: Uint8Array;
}
type PackedText = Pick<TextColumn, 'bytes' | 'offsets' | 'nulls'>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Turns the UTF-16 end offsets of n cells (offsets[1..n], cells joined) into byte offsets of their
 * UTF-8 `bytes`, walking the bytes once: a lead byte starts a code point, one UTF-16 unit, or two
 * for a 4-byte sequence (a lone surrogate is U+FFFD: 3 bytes, one unit). False when two cells'
 * lone surrogates joined into a pair, which no cell boundary can split (then encode cell by cell).
 */
function byteOffsets(bytes: Uint8Array, length: number, offsets: Uint32Array, n: number): boolean {
  let units = 0;
  let p = 0;
  for (let r = 1; r <= n; r++) {
    const end = offsets[r]!;
    while (units < end && p < length) {
      units += bytes[p]! >= 0xf0 ? 2 : 1;
      p++;
      while (p < length && (bytes[p]! & 0xc0) === 0x80) p++;
    }
    if (units !== end) return false;
    offsets[r] = p;
  }
  return true;
}

/** Encodes each cell on its own (the rare fallback of byteOffsets); returns the bytes written. */
function encodeEach(values: readonly (string | null)[], out: Uint8Array, offsets: Uint32Array): number {
  let length = 0;
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    if (v) length += encoder.encodeInto(v, out.subarray(length)).written;
    offsets[r + 1] = length;
  }
  return length;
}

/**
 * Writes the UTF-8 of cells one after another into `out` (room for 3 bytes per UTF-16 unit) and
 * their end offsets into offsets[1..n] (offsets[0] = 0): one encode call for them all, and the
 * byte offsets read off the bytes when a cell is not ASCII. Returns the bytes written.
 */
export function encodeCells(
  values: readonly (string | null)[],
  out: Uint8Array,
  offsets: Uint32Array,
): number {
  const n = values.length;
  let chars = 0;
  offsets[0] = 0;
  for (let r = 0; r < n; r++) {
    const v = values[r];
    if (v) chars += v.length;
    offsets[r + 1] = chars;
  }
  const { written } = encoder.encodeInto(n === 1 ? (values[0] ?? '') : values.join(''), out);
  // All ASCII (the usual case): the UTF-16 offsets are the byte offsets.
  if (written === chars || byteOffsets(out, written, offsets, n)) return written;
  return encodeEach(values, out, offsets);
}

/**
 * Packs cells into a TextColumn's bytes, offsets and null mask: the joined cells are encoded once,
 * and when some are not ASCII their byte offsets are read off the bytes (no second encoding).
 */
export function packText(values: readonly (string | null)[]): PackedText {
  const n = values.length;
  const offsets = new Uint32Array(n + 1);
  let nulls: Uint8Array | undefined;
  let chars = 0;
  for (let r = 0; r < n; r++) {
    const v = values[r];
    if (v === null || v === undefined) (nulls ??= new Uint8Array(n))[r] = 1;
    else chars += v.length;
    offsets[r + 1] = chars;
  }
  // One encode of the joined cells: a call per cell costs more than the copy the join makes.
  let bytes = encoder.encode(values.join(''));
  if (bytes.length !== chars && !byteOffsets(bytes, bytes.length, offsets, n)) {
    const out = new Uint8Array(chars * 3);
    // An exact copy: a view would carry (and clone) the whole spare buffer.
    bytes = out.slice(0, encodeEach(values, out, offsets));
  }
  return nulls ? { bytes, offsets, nulls } : { bytes, offsets };
}

/** The text of one cell of a packed column (null for a null cell). */
export function textAt(col: PackedText, r: number): string | null {
  if (col.nulls?.[r] === 1) return null;
  return decoder.decode(col.bytes.subarray(col.offsets[r] ?? 0, col.offsets[r + 1] ?? 0));
}

/** The whole column as one string with UTF-16 offsets of its cells (for search and sort). */
export function decodeText(col: PackedText): { text: string; offsets: Uint32Array } {
  const { bytes, offsets: byteOffsets } = col;
  const text = decoder.decode(bytes);
  // All ASCII (the usual case): one byte per UTF-16 unit, the byte offsets are the string offsets.
  if (text.length === bytes.length) return { text, offsets: byteOffsets };
  const n = byteOffsets.length - 1;
  const offsets = new Uint32Array(n + 1);
  let units = 0;
  let p = 0;
  for (let r = 0; r < n; r++) {
    const end = byteOffsets[r + 1]!;
    for (; p < end; p++) {
      const b = bytes[p]!;
      // A lead byte starts a code point: one UTF-16 unit, two for 4-byte sequences.
      if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
    }
    offsets[r + 1] = units;
  }
  return { text, offsets };
}

/** Every cell of a packed column. */
export function unpackText(col: PackedText): (string | null)[] {
  const { text, offsets } = decodeText(col);
  const n = offsets.length - 1;
  const out = new Array<string | null>(n);
  for (let r = 0; r < n; r++) out[r] = col.nulls?.[r] === 1 ? null : text.slice(offsets[r], offsets[r + 1]);
  return out;
}

export type GridColumn = NumericColumn | BoolColumn | TextColumn;

export interface ColumnarTable {
  rowCount: number;
  columns: GridColumn[];
}

export interface ShapedResult {
  table: ColumnarTable;
  status: 'Success' | 'PartialFailure';
  partialError?: { code: string; message: string };
  /** Rows whose logged payload is at or near the 64 KB limit of App Insights (likely cut off). */
  truncatedCount: number;
  /** Whether input/output columns were added from JSON trace messages. */
  unfolded: boolean;
  statistics?: Record<string, unknown>;
  visualization?: Record<string, unknown>;
}

/** App Insights drops or cuts what a print() logs beyond 64 KB; within 1 KB of it we warn. */
export const PAYLOAD_LIMIT_BYTES = 64 * 1024;
export const TRUNCATION_WARNING_BYTES = PAYLOAD_LIMIT_BYTES - 1024;

const numericTypes = new Set(['int', 'long', 'real', 'decimal', 'double', 'float']);

export function columnKind(sourceType: string): ColumnKind {
  const t = sourceType.toLowerCase();
  if (t === 'datetime' || t === 'date') return 'datetime';
  if (numericTypes.has(t)) return 'number';
  if (t === 'bool' || t === 'boolean') return 'bool';
  if (t === 'dynamic') return 'dynamic';
  return 'string';
}

export function toEpochMs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') return Date.parse(v);
  if (typeof v === 'number') return v;
  return NaN;
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  if (typeof v === 'bigint') return Number(v);
  return NaN;
}

/** Compact JSON of a dynamic cell. The SDK parses dynamic values; a string that is not JSON stays as is. */
export function toDynamicText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? null;
  } catch {
    // Cycles or BigInt: no JSON form; show the type rather than fail the whole result.
    return `[${typeof v}]`;
  }
}

/**
 * The grid's text of a dynamic cell the service sent as a string: an object or array keeps the
 * service's own text; anything else as the SDK reads it (JSON-parsed, or the text when it is not
 * JSON), then written as compact JSON.
 */
export function dynamicCellText(v: string): string | null {
  const first = v.charCodeAt(0);
  if (first === 0x7b || first === 0x5b) return v;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v) as unknown;
  } catch {
    // Not JSON: the SDK leaves the text as it is.
    return v;
  }
  return toDynamicText(parsed);
}

export function toText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return toDynamicText(v);
}

function buildColumn(name: string, sourceType: string, rows: unknown[][], index: number): GridColumn {
  const kind = columnKind(sourceType);
  const n = rows.length;
  switch (kind) {
    case 'datetime':
    case 'number': {
      const values = new Float64Array(n);
      const convert = kind === 'datetime' ? toEpochMs : toNumber;
      for (let r = 0; r < n; r++) values[r] = convert(rows[r]?.[index]);
      return { name, sourceType, kind, values };
    }
    case 'bool': {
      const values = new Int8Array(n);
      for (let r = 0; r < n; r++) {
        const v = rows[r]?.[index];
        values[r] =
          v === true || v === 1 || v === 'true' ? 1 : v === false || v === 0 || v === 'false' ? 0 : -1;
      }
      return { name, sourceType, kind, values };
    }
    case 'dynamic':
    case 'string': {
      const values = new Array<string | null>(n);
      const convert = kind === 'dynamic' ? toDynamicText : toText;
      for (let r = 0; r < n; r++) values[r] = convert(rows[r]?.[index]);
      return { name, sourceType, kind, ...packText(values) };
    }
  }
}

/** UTF-8 length, stopping early once past `limit` (messages can be long; 500k rows must stay fast). */
export function utf8Length(s: string, limit = Infinity): number {
  // At most 3 bytes per UTF-16 unit: a short string cannot reach the limit, skip counting.
  if (limit !== Infinity && s.length * 3 < limit) return s.length;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes >= limit) return bytes;
  }
  return bytes;
}

function findColumn(columns: GridColumn[], names: string[]): GridColumn | undefined {
  const wanted = names.map((n) => n.toLowerCase());
  return columns.find((c) => wanted.includes(c.name.toLowerCase()));
}

function parseObject(text: string): Record<string, unknown> | undefined {
  const t = text.trimStart();
  if (!t.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The logged payload of a trace row: the message when it is JSON, else customDimensions.Contents. */
function payloadOf(message: string | null, dims: string | null): string | undefined {
  if (message && message.trimStart().startsWith('{')) return message;
  if (!dims) return message ?? undefined;
  const d = parseObject(dims);
  const contents = d?.Contents ?? d?.contents;
  if (typeof contents === 'string') return contents;
  if (typeof contents === 'object' && contents !== null) return JSON.stringify(contents);
  return message ?? undefined;
}

/**
 * Adds `input` / `output` columns from trace rows whose payload is JSON (what a score.py prints with
 * json.dumps) and a `likelyTruncated` column when payloads are at the logging limit. `sticky` keeps
 * those columns in every chunk of a streamed result once an earlier chunk had them.
 */
export function unfoldTraces(
  table: ColumnarTable,
  sticky: { unfolded: boolean; truncated: boolean } = { unfolded: false, truncated: false },
): { truncatedCount: number; unfolded: boolean } {
  const message = findColumn(table.columns, ['message']);
  const dims = findColumn(table.columns, ['customDimensions', 'Properties']);
  // Only trace tables (a message column) carry what score.py printed; requests have none to unfold.
  if (!message || (message.kind !== 'string' && message.kind !== 'dynamic'))
    return { truncatedCount: 0, unfolded: false };
  const messageValues = unpackText(message);
  const dimValues =
    dims && (dims.kind === 'dynamic' || dims.kind === 'string') ? unpackText(dims) : undefined;

  const n = table.rowCount;
  const input = new Array<string | null>(n).fill(null);
  const output = new Array<string | null>(n).fill(null);
  const truncated = new Int8Array(n);
  let found = false;
  let truncatedCount = 0;
  for (let r = 0; r < n; r++) {
    const payload = payloadOf(messageValues[r] ?? null, dimValues?.[r] ?? null);
    if (payload === undefined) continue;
    if (utf8Length(payload, TRUNCATION_WARNING_BYTES) >= TRUNCATION_WARNING_BYTES) {
      truncated[r] = 1;
      truncatedCount++;
    }
    const obj = parseObject(payload);
    if (!obj || !('input' in obj || 'output' in obj)) continue;
    found = true;
    input[r] = toDynamicText(obj.input);
    output[r] = toDynamicText(obj.output);
  }
  if ((found || sticky.unfolded) && !findColumn(table.columns, ['input', 'output'])) {
    table.columns.push(
      { name: 'input', sourceType: 'dynamic', kind: 'dynamic', ...packText(input) },
      { name: 'output', sourceType: 'dynamic', kind: 'dynamic', ...packText(output) },
    );
  }
  if (truncatedCount > 0 || sticky.truncated) {
    table.columns.push({ name: 'likelyTruncated', sourceType: 'bool', kind: 'bool', values: truncated });
  }
  return { truncatedCount, unfolded: found };
}

/**
 * The primary table of a result as typed columns, with traces unfolded. `sticky` (a streamed
 * result's later chunks) keeps the columns that unfolding added to an earlier chunk.
 */
export function shapeQueryResult(
  result: QueryResult,
  sticky?: { unfolded: boolean; truncated: boolean },
): ShapedResult {
  const primary = result.tables[0];
  const rows = primary?.rows ?? [];
  const table: ColumnarTable = {
    rowCount: rows.length,
    columns: (primary?.columns ?? []).map((c, i) => buildColumn(c.name, c.type, rows, i)),
  };
  const { truncatedCount, unfolded } = unfoldTraces(table, sticky);
  return {
    table,
    status: result.status,
    partialError: result.partialError,
    truncatedCount,
    unfolded,
    statistics: result.statistics,
    visualization: result.visualization,
  };
}

/** Whether the visualization the service returned asks for a time chart (`render timechart`). */
export function isTimechart(visualization: Record<string, unknown> | undefined): boolean {
  const v = visualization?.visualization ?? visualization?.type;
  return typeof v === 'string' && v.toLowerCase() === 'timechart';
}

export interface StatisticsSummary {
  executionTimeSeconds?: number;
  cpuSeconds?: number;
  scannedRows?: number;
  datasetSizeBytes?: number;
}

/** Execution figures worth showing from the service's statistics (absent ones are left out). */
export function summarizeStatistics(statistics: Record<string, unknown> | undefined): StatisticsSummary {
  const obj = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  const num = (v: unknown): number | undefined =>
    typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  const query = obj(statistics?.query) ?? statistics;
  const cpuTotal = obj(obj(query?.resourceUsage)?.cpu)?.['total cpu'];
  const rows = obj(obj(query?.inputDatasetStatistics)?.rows);
  const dataset = Array.isArray(query?.datasetStatistics)
    ? obj((query.datasetStatistics as unknown[])[0])
    : undefined;
  const out: StatisticsSummary = {};
  const exec = num(query?.executionTime);
  if (exec !== undefined) out.executionTimeSeconds = exec;
  const cpu = typeof cpuTotal === 'string' ? timespanSeconds(cpuTotal) : undefined;
  if (cpu !== undefined) out.cpuSeconds = cpu;
  const scanned = num(rows?.scanned) ?? num(rows?.total);
  if (scanned !== undefined) out.scannedRows = scanned;
  const size = num(dataset?.tableSize);
  if (size !== undefined) out.datasetSizeBytes = size;
  return out;
}

/** "00:00:01.2500000" (or "1.00:00:00") → seconds. */
function timespanSeconds(text: string): number | undefined {
  const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

// ---- Export ------------------------------------------------------------------------------------

function exportText(col: GridColumn, r: number): string | null {
  switch (col.kind) {
    case 'datetime': {
      const v = col.values[r] ?? NaN;
      return Number.isNaN(v) ? null : new Date(v).toISOString();
    }
    case 'number': {
      const v = col.values[r] ?? NaN;
      return Number.isNaN(v) ? null : String(v);
    }
    case 'bool': {
      const v = col.values[r] ?? -1;
      return v < 0 ? null : v === 1 ? 'true' : 'false';
    }
    default:
      return textAt(col, r);
  }
}

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab/CR before them) as a formula.
 * Query results hold what callers sent to the model, so text cells get a leading apostrophe.
 */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV (CRLF rows, header first); `rows` picks and orders rows (default: all). */
export function toCsv(table: ColumnarTable, rows?: ArrayLike<number>): string {
  const out: string[] = [table.columns.map((c) => csvField(guardFormula(c.name))).join(',')];
  const count = rows ? rows.length : table.rowCount;
  for (let i = 0; i < count; i++) {
    const r = rows ? (rows[i] ?? 0) : i;
    let line = '';
    for (let c = 0; c < table.columns.length; c++) {
      const col = table.columns[c]!;
      const text = exportText(col, r);
      if (c > 0) line += ',';
      if (text !== null)
        line += csvField(col.kind === 'string' || col.kind === 'dynamic' ? guardFormula(text) : text);
    }
    out.push(line);
  }
  return out.join('\r\n') + '\r\n';
}

function jsonValue(col: GridColumn, r: number): unknown {
  const text = exportText(col, r);
  if (text === null) return null;
  switch (col.kind) {
    case 'number':
      return col.values[r];
    case 'bool':
      return col.values[r] === 1;
    case 'dynamic':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/** An array of row objects (datetimes as ISO strings, dynamic values as JSON), pretty-printed. */
export function toJson(table: ColumnarTable, rows?: ArrayLike<number>): string {
  const count = rows ? rows.length : table.rowCount;
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = rows ? (rows[i] ?? 0) : i;
    const obj: Record<string, unknown> = {};
    for (const col of table.columns) obj[col.name] = jsonValue(col, r);
    parts.push('  ' + JSON.stringify(obj));
  }
  return parts.length ? `[\n${parts.join(',\n')}\n]\n` : '[]\n';
}
