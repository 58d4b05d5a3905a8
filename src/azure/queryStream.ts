// Reads a Logs query answer (`{ tables: [{ name, columns, rows }], statistics?, render?, error? }`)
// as it arrives: rows are handed on in the order they were parsed, long before the whole answer is
// in. Two parsers share the work. A small scanner finds where each `rows` array begins and ends (it
// follows only strings and nesting); the rows go either to the engine's JSON.parse in runs of
// complete rows (values converted as the SDK converts them), or, for the grid, straight into typed
// columns (core/columnarRows.ts: no value per cell at all). Everything else (names, columns,
// statistics, render hints, errors, and whether the whole is well-formed) goes to
// @streamparser/json, a maintained, dependency-free incremental parser, with the rows left out.
// SDK cells are converted as @azure/monitor-query-logs 1.0.0 does (models.js `convertTable`:
// datetime strings become Date, dynamic strings are JSON-parsed and kept as they are when they are
// not JSON).
import { JSONParser } from '@streamparser/json';
import { ColumnarRows } from '../core/columnarRows';
import type { QueryColumn } from './models';

export interface QueryErrorBody {
  code?: string;
  message?: string;
  details?: QueryErrorBody[];
  innererror?: QueryErrorBody;
  [key: string]: unknown;
}

/** Where the parsed parts of an answer go; rows arrive in order, each batch after its columns. */
export interface QueryResponseSink {
  /** A table's name and columns, before any of its rows. */
  onTable(index: number, name: string, columns: QueryColumn[]): void;
  /** Rows of table `index` converted as the SDK converts them: what one write() completed. */
  onRows?(index: number, rows: unknown[][]): void;
  /**
   * When given, rows are read straight into the grid's columns instead (onRows is not called):
   * `rows` holds those read and not taken yet, and is called after every write() that read some.
   */
  onColumns?(index: number, rows: ColumnarRows): void;
}

/** What follows the rows. */
export interface QueryResponseTail {
  tableCount: number;
  rowCounts: number[];
  statistics?: Record<string, unknown>;
  render?: Record<string, unknown>;
  /** Present on a 200 answer whose query failed part way (the SDK's PartialFailure). */
  error?: QueryErrorBody;
}

