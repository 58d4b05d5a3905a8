// The grid's columns built straight from parsed rows (and from the answer's text, through the
// streamed parser) hold, cell by cell, what the row-by-row road made: the grid's conversion of each
// cell (datetime → epoch ms, a dynamic object or array keeps the service's text), then
// shapeQueryResult. Random rows of every kind of cell, in random batches, split at random.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueryColumn } from '../../src/azure/models';
import { QueryResponseParser } from '../../src/azure/queryStream';
import { ColumnarRows, serviceDatetimeMs } from '../../src/core/columnarRows';
import {
  packText,
  shapeQueryResult,
  unpackText,
  type ColumnarTable,
  type GridColumn,
} from '../../src/core/queryResult';
import { TableBuilder } from '../../src/core/resultStream';
import { seededRandom } from '../emulator/random';

const rng = seededRandom;

const columns: QueryColumn[] = [
  { name: 'timestamp', type: 'datetime' },
  { name: 'name', type: 'string' },
  { name: 'duration', type: 'real' },
  { name: 'count', type: 'long' },
  { name: 'success', type: 'bool' },
  { name: 'customDimensions', type: 'dynamic' },
  { name: 'message', type: 'string' },
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function text(random: () => number): string {
  const pieces = [
    '],[',
    '"],["',
    'a',
    'Z',
    ' ',
    'ñ',
    'ü',
    '€',
    '🚀',
    '"',
    '\\',
    '\n',
    '\u0001',
    '\ud800',
    '\udc00',
    ']',
    '{',
    '😀',
  ];
  let s = '';
  const n = Math.floor(random() * 12);
  for (let i = 0; i < n; i++)
    s += random() < 0.6 ? 'abcdefghij'[Math.floor(random() * 10)] : pick(random, pieces);
  return s;
}

function datetime(random: () => number): string {
  const y = 1960 + Math.floor(random() * 100);
  const two = (v: number) => String(v).padStart(2, '0');
  const fraction = pick(random, ['', '.', '.1', '.12', '.123', '.1234567', '.999999999', '.5x']);
  const base = `${y}-${two(1 + Math.floor(random() * 13))}-${two(Math.floor(random() * 33))}T${two(Math.floor(random() * 25))}:${two(Math.floor(random() * 61))}:${two(Math.floor(random() * 61))}`;
  return pick(random, [
    `${base}${fraction}Z`,
    `${base}Z`,
    `${base}+01:00`,
    base,
    `${base}${fraction}z`,
    'not a date',
  ]);
}

/** Any cell the service (or a broken proxy) could put in any column. */
function cell(random: () => number, column: number): unknown {
  const r = random();
  if (r < 0.1) return null;
  if (r < 0.15)
    return pick(random, [true, false, 0, 1, -0, Infinity, 2 ** 64 + 1, -3.25, 'true', 'false', '']);
  if (r < 0.2) return pick(random, [{ a: [1, 'ñ'] }, [1, { b: null }], { x: '}' }, [[1], [2, '],['], [3]]]);
  switch (column) {
    case 0:
      return random() < 0.9 ? datetime(random) : Date.UTC(2026, 0, 1);
    case 2:
    case 3:
      return random() < 0.8 ? Math.round(random() * 1e6) / pick(random, [1, 10, 1000, 3]) : ` ${random()} `;
    case 5:
      return pick(random, [
        JSON.stringify({ 'Service Name': text(random), n: random() }),
        '{ "spaced" : [1, 2] }',
        '[1,2]',
        '"quoted"',
        'null',
        '12.50',
        'not json {',
        text(random),
      ]);
    default:
      return text(random);
  }
}

/** The row-by-row road the columns replace: the grid's conversion of each cell, then shapeQueryResult. */
function reference(rows: unknown[][]): ColumnarTable {
  const converted = rows.map((row) =>
    row.map((v, k) => {
      if (typeof v !== 'string') return v;
      if (columns[k]?.type === 'datetime') return Date.parse(v);
      if (columns[k]?.type !== 'dynamic' || v.startsWith('{') || v.startsWith('[')) return v;
      try {
        return JSON.parse(v) as unknown;
      } catch {
        return v;
      }
    }),
  );
  return shapeQueryResult({
    status: 'Success',
    tables: [{ name: 'PrimaryResult', columns, rows: converted }],
  }).table;
}

function cellsOf(col: GridColumn): unknown[] {
  if (col.kind === 'string' || col.kind === 'dynamic') return unpackText(col);
  return Array.from((col as Exclude<GridColumn, { kind: 'string' | 'dynamic' }>).values);
}

function assertSameTable(got: ColumnarTable, want: ColumnarTable, what: string): void {
  assert.equal(got.rowCount, want.rowCount, `${what}: rows`);
  assert.deepEqual(
    got.columns.map((c) => [c.name, c.kind, c.sourceType]),
    want.columns.map((c) => [c.name, c.kind, c.sourceType]),
    `${what}: columns`,
  );
  for (const [k, col] of got.columns.entries()) {
    const other = want.columns[k]!;
    assert.deepEqual(cellsOf(col), cellsOf(other), `${what}: cells of ${col.name}`);
    if (
      (col.kind === 'string' || col.kind === 'dynamic') &&
      (other.kind === 'string' || other.kind === 'dynamic')
    ) {
      assert.deepEqual(col.bytes, other.bytes, `${what}: bytes of ${col.name}`);
      assert.deepEqual(Array.from(col.offsets), Array.from(other.offsets), `${what}: offsets of ${col.name}`);
    }
  }
}

function randomRows(random: () => number, n: number): unknown[][] {
  return Array.from({ length: n }, () => {
    const width = random() < 0.05 ? Math.floor(random() * 9) : columns.length;
    return Array.from({ length: width }, (_, k) => cell(random, k));
  });
}

/** Grows one table from taken chunks, as the page does. */
function joined(chunks: ColumnarTable[]): ColumnarTable {
  const builder = new TableBuilder();
  for (const c of chunks) builder.append(c);
  return builder.snapshot();
}

void describe('ColumnarRows', () => {
  void it('holds what the row-by-row road made, for 200 seeds of random rows, batches and takes', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = rng(seed);
      const rows = randomRows(random, 1 + Math.floor(random() * 300));
      const reader = new ColumnarRows(columns);
      const chunks: ColumnarTable[] = [];
      for (let at = 0; at < rows.length;) {
        const size = 1 + Math.floor(random() * 90);
        reader.append(rows.slice(at, at + size));
        at += size;
        if (random() < 0.5) chunks.push(reader.take(Math.floor(random() * (reader.rowCount + 1))));
      }
      chunks.push(reader.take());
      assert.equal(reader.rowCount, 0);
      assertSameTable(joined(chunks), reference(rows), `seed ${seed}`);
    }
  });

  void it('reads the answer text through the streamed parser into the same columns, however it is cut', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = rng(1000 + seed);
      const rows = randomRows(random, 1 + Math.floor(random() * (seed % 2 ? 120 : 900)));
      const answer = JSON.stringify({ tables: [{ name: 'PrimaryResult', columns, rows }] });
      const bytes = new TextEncoder().encode(answer);
      const chunks: ColumnarTable[] = [];
      let held: ColumnarRows | undefined;
      const parser = new QueryResponseParser({
        onTable: () => undefined,
        onColumns: (_index, rows) => {
          held = rows;
          if (random() < 0.7) chunks.push(rows.take());
        },
        onRows: () => assert.fail('rows go to the columns'),
      });
      for (let at = 0; at < bytes.length;) {
        // Small pieces, and pieces large enough to be parsed as whole rows at once (a `],[` inside
        // a string or a cell must not be taken for the end of a row).
        const size = 1 + Math.floor(random() * (random() < 0.5 ? 200 : 30_000));
        parser.write(bytes.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(parser.end().rowCounts, [rows.length]);
      if (held) chunks.push(held.take());
      // What the text holds (JSON has no Infinity): the reference reads it back first.
      assertSameTable(
        joined(chunks),
        reference((JSON.parse(answer) as { tables: { rows: unknown[][] }[] }).tables[0]!.rows),
        `seed ${seed}`,
      );
    }
  });

  void it('reads the service datetime form as Date.parse does, and leaves every other form to it', () => {
    const random = rng(7);
    for (let i = 0; i < 5000; i++) {
      const s = datetime(random);
      const fast = serviceDatetimeMs(s);
      if (!Number.isNaN(fast)) assert.equal(fast, Date.parse(s), s);
    }
    assert.equal(serviceDatetimeMs('2026-11-23T10:00:00.1234567Z'), Date.parse('2026-11-23T10:00:00.123Z'));
    assert.ok(Number.isNaN(serviceDatetimeMs('2026-02-30T10:00:00Z')), 'days past 28 go to Date.parse');
  });
});

