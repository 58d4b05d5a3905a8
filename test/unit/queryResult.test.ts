import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueryResult } from '../../src/azure/models';
import {
  columnKind,
  guardFormula,
  isTimechart,
  shapeQueryResult,
  summarizeStatistics,
  toCsv,
  toJson,
  decodeText,
  packText,
  textAt,
  unpackText,
  TRUNCATION_WARNING_BYTES,
  utf8Length,
  type GridColumn,
} from '../../src/core/queryResult';

function result(
  columns: [string, string][],
  rows: unknown[][],
  extra: Partial<QueryResult> = {},
): QueryResult {
  return {
    status: 'Success',
    tables: [{ name: 'PrimaryResult', columns: columns.map(([name, type]) => ({ name, type })), rows }],
    ...extra,
  };
}

function col(cols: GridColumn[], name: string): GridColumn {
  const c = cols.find((x) => x.name === name);
  assert.ok(c, `column ${name}`);
  return c;
}

void describe('shapeQueryResult', () => {
  void it('types columns: datetimes as epoch ms, numbers, bools, dynamic as compact JSON, nulls kept', () => {
    const t = new Date('2026-11-23T10:00:00.123Z');
    const shaped = shapeQueryResult(
      result(
        [
          ['timestamp', 'datetime'],
          ['duration', 'real'],
          ['count_', 'long'],
          ['success', 'bool'],
          ['customDimensions', 'dynamic'],
          ['name', 'string'],
        ],
        [
          [t, 12.5, 3, true, { a: [1, 2], b: 'x' }, 'POST /score'],
          [null, null, null, null, null, null],
          ['2026-11-23T11:00:00Z', '7', 4, false, 'not json', 'x'],
        ],
      ),
    );
    const cols = shaped.table.columns;
    assert.equal(shaped.table.rowCount, 3);
    assert.deepEqual(
      cols.map((c) => c.kind),
      ['datetime', 'number', 'number', 'bool', 'dynamic', 'string'],
    );
    const ts = col(cols, 'timestamp');
    assert.ok(ts.kind === 'datetime');
    assert.deepEqual([...ts.values], [t.getTime(), NaN, Date.parse('2026-11-23T11:00:00Z')]);
    const d = col(cols, 'duration');
    assert.ok(d.kind === 'number');
    assert.deepEqual([...d.values], [12.5, NaN, 7]);
    const s = col(cols, 'success');
    assert.ok(s.kind === 'bool');
    assert.deepEqual([...s.values], [1, -1, 0]);
    const cd = col(cols, 'customDimensions');
    assert.ok(cd.kind === 'dynamic');
    assert.deepEqual(unpackText(cd), ['{"a":[1,2],"b":"x"}', null, 'not json']);
    assert.equal(shaped.unfolded, false);
    assert.equal(shaped.truncatedCount, 0);
  });

  void it('unfolds JSON trace messages and customDimensions.Contents into input/output', () => {
    const shaped = shapeQueryResult(
      result(
        [
          ['timestamp', 'datetime'],
          ['message', 'string'],
          ['customDimensions', 'dynamic'],
        ],
        [
          [new Date(0), '{"input": [[1,2]], "output": [0.5]}', {}],
          [new Date(0), 'STDOUT', { Contents: '{"input": {"x": "<b>hi</b>"}, "output": null}' }],
          [new Date(0), 'plain text', { Contents: 'not json' }],
          [new Date(0), '{"other": 1}', {}],
        ],
      ),
    );
    assert.equal(shaped.unfolded, true);
    const input = col(shaped.table.columns, 'input');
    const output = col(shaped.table.columns, 'output');
    assert.deepEqual(input.kind === 'dynamic' && unpackText(input), [
      '[[1,2]]',
      '{"x":"<b>hi</b>"}',
      null,
      null,
    ]);
    assert.deepEqual(output.kind === 'dynamic' && unpackText(output), ['[0.5]', null, null, null]);
  });

  void it('flags payloads at the 64 KB logging limit', () => {
    const big = '{"input": "' + 'é'.repeat(TRUNCATION_WARNING_BYTES / 2) + '"}';
    const cut = '{"input": "' + 'x'.repeat(70_000); // logged payload cut off: not JSON any more
    const small = '{"input": "' + 'é'.repeat(1000) + '"}';
    const shaped = shapeQueryResult(result([['message', 'string']], [[big], [cut], [small]]));
    assert.equal(shaped.truncatedCount, 2);
    const flag = col(shaped.table.columns, 'likelyTruncated');
    assert.deepEqual(flag.kind === 'bool' && [...flag.values], [1, 1, 0]);
  });

  void it('keeps partial failures, statistics and the visualization', () => {
    const shaped = shapeQueryResult(
      result([['n', 'int']], [[1]], {
        status: 'PartialFailure',
        partialError: { code: 'PartialError', message: 'limit reached' },
        statistics: {
          query: {
            executionTime: 0.25,
            resourceUsage: { cpu: { 'total cpu': '00:00:01.5000000' } },
            inputDatasetStatistics: { rows: { total: 10, scanned: 7 } },
            datasetStatistics: [{ tableRowCount: 1, tableSize: 64 }],
          },
        },
        visualization: { visualization: 'timechart' },
      }),
    );
    assert.equal(shaped.status, 'PartialFailure');
    assert.deepEqual(shaped.partialError, { code: 'PartialError', message: 'limit reached' });
    assert.deepEqual(summarizeStatistics(shaped.statistics), {
      executionTimeSeconds: 0.25,
      cpuSeconds: 1.5,
      scannedRows: 7,
      datasetSizeBytes: 64,
    });
    assert.equal(isTimechart(shaped.visualization), true);
    assert.equal(isTimechart({ visualization: 'table' }), false);
    assert.deepEqual(summarizeStatistics(undefined), {});
  });

  void it('shapes an empty result', () => {
    const shaped = shapeQueryResult({ status: 'Success', tables: [] });
    assert.equal(shaped.table.rowCount, 0);
    assert.deepEqual(shaped.table.columns, []);
  });
});

