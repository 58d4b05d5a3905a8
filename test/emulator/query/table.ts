// Columnar, lazily evaluated tables. A column is a typed function of the row index, so a generated
// table of 500,000 rows costs nothing until a query reads its cells, and `where`, `take` and
// `order by` only build index arrays.

export type KType =
  'string' | 'long' | 'int' | 'real' | 'bool' | 'datetime' | 'timespan' | 'dynamic' | 'guid';

/**
 * A cell value. datetime and timespan are milliseconds (epoch / duration); dynamic is any JSON
 * value; null is KQL's null. Strings are never null in KQL: the empty string stands in.
 */
export type Value = unknown;

export interface Column {
  readonly name: string;
  readonly type: KType;
  get(row: number): Value;
}

export interface Table {
  readonly columns: readonly Column[];
  readonly length: number;
}

export function column(name: string, type: KType, get: (row: number) => Value): Column {
  return { name, type, get };
}

/** The rows `index` of `table`, in that order. */
export function selectRows(table: Table, index: Int32Array | number[]): Table {
  return {
    length: index.length,
    columns: table.columns.map((c) => column(c.name, c.type, (r) => c.get(index[r] as number))),
  };
}

/** Rows [start, end) of `table`. */
export function sliceRows(table: Table, start: number, end: number): Table {
  if (start === 0) return { columns: table.columns, length: Math.min(end, table.length) };
  return {
    length: Math.max(0, Math.min(end, table.length) - start),
    columns: table.columns.map((c) => column(c.name, c.type, (r) => c.get(r + start))),
  };
}

/** A column whose values are computed once now (for sort keys and computed columns read twice). */
export function materialize(c: Column, length: number): Column {
  const values: Value[] = new Array<Value>(length);
  for (let r = 0; r < length; r++) values[r] = c.get(r);
  return column(c.name, c.type, (r) => values[r]);
}

export function fromRows(columns: { name: string; type: KType }[], rows: Value[][]): Table {
  return {
    length: rows.length,
    columns: columns.map((c, i) => column(c.name, c.type, (r) => rows[r]?.[i] ?? null)),
  };
}