interface TableState {
  name: string;
  columns: QueryColumn[] | undefined;
  /** Rows parsed before the table's columns (not the service's order, but JSON allows it). */
  early: unknown[][];
  pending: unknown[][];
  /** The grid's columns (onColumns sinks), once the columns are known. */
  columnar: ColumnarRows | undefined;
  /** Rows the columnar reader read but the sink was not told of yet. */
  unseen: number;
  count: number;
  dateIndices: number[];
  dynamicIndices: number[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toColumns(v: unknown): QueryColumn[] {
  if (!Array.isArray(v)) return [];
  return v.map((c) => {
    const r = isRecord(c) ? c : {};
    return {
      name: typeof r.name === 'string' ? r.name : '',
      type: typeof r.type === 'string' ? r.type : 'string',
    };
  });
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
/** JSON's whitespace only (\s would also take characters JSON.parse rejects). */
const BLANK = /^[ \t\n\r]*$/;
const LEADING_COMMA = /^[ \t\n\r]*,/;
/** Text ahead of the walk worth trying to parse as whole rows at once. */
const WHOLE_ROWS_MIN = 4096;

/** A dynamic cell as the SDK converts it: parsed when it is JSON, else the text as it is. */
function parseDynamic(v: string): unknown {
  try {
    return JSON.parse(v) as unknown;
  } catch {
    // Not JSON: the SDK leaves the text as it is.
    return v;
  }
}

/** Converts a row's cells in place, as the SDK does. */
function convertRowAsSdk(row: unknown[], dates: number[], dynamics: number[]): void {
  for (const i of dates) {
    const v = row[i];
    if (typeof v === 'string') row[i] = new Date(v);
  }
  for (const i of dynamics) {
    const v = row[i];
    if (typeof v === 'string') row[i] = parseDynamic(v);
  }
}

/** An object or array the scanner is inside of (outside the rows). */
interface Frame {
  isObject: boolean;
  /** The key whose value comes next (objects). */
  key: string | undefined;
  /** Values opened directly in it (arrays: the index of the last one + 1). */
  children: number;
}

/** The rows array being read: `start` is the first character not yet parsed. */
interface RowsRun {
  table: number;
  /** Nesting below the rows array (0: between rows). */
  depth: number;
  start: number;
  /** Just after the last complete row. */
  cut: number;
  first: boolean;
}

/** Incremental parser of one query answer. write() the body's bytes as they come, then end(). */
export class QueryResponseParser {
  /** Everything but the rows: names, columns, tail, and whether the whole is well-formed JSON. */
  private readonly parser: JSONParser;
  private readonly decoder = new TextDecoder();
  private readonly tables: TableState[] = [];
  private readonly tail: Omit<QueryResponseTail, 'tableCount' | 'rowCounts'> = {};
  private sawRoot = false;
  private failure: Error | undefined;
  // The scanner: `text` is what is not handed on yet, `pos` where scanning goes on.
  private text = '';
  private pos = 0;
  /** Where the text not given to `parser` yet starts (outside the rows). */
  private forwarded = 0;
  private readonly frames: Frame[] = [];
  private inString = false;
  /** Outside the rows: where the current string started (it may be a key). */
  private stringStart = -1;
  private lastString: string | undefined;
  private rows: RowsRun | undefined;

  /** Whether rows go into the grid's columns (onColumns) rather than SDK values (onRows). */
  private readonly columnar: boolean;

  constructor(private readonly sink: QueryResponseSink) {
    this.columnar = sink.onColumns !== undefined;
    this.parser = new JSONParser({
      paths: [
        '$.tables.*.name',
        '$.tables.*.columns',
        // Rows the scanner did not take (a `rows` key written with escapes) still count.
        '$.tables.*.rows.*',
        '$.statistics',
        '$.render',
        '$.error',
      ],
      keepStack: false,
    });
    this.parser.onValue = ({ value, key, stack }) => {
      const top = stack[1]?.key;
      if (top === 'tables') {
        const index = typeof stack[2]?.key === 'number' ? stack[2].key : 0;
        const table = this.table(index);
        if (stack.length === 4) {
          // A row: $.tables[i].rows[j]
          this.addRows(table, [value]);
        } else if (key === 'name') {
          table.name = typeof value === 'string' ? value : '';
        } else if (key === 'columns') {
          this.setColumns(index, table, toColumns(value));
        }
        return;
      }
      if (key === 'statistics' && isRecord(value)) this.tail.statistics = value;
      else if (key === 'render' && isRecord(value)) this.tail.render = value;
      else if (key === 'error' && isRecord(value)) this.tail.error = value;
    };
    this.parser.onError = (e: unknown) => {
      this.failure ??= e instanceof Error ? e : new SyntaxError(String(e));
    };
  }

  /** Parses what arrived; the rows it completed go to the sink before this returns. */
  write(chunk: Uint8Array | string): void {
    if (this.failure) throw this.failure;
    this.feed(typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
    this.flush();
  }

  /** The body is complete: what followed the rows. Throws when the answer was cut short. */
  end(): QueryResponseTail {
    if (this.failure) throw this.failure;
    const rest = this.decoder.decode();
    if (rest) this.feed(rest);
    if (!this.parser.isEnded || this.rows) {
      throw new SyntaxError(
        this.sawRoot ? 'The query answer ended before it was complete.' : 'The query answer is empty.',
      );
    }
    for (const [i, t] of this.tables.entries()) if (!t.columns) this.setColumns(i, t, []);
    this.flush();
    return { ...this.tail, tableCount: this.tables.length, rowCounts: this.tables.map((t) => t.count) };
  }

  private feed(chunk: string): void {
    // What is kept from the last write is only what is still needed (see below).
    this.text += chunk;
    this.scan();
    const rows = this.rows;
    if (rows) {
      if (rows.cut > rows.start) this.parseRows(rows, rows.cut, false);
    } else {
      this.forward(this.text.slice(this.forwarded));
      this.forwarded = this.text.length;
    }
    // Keep only what is still needed: the unparsed rows, or a string that may be a key.
    const keep = rows ? rows.start : this.stringStart >= 0 ? this.stringStart : this.pos;
    if (keep > 0) {
      this.text = this.text.slice(keep);
      this.rebase(keep);
    }
  }

  private rebase(by: number): void {
    if (by === 0) return;
    this.pos -= by;
    this.forwarded = Math.max(0, this.forwarded - by);
    if (this.stringStart >= 0) this.stringStart -= by;
    if (this.rows) {
      this.rows.start -= by;
      this.rows.cut = Math.max(this.rows.start, this.rows.cut - by);
    }
  }

  /** Walks the new text: strings and nesting everywhere, keys and the rows arrays' bounds. */
  private scan(): void {
    const text = this.text;
    const n = text.length;
    let i = this.pos;
    let triedWholeRows = false;
    while (i < n) {
      if (this.inString) {
        // The next quote not escaped: one preceded by an even run of backslashes. The whole string
        // is still in `text` (see feed), so the run never reaches back past what was dropped.
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote < 0) {
            i = n;
            break;
          }
          let before = quote - 1;
          while (text.charCodeAt(before) === BACKSLASH) before--;
          i = quote;
          if ((quote - 1 - before) % 2 === 0) break;
          i++;
        }
        if (i >= n) break;
        this.inString = false;
        if (this.stringStart >= 0) {
          this.lastString = text.slice(this.stringStart + 1, i);
          this.stringStart = -1;
        }
        i++;
        continue;
      }
      const c = text.charCodeAt(i);
      const rows = this.rows;
      if (rows) {
        if (rows.depth === 0 && !triedWholeRows && n - i > WHOLE_ROWS_MIN) {
          // Between rows with much text ahead: most of it is whole rows, parsed without a walk.
          triedWholeRows = true;
          const end = this.wholeRows(rows, text, i);
          if (end > i) {
            i = end;
            continue;
          }
        }
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACKET || c === OPEN_BRACE) rows.depth++;
        else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
          if (rows.depth > 0) {
            if (--rows.depth === 0) rows.cut = i + 1;
          } else {
            // The rows array ends (a `}` here is not JSON: the skeleton parser gets it and fails).
            this.parseRows(rows, i, true);
            this.rows = undefined;
            this.forwarded = i;
          }
        }
        i++;
        continue;
      }
      const frames = this.frames;
      const top = frames[frames.length - 1];
      if (c === QUOTE) {
        this.inString = true;
        this.stringStart = i;
      } else if (c === COLON) {
        if (top) top.key = this.lastString;
      } else if (c === COMMA) {
        if (top?.isObject) top.key = undefined;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (top && !top.isObject) top.children++;
        const root = frames[0];
        const list = frames[1];
        if (
          c === OPEN_BRACKET &&
          frames.length === 3 &&
          root?.isObject &&
          root.key === 'tables' &&
          list &&
          !list.isObject &&
          top?.isObject &&
          top.key === 'rows'
        ) {
          // $.tables[i].rows: the skeleton parser gets `[`, the rows go to JSON.parse in runs.
          this.forward(text.slice(this.forwarded, i + 1));
          this.rows = { table: list.children - 1, depth: 0, start: i + 1, cut: i + 1, first: true };
          i++;
          continue;
        }
        frames.push({ isObject: c === OPEN_BRACE, key: undefined, children: 0 });
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        frames.pop();
      }
      i++;
    }
    this.pos = i;
  }

