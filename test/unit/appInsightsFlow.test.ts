// The App Insights flow's ordering with an in-memory client: who is asked, when the tree is told,
// and that stopping to wait leaves the update tracked. The emulator version is in
// test/integration/appInsights.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AzureClient } from '../../src/azure/api';
import { AzureRequestError } from '../../src/azure/errors';
import type { Deployment, Workspace } from '../../src/azure/models';
import type { DeploymentTarget, Target } from '../../src/targets';
import { runSetAppInsights, type SetAppInsightsDeps } from '../../src/tree/appInsightsFlow';

const SUB = '00000000-0000-0000-0000-000000000001';
const workspace: Workspace = {
  subscriptionId: SUB,
  resourceGroup: 'rg',
  workspaceName: 'ws',
  armId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws`,
  location: 'westeurope',
  applicationInsightsId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Insights/components/appi`,
};
const endpoint = {
  ...workspace,
  endpointName: 'ep',
  armId: `${workspace.armId}/onlineEndpoints/ep`,
  authMode: 'Key',
  provisioningState: 'Succeeded',
  traffic: { blue: 100 },
};
const deployment: Deployment = {
  ...endpoint,
  deploymentName: 'blue',
  armId: `${endpoint.armId}/deployments/blue`,
  computeType: 'Managed',
  provisioningState: 'Succeeded',
  appInsightsEnabled: false,
};
const target: DeploymentTarget = { kind: 'deployment', workspace, endpoint, deployment };

function setup(update: () => Promise<Deployment>, ws: Workspace = workspace) {
  const events: string[] = [];
  const client = {
    setDeploymentAppInsights: () => {
      events.push('update');
      return update();
    },
    getWorkspace: () => {
      events.push('getWorkspace');
      return Promise.resolve(ws);
    },
  } as unknown as AzureClient;
  const deps = (overrides: Partial<SetAppInsightsDeps> = {}): SetAppInsightsDeps => ({
    client,
    target: { ...target, workspace: ws },
    enabled: true,
    confirm: () => {
      events.push('confirm');
      return Promise.resolve(true);
    },
    withProgress: (task) => task(new AbortController().signal),
    setBusy: (_t: Target, busy: boolean) => events.push(busy ? 'busy' : 'idle'),
    ...overrides,
  });
  return { events, deps };
}

void test('confirm, busy, update, idle, then the result', async () => {
  const { events, deps } = setup(() => Promise.resolve({ ...deployment, appInsightsEnabled: true }));
  const result = await runSetAppInsights(deps());
  assert.deepEqual(events, ['confirm', 'busy', 'update', 'idle']);
  assert.equal(result.outcome === 'updated' && result.appInsightsEnabled, true);
});

void test('declined: nothing is sent and the tree is untouched', async () => {
  const { events, deps } = setup(() => Promise.reject(new Error('must not run')));
  const result = await runSetAppInsights(deps({ confirm: () => Promise.resolve(false) }));
  assert.deepEqual(result, { outcome: 'declined' });
  assert.deepEqual(events, []);
});

void test('no App Insights resource even after a fresh read: stops before asking', async () => {
  const bare = { ...workspace, applicationInsightsId: undefined };
  const { events, deps } = setup(() => Promise.reject(new Error('must not run')), bare);
  const result = await runSetAppInsights(deps());
  assert.equal(result.outcome, 'noAppInsightsResource');
  assert.deepEqual(events, ['getWorkspace']);
});

void test('a failure reaches the caller after the tree was told to re-read', async () => {
  const conflict = new AzureRequestError({ operation: 'update', kind: 'conflict', statusCode: 409 });
  const { events, deps } = setup(() => Promise.reject(conflict));
  await assert.rejects(runSetAppInsights(deps()), (e) => e === conflict);
  assert.deepEqual(events, ['confirm', 'busy', 'update', 'idle']);
});

void test('stopping to wait detaches: busy until Azure ends, then idle; a late failure is reported', async () => {
  let finish!: (d: Deployment) => void;
  let fail!: (e: unknown) => void;
  const { events, deps } = setup(
    () =>
      new Promise<Deployment>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      }),
  );
  const background: unknown[] = [];
  const cancelNow = (task: (s: AbortSignal) => Promise<unknown>) => {
    const ui = new AbortController();
    setTimeout(() => ui.abort(), 5);
    return task(ui.signal);
  };
  const result = await runSetAppInsights(
    deps({
      withProgress: cancelNow as SetAppInsightsDeps['withProgress'],
      onBackgroundError: (e) => background.push(e),
    }),
  );
  assert.equal(result.outcome, 'detached');
  assert.deepEqual(events, ['confirm', 'busy', 'update']);
  finish({ ...deployment, appInsightsEnabled: true });
  if (result.outcome === 'detached') await result.settled;
  assert.deepEqual(events, ['confirm', 'busy', 'update', 'idle']);
  assert.equal(background.length, 0);

  // The same with a failure after detaching: reported in the background, tree told.
  const second = setup(
    () =>
      new Promise<Deployment>((_resolve, reject) => {
        fail = reject;
      }),
  );
  const r2 = await runSetAppInsights(
    second.deps({
      withProgress: cancelNow as SetAppInsightsDeps['withProgress'],
      onBackgroundError: (e) => background.push(e),
    }),
  );
  const boom = new AzureRequestError({ operation: 'update', kind: 'operationFailed', code: 'BadImage' });
  fail(boom);
  if (r2.outcome === 'detached') await r2.settled;
  assert.deepEqual(background, [boom]);
  assert.deepEqual(second.events.at(-1), 'idle');
});
