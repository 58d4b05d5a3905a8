// The generated telemetry behind the query engine: which scopes hold what, determinism, the
// adversarial trace rows the query panel must survive, and the 500,000-row benchmark table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BIG_PAYLOAD_CHARS, type QueryRequest, createQueryEngine } from '../query';
import {
  devComponentId,
  kqlTestScenario,
  prodComponentId,
  prodLogAnalyticsId,
  testCustomerId,
} from '../query/fixtures';

const now = new Date('2026-11-23T10:00:00Z');
const prod = { kind: 'appInsights', componentId: prodComponentId } as const;
const dev = { kind: 'appInsights', componentId: devComponentId } as const;

function rowsOf(engine: ReturnType<typeof createQueryEngine>, req: QueryRequest): unknown[][] {
  const answer = engine.run(req);
  if (answer.status !== 200) assert.fail(JSON.stringify(answer.body));
  return answer.body.tables[0]?.rows ?? [];
}

void describe('generated telemetry', () => {
  const engine = createQueryEngine(kqlTestScenario, { seed: 42, now: () => now, bigRows: 20_000 });

  void it('lists components and Log Analytics workspaces from the scenario', () => {
    assert.deepEqual(
      engine.components.map((c) => [
        c.name,
        c.componentId,
        c.customerId,
        c.benchmark,
        c.sources.map((s) => s.roleName),
      ]),
      [
        ['ai-prod', prodComponentId, testCustomerId, true, ['blue', 'k8s', 'legacy-aci']],
        ['ai-dev', devComponentId, undefined, false, ['main']],
      ],
    );
    assert.deepEqual(
      engine.logAnalyticsWorkspaces.map((w) => [
        w.customerId,
        w.resourceId,
        w.deployments.map((d) => d.deploymentName),
      ]),
      [[testCustomerId, prodLogAnalyticsId, ['blue', 'green']]],
    );
  });

  void it('writes telemetry only for deployments and services with App Insights on', () => {
    const roles = rowsOf(engine, { scope: prod, query: 'requests | distinct cloud_RoleName' }).map(
      (r) => r[0],
    );
    assert.deepEqual(roles.sort(), ['blue', 'k8s', 'legacy-aci']);
    // Requests carry SERVICE_NAME as "Service Name" too (appinsights_client.py).
    const services = rowsOf(engine, {
      scope: prod,
      query: 'requests | distinct tostring(customDimensions["Service Name"])',
    }).map((r) => r[0]);
    assert.deepEqual(services.sort(), ['blue', 'k8s', 'legacy-aci']);
  });

  void it('has the inference server shapes: no endpoint or deployment key, print() in message, model-data traces', () => {
    const week = { scope: prod, timespan: 'P7D' } as const;
    const count = (query: string) => rowsOf(engine, { ...week, query: `${query} | count` })[0]?.[0] as number;
    for (const table of ['requests', 'traces', 'exceptions', 'dependencies'])
      assert.equal(
        count(
          `${table} | where customDimensions contains "Endpoint Name" or customDimensions contains "Deployment Name"`,
        ),
        0,
        table,
      );
    // The current server: printed JSON in message, no dimensions; model_data_collection rows.
    assert.ok(
      count(
        'traces | where cloud_RoleName == "blue" and message startswith "{" and tostring(customDimensions) == "{}"',
      ) > 0,
    );
    assert.ok(
      count(
        'traces | where message == "model_data_collection" and isnotempty(tostring(customDimensions.Input)) and isnotempty(tostring(customDimensions.Prediction))',
      ) > 0,
    );
    // The older server (v1 services): the printed JSON under customDimensions.Contents.
    assert.ok(
      count(
        'traces | where cloud_RoleName == "legacy-aci" and isnotempty(tostring(customDimensions.Contents))',
      ) > 0,
    );
    const exceptionKeys = rowsOf(engine, {
      ...week,
      query: 'exceptions | project customDimensions | take 1',
    })[0]?.[0];
    assert.deepEqual(Object.keys(JSON.parse(String(exceptionKeys)) as object).sort(), [
      'Client Request Id',
      'Container Id',
      'Request Id',
    ]);
  });

  void it('answers the same rows for the same seed and time, and different ones for another seed', () => {
    const query = 'traces | project timestamp, message, customDimensions | take 50';
    const again = createQueryEngine(kqlTestScenario, { seed: 42, now: () => now, bigRows: 20_000 });
    const other = createQueryEngine(kqlTestScenario, { seed: 43, now: () => now, bigRows: 20_000 });
    const a = rowsOf(engine, { scope: dev, query, timespan: 'P1D' });
    assert.equal(a.length, 50);
    assert.deepEqual(rowsOf(again, { scope: dev, query, timespan: 'P1D' }), a);
    assert.notDeepEqual(rowsOf(other, { scope: dev, query, timespan: 'P1D' }), a);
  });

  void it('keeps a row identical as time passes, and adds new rows at the recent end', () => {
    let clock = now.getTime();
    const moving = createQueryEngine(kqlTestScenario, {
      seed: 42,
      now: () => new Date(clock),
      bigRows: 20_000,
    });
    const query =
      'requests | where timestamp < datetime(2026-11-23 09:00) | top 5 by timestamp desc | project operation_Id, timestamp, duration';
    const before = rowsOf(moving, { scope: dev, query });
    const countBefore = rowsOf(moving, { scope: dev, query: 'requests | where timestamp > ago(1h) | count' });
    clock += 3_600_000;
    assert.deepEqual(rowsOf(moving, { scope: dev, query }), before);
    const latest = rowsOf(moving, { scope: dev, query: 'requests | summarize max(timestamp)' })[0]?.[0];
    assert.ok(Date.parse(String(latest)) > now.getTime(), 'rows keep arriving after the first query');
    assert.ok(countBefore.length === 1);
  });

  void it('holds JSON input/output traces, non-JSON lines, error traces and hostile payloads', () => {
    const week = { scope: prod, timespan: 'P7D' } as const;
    const count = (where: string) =>
      rowsOf(engine, { ...week, query: `traces | where ${where} | count` })[0]?.[0] as number;
    assert.ok(count('message contains "input" or customDimensions contains "input"') > 1000);
    assert.ok(count('message startswith "model initialized "') > 0, 'a non-JSON startup line');
    assert.ok(count('severityLevel == 3 and message contains "Traceback"') > 0, 'error traces');
    assert.ok(count('message contains "<script>alert(1)</script>"') > 0);
    assert.ok(count('message contains "<img src=x onerror=alert(1)>"') > 0);
    assert.ok(count('message contains "東京 🚀"') > 0);
    const big = rowsOf(engine, {
      ...week,
      query: 'traces | where strlen(message) > 60000 | project message, customDimensions | take 1',
    });
    const [message, dims] = big[0] ?? [];
    assert.equal(String(message).length, BIG_PAYLOAD_CHARS);
    const contents = (JSON.parse(String(dims)) as { Contents?: unknown }).Contents;
    // The older server also keeps it under Contents; the current one only in message.
    if (contents !== undefined) assert.deepEqual(contents, JSON.parse(String(message)));
    assert.ok('input' in (JSON.parse(String(message)) as object));
  });

  void it('joins traces, exceptions and dependencies to their request by operation_Id', () => {
    const failedOps = new Set(
      rowsOf(engine, {
        scope: dev,
        timespan: 'P1D',
        query: 'requests | where success == false | project operation_Id',
      }).map((r) => r[0]),
    );
    const exceptionOps = rowsOf(engine, {
      scope: dev,
      timespan: 'P1D',
      query: 'exceptions | project operation_Id',
    }).map((r) => r[0]);
    assert.ok(exceptionOps.length > 0);
    for (const op of exceptionOps)
      assert.ok(failedOps.has(op), 'every exception belongs to a failed request');
    const depFailures = rowsOf(engine, {
      scope: dev,
      timespan: 'P1D',
      query: 'dependencies | where success == false | count',
    });
    assert.ok((depFailures[0]?.[0] as number) > 0);
  });
});

void describe('the 500,000-row benchmark table', () => {
  void it('answers requests | project 8 columns | take 500000 on the first component', () => {
    const engine = createQueryEngine(kqlTestScenario, { seed: 42, now: () => now });
    const benchmark = engine.components.find((c) => c.benchmark);
    assert.equal(benchmark?.componentId, prodComponentId);
    const query =
      'requests | project timestamp, name, url, success, resultCode, duration, cloud_RoleName, operation_Id | take 500000';
    // Its speed is measured by bench/emulatorQuery.bench.ts, not here.
    const answer = engine.run({ scope: { kind: 'appInsights', componentId: benchmark.componentId }, query });
    assert.equal(answer.status, 200);
    assert.ok(answer.status === 200);
    const table = answer.body.tables[0];
    assert.equal(table?.columns.length, 8);
    assert.equal(table?.rows.length, 500_000);
    assert.equal(answer.body.error, undefined);
  });
});