  /** Gives text outside the rows to the skeleton parser. */
  private forward(piece: string): void {
    if (!piece) return;
    const blank = BLANK.test(piece);
    if (!blank) this.sawRoot = true;
    if (this.parser.isEnded) {
      // Whitespace after the answer is allowed; anything else is not JSON.
      if (!blank) throw new SyntaxError('The query answer has data after its end.');
      return;
    }
    this.parser.write(piece);
    this.throwIfFailed();
  }

  /**
   * Parses the rows up to the last `],[` of the text, if that ends a row, and returns where they end
   * (-1 when it does not: nothing changed, the walk goes on). JSON.parse of `[` + the rows from
   * run.start (a row bound) + `]` succeeds only if the `]` closes a row: one inside a string leaves
   * that string open, one inside a row leaves the row open. So the characters up to it need no walk
   * in JavaScript; on a compact answer that is nearly all of them.
   */
  private wholeRows(run: RowsRun, text: string, from: number): number {
    const close = text.lastIndexOf('],[');
    if (close < from) return -1;
    const end = close + 1;
    let segment = text.slice(run.start, end);
    if (!run.first) {
      const comma = LEADING_COMMA.exec(segment);
      if (!comma) return -1;
      segment = segment.slice(comma[0].length);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(`[${segment}]`);
    } catch {
      // Not a row's end (or not JSON): the walk finds out which.
      return -1;
    }
    run.start = end;
    run.cut = end;
    run.first = false;
    this.addRows(this.table(run.table), parsed as unknown[]);
    return end;
  }