void describe('packText', () => {
  void it('packs cells into one string with offsets and a null mask', () => {
    const cells = ['ab', null, '', 'ü🚀', null, '名x'];
    const packed = packText(cells);
    assert.equal(new TextDecoder().decode(packed.bytes), 'abü🚀名x');
    assert.deepEqual([...packed.offsets], [0, 2, 2, 2, 8, 8, 12]);
    assert.deepEqual(packed.nulls && [...packed.nulls], [0, 1, 0, 0, 1, 0]);
    assert.equal(textAt(packed, 2), '');
    assert.equal(textAt(packed, 1), null);
    assert.equal(textAt(packed, 3), 'ü🚀');
    assert.deepEqual(unpackText(packed), cells);
    assert.deepEqual(decodeText(packed), {
      text: 'abü🚀名x',
      offsets: Uint32Array.from([0, 2, 2, 2, 5, 5, 7]),
    });
    assert.equal(packText(['x']).nulls, undefined);
  });

  void it('keeps offsets right around lone surrogates', () => {
    const cells = ['a\ud800b', '\udc00', 'ok'];
    const packed = packText(cells);
    assert.deepEqual(unpackText(packed), ['a\ufffdb', '\ufffd', 'ok']);
  });
});

void describe('columnKind and utf8Length', () => {
  void it('maps service types', () => {
    assert.equal(columnKind('datetime'), 'datetime');
    assert.equal(columnKind('long'), 'number');
    assert.equal(columnKind('decimal'), 'number');
    assert.equal(columnKind('timespan'), 'string');
    assert.equal(columnKind('guid'), 'string');
  });
  void it('counts UTF-8 bytes', () => {
    assert.equal(utf8Length('aé名🚀'), 1 + 2 + 3 + 4);
    assert.equal(utf8Length('é'.repeat(100), 50), 50);
  });
});

void describe('export', () => {
  const shaped = shapeQueryResult(
    result(
      [
        ['timestamp', 'datetime'],
        ['value', 'real'],
        ['ok', 'bool'],
        ['text', 'string'],
        ['payload', 'dynamic'],
      ],
      [
        [new Date('2026-01-02T03:04:05.006Z'), -1.5, true, 'a,"b"\nc', { k: 'v' }],
        [null, null, null, null, null],
        [new Date(0), 2, false, '=HYPERLINK("http://evil")', '@cmd'],
        [new Date(0), 3, false, ' padded ', '-2+3'],
      ],
    ),
  );

  void it('writes RFC 4180 CSV with a formula guard on text cells only', () => {
    const csv = toCsv(shaped.table);
    assert.equal(
      csv,
      'timestamp,value,ok,text,payload\r\n' +
        '2026-01-02T03:04:05.006Z,-1.5,true,"a,""b""\nc","{""k"":""v""}"\r\n' +
        ',,,,\r\n' +
        `1970-01-01T00:00:00.000Z,2,false,"'=HYPERLINK(""http://evil"")",'@cmd\r\n` +
        `1970-01-01T00:00:00.000Z,3,false," padded ",'-2+3\r\n`,
    );
    assert.equal(
      toCsv(shaped.table, [3]).split('\r\n')[1],
      `1970-01-01T00:00:00.000Z,3,false," padded ",'-2+3`,
    );
  });

  void it('guards formulas', () => {
    assert.equal(guardFormula('=1+1'), "'=1+1");
    assert.equal(guardFormula('+1'), "'+1");
    assert.equal(guardFormula('\t=1'), "'\t=1");
    assert.equal(guardFormula('plain'), 'plain');
  });

  void it('writes JSON rows with ISO datetimes and parsed dynamic values', () => {
    const rows = JSON.parse(toJson(shaped.table)) as Record<string, unknown>[];
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[0], {
      timestamp: '2026-01-02T03:04:05.006Z',
      value: -1.5,
      ok: true,
      text: 'a,"b"\nc',
      payload: { k: 'v' },
    });
    assert.deepEqual(rows[1], { timestamp: null, value: null, ok: null, text: null, payload: null });
    assert.deepEqual(rows[2]?.payload, '@cmd');
    assert.deepEqual(JSON.parse(toJson(shaped.table, [])), []);
  });
});
