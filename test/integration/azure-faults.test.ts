// Every fault the emulator injects, and what the client does with it: retried and recovered, or
// one clear AzureRequestError of the right kind.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { isAzureRequestError, type AzureErrorKind } from '../../src/azure/errors';
import type { WorkspaceRef } from '../../src/azure/models';
import type { FaultKind } from '../emulator/index';
import { scenarioOf, startTestAzure, type TestAzure } from './support';

void describe('injected faults', () => {
  let t: TestAzure;
  let workspace: WorkspaceRef;
  const endpointsPath = /\/onlineEndpoints$/i;
  // First pages only: a workspace with more endpoints than a page holds is read in several.
  const listCalls = (from: number) =>
    t.emu.requests
      .slice(from)
      .filter((r) => r.method === 'GET' && endpointsPath.test(r.path) && r.query.$skip === undefined);

  before(async () => {
    t = await startTestAzure({ maxRetries: 3, retryDelayMs: 50 });
    const s = scenarioOf(t.emu).subscriptions[0];
    const w = s?.workspaces[0];
    assert.ok(s && w);
    workspace = { subscriptionId: s.subscriptionId, resourceGroup: w.resourceGroup, workspaceName: w.name };
  });
  after(() => t.stop());
  beforeEach(() => t.emu.faults.clear());

  void it('waits out a 429 for its Retry-After, then succeeds', async () => {
    t.emu.faults.add({ method: 'GET', path: 'onlineEndpoints', kind: '429', times: 1, retryAfterSeconds: 1 });
    const from = t.emu.requests.length;
    const started = Date.now();
    const endpoints = await t.client.listEndpoints(workspace);
    const elapsed = Date.now() - started;
    assert.ok(endpoints.length > 0);
    assert.ok(elapsed >= 950, `retried after ${elapsed} ms, Retry-After was 1 s`);
    assert.deepEqual(
      listCalls(from).map((r) => r.status),
      [429, 200],
    );
    assert.ok(
      t.log.some((l) => /HTTP 429 GET .*onlineEndpoints/.test(l)),
      'the throttled attempt is logged',
    );
  });

  for (const status of ['500', '503'] as const) {
    void it(`retries a transient ${status} and succeeds`, async () => {
      t.emu.faults.add({ method: 'GET', path: 'onlineEndpoints', kind: status, times: 1 });
      const from = t.emu.requests.length;
      const endpoints = await t.client.listEndpoints(workspace);
      assert.ok(endpoints.length > 0);
      assert.deepEqual(
        listCalls(from).map((r) => r.status),
        [Number(status), 200],
      );
    });
  }

  void it('gives up on a persistent 503 after the retries with kind server', async () => {
    t.emu.faults.add({ method: 'GET', path: 'onlineEndpoints', kind: '503', times: 100 });
    const from = t.emu.requests.length;
    await assert.rejects(t.client.listEndpoints(workspace), (e: unknown) => {
      assert.ok(isAzureRequestError(e));
      assert.equal(e.kind, 'server');
      assert.equal(e.statusCode, 503);
      assert.match(
        e.operation,
        new RegExp(`List online endpoints of workspace "${workspace.workspaceName}"`),
      );
      return true;
    });
    assert.equal(listCalls(from).length, 4, 'one try and three retries');
  });

  void it('retries a dropped connection and succeeds', async () => {
    t.emu.faults.add({ method: 'GET', path: 'onlineEndpoints', kind: 'drop', times: 1 });
    const from = t.emu.requests.length;
    const endpoints = await t.client.listEndpoints(workspace);
    assert.ok(endpoints.length > 0);
    assert.ok(listCalls(from).length >= 1);
    assert.ok(
      t.log.some((l) => /onlineEndpoints: (ECONNRESET|REQUEST_SEND_ERROR)/.test(l)),
      t.log.join('\n'),
    );
  });

  void it('waits for a slow answer', async () => {
    t.emu.faults.add({ method: 'GET', path: 'onlineEndpoints', kind: 'slow', times: 1, delayMs: 400 });
    const started = Date.now();
    const endpoints = await t.client.listEndpoints(workspace);
    assert.ok(endpoints.length > 0);
    assert.ok(Date.now() - started >= 380);
  });

  void it('reports throttling that outlasts the retries as throttled, with the Retry-After it gave', async () => {
    t.emu.faults.add({
      method: 'GET',
      path: 'onlineEndpoints',
      kind: '429',
      times: 100,
      retryAfterSeconds: 0,
    });
    await assert.rejects(t.client.listEndpoints(workspace), (e: unknown) => {
      assert.ok(isAzureRequestError(e));
      assert.equal(e.kind, 'throttled');
      assert.equal(e.statusCode, 429);
      assert.equal(e.retryAfterSeconds, 0);
      return true;
    });
  });

  void it('stops waiting for a slow answer when aborted', async () => {
    t.emu.faults.add({ method: 'GET', path: 'onlineEndpoints', kind: 'slow', times: 1, delayMs: 3000 });
    const abort = new AbortController();
    const from = t.emu.requests.length;
    const listing = t.client.listEndpoints(workspace, abort.signal);
    // Abort once the emulator holds the request (a fixed delay could abort before it was sent, on
    // a loaded machine, and prove nothing).
    for (let i = 0; listCalls(from).length === 0; i++) {
      if (i > 4000) assert.fail('the request never reached the emulator');
      await new Promise((r) => setTimeout(r, 5));
    }
    abort.abort();
    await assert.rejects(listing, (e: unknown) => isAzureRequestError(e) && e.kind === 'cancelled');
    // No clock: when the call gave up, the emulator had not answered (its record has no status yet).
    assert.deepEqual(
      listCalls(from).map((r) => r.status),
      [0],
      'the abort waited for the answer',
    );
  });

  const terminal: [FaultKind, AzureErrorKind, number][] = [
    ['401', 'signIn', 401],
    ['403', 'forbidden', 403],
    ['404', 'notFound', 404],
    ['409', 'conflict', 409],
  ];
  for (const [kind, expected, status] of terminal) {
    void it(`reports ${kind} as ${expected} without retrying, with Azure's code and the request id`, async () => {
      t.emu.faults.add({ method: 'GET', path: 'onlineEndpoints', kind, times: 1 });
      const from = t.emu.requests.length;
      await assert.rejects(t.client.listEndpoints(workspace), (e: unknown) => {
        assert.ok(isAzureRequestError(e));
        assert.equal(e.kind, expected);
        assert.equal(e.statusCode, status);
        assert.ok(e.code, 'Azure error code');
        assert.ok(e.azureMessage, 'Azure message');
        assert.ok(e.requestId, 'x-ms-request-id');
        assert.doesNotMatch(e.message, /amlmonitor-emulator-token|Bearer/i);
        return true;
      });
      assert.equal(listCalls(from).length, 1);
    });
  }
});