  /** Parses the complete rows in text[run.start, end) with JSON.parse. */
  private parseRows(run: RowsRun, end: number, last: boolean): void {
    let segment = this.text.slice(run.start, end);
    run.start = end;
    run.cut = end;
    if (!run.first) {
      const comma = LEADING_COMMA.exec(segment);
      if (!comma) {
        if (last && BLANK.test(segment)) return;
        throw new SyntaxError('The rows of the query answer are not separated by commas.');
      }
      segment = segment.slice(comma[0].length);
      if (BLANK.test(segment)) throw new SyntaxError('The rows of the query answer end with a comma.');
    } else if (BLANK.test(segment)) {
      return;
    }
    run.first = false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(`[${segment}]`);
    } catch (e) {
      // The engine's message quotes the answer's text: say where, not what.
      throw new SyntaxError('A row of the query answer is not valid JSON.', { cause: e });
    }
    this.addRows(this.table(run.table), parsed as unknown[]);
  }

  private addRows(table: TableState, rows: unknown[]): void {
    for (const row of rows)
      if (!Array.isArray(row)) throw new SyntaxError('A row of the query answer is not an array.');
    if (table.columnar) {
      // Into columns at once: the batch's row arrays and cells die young (no collection later).
      table.columnar.append(rows as unknown[][]);
      table.unseen += rows.length;
      table.count += rows.length;
      return;
    }
    for (const row of rows) {
      if (table.columns) {
        convertRowAsSdk(row as unknown[], table.dateIndices, table.dynamicIndices);
        table.pending.push(row as unknown[]);
      } else table.early.push(row as unknown[]);
      table.count++;
    }
  }

  /** The parser reports errors through onError (set above), not by throwing. */
  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private table(index: number): TableState {
    while (this.tables.length <= index) {
      this.tables.push({
        name: '',
        columns: undefined,
        early: [],
        pending: [],
        columnar: undefined,
        unseen: 0,
        count: 0,
        dateIndices: [],
        dynamicIndices: [],
      });
    }
    return this.tables[index]!;
  }

  private setColumns(index: number, table: TableState, columns: QueryColumn[]): void {
    if (table.columns) return;
    table.columns = columns;
    columns.forEach((c, i) => {
      if (c.type === 'datetime') table.dateIndices.push(i);
      else if (c.type === 'dynamic') table.dynamicIndices.push(i);
    });
    this.sink.onTable(index, table.name, columns);
    if (this.columnar) {
      // Rows that came before their columns are values already: the reader shapes them as cells.
      table.columnar = new ColumnarRows(columns);
      table.columnar.append(table.early);
      table.unseen += table.early.length;
    } else {
      for (const row of table.early) {
        convertRowAsSdk(row, table.dateIndices, table.dynamicIndices);
        table.pending.push(row);
      }
    }
    table.early = [];
  }

  private flush(): void {
    for (const [i, t] of this.tables.entries()) {
      if (t.columnar) {
        if (t.unseen === 0) continue;
        t.unseen = 0;
        this.sink.onColumns?.(i, t.columnar);
        continue;
      }
      if (!t.columns || t.pending.length === 0) continue;
      const rows = t.pending;
      t.pending = [];
      this.sink.onRows?.(i, rows);
    }
  }
}
