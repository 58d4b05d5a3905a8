// The incremental reader of a Logs query answer: whatever the network's chunking, it gives the rows
// (converted as @azure/monitor-query-logs converts them), in order and before the answer ends, and
// what follows them; a cut or broken answer is an error, never a shorter result.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueryColumn } from '../../src/azure/models';
import { QueryResponseParser, type QueryResponseTail } from '../../src/azure/queryStream';
import type { ColumnarRows } from '../../src/core/columnarRows';
import { unpackText } from '../../src/core/queryResult';

interface Collected {
  tables: { name: string; columns: QueryColumn[]; rows: unknown[][] }[];
  batches: number;
}

function collector(): { sink: ConstructorParameters<typeof QueryResponseParser>[0]; got: Collected } {
  const got: Collected = { tables: [], batches: 0 };
  return {
    got,
    sink: {
      onTable: (index, name, columns) => {
        got.tables[index] = { name, columns, rows: [] };
      },
      onRows: (index, rows) => {
        got.batches++;
        const table = got.tables[index];
        assert.ok(table, 'rows come after their table');
        table.rows.push(...rows);
      },
    },
  };
}

function parseInPieces(text: string, size: number): { got: Collected; tail: QueryResponseTail } {
  const { sink, got } = collector();
  const parser = new QueryResponseParser(sink);
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) parser.write(bytes.subarray(i, i + size));
  return { got, tail: parser.end() };
}

const answer = {
  tables: [
    {
      name: 'PrimaryResult',
      columns: [
        { name: 'timestamp', type: 'datetime' },
        { name: 'message', type: 'string' },
        { name: 'customDimensions', type: 'dynamic' },
        { name: 'duration', type: 'real' },
      ],
      rows: [
        ['2026-11-23T10:00:00.1234567Z', 'ñandú 🚀 "quoted" \\ back', '{"a":1,"b":[true,null]}', 1.5],
        [null, null, 'not json {', 2],
        ['2026-11-23T10:00:01Z', '', null, null],
      ],
    },
  ],
  statistics: { query: { executionTime: 0.25 } },
  render: { visualization: 'timechart' },
};

