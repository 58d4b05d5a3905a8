// The query engine's answers read by the real @azure/monitor-query-logs client: its pipeline is
// given an HttpClient that answers from the engine in-process (the HTTPS server in front of the
// engine is tested by the integration tests), so the SDK's own parsing of tables, datetime and
// dynamic cells, partial failures and 400 errors is what these tests check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
  createHttpHeaders,
} from '@azure/core-rest-pipeline';
import { LogsQueryClient, LogsQueryResultStatus } from '@azure/monitor-query-logs';
import { createQueryEngine } from '../query';
import { kqlTestScenario, prodComponentId, prodLogAnalyticsId, testCustomerId } from '../query/fixtures';

const now = new Date('2026-11-23T10:00:00Z');
const engine = createQueryEngine(kqlTestScenario, { seed: 42, now: () => now, bigRows: 20_000 });

/** Routes the SDK's requests as the emulator's server does: workspace or resource-centric query. */
const httpClient: HttpClient = {
  sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const path = decodeURIComponent(new URL(request.url).pathname).replace(/\/+/g, '/');
    const body = JSON.parse(typeof request.body === 'string' ? request.body : '{}') as {
      query: string;
      timespan?: string;
    };
    const prefer = request.headers.get('prefer') ?? '';
    const workspace = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(path);
    const scope = workspace
      ? ({ kind: 'logAnalytics', customerId: workspace[1] ?? '' } as const)
      : ({ kind: 'resource', resourceId: path.replace(/^\/v1/, '').replace(/\/query$/, '') } as const);
    const answer = engine.run({
      scope,
      query: body.query,
      timespan: body.timespan,
      includeStatistics: prefer.includes('include-statistics=true'),
      includeRender: prefer.includes('include-render=true'),
      partialError: body.query.includes('// partial'),
    });
    return Promise.resolve({
      request,
      status: answer.status,
      headers: createHttpHeaders({ 'content-type': 'application/json; charset=utf-8' }),
      bodyAsText: JSON.stringify(answer.body),
    });
  },
};

const client = new LogsQueryClient(
  { getToken: () => Promise.resolve({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }) },
  { httpClient, retryOptions: { maxRetries: 0 } },
);

void describe('query engine answers, as @azure/monitor-query-logs reads them', () => {
  void it('gives Date cells for datetime columns and objects for dynamic ones (resource-centric query)', async () => {
    const result = await client.queryResource(
      prodComponentId,
      'traces | where customDimensions contains "input" | limit 10',
      {
        duration: 'P1D',
      },
    );
    assert.equal(result.status, LogsQueryResultStatus.Success);
    assert.ok(result.status === LogsQueryResultStatus.Success);
    const table = result.tables[0];
    assert.ok(table);
    assert.equal(table.rows.length, 10);
    const names = table.columnDescriptors.map((c) => c.name);
    const row = table.rows[0] ?? [];
    const timestamp = row[names.indexOf('timestamp')];
    const dims = row[names.indexOf('customDimensions')] as { Contents?: { input?: unknown } };
    assert.ok(timestamp instanceof Date);
    assert.ok(now.getTime() - timestamp.getTime() < 86_400_000);
    assert.equal(typeof dims, 'object');
    assert.ok(dims.Contents && 'input' in dims.Contents);
  });

  void it('passes statistics and the visualization through (workspace query)', async () => {
    const result = await client.queryWorkspace(
      testCustomerId,
      'AmlOnlineEndpointTrafficLog | summarize count() by bin(TimeGenerated, 1h) | render timechart',
      { startTime: new Date(now.getTime() - 6 * 3_600_000), endTime: now },
      { includeQueryStatistics: true, includeVisualization: true },
    );
    assert.equal(result.status, LogsQueryResultStatus.Success);
    assert.ok(result.status === LogsQueryResultStatus.Success);
    assert.ok((result.tables[0]?.rows.length ?? 0) >= 6);
    assert.equal(
      (result.visualization as { visualization?: string } | undefined)?.visualization,
      'timechart',
    );
    assert.ok(result.statistics && 'query' in result.statistics);
  });

  void it('answers a resource-centric query on the Log Analytics workspace ARM id', async () => {
    const result = await client.queryResource(
      prodLogAnalyticsId,
      'AmlOnlineEndpointConsoleLog | project TimeGenerated, DeploymentName, Message | take 5',
      { duration: 'PT1H' },
    );
    assert.equal(result.status, LogsQueryResultStatus.Success);
    assert.ok(result.status === LogsQueryResultStatus.Success);
    assert.equal(result.tables[0]?.rows.length, 5);
    assert.ok(result.tables[0]?.rows.every((r) => r[0] instanceof Date && typeof r[2] === 'string'));
  });

  void it('reports an injected partial error as PartialFailure with the partial rows', async () => {
    const result = await client.queryResource(prodComponentId, 'requests | take 10 // partial', {
      duration: 'PT1H',
    });
    assert.equal(result.status, LogsQueryResultStatus.PartialFailure);
    assert.ok(result.status === LogsQueryResultStatus.PartialFailure);
    assert.equal(result.partialTables[0]?.rows.length, 5);
    assert.equal(result.partialError.code, 'PartialError');
  });

  void it('throws a RestError whose details carry the syntax error position', async () => {
    await assert.rejects(
      client.queryResource(prodComponentId, 'requests\n| whre success == false', { duration: 'PT1H' }),
      (err: unknown) => {
        const e = err as {
          statusCode?: number;
          code?: string;
          details?: { error?: { innererror?: { innererror?: { message?: string } } } };
        };
        assert.equal(e.statusCode, 400);
        assert.equal(e.code, 'BadArgumentError');
        const inner = e.details?.error?.innererror?.innererror;
        // The SDK keeps code and message of inner errors (not line/pos): the position travels in the text.
        assert.equal(inner?.message, "Query could not be parsed at 'whre' on line [2,2]");
        return true;
      },
    );
  });
});
