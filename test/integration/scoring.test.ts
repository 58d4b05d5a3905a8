// Test requests through the real client against the emulator's scoring URIs: each auth mode
// (listKeys, the token operation, a Microsoft Entra token), pinning, the traffic split, the
// documented error codes, streamed bodies, and the telemetry rows each answered request leaves.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ScoringSession } from '../../src/azure/api';
import type { Endpoint } from '../../src/azure/models';
import { interpretAnswer } from '../../src/core/scoring';
import { startTestAzure, type TestAzure } from './support';

const SAMPLE = new TextEncoder().encode('{"data": [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]}');
const PROD = { subscriptionId: '5f3c2a1e-8b7d-4c6e-9a0f-1d2e3f4a5b6c', resourceGroup: 'rg-ml-prod' };
const CREDIT = { ...PROD, workspaceName: 'mlw-credit-prod' };

void describe('Send Test Request against the emulator', () => {
  let t: TestAzure;
  const endpoints = new Map<string, Endpoint>();
  const sessions = new Map<string, ScoringSession>();
  let counter = 0;
  const clientId = () => `test-${++counter}`;

  before(async () => {
    t = await startTestAzure({ logIntervalMs: 0 });
    for (const ep of await t.client.listEndpoints(CREDIT)) endpoints.set(ep.endpointName, ep);
  });
  after(() => t.stop());
  beforeEach(() => {
    t.emu.faults.clear();
    t.emu.telemetry.ingestionDelayMs = 0;
  });

  const session = async (name: string) => {
    let s = sessions.get(name);
    if (!s) {
      const ep = endpoints.get(name);
      assert.ok(ep, name);
      s = await t.client.openScoringSession(ep);
      sessions.set(name, s);
    }
    return s;
  };
  const text = (body: Uint8Array) => new TextDecoder().decode(body);

  void it('Key auth: listKeys is a POST, the key goes only to the scoring URI and never into a record', async () => {
    const s = await session('credit-risk');
    const id = clientId();
    const answer = await s.send({ body: SAMPLE, clientRequestId: id });
    assert.equal(answer.status, 200, text(answer.body));
    assert.deepEqual(JSON.parse(text(answer.body)), [0, 1]);
    const facts = interpretAnswer(answer.headers);
    assert.match(facts.requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(facts.clientRequestId, id);
    assert.ok(facts.servedBy === 'blue' || facts.servedBy === 'green');
    assert.ok(answer.totalMs >= answer.headersMs);
    const listKeys = t.emu.requests.filter((r) => r.path.endsWith('/onlineEndpoints/credit-risk/listKeys'));
    assert.equal(listKeys.length, 1);
    assert.equal(listKeys[0]?.method, 'POST');
    assert.equal(listKeys[0]?.query['api-version'], '2022-10-01');
    const scoring = t.emu.requests.filter((r) => r.path.startsWith('/inference/'));
    assert.ok(scoring.length > 0);
    const { primaryKey } = t.emu.scoring.keysOf(endpoints.get('credit-risk')!.armId);
    for (const r of t.emu.requests)
      assert.ok(!JSON.stringify(r).includes(primaryKey), 'key leaked into a record');
    assert.ok(!t.log.join('\n').includes(primaryKey), 'key leaked into the diagnostic log');
    assert.equal(t.emu.scoring.records.at(-1)?.authorized, true);
  });

  void it('AMLToken auth: the token operation, and a 401 once the token expired', async () => {
    const s = await session('fraud-detect');
    const ok = await s.send({ body: SAMPLE, clientRequestId: clientId() });
    assert.equal(ok.status, 200);
    assert.ok(t.emu.requests.some((r) => r.method === 'POST' && r.path.endsWith('/fraud-detect/token')));
    t.emu.scoring.expireTokens();
    const expired = await s.send({ body: SAMPLE, clientRequestId: clientId() });
    assert.equal(expired.status, 401);
    sessions.delete('fraud-detect');
    const fresh = await session('fraud-detect');
    // fraud-detect's main deployment is throttled (scenario): a fresh token is accepted, and the
    // answer is whatever the deployment gives it (200, or 429 when other callers fill its slots).
    const again = await fresh.send({ body: SAMPLE, clientRequestId: clientId() });
    assert.notEqual(again.status, 401);
    assert.equal(t.emu.scoring.records.at(-1)?.authorized, true);
  });

  void it('AADToken auth: a Microsoft Entra token, no listKeys or token call', async () => {
    const before = t.emu.requests.length;
    const s = await session('churn-score');
    const answer = await s.send({ body: SAMPLE, clientRequestId: clientId() });
    assert.equal(answer.status, 200, text(answer.body));
    const control = t.emu.requests.slice(before).filter((r) => !r.path.startsWith('/inference/'));
    assert.deepEqual(control, []);
  });

  void it('the traffic split decides without a pin; the pin reaches a deployment whatever its share', async () => {
    const s = await session('credit-risk');
    const served: string[] = [];
    for (let i = 0; i < 20; i++) {
      const a = await s.send({ body: SAMPLE, clientRequestId: clientId() });
      served.push(interpretAnswer(a.headers).servedBy ?? '?');
    }
    assert.equal(served.filter((d) => d === 'green').length, 2, served.join(','));
    assert.equal(served.filter((d) => d === 'blue').length, 18);
    for (let i = 0; i < 3; i++) {
      const a = await s.send({ body: SAMPLE, clientRequestId: clientId(), deployment: 'green' });
      assert.equal(a.status, 200);
      assert.equal(a.headers['azureml-model-deployment'], 'green');
    }
    assert.equal(t.emu.requests.at(-1)?.headers['azureml-model-deployment'], 'green');
    const missing = await s.send({ body: SAMPLE, clientRequestId: clientId(), deployment: 'purple' });
    assert.equal(missing.status, 404);
  });

  void it('model errors are 424 with the container status in ms-azureml-model-error-* headers', async () => {
    const s = await session('credit-risk');
    const bad = await s.send({
      body: new TextEncoder().encode('{"rows": []}'),
      clientRequestId: clientId(),
      deployment: 'blue',
    });
    assert.equal(bad.status, 424);
    const facts = interpretAnswer(bad.headers);
    assert.deepEqual(facts.modelError, { statusCode: 400, reason: 'bad_request' });
    const crash = await s.send({
      body: new TextEncoder().encode('{"data": [["abc", 1]]}'),
      clientRequestId: clientId(),
      deployment: 'blue',
    });
    assert.equal(crash.status, 424);
    assert.equal(interpretAnswer(crash.headers).modelError?.statusCode, 500);
    assert.match(text(crash.body), /ValueError/);
  });

  void it('408, 429 and 503 as the troubleshooting guide describes them', async () => {
    const s = await session('credit-risk');
    const path = '/inference/westeurope/credit-risk/score';
    t.emu.faults.add({ path, kind: '408' });
    assert.equal((await s.send({ body: SAMPLE, clientRequestId: clientId() })).status, 408);
    t.emu.faults.add({ path, kind: '429', retryAfterSeconds: 2 });
    const limited = await s.send({ body: SAMPLE, clientRequestId: clientId() });
    assert.equal(limited.status, 429);
    assert.equal(interpretAnswer(limited.headers).retryAfterSeconds, 2);
    t.emu.faults.add({ path, kind: '503' });
    assert.equal((await s.send({ body: SAMPLE, clientRequestId: clientId() })).status, 503);
    // Too many pending requests: green has 1 instance and 1 concurrent request → at most 2 at once.
    t.emu.faults.add({ path, kind: 'slow', delayMs: 300, times: 8 });
    const burst = await Promise.all(
      Array.from({ length: 8 }, () =>
        s.send({ body: SAMPLE, clientRequestId: clientId(), deployment: 'green' }),
      ),
    );
    const statuses = burst.map((a) => a.status);
    assert.equal(statuses.filter((x) => x === 200).length, 2, statuses.join(','));
    assert.equal(statuses.filter((x) => x === 429).length, 6);
  });

  void it('a large request streams from a factory and a large answer is counted, not held', async () => {
    const s = await session('credit-risk');
    const rows = 40_000;
    const json = JSON.stringify({ data: Array.from({ length: rows }, (_, i) => [i % 7, 1, 2, 3]) });
    const answer = await s.send({
      body: { stream: () => Readable.from([Buffer.from(json)]), length: Buffer.byteLength(json) },
      clientRequestId: clientId(),
      deployment: 'blue',
      maxResponseBytes: 1000,
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.length, 1000);
    assert.ok(answer.truncated);
    assert.equal(
      answer.totalBytes,
      JSON.stringify(Array.from({ length: rows }, (_, i) => ((i % 7) + 6 > 10 ? 1 : 0))).length,
    );
  });

  void it('every answered request leaves telemetry with its own ids, visible after the ingestion delay', async () => {
    const s = await session('credit-risk');
    t.emu.telemetry.ingestionDelayMs = 60_000;
    const id = clientId();
    const answer = await s.send({ body: SAMPLE, clientRequestId: id, deployment: 'blue' });
    const requestId = answer.headers['x-request-id'] ?? '';
    const component = (await t.client.getWorkspace(CREDIT)).applicationInsightsId ?? '';
    const kql = `requests | where tostring(customDimensions["ai.operation.id"]) == "${requestId}" | project operation_Id, resultCode, customDimensions`;
    const late = await t.client.query({ kind: 'appInsights', resourceId: component }, kql, {
      duration: 'PT1H',
    });
    assert.equal(late.tables[0]?.rows.length, 0, 'rows visible before the ingestion delay passed');
    for (const table of ['requests', 'traces']) {
      for (const row of t.emu.telemetry.written({ kind: 'appInsights', componentId: component }, table))
        row.visibleAt = 0;
    }
    for (const row of t.emu.telemetry.written(
      { kind: 'logAnalytics', customerId: 'b7c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e' },
      'AmlOnlineEndpointTrafficLog',
    ))
      row.visibleAt = 0;
    const found = await t.client.query({ kind: 'appInsights', resourceId: component }, kql, {
      duration: 'PT1H',
    });
    assert.equal(found.tables[0]?.rows.length, 1);
    assert.equal(found.tables[0]?.rows[0]?.[1], '200');
    const collected = await t.client.query(
      { kind: 'appInsights', resourceId: component },
      `traces | where message == "model_data_collection" and tostring(customDimensions["Client Request Id"]) == "${id}" | project customDimensions`,
      { duration: 'PT1H' },
    );
    assert.equal(collected.tables[0]?.rows.length, 1);
    const dims = collected.tables[0]?.rows[0]?.[0] as Record<string, unknown>;
    assert.equal(dims['Request Id'], requestId);
    assert.equal(dims.Input, JSON.stringify(JSON.parse(new TextDecoder().decode(SAMPLE))));
    const traffic = await t.client.query(
      {
        kind: 'logAnalytics',
        resourceId:
          '/subscriptions/5f3c2a1e-8b7d-4c6e-9a0f-1d2e3f4a5b6c/resourceGroups/rg-ml-prod/providers/Microsoft.OperationalInsights/workspaces/log-ml-prod',
      },
      `AmlOnlineEndpointTrafficLog | where XRequestId == "${requestId}" | project XMSClientRequestId, ResponseCode, DeploymentName`,
      { duration: 'PT1H' },
    );
    assert.deepEqual(traffic.tables[0]?.rows, [[id, 200, 'blue']]);
  });
});
