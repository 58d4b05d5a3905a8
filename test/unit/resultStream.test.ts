// A result in chunks: how the host cuts parsed rows into messages, and that the table grown from
// the chunks is the table shapeQueryResult makes of the whole result, columns added late included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueryColumn } from '../../src/azure/models';
import { shapeQueryResult, toCsv, type ColumnarTable } from '../../src/core/queryResult';
import { ColumnarRows } from '../../src/core/columnarRows';
import { ChunkList, ChunkPolicy, ChunkShaper, TableBuilder } from '../../src/core/resultStream';

const columns: QueryColumn[] = [
  { name: 'timestamp', type: 'datetime' },
  { name: 'message', type: 'string' },
  { name: 'customDimensions', type: 'dynamic' },
  { name: 'duration', type: 'real' },
  { name: 'success', type: 'bool' },
];

function row(r: number): unknown[] {
  // Rows from 40 on print score.py JSON (unfolded into input/output); every 7th row has nulls.
  const message =
    r >= 40 && r % 2 === 0 ? JSON.stringify({ input: { x: r }, output: [r * 2] }) : `línea ${r} ✓`;
  return r % 7 === 0
    ? [null, null, null, null, null]
    : [new Date(Date.UTC(2026, 10, 23, 0, 0, r)), message, { r }, r / 4, r % 3 === 0];
}

function rows(from: number, to: number): unknown[][] {
  return Array.from({ length: to - from }, (_, i) => row(from + i));
}

/** Shapes rows in the given chunk sizes and grows a table from them, as host and page do. */
function grow(total: number, sizes: number[]): { table: ColumnarTable; builder: TableBuilder } {
  const shaper = new ChunkShaper('PrimaryResult', columns);
  const builder = new TableBuilder();
  let at = 0;
  for (let i = 0; at < total; i++) {
    const size = Math.min(sizes[i % sizes.length]!, total - at);
    builder.append(shaper.shape(rows(at, at + size)));
    at += size;
  }
  return { table: builder.table, builder };
}

void describe('ChunkPolicy', () => {
  void it('sends the first row at once, then chunks as large as everything sent, up to the cap', () => {
    const policy = new ChunkPolicy(() => 0, { minRows: 100, maxRows: 1000, maxWaitMs: 250 });
    assert.equal(policy.due(0), false);
    assert.equal(policy.due(1), true);
    policy.sentRows(30);
    assert.equal(policy.threshold, 100, 'at least minRows');
    policy.sentRows(270);
    assert.equal(policy.threshold, 300, 'doubles what was sent');
    assert.equal(policy.due(299), false);
    assert.equal(policy.due(300), true);
    policy.sentRows(5000);
    assert.equal(policy.threshold, 1000, 'never more than maxRows');
    assert.equal(policy.take(2500), 1000);
  });

  void it('sends a trickle of rows once they waited maxWaitMs', () => {
    let now = 0;
    const policy = new ChunkPolicy(() => now, { minRows: 100, maxRows: 1000, maxWaitMs: 250 });
    policy.sentRows(500);
    assert.equal(policy.due(3), false);
    now = 249;
    assert.equal(policy.due(3), false);
    now = 250;
    assert.equal(policy.due(3), true);
    assert.equal(policy.due(0), false, 'nothing to send is never due');
  });

  void it('sends 500,000 rows arriving 400 at a time in few messages, the first of 400 rows', () => {
    const policy = new ChunkPolicy(() => 0);
    const sizes: number[] = [];
    let pending = 0;
    for (let arrived = 0; arrived < 500_000; arrived += 400) {
      // A 64 KB network chunk holds about 400 rows of the benchmark result.
      pending += 400;
      while (policy.due(pending)) {
        const count = policy.take(pending);
        policy.sentRows(count);
        sizes.push(count);
        pending -= count;
      }
    }
    assert.equal(sizes[0], 400);
    assert.ok(sizes.length <= 20, `${sizes.length} messages`);
    assert.ok(Math.max(...sizes) <= 65_536);
  });
});

void describe('TableBuilder and ChunkShaper', () => {
  void it('grow, from chunks of any size, the table shapeQueryResult makes of the whole result', () => {
    const whole = shapeQueryResult({
      status: 'Success',
      tables: [{ name: 'PrimaryResult', columns, rows: rows(0, 200) }],
    }).table;
    for (const sizes of [[1], [3, 50], [37], [1000]]) {
      const { table } = grow(200, sizes);
      assert.equal(table.rowCount, 200);
      assert.deepEqual(
        table.columns.map((c) => c.name),
        whole.columns.map((c) => c.name),
      );
      assert.equal(toCsv(table), toCsv(whole), `chunk sizes ${sizes.join(',')}`);
    }
  });

  void it('adds input/output when a later chunk first unfolds them, null in the rows before', () => {
    const { table } = grow(60, [30]);
    const input = table.columns.find((c) => c.name === 'input');
    assert.ok(input && input.kind === 'dynamic');
    assert.equal(input.nulls?.[0], 1, 'a row of the first chunk has no input');
    assert.equal(
      new TextDecoder().decode(input.bytes.subarray(input.offsets[40], input.offsets[41])),
      '{"x":40}',
    );
  });

  void it('snapshots exact copies, not views of the spare buffers', () => {
    const { builder } = grow(100, [33]);
    const copy = builder.snapshot();
    for (const c of copy.columns) {
      const arrays = 'values' in c ? [c.values] : [c.bytes, c.offsets];
      for (const a of arrays) assert.equal(a.byteLength, a.buffer.byteLength, `${c.name} is an exact copy`);
    }
    assert.equal(toCsv(copy), toCsv(builder.table));
  });

  void it('shapes chunks taken from columns read straight from rows as it shapes the rows', () => {
    const whole = shapeQueryResult({
      status: 'Success',
      tables: [{ name: 'PrimaryResult', columns, rows: rows(0, 120) }],
    }).table;
    const shaper = new ChunkShaper('PrimaryResult', columns);
    const held = new ColumnarRows(columns);
    const list = new ChunkList();
    for (let at = 0; at < 120; at += 25) {
      held.append(rows(at, Math.min(at + 25, 120)));
      // Chunks that end before and after row 40, where unfolding starts.
      list.add(shaper.shapeColumns(held.take(at < 50 ? 10 : held.rowCount)));
    }
    list.add(shaper.shapeColumns(held.take()));
    assert.equal(list.rowCount, 120);
    assert.equal(shaper.summary.unfolded, true);
    assert.equal(toCsv(list.table), toCsv(whole));
    assert.equal(toCsv(list.snapshot()), toCsv(whole));
  });

  void it('grows an empty result to an empty table', () => {
    const builder = new TableBuilder();
    builder.append(new ChunkShaper('PrimaryResult', columns).shape([]));
    assert.equal(builder.table.rowCount, 0);
    assert.equal(builder.table.columns.length, columns.length);
  });
});
