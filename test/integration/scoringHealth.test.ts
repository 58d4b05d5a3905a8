// The scoring URIs honour the deployments' health profiles (test/emulator/health.ts, issue 14):
// a crash-looping deployment answers 502 and 503 in the shares its metrics show, a throttled one
// 429 once its slots are full, a slow one slowly and 408 beyond request_timeout_ms; out of memory,
// a failing model and a scale-out give their metrics' 502, 424 and 503. The diagnose
// scenario has one endpoint per profile (Key auth, Managed, 2 instances, limit 2 × 1 × 2 = 4).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ScoringSession } from '../../src/azure/api';
import type { HealthProfile } from '../emulator/health';
import { statusGuide } from '../../src/core/statusGuide';
import { DIAGNOSE_SUBSCRIPTION, diagnoseEndpointOf } from '../emulator/scenarios/diagnose';
import { installStandInVscode, l10n, realVscodeAvailable } from '../support/standInVscode';
import { startTestAzure, type TestAzure } from './support';

if (!realVscodeAvailable()) installStandInVscode({ l10n });

const SAMPLE = new TextEncoder().encode('{"data": [[1.0, 2.0, 3.0, 4.0]]}');
const WORKSPACE = {
  subscriptionId: DIAGNOSE_SUBSCRIPTION,
  resourceGroup: 'rg-diagnose',
  workspaceName: 'mlw-diagnose',
};

void describe('Scoring honours the health profiles (diagnose scenario)', () => {
  let t: TestAzure;
  const sessions = new Map<HealthProfile, ScoringSession>();
  let counter = 0;

  before(async () => {
    t = await startTestAzure({ scenario: 'diagnose', logIntervalMs: 0 });
  });
  after(() => t.stop());

  const session = async (profile: HealthProfile) => {
    let s = sessions.get(profile);
    if (!s) {
      const endpoints = await t.client.listEndpoints(WORKSPACE);
      const ep = endpoints.find((e) => e.endpointName === diagnoseEndpointOf(profile));
      assert.ok(ep, profile);
      s = await t.client.openScoringSession(ep);
      sessions.set(profile, s);
    }
    return s;
  };
  const sendSequentially = async (profile: HealthProfile, n: number) => {
    const s = await session(profile);
    const answers = [];
    for (let i = 0; i < n; i++)
      answers.push(await s.send({ body: SAMPLE, clientRequestId: `h-${++counter}` }));
    return answers;
  };
  const counts = (statuses: number[]) =>
    Object.fromEntries([...new Set(statuses)].sort().map((s) => [s, statuses.filter((x) => x === s).length]));
  const text = (body: Uint8Array) => new TextDecoder().decode(body);

  void it('a crash-looping deployment answers 502 and 503 in the shares its metrics show (55/25/20)', async () => {
    const answers = await sendSequentially('crashLoop', 20);
    assert.deepEqual(counts(answers.map((a) => a.status)), { 200: 11, 502: 5, 503: 4 });
    for (const a of answers.filter((x) => x.status >= 500)) {
      assert.equal(a.headers['azureml-model-deployment'], 'blue');
      // The answer document can explain it: the guide's table lists the code.
      assert.equal(statusGuide(a.status)?.status, a.status);
    }
    assert.match(text(answers.find((a) => a.status === 503)!.body), /No ready instance/);
    // Its trace (the traffic log: Application Insights is off there) says the model never answered.
    const { lookUp, renderTrace } = await import('../../src/testRequest/trace');
    const unavailable = answers.find((a) => a.status === 503)!;
    const endpoint = { ...WORKSPACE, endpointName: diagnoseEndpointOf('crashLoop') };
    const ids = {
      requestId: unavailable.headers['x-request-id'] ?? '',
      clientRequestId: unavailable.headers['x-ms-client-request-id'] ?? '',
    };
    const { found } = await lookUp(t.client, endpoint, ids, { pollMs: 100, maxWaitMs: 20_000 });
    assert.equal(found.traffic[0]?.responseCode, 503);
    const doc = renderTrace(endpoint.endpointName, ids, found, 0);
    assert.match(doc, /No answer from the model: the endpoint answered for it/);
    assert.doesNotMatch(doc, /Model answered 0/);
    assert.match(doc, /Answered 503:/);
  });

  void it('a throttled deployment answers 429 when its slots are full, naming the documented limit', async () => {
    const answers = await sendSequentially('throttled', 5);
    assert.deepEqual(counts(answers.map((a) => a.status)), { 200: 3, 429: 2 });
    const records = t.emu.scoring.records.filter((r) => r.endpoint === diagnoseEndpointOf('throttled'));
    for (const r of records) {
      assert.equal(r.limit, 4);
      // A 429 only with the limit reached (other callers' requests included), never below it.
      assert.equal(r.status === 429, (r.inFlight ?? 0) >= (r.limit ?? 0), JSON.stringify(r));
    }
    for (const a of answers.filter((x) => x.status === 429))
      assert.match(text(a.body), /Too many pending requests: at most 4 requests run in parallel/);
    // Requests that ran took the profile's median time (a lower bound: no upper bound is asserted).
    for (const a of answers.filter((x) => x.status === 200))
      assert.ok(Number(a.headers['x-ms-run-fn-exec-ms']) >= 179, a.headers['x-ms-run-fn-exec-ms']);
  });

  void it('a slow deployment answers slowly, and 408 once run() outlasts request_timeout_ms', async () => {
    const [ok] = await sendSequentially('slow', 1);
    assert.equal(ok?.status, 200);
    assert.ok(Number(ok?.headers['x-ms-run-fn-exec-ms']) >= 2399, ok?.headers['x-ms-run-fn-exec-ms']);
    // request_timeout_ms below the model's time: the caller gets 408, with no model time header.
    const workspace = [...t.emu.azure.workspaces.values()].find((w) => w.ws.name === 'mlw-diagnose')!;
    const deployment = t.emu.azure.deployment(workspace, diagnoseEndpointOf('slow'), 'blue')!;
    const settings = deployment.body.properties.requestSettings as { requestTimeout?: string };
    const before = settings.requestTimeout;
    settings.requestTimeout = 'PT1S';
    try {
      const [late] = await sendSequentially('slow', 1);
      assert.equal(late?.status, 408);
      assert.equal(late?.headers['x-ms-run-fn-exec-ms'], undefined);
      assert.match(text(late.body), /timed out/);
    } finally {
      settings.requestTimeout = before;
    }
  });

  void it('out of memory, a failing model and a scale-out answer 502, 424 and 503 in their metrics’ shares', async () => {
    const oom = await sendSequentially('outOfMemory', 25);
    assert.deepEqual(counts(oom.map((a) => a.status)), { 200: 22, 502: 3 });
    const failing = await sendSequentially('modelError', 4);
    assert.deepEqual(counts(failing.map((a) => a.status)), { 200: 3, 424: 1 });
    const error = failing.find((a) => a.status === 424)!;
    assert.equal(error.headers['ms-azureml-model-error-statuscode'], '500');
    assert.match(text(error.body), /ValueError: Expected 2D array, got 1D array instead/);
    const scaling = await sendSequentially('scaleOut', 10);
    assert.deepEqual(counts(scaling.map((a) => a.status)), { 200: 7, 503: 3 });
  });

  void it('a healthy deployment answers every request', async () => {
    const answers = await sendSequentially('healthy', 5);
    assert.deepEqual(counts(answers.map((a) => a.status)), { 200: 5 });
  });
});