void describe('QueryResponseParser', () => {
  void it('gives the rows and the tail for any chunking, multi-byte characters split included', () => {
    const text = JSON.stringify(answer);
    for (const size of [1, 2, 3, 7, 64, text.length]) {
      const { got, tail } = parseInPieces(text, size);
      assert.equal(got.tables.length, 1, `chunk size ${size}`);
      assert.equal(got.tables[0]?.name, 'PrimaryResult');
      assert.deepEqual(got.tables[0]?.columns, answer.tables[0]?.columns);
      assert.equal(got.tables[0]?.rows.length, 3);
      assert.equal(got.tables[0]?.rows[0]?.[1], 'ñandú 🚀 "quoted" \\ back', `chunk size ${size}`);
      assert.deepEqual(tail.statistics, answer.statistics);
      assert.deepEqual(tail.render, answer.render);
      assert.equal(tail.error, undefined);
      assert.deepEqual(tail.rowCounts, [3]);
    }
  });

  void it('converts cells as the SDK does: datetime to Date, dynamic JSON parsed, other text kept', () => {
    const { got } = parseInPieces(JSON.stringify(answer), 5);
    const rows = got.tables[0]!.rows;
    assert.ok(rows[0]?.[0] instanceof Date);
    assert.equal(rows[0][0].toISOString(), '2026-11-23T10:00:00.123Z');
    assert.deepEqual(rows[0][2], { a: 1, b: [true, null] });
    assert.equal(rows[0][3], 1.5);
    assert.deepEqual(
      rows[1],
      [null, null, 'not json {', 2],
      'nulls stay null; text that is not JSON stays text',
    );
    assert.equal(rows[2]?.[2], null);
  });

  void it("reads cells into the grid's columns when asked: epoch numbers, the service's JSON text", () => {
    let held: ColumnarRows | undefined;
    const parser = new QueryResponseParser({
      onTable: () => undefined,
      onColumns: (_index, rows) => {
        held = rows;
      },
    });
    const text = JSON.stringify({
      ...answer,
      tables: [
        {
          ...answer.tables[0]!,
          rows: [
            ...answer.tables[0]!.rows,
            [null, 'x', 'null', 0],
            [null, 'y', '"quoted"', 0],
            [null, 'z', '[1, 2]', 0],
          ],
        },
      ],
    });
    parser.write(text);
    parser.end();
    const table = held!.take();
    const [time, message, dims, duration] = table.columns;
    assert.equal(time?.kind, 'datetime');
    assert.equal(time.values[0], Date.parse('2026-11-23T10:00:00.123Z'));
    assert.ok(Number.isNaN(time.values[1]), 'a null datetime is NaN');
    assert.equal(message?.kind, 'string');
    assert.deepEqual(unpackText(message), ['ñandú 🚀 "quoted" \\ back', null, '', 'x', 'y', 'z']);
    assert.equal(dims?.kind, 'dynamic');
    assert.deepEqual(unpackText(dims), [
      '{"a":1,"b":[true,null]}',
      'not json {',
      null,
      // A JSON null is null and a JSON string is its text, as the SDK has them.
      null,
      'quoted',
      // An array keeps the service's text.
      '[1, 2]',
    ]);
    assert.equal(duration?.kind, 'number');
    assert.deepEqual(Array.from(duration.values), [1.5, 2, NaN, 0, 0, 0]);
  });

  void it('hands rows over before the answer is complete', () => {
    const { sink, got } = collector();
    const parser = new QueryResponseParser(sink);
    const text = JSON.stringify(answer);
    // Up to the end of the second row: two rows are out while the rest has not arrived.
    parser.write(text.slice(0, text.indexOf(']', text.indexOf('not json {')) + 1));
    assert.equal(got.tables[0]?.rows.length, 2);
    parser.write(text.slice(text.indexOf(']', text.indexOf('not json {')) + 1));
    assert.equal(parser.end().rowCounts[0], 3);
  });

  void it('reports a partial failure, every table, and columns that come after their rows', () => {
    const text =
      '{"tables":[{"rows":[["x"]],"name":"PrimaryResult","columns":[{"name":"c","type":"string"}]},' +
      '{"name":"Second","columns":[{"name":"d","type":"dynamic"}],"rows":[["[1,2]"]]}],' +
      '"error":{"code":"PartialError","message":"There were some errors","details":[{"message":"limit"}]}}';
    const { got, tail } = parseInPieces(text, 9);
    assert.deepEqual(got.tables[0]?.rows, [['x']]);
    assert.deepEqual(got.tables[1]?.rows, [[[1, 2]]]);
    assert.equal(tail.tableCount, 2);
    assert.equal(tail.error?.code, 'PartialError');
  });

  void it('answers an empty table list with no tables', () => {
    const { got, tail } = parseInPieces('{"tables":[]}\n', 4);
    assert.equal(got.tables.length, 0);
    assert.equal(tail.tableCount, 0);
  });

  void it('finds row bounds past brackets, braces and escaped quotes inside strings, for any chunking', () => {
    const rows = [
      ['a ] b [ c', '{"x":"]\\"[","y":[1,{"z":"}"}]}'],
      ['\\', '"]"'],
      ['', null],
    ];
    const text = JSON.stringify({
      tables: [
        {
          name: 'PrimaryResult',
          columns: [
            { name: 's', type: 'string' },
            { name: 'd', type: 'dynamic' },
          ],
          rows,
        },
      ],
    });
    for (const size of [1, 2, 5, 13, text.length]) {
      const { got, tail } = parseInPieces(text, size);
      assert.deepEqual(
        got.tables[0]?.rows,
        [
          ['a ] b [ c', { x: ']"[', y: [1, { z: '}' }] }],
          ['\\', ']'],
          ['', null],
        ],
        `chunk size ${size}`,
      );
      assert.deepEqual(tail.rowCounts, [3]);
    }
  });

  void it('fails on rows that are not separated by single commas, whatever the chunking', () => {
    const table = (rows: string) =>
      `{"tables":[{"name":"t","columns":[{"name":"c","type":"long"}],"rows":[${rows}]}]}`;
    for (const size of [1, 3, 64]) {
      assert.throws(() => parseInPieces(table('[1][2]'), size), SyntaxError, `missing comma, ${size}`);
      assert.throws(() => parseInPieces(table('[1],[2],'), size), SyntaxError, `trailing comma, ${size}`);
      assert.throws(() => parseInPieces(table('[1],,[2]'), size), SyntaxError, `double comma, ${size}`);
      assert.throws(() => parseInPieces(table(',[1]'), size), SyntaxError, `leading comma, ${size}`);
      assert.throws(() => parseInPieces(table('[1,]'), size), SyntaxError, `comma in a row, ${size}`);
      assert.deepEqual(parseInPieces(table(' [1] , [2] '), size).got.tables[0]?.rows, [[1], [2]]);
    }
  });

  void it('fails on an answer that was cut short, that is not JSON, or that is empty', () => {
    const text = JSON.stringify(answer);
    assert.throws(() => parseInPieces(text.slice(0, text.length - 10), 64), /ended before it was complete/);
    assert.throws(() => parseInPieces('<html>gateway</html>', 64));
    assert.throws(() => parseInPieces('', 64), /empty/);
    assert.throws(() => parseInPieces(`${text} {"tables":[]}`, 64));
    assert.throws(() => parseInPieces(`${text} {"tables":[]}`, text.length + 1));
    assert.throws(() => parseInPieces('{"tables":[{"columns":[],"rows":[1]}]}', 64), /not an array/);
  });
});