void describe('packText', () => {
  void it('encodes a column that is not ASCII once, and gets the same bytes as each cell alone', () => {
    const encoder = new TextEncoder();
    const cells = ['ñandú', null, 'plain', '🚀', 'a\ud800', '\udc00b', '€'];
    const original = {
      encode: Reflect.get<TextEncoder, 'encode'>(TextEncoder.prototype, 'encode'),
      encodeInto: Reflect.get<TextEncoder, 'encodeInto'>(TextEncoder.prototype, 'encodeInto'),
    };
    let calls = 0;
    TextEncoder.prototype.encode = function (this: TextEncoder, input?: string) {
      calls++;
      return original.encode.call(this, input);
    };
    TextEncoder.prototype.encodeInto = function (this: TextEncoder, input: string, out: Uint8Array) {
      calls++;
      return original.encodeInto.call(this, input, out);
    };
    let packed: ReturnType<typeof packText>;
    try {
      packed = packText(['ñandú 🚀', 'plain', '€uro', null]);
      assert.equal(calls, 1, 'one encoding of the joined cells');
      calls = 0;
      // Lone surrogates of two cells join into a pair: each cell is encoded on its own then.
      const split = packText(cells);
      assert.deepEqual(
        unpackText(split),
        cells.map((c) => (c === null ? null : new TextDecoder().decode(encoder.encode(c)))),
      );
    } finally {
      TextEncoder.prototype.encode = original.encode;
      TextEncoder.prototype.encodeInto = original.encodeInto;
    }
    assert.deepEqual(unpackText(packed), ['ñandú 🚀', 'plain', '€uro', null]);
    assert.deepEqual(
      packed.bytes,
      encoder.encode('ñandú 🚀plain€uro'),
      'the bytes of the cells one after another',
    );
  });
});
