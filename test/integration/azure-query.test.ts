// The real @azure/monitor-query-logs client against the emulator's Logs API: resource-centric
// queries on an Application Insights component and on a Log Analytics workspace.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { QueryTarget } from '../../src/azure/models';
import { isAzureRequestError } from '../../src/azure/errors';
import { rawRequest, scenarioOf, startTestAzure, type TestAzure } from './support';

void describe('Logs queries', () => {
  let t: TestAzure;
  let appInsights: QueryTarget;
  let logAnalytics: QueryTarget;
  before(async () => {
    t = await startTestAzure();
    const scenario = scenarioOf(t.emu);
    const found = scenario.subscriptions
      .flatMap((s) => s.workspaces.map((w) => ({ s, w })))
      .find(({ w }) => w.appInsights?.logAnalyticsWorkspace);
    assert.ok(found, 'a workspace with a workspace-based Application Insights component');
    const ws = await t.client.getWorkspace({
      subscriptionId: found.s.subscriptionId,
      resourceGroup: found.w.resourceGroup,
      workspaceName: found.w.name,
    });
    const component = await t.client.getAppInsightsComponent(ws.applicationInsightsId ?? '');
    assert.ok(component.workspaceResourceId);
    appInsights = { kind: 'appInsights', resourceId: component.armId };
    logAnalytics = { kind: 'logAnalytics', resourceId: component.workspaceResourceId };
  });
  after(() => t.stop());
  beforeEach(() => t.emu.faults.clear());

  void it("runs the source document's query on traces and parses dynamic and datetime cells", async () => {
    const result = await t.client.query(
      appInsights,
      'traces\n| where customDimensions contains "input"\n| limit 10',
      { duration: 'P7D' },
    );
    assert.equal(result.status, 'Success');
    const table = result.tables[0];
    assert.ok(table);
    assert.ok(table.rows.length > 0 && table.rows.length <= 10, `${table.rows.length} rows`);
    const names = table.columns.map((c) => c.name);
    const ts = names.indexOf('timestamp');
    const dims = names.indexOf('customDimensions');
    assert.ok(ts >= 0 && dims >= 0);
    for (const row of table.rows) {
      assert.ok(row[ts] instanceof Date);
      assert.equal(typeof row[dims], 'object');
      // The older server's Contents or a model-data trace's Input (contains ignores case).
      assert.match(JSON.stringify(row[dims]), /input/i);
    }
    const sent = t.emu.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/query')).at(-1);
    assert.ok(sent);
    const body = (typeof sent.body === 'string' ? JSON.parse(sent.body) : sent.body) as {
      query: string;
      timespan: string;
    };
    assert.equal(body.timespan, 'P7D');
  });

  void it('runs a Log Analytics workspace query with an absolute time range', async () => {
    const end = new Date();
    const start = new Date(end.getTime() - 24 * 3600_000);
    const result = await t.client.query(
      logAnalytics,
      'AmlOnlineEndpointConsoleLog | take 5',
      { start, end },
      { serverTimeoutSeconds: 30 },
    );
    assert.equal(result.status, 'Success');
    assert.ok((result.tables[0]?.rows.length ?? 0) > 0);
    assert.ok(result.tables[0]?.columns.some((c) => c.name === 'DeploymentName'));
    for (const row of result.tables[0]?.rows ?? []) {
      const when = row[result.tables[0]?.columns.findIndex((c) => c.name === 'TimeGenerated') ?? -1];
      assert.ok(when instanceof Date && when >= start && when <= end);
    }
  });

  void it('returns a partial failure with its rows, code and message', async () => {
    // One fixed window in the past for both runs: the emulator keeps writing rows stamped now.
    const end = new Date(Date.now() - 3600_000);
    const window = { start: new Date(end.getTime() - 6 * 3600_000), end };
    const query = 'requests | order by timestamp desc | take 6';
    const whole = await t.client.query(appInsights, query, window);
    assert.equal(whole.status, 'Success');
    const wholeRows = whole.tables[0]?.rows ?? [];
    assert.equal(wholeRows.length, 6);
    t.emu.faults.add({ path: '/query', kind: 'partialQuery' });
    const result = await t.client.query(appInsights, query, window);
    assert.equal(result.status, 'PartialFailure');
    // The rows that did arrive are kept, in order: the first ones of the whole answer.
    const partialRows = result.tables[0]?.rows ?? [];
    assert.ok(partialRows.length > 0, 'a partial failure kept no rows');
    assert.ok(partialRows.length < wholeRows.length, 'a partial failure kept every row');
    assert.deepEqual(partialRows, wholeRows.slice(0, partialRows.length));
    assert.ok(result.partialError?.code);
    // The top message is generic; the cause from its details follows it.
    assert.match(
      result.partialError?.message ?? '',
      /^There were some errors when processing your query\. — ./,
    );
  });

  void it('reports a KQL syntax error as a bad request carrying the service message', async () => {
    await assert.rejects(
      t.client.query(appInsights, 'traces | whre x', { duration: 'PT1H' }),
      (e: unknown) => {
        assert.ok(isAzureRequestError(e));
        assert.equal(e.kind, 'badRequest');
        assert.equal(e.statusCode, 400);
        // The service's own words, down to the innermost error: where the parser stopped.
        assert.match(e.azureMessage ?? '', /whre/, e.azureMessage);
        return true;
      },
    );
  });
});

void describe('Logs queries: the resource id in the path', () => {
  let t: TestAzure;
  before(async () => {
    t = await startTestAzure();
  });
  after(() => t.stop());

  void it('sends an ARM id with one slash after the endpoint, whatever slashes the id starts with', async () => {
    const scenario = scenarioOf(t.emu);
    const sub = scenario.subscriptions.find((s) => s.workspaces.some((w) => w.appInsights));
    const w = sub?.workspaces.find((x) => x.appInsights);
    assert.ok(sub && w?.appInsights);
    const id = `/subscriptions/${sub.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/microsoft.insights/components/${w.appInsights.name}`;
    for (const resourceId of [id, id.slice(1), `//${id.slice(1)}`]) {
      const from = t.emu.requests.length;
      const result = await t.client.query({ kind: 'appInsights', resourceId }, 'requests | take 1', {
        duration: 'P1D',
      });
      assert.equal(result.status, 'Success');
      const sent = t.emu.requests.slice(from).find((r) => r.method === 'POST');
      assert.equal(sent?.path, `/v1${id}/query`);
    }
  });

  void it('is answered 403 InsufficientAccessError for a doubled slash, as the Logs service answers it', async () => {
    // What @azure/monitor-query-logs 1.0.0 sends for an id with its leading slash (issue #39361).
    const scenario = scenarioOf(t.emu);
    const sub = scenario.subscriptions.find((s) => s.workspaces.some((w) => w.appInsights));
    const w = sub?.workspaces.find((x) => x.appInsights);
    assert.ok(sub && w?.appInsights);
    const answer = await rawRequest(
      'POST',
      `${t.emu.logsUrl}//subscriptions/${sub.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/microsoft.insights/components/${w.appInsights.name}/query`,
      t.emu.logsToken,
      { query: 'requests | take 1' },
    );
    assert.equal(answer.status, 403);
    const body = answer.body;
    assert.equal(body.error?.code, 'InsufficientAccessError');
    assert.ok(body.error.correlationId);
  });
});
