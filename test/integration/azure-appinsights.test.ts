// Turning Application Insights on and off: the v2 GET → full PUT long-running operation through
// the real SDK poller, and the v1 JSON patch with its operation to poll.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Deployment, DeploymentRef } from '../../src/azure/models';
import { isAzureRequestError } from '../../src/azure/errors';
import { rawArmGet, scenarioOf, startTestAzure, type TestAzure } from './support';

const FAST = { pollIntervalMs: 20 };

void describe('Application Insights on deployments and v1 services', () => {
  let t: TestAzure;
  before(async () => {
    t = await startTestAzure({ lroPolls: 3, lroMaxMs: 1500 });
  });
  after(() => t.stop());
  beforeEach(() => t.emu.faults.clear());

  void it('turns it on through the PUT long-running operation: Updating meanwhile, the new state after', async () => {
    const ref = deploymentWhere(t, (d) => !d.appInsightsEnabled && d.provisioningState === 'Succeeded');
    let duringUpdate: Promise<Deployment> | undefined;
    let accepted = 0;
    const result = await t.client.setDeploymentAppInsights(ref, true, {
      ...FAST,
      onAccepted: () => {
        accepted++;
        duringUpdate = t.client.getDeployment(ref);
      },
    });
    assert.equal(accepted, 1);
    assert.equal((await duringUpdate)?.provisioningState, 'Updating');
    assert.equal(result.appInsightsEnabled, true);
    assert.equal(result.provisioningState, 'Succeeded');
    assert.equal((await t.client.getDeployment(ref)).appInsightsEnabled, true);
    const polls = t.emu.requests.filter((r) => r.method === 'GET' && /operation/i.test(r.path));
    assert.ok(polls.length >= 2, `polled ${polls.length} times`);
  });

  void it('PUTs back exactly the GET body with only appInsightsEnabled changed (read-only fields dropped)', async () => {
    const ref = deploymentWhere(t, (d) => d.appInsightsEnabled && d.provisioningState === 'Succeeded');
    const path = deploymentPath(ref);
    const before = (await rawArmGet(t, path)) as Record<string, unknown> & {
      properties: Record<string, unknown>;
    };
    const from = t.emu.requests.length;
    await t.client.setDeploymentAppInsights(ref, false, FAST);
    const put = t.emu.requests
      .slice(from)
      .find((r) => r.method === 'PUT' && r.path.toLowerCase() === path.toLowerCase());
    assert.ok(put, 'a PUT of the deployment was sent');
    const sent = typeof put.body === 'string' ? (JSON.parse(put.body) as unknown) : put.body;

    const { id: _id, name: _name, type: _type, systemData: _systemData, ...writable } = before;
    const { provisioningState: _state, ...properties } = before.properties;
    assert.deepEqual(sent, { ...writable, properties: { ...properties, appInsightsEnabled: false } });
  });

  void it('reports a failed long-running operation with its code and message', async () => {
    const ref = deploymentWhere(t, (d) => d.provisioningState === 'Succeeded');
    t.emu.faults.add({ method: 'PUT', path: ref.deploymentName, kind: 'lroFailed' });
    await assert.rejects(t.client.setDeploymentAppInsights(ref, true, FAST), (e: unknown) => {
      assert.ok(isAzureRequestError(e));
      assert.equal(e.kind, 'operationFailed');
      assert.ok(e.code, 'code');
      assert.ok(e.azureMessage && e.azureMessage.length > 3, 'message');
      assert.match(e.operation, new RegExp(ref.deploymentName));
      return true;
    });
  });

  void it('reports a second update while the first one runs as a conflict (409)', async () => {
    const ref = deploymentWhere(t, (d) => !d.appInsightsEnabled && d.provisioningState === 'Succeeded');
    let accepted!: () => void;
    const running = new Promise<void>((resolve) => (accepted = resolve));
    const first = t.client.setDeploymentAppInsights(ref, true, { ...FAST, onAccepted: accepted });
    await running;
    await assert.rejects(t.client.setDeploymentAppInsights(ref, false, FAST), (e: unknown) => {
      assert.ok(isAzureRequestError(e));
      assert.equal(e.kind, 'conflict');
      assert.equal(e.statusCode, 409);
      assert.ok(e.code && e.azureMessage);
      return true;
    });
    assert.equal((await first).appInsightsEnabled, true);
  });

  void it('stops waiting when aborted while the operation goes on in Azure', async () => {
    const ref = deploymentWhere(t, (d) => !d.appInsightsEnabled && d.provisioningState === 'Succeeded');
    const abort = new AbortController();
    await assert.rejects(
      t.client.setDeploymentAppInsights(ref, true, {
        pollIntervalMs: 200,
        abortSignal: abort.signal,
        onAccepted: () => abort.abort(),
      }),
      (e: unknown) => isAzureRequestError(e) && e.kind === 'cancelled',
    );
    // The client stopped polling; the operation is still running in "Azure".
    assert.equal((await t.client.getDeployment(ref)).provisioningState, 'Updating');
    const polls = () => t.emu.requests.filter((r) => r.method === 'GET' && /operation/i.test(r.path)).length;
    const pollsAtAbort = polls();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(polls(), pollsAtAbort, 'no poll after the abort');
    for (let i = 0; i < 100; i++) {
      const now = await t.client.getDeployment(ref);
      if (now.provisioningState === 'Succeeded') {
        assert.equal(now.appInsightsEnabled, true);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail('the update did not finish in the emulator');
  });

  void it('JSON-patches a v1 service and polls its operation until it ends', async () => {
    const scenario = scenarioOf(t.emu);
    const found = scenario.subscriptions
      .flatMap((s) => s.workspaces.map((w) => ({ s, w })))
      .find(({ w }) => w.legacyServices.length > 0);
    assert.ok(found);
    const ws = await t.client.getWorkspace({
      subscriptionId: found.s.subscriptionId,
      resourceGroup: found.w.resourceGroup,
      workspaceName: found.w.name,
    });
    const service = found.w.legacyServices[0];
    assert.ok(service);
    const ref = { ...ws, serviceName: service.name };
    const target = !(await t.client.getLegacyService(ws, service.name)).appInsightsEnabled;
    const from = t.emu.requests.length;
    let accepted = false;
    const result = await t.client.setLegacyAppInsights(ws, ref, target, {
      ...FAST,
      onAccepted: () => (accepted = true),
    });
    assert.ok(accepted);
    assert.equal(result.appInsightsEnabled, target);
    const sent = t.emu.requests.slice(from);
    const patch = sent.find((r) => r.method === 'PATCH');
    assert.ok(patch);
    const body = typeof patch.body === 'string' ? (JSON.parse(patch.body) as unknown) : patch.body;
    assert.deepEqual(body, [{ op: 'replace', path: '/appInsightsEnabled', value: target }]);
    assert.match(patch.headers['content-type'] ?? '', /^application\/json-patch\+json/);
    assert.ok(
      sent.some((r) => r.method === 'GET' && /\/operations\//.test(r.path)),
      'the operation was polled',
    );
  });
  void it('reports a v1 operation that ends Failed with its code and message', async () => {
    const scenario = scenarioOf(t.emu);
    const found = scenario.subscriptions
      .flatMap((s) => s.workspaces.map((w) => ({ s, w })))
      .find(({ w }) => w.legacyServices.length > 1);
    assert.ok(found, 'a workspace with two v1 services');
    const ws = await t.client.getWorkspace({
      subscriptionId: found.s.subscriptionId,
      resourceGroup: found.w.resourceGroup,
      workspaceName: found.w.name,
    });
    const service = found.w.legacyServices[1];
    assert.ok(service);
    t.emu.faults.add({ method: 'PATCH', path: `/services/${service.name}`, kind: 'lroFailed' });
    const before = await t.client.getLegacyService(ws, service.name);
    await assert.rejects(
      t.client.setLegacyAppInsights(
        ws,
        { ...ws, serviceName: service.name },
        !before.appInsightsEnabled,
        FAST,
      ),
      (e: unknown) => {
        assert.ok(isAzureRequestError(e));
        assert.equal(e.kind, 'operationFailed');
        assert.ok(e.code, 'code');
        assert.ok(e.azureMessage, 'message');
        assert.match(e.operation, new RegExp(service.name));
        return true;
      },
    );
    assert.equal(
      (await t.client.getLegacyService(ws, service.name)).appInsightsEnabled,
      before.appInsightsEnabled,
      'nothing changed',
    );
  });
});

function deploymentWhere(
  t: TestAzure,
  match: (d: { appInsightsEnabled: boolean; provisioningState: string }) => boolean,
): DeploymentRef {
  const scenario = scenarioOf(t.emu);
  for (const s of scenario.subscriptions)
    for (const w of s.workspaces)
      for (const e of w.endpoints)
        for (const d of e.deployments)
          if (match(d)) {
            // Each test takes a deployment of its own so their states do not interfere.
            const key = `${w.name}/${e.name}/${d.name}`;
            if (used.has(key)) continue;
            used.add(key);
            return {
              subscriptionId: s.subscriptionId,
              resourceGroup: w.resourceGroup,
              workspaceName: w.name,
              endpointName: e.name,
              deploymentName: d.name,
            };
          }
  throw new Error('no unused deployment matches');
}
const used = new Set<string>();

function deploymentPath(ref: DeploymentRef): string {
  return (
    `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.MachineLearningServices` +
    `/workspaces/${ref.workspaceName}/onlineEndpoints/${ref.endpointName}/deployments/${ref.deploymentName}`
  );
}
