// The streamed Logs query against the emulator over HTTPS: rows handed over batch by batch through
// the shared pipeline, and what the SDK did that still holds: retries before the body, partial
// failures with their rows, statistics, render hints, the server timeout, the cells' conversions.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { QueryStreamOptions } from '../../src/azure/api';
import { emulatorToken } from '../../src/azure/credentials';
import { isAzureRequestError } from '../../src/azure/errors';
import type { QueryColumn, QueryTarget } from '../../src/azure/models';
import { startTestAzure, type TestAzure } from './support';

interface Streamed {
  columns: QueryColumn[];
  rows: unknown[][];
  batches: number;
}

function collect(): { streamed: Streamed; options: QueryStreamOptions } {
  const streamed: Streamed = { columns: [], rows: [], batches: 0 };
  return {
    streamed,
    options: {
      onTable: (index, _name, columns) => {
        if (index === 0) streamed.columns = columns;
      },
      onRows: (index, rows) => {
        if (index !== 0) return;
        streamed.batches++;
        for (const row of rows) streamed.rows.push(row);
      },
    },
  };
}

void describe('streamed Logs queries', () => {
  let t: TestAzure;
  let bench: QueryTarget;
  const queryCalls = (from: number) =>
    t.emu.requests.slice(from).filter((r) => r.method === 'POST' && r.path.endsWith('/query'));

  before(async () => {
    t = await startTestAzure();
    const component = t.emu.query.components.find((c) => c.benchmark);
    assert.ok(component, 'the scenario has the benchmark component');
    bench = { kind: 'appInsights', resourceId: component.componentId };
  });
  after(() => t.stop());
  beforeEach(() => t.emu.faults.clear());

  void it('hands a large answer over in several batches, in order, with cells converted as the SDK does', async () => {
    const { streamed, options } = collect();
    const result = await t.client.queryStream(
      bench,
      'requests | project timestamp, name, duration, customDimensions | take 20000',
      { duration: 'P8D' },
      options,
    );
    assert.equal(result.status, 'Success');
    assert.deepEqual(result.rowCounts, [20000]);
    assert.equal(streamed.rows.length, 20000);
    assert.ok(streamed.batches > 1, `rows came in ${streamed.batches} batch(es) while the body arrived`);
    assert.deepEqual(
      streamed.columns.map((c) => c.type),
      ['datetime', 'string', 'real', 'dynamic'],
    );
    for (const row of streamed.rows.slice(0, 100)) {
      assert.ok(row[0] instanceof Date && !Number.isNaN(row[0].getTime()), 'datetime cells are Dates');
      assert.equal(typeof row[2], 'number');
      assert.equal(typeof row[3], 'object', 'dynamic cells are parsed');
    }
    // The same rows as the collected path (the one reading of the answer).
    const whole = await t.client.query(
      bench,
      'requests | project timestamp, name, duration, customDimensions | take 20000',
      {
        duration: 'P8D',
      },
    );
    assert.equal(whole.tables[0]?.rows.length, 20000);
  });

  void it('sends the server timeout, statistics and render preferences, and one slash before the id', async () => {
    const from = t.emu.requests.length;
    const { options } = collect();
    const result = await t.client.queryStream(
      bench,
      'requests | summarize count() by bin(timestamp, 1d) | render timechart',
      { duration: 'P8D' },
      { ...options, serverTimeoutSeconds: 42 },
    );
    const sent = queryCalls(from);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.headers.prefer, 'wait=42,include-statistics=true,include-render=true');
    assert.ok(!sent[0]?.path.includes('//'), sent[0]?.path);
    assert.equal(typeof (result.statistics?.query as { executionTime?: unknown }).executionTime, 'number');
    assert.equal(result.visualization?.visualization, 'timechart');
  });

  void it('retries throttling, a 503 and a dropped connection before the body, and gives each row once', async () => {
    for (const fault of [{ kind: '429', retryAfterSeconds: 0 }, { kind: '503' }, { kind: 'drop' }] as const) {
      t.emu.faults.clear();
      t.emu.faults.add({ path: '/query', times: 1, ...fault });
      const from = t.emu.requests.length;
      const { streamed, options } = collect();
      const result = await t.client.queryStream(bench, 'requests | take 3000', { duration: 'P8D' }, options);
      assert.equal(result.status, 'Success', fault.kind);
      assert.equal(streamed.rows.length, 3000, `${fault.kind}: each row once`);
      assert.ok(queryCalls(from).length >= 2, `${fault.kind} was retried`);
    }
  });

  void it('keeps the rows of a partial failure with its error', async () => {
    t.emu.faults.add({ path: '/query', kind: 'partialQuery', times: 1 });
    const { streamed, options } = collect();
    const result = await t.client.queryStream(bench, 'requests | take 1000', { duration: 'P8D' }, options);
    assert.equal(result.status, 'PartialFailure');
    assert.ok(result.partialError?.code);
    assert.ok(result.partialError.message.length > 0);
    assert.ok(
      streamed.rows.length > 0 && streamed.rows.length < 1000,
      `${streamed.rows.length} partial rows`,
    );
  });

  void it('reports a KQL error as a bad request with the service message, before any row', async () => {
    const { streamed, options } = collect();
    await assert.rejects(
      t.client.queryStream(bench, 'requests | wher x', { duration: 'P8D' }, options),
      (e: unknown) => {
        assert.ok(isAzureRequestError(e));
        assert.equal(e.statusCode, 400);
        assert.ok(e.azureMessage);
        return true;
      },
    );
    assert.equal(streamed.rows.length, 0);
  });

  void it('stops reading when aborted while rows arrive', async () => {
    const controller = new AbortController();
    let batches = 0;
    await assert.rejects(
      t.client.queryStream(
        bench,
        'requests | take 50000',
        { duration: 'P8D' },
        {
          abortSignal: controller.signal,
          onRows: () => {
            if (++batches === 1) controller.abort();
          },
        },
      ),
      (e: unknown) => {
        assert.ok(isAzureRequestError(e));
        assert.equal(e.kind, 'cancelled');
        return true;
      },
    );
    assert.ok(batches >= 1);
  });

  void it('says a connection reset in the middle of the rows is an incomplete answer, after the rows it had', async () => {
    t.emu.faults.add({ method: 'POST', path: /\/query$/, kind: 'resetMidBody', times: Infinity });
    const { streamed, options } = collect();
    await assert.rejects(
      t.client.queryStream(bench, 'requests | take 20000', { duration: 'P8D' }, options),
      (e: unknown) => {
        assert.ok(isAzureRequestError(e));
        assert.equal(e.kind, 'network');
        assert.equal(e.code, 'IncompleteResponse');
        return true;
      },
    );
    assert.ok(
      streamed.rows.length > 0 && streamed.rows.length < 20000,
      `${streamed.rows.length} rows before the reset`,
    );
  });

  void it('gets its answer from the emulator in pieces as the rows are made (chunked, no length)', async () => {
    const url = new URL(`${t.cloud.logAnalyticsEndpoint}/${bench.resourceId.replace(/^\/+/, '')}/query`);
    const token = emulatorToken(t.cloud.logAnalyticsScope, Date.now() + 3_600_000);
    const answer = await new Promise<{ headers: IncomingHttpHeaders; pieces: number; text: string }>(
      (resolve, reject) => {
        const req = request(
          url,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          },
          (res) => {
            const parts: Buffer[] = [];
            res.on('data', (d: Buffer) => parts.push(d));
            res.on('end', () =>
              resolve({
                headers: res.headers,
                pieces: parts.length,
                text: Buffer.concat(parts).toString('utf8'),
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ query: 'requests | take 20000', timespan: 'P8D' }));
      },
    );
    assert.equal(answer.headers['transfer-encoding'], 'chunked');
    assert.equal(answer.headers['content-length'], undefined);
    assert.ok(answer.pieces > 1, `${answer.pieces} pieces`);
    const body = JSON.parse(answer.text) as { tables: { rows: unknown[] }[] };
    assert.equal(body.tables[0]?.rows.length, 20000);
  });
});
