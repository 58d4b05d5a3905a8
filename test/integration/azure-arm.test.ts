// The real @azure/arm-machinelearning client and the v1/ARM JSON calls against the emulator:
// listing through every page, reads, logs, the Application Insights component.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Workspace } from '../../src/azure/models';
import { scenarioOf, startTestAzure, type TestAzure } from './support';

void describe('Azure ML resources (default scenario)', () => {
  let t: TestAzure;
  before(async () => {
    t = await startTestAzure({ logIntervalMs: 50 });
  });
  after(() => t.stop());

  void it('lists every subscription, workspace, endpoint and deployment the scenario has', async () => {
    const scenario = scenarioOf(t.emu);
    const subs = await t.client.listSubscriptions();
    assert.deepEqual(
      subs.map((s) => s.subscriptionId).sort(),
      scenario.subscriptions.map((s) => s.subscriptionId).sort(),
    );
    for (const sub of scenario.subscriptions) {
      assert.equal(subs.find((s) => s.subscriptionId === sub.subscriptionId)?.displayName, sub.displayName);
      const workspaces = await t.client.listWorkspaces(sub.subscriptionId);
      assert.deepEqual(
        workspaces.map((w) => w.workspaceName).sort(),
        sub.workspaces.map((w) => w.name).sort(),
      );
      for (const ws of sub.workspaces) {
        const workspace = workspaces.find((w) => w.workspaceName === ws.name);
        assert.ok(workspace);
        assert.equal(workspace.resourceGroup, ws.resourceGroup);
        assert.equal(workspace.location, ws.location);
        assert.equal(Boolean(workspace.applicationInsightsId), Boolean(ws.appInsights));
        const endpoints = await t.client.listEndpoints(workspace);
        assert.deepEqual(endpoints.map((e) => e.endpointName).sort(), ws.endpoints.map((e) => e.name).sort());
        for (const ep of ws.endpoints) {
          const endpoint = endpoints.find((e) => e.endpointName === ep.name);
          assert.ok(endpoint);
          assert.equal(endpoint.authMode, ep.authMode);
          assert.deepEqual(endpoint.traffic, ep.traffic);
          const deployments = await t.client.listDeployments(endpoint);
          assert.deepEqual(
            deployments.map((d) => d.deploymentName).sort(),
            ep.deployments.map((d) => d.name).sort(),
          );
          for (const dep of ep.deployments) {
            const deployment = deployments.find((d) => d.deploymentName === dep.name);
            assert.equal(deployment?.appInsightsEnabled, dep.appInsightsEnabled, dep.name);
            assert.equal(deployment?.provisioningState, dep.provisioningState, dep.name);
            assert.equal(deployment?.computeType, dep.computeType, dep.name);
            assert.equal(deployment?.instanceCount, dep.instanceCount, dep.name);
          }
        }
      }
    }
    // The emulator pages every list (1 subscription, 2 workspaces, 3 endpoints per page).
    const subscriptionPages = t.emu.requests.filter((r) => r.method === 'GET' && r.path === '/subscriptions');
    assert.equal(subscriptionPages.length, scenario.subscriptions.length);
  });

  void it('reads one workspace, endpoint and deployment with their ARM coordinates', async () => {
    const { workspace, endpoint, deployment } = firstDeployment(t);
    const ws = await t.client.getWorkspace(workspace);
    assert.match(ws.armId, /\/providers\/Microsoft\.MachineLearningServices\/workspaces\//i);
    assert.ok(ws.workspaceGuid);
    assert.ok(ws.discoveryUrl?.startsWith('https://'));
    const ep = await t.client.getEndpoint({ ...workspace, endpointName: endpoint });
    assert.equal(ep.endpointName, endpoint);
    assert.ok(ep.scoringUri);
    const dep = await t.client.getDeployment({
      ...workspace,
      endpointName: endpoint,
      deploymentName: deployment,
    });
    assert.equal(dep.deploymentName, deployment);
    assert.match(dep.armId, new RegExp(`/deployments/${deployment}$`, 'i'));
  });

  void it('reads the workspace Application Insights component (PascalCase properties)', async () => {
    const ws = await workspaceWithAppInsights(t);
    const component = await t.client.getAppInsightsComponent(ws.applicationInsightsId ?? '');
    assert.equal(component.armId.toLowerCase(), ws.applicationInsightsId?.toLowerCase());
    assert.ok(component.appId, 'AppId');
    assert.ok(component.name);
  });

  void it('gets the logs of both containers of a deployment, tailed', async () => {
    const { workspace, endpoint, deployment } = firstDeployment(t);
    const ref = { ...workspace, endpointName: endpoint, deploymentName: deployment };
    const server = await t.client.getDeploymentLogs(ref, 'InferenceServer', { tail: 20 });
    const init = await t.client.getDeploymentLogs(ref, 'StorageInitializer', { tail: 20 });
    assert.ok(server.trim().length > 0);
    assert.ok(init.trim().length > 0);
    assert.notEqual(server, init);
    assert.ok(server.trimEnd().split('\n').length <= 20);
    const post = t.emu.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/getLogs'));
    assert.deepEqual(
      post.map((r) => bodyOf(r.body)),
      [
        { containerType: 'InferenceServer', tail: 20 },
        { containerType: 'StorageInitializer', tail: 20 },
      ],
    );
  });

  void it('lists and reads v1 web services through the discovery document, with their logs', async () => {
    const scenario = scenarioOf(t.emu);
    const all = scenario.subscriptions
      .flatMap((s) => s.workspaces.map((w) => ({ s, w })))
      .filter(({ w }) => w.legacyServices.length > 0);
    assert.ok(all.length > 0, 'the scenario has v1 services');
    let total = 0;
    for (const { s, w } of all) {
      const ws = await t.client.getWorkspace({
        subscriptionId: s.subscriptionId,
        resourceGroup: w.resourceGroup,
        workspaceName: w.name,
      });
      const services = await t.client.listLegacyServices(ws);
      assert.deepEqual(services.map((x) => x.serviceName).sort(), w.legacyServices.map((x) => x.name).sort());
      for (const expected of w.legacyServices) {
        const one = await t.client.getLegacyService(ws, expected.name);
        assert.equal(one.computeType, expected.computeType);
        assert.equal(one.state, expected.state);
        assert.equal(one.appInsightsEnabled, expected.appInsightsEnabled);
      }
      total += services.length;
      const ref = { ...ws, serviceName: w.legacyServices[0]?.name ?? '' };
      const logs = await t.client.getLegacyLogs(ws, ref, { tail: 10, init: false });
      const initLogs = await t.client.getLegacyLogs(ws, ref, { tail: 10, init: true });
      assert.ok(logs.trim().length > 0);
      assert.ok(initLogs.trim().length > 0);
      assert.notEqual(logs, initLogs);
      assert.ok(logs.trimEnd().split('\n').length <= 10);
    }
    assert.ok(total >= 3);
    const logRequests = t.emu.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/logs'));
    assert.ok(
      logRequests.some(
        (r) => String(queryOf(r.query).init) === 'true' && String(queryOf(r.query).tail) === '10',
      ),
    );
    // The discovery document is read once per workspace, then cached.
    const discoveries = t.emu.requests.filter((r) => /discovery/i.test(r.path));
    assert.equal(discoveries.length, all.length);
  });
});

void describe('Azure ML resources (scale scenario)', () => {
  let t: TestAzure;
  before(async () => {
    t = await startTestAzure({ scenario: 'scale' });
  });
  after(() => t.stop());

  void it('follows nextLink through every page of workspaces, endpoints and deployments', async () => {
    const scenario = scenarioOf(t.emu);
    const sub = scenario.subscriptions[0];
    assert.ok(sub);
    const workspaces = await t.client.listWorkspaces(sub.subscriptionId);
    assert.equal(workspaces.length, sub.workspaces.length);
    const ws = workspaces[0];
    assert.ok(ws);
    const expectedWs = sub.workspaces.find((w) => w.name === ws.workspaceName);
    const endpoints = await t.client.listEndpoints(ws);
    assert.equal(endpoints.length, expectedWs?.endpoints.length);
    const ep = endpoints[0];
    assert.ok(ep);
    const deployments = await t.client.listDeployments(ep);
    assert.equal(
      deployments.length,
      expectedWs?.endpoints.find((e) => e.name === ep.endpointName)?.deployments.length,
    );
    const pages = t.emu.requests.filter((r) => r.method === 'GET' && /\/workspaces$/i.test(r.path));
    assert.ok(pages.length > 1, `workspaces came in ${pages.length} page(s)`);
  });
});

function firstDeployment(t: TestAzure) {
  const scenario = scenarioOf(t.emu);
  for (const s of scenario.subscriptions)
    for (const w of s.workspaces)
      for (const e of w.endpoints)
        for (const d of e.deployments)
          return {
            workspace: {
              subscriptionId: s.subscriptionId,
              resourceGroup: w.resourceGroup,
              workspaceName: w.name,
            },
            endpoint: e.name,
            deployment: d.name,
          };
  throw new Error('the scenario has no deployment');
}

async function workspaceWithAppInsights(t: TestAzure): Promise<Workspace> {
  const scenario = scenarioOf(t.emu);
  for (const s of scenario.subscriptions)
    for (const w of s.workspaces)
      if (w.appInsights)
        return t.client.getWorkspace({
          subscriptionId: s.subscriptionId,
          resourceGroup: w.resourceGroup,
          workspaceName: w.name,
        });
  throw new Error('the scenario has no workspace with Application Insights');
}

function bodyOf(body: unknown): unknown {
  return typeof body === 'string' ? (JSON.parse(body) as unknown) : body;
}

function queryOf(query: unknown): Record<string, string> {
  if (typeof query === 'string') return Object.fromEntries(new URLSearchParams(query));
  return (query ?? {}) as Record<string, string>;
}
