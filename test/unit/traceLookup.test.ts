// The queries of Trace This Request and the timeline they feed (src/core/traceLookup.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appInsightsTraceQueries,
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

void test('latency split: request, model, response', () => {
  const row = {
    time: new Date(0),
    deployment: 'b',
    responseCode: 200,
    modelStatusCode: 200,
    requestMs: 2,
    responseMs: 3,
    totalMs: 50,
  };
  assert.deepEqual(latencySplit(row), { requestMs: 2, modelMs: 45, responseMs: 3 });
  assert.equal(latencySplit({ ...row, totalMs: 1 }).modelMs, 0);
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
