// The queries of Trace This Request and the timeline they feed (src/core/traceLookup.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appInsightsTraceQueries,
  consoleLogQuery,
  dependenciesQuery,
  latencySplit,
  orderTimeline,
  printedDuringQuery,
  trafficLogQuery,
} from '../../src/core/traceLookup';

void test('every column an id may live in is asked, and ids are KQL string literals', () => {
  const q = appInsightsTraceQueries({ requestId: 'r-1', clientRequestId: 'c"1' });
  for (const column of [
    'operation_Id',
    'ai.operation.id',
    'Request Id',
    'ai.operation.parentId',
    'Client Request Id',
  ])
    assert.ok(q.requests.includes(column), column);
  assert.ok(q.exceptions.startsWith('exceptions | where '));
  assert.ok(!q.traces.includes('c"1"'), 'a quote in an id must not end the string');
  assert.match(trafficLogQuery({ requestId: 'r-1' }), /XRequestId == "r-1"/);
  assert.ok(!trafficLogQuery({ requestId: 'r-1' }).includes('XMSClientRequestId =='));
  assert.match(trafficLogQuery({}), /where false/);
});

void test('printed lines are matched by instance and a window around the request', () => {
  const q = printedDuringQuery('blue-1', new Date('2026-11-29T10:00:00Z'), new Date('2026-11-29T10:00:02Z'));
  assert.match(q, /cloud_RoleInstance == "blue-1"/);
  assert.match(q, /datetime\(2026-11-29T09:59:59.000Z\)/);
  assert.match(q, /datetime\(2026-11-29T10:00:03.000Z\)/);
});

void test('latency split: every traffic-log duration counts from the request start (table reference)', () => {
  // RequestDurationMs: to the last request byte; ResponseDurationMs: to the model's first response
  // byte; TotalDurationMs: to the last byte sent back.
  const row = {
    time: new Date(0),
    deployment: 'b',
    responseCode: 200,
    modelStatusCode: 200,
    requestMs: 2,
    responseMs: 47,
    totalMs: 50,
  };
  assert.deepEqual(latencySplit(row), { requestMs: 2, modelMs: 45, responseMs: 3 });
  // A 429 never reached the model: no model time, and no negative figure from odd rows.
  assert.deepEqual(latencySplit({ ...row, responseMs: 1, totalMs: 3 }), {
    requestMs: 2,
    modelMs: 0,
    responseMs: 1,
  });
  assert.deepEqual(latencySplit({ ...row, totalMs: 10 }), { requestMs: 2, modelMs: 45, responseMs: 0 });
});

void test('workspace-based form: App* tables, their column names, scoped to the component, classic names projected', () => {
  const form = {
    kind: 'workspace' as const,
    componentId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Insights/components/appi-1',
  };
  const q = appInsightsTraceQueries({ requestId: 'r-1', clientRequestId: 'c-1' }, form);
  assert.match(q.requests, /^AppRequests \| where _ResourceId =~ "\/subscriptions\/s\/.*appi-1" \| where /);
  assert.ok(q.traces.startsWith('AppTraces | '));
  assert.ok(q.exceptions.startsWith('AppExceptions | '));
  for (const query of Object.values(q)) {
    assert.match(query, /OperationId == "r-1"/);
    assert.match(query, /tostring\(Properties\["Client Request Id"\]\) == "c-1"/);
    assert.ok(!query.includes('customDimensions['), 'a classic column name in a workspace query');
    assert.ok(!query.includes('operation_Id =='), 'a classic column name in a workspace query');
  }
  assert.match(
    q.requests,
    /project timestamp = TimeGenerated, name = Name, resultCode = ResultCode, duration = DurationMs, success = Success, operation_Id = OperationId, cloud_RoleName = AppRoleName, cloud_RoleInstance = AppRoleInstance/,
  );
  assert.match(q.exceptions, /type = ExceptionType, outerMessage = OuterMessage/);
  const printed = printedDuringQuery(
    'blue-1',
    new Date('2026-11-29T10:00:00Z'),
    new Date('2026-11-29T10:00:02Z'),
    form,
  );
  assert.match(
    printed,
    /^AppTraces \| where _ResourceId =~ .* \| where AppRoleInstance == "blue-1" and TimeGenerated >= datetime\(2026-11-29T09:59:59.000Z\)/,
  );
  assert.match(printed, /Message != "model_data_collection"/);
  const deps = dependenciesQuery(['op-1'], undefined, form);
  assert.match(deps, /^AppDependencies \| where _ResourceId =~ .* \| where OperationId in \("op-1"\)/);
  assert.match(deps, /type = DependencyType, target = Target, name = Name/);
});

void test('dependencies: by operation id and by instance and window; nothing to ask asks nothing', () => {
  const during = {
    instance: 'blue-1',
    start: new Date('2026-11-29T10:00:00Z'),
    end: new Date('2026-11-29T10:00:00.500Z'),
  };
  const q = dependenciesQuery(['a"b', 'c'], during);
  assert.match(
    q,
    /^dependencies \| where operation_Id in \("a\\"b", "c"\) or \(cloud_RoleInstance == "blue-1" and timestamp >= datetime\(2026-11-29T09:59:59.000Z\) and timestamp <= datetime\(2026-11-29T10:00:01.500Z\)\)/,
  );
  assert.match(q, /project timestamp, type, target, name, resultCode, duration, success, operation_Id/);
  assert.match(dependenciesQuery([]), /where false/);
});

void test('console lines: the endpoint (case-insensitive), the deployment and the window, in time order', () => {
  const q = consoleLogQuery(
    '/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e',
    'bl"ue',
    new Date('2026-11-29T10:00:00Z'),
    new Date('2026-11-29T10:00:00.100Z'),
  );
  assert.match(
    q,
    /^AmlOnlineEndpointConsoleLog \| where _ResourceId =~ "\/subscriptions\/s\/.*\/onlineEndpoints\/e"/,
  );
  assert.match(q, /DeploymentName == "bl\\"ue"/);
  assert.match(
    q,
    /TimeGenerated >= datetime\(2026-11-29T09:59:59.000Z\) and TimeGenerated <= datetime\(2026-11-29T10:00:01.100Z\)/,
  );
  assert.match(q, /project TimeGenerated, InstanceId, ContainerName, Message \| order by TimeGenerated asc/);
});

void test('the timeline keeps received → model → answered at equal times', () => {
  const t = new Date(0);
  const steps = orderTimeline([
    { time: t, kind: 'answered', text: 'a' },
    { time: new Date(-5), kind: 'exception', text: 'e' },
    { time: t, kind: 'received', text: 'r' },
    { time: t, kind: 'model', text: 'm' },
  ]);
  assert.deepEqual(
    steps.map((s) => s.kind),
    ['exception', 'received', 'model', 'answered'],
  );
});
