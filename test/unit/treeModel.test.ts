// The tree's loading model against an in-memory AzureClient: states, per-node errors and the
// tree-wide bound. The same model runs against the emulator in test/integration/tree.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AzureClient } from '../../src/azure/api';
import { AzureRequestError } from '../../src/azure/errors';
import type { Deployment, Endpoint, Subscription, Workspace } from '../../src/azure/models';
import { flatten, loadSubtree, TreeModel, type ModelNode } from '../../src/tree/model';

const sub = (n: number): Subscription => ({
  subscriptionId: `0000000${n}-0000-0000-0000-000000000000`,
  displayName: `Sub ${n}`,
  tenantId: 't',
});
const ws = (s: Subscription, name: string): Workspace => ({
  subscriptionId: s.subscriptionId,
  resourceGroup: 'rg',
  workspaceName: name,
  armId: `/subscriptions/${s.subscriptionId}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/${name}`,
  location: 'westeurope',
});

interface FakeOptions {
  subs?: Subscription[];
  workspaces?: number;
  endpoints?: number;
  deployments?: number;
  delayMs?: number;
  failEndpointsOf?: string;
  signInError?: boolean;
}

function fakeClient(o: FakeOptions): { client: AzureClient; maxInFlight: () => number } {
  let inFlight = 0;
  let max = 0;
  const call = async <T>(value: () => T): Promise<T> => {
    inFlight++;
    max = Math.max(max, inFlight);
    try {
      await new Promise((r) => setTimeout(r, o.delayMs ?? 1));
      return value();
    } finally {
      inFlight--;
    }
  };
  const subs = o.subs ?? [sub(1)];
  const client = {
    listSubscriptions: () =>
      call(() => {
        if (o.signInError)
          throw new AzureRequestError({ operation: 'list subscriptions', kind: 'signIn', statusCode: 401 });
        return subs;
      }),
    listWorkspaces: (id: string) =>
      call(() =>
        Array.from({ length: o.workspaces ?? 2 }, (_, i) =>
          ws(
            subs.find((s) => s.subscriptionId === id)!,
            `ws${i}`,
          ),
        ),
      ),
    listEndpoints: (w: Workspace) =>
      call((): Endpoint[] => {
        if (w.workspaceName === o.failEndpointsOf)
          throw new AzureRequestError({ operation: 'list endpoints', kind: 'forbidden', statusCode: 403 });
        return Array.from({ length: o.endpoints ?? 2 }, (_, i) => ({
          ...w,
          endpointName: `ep${i}`,
          armId: `${w.armId}/onlineEndpoints/ep${i}`,
          authMode: 'Key',
          provisioningState: 'Succeeded',
          traffic: { d0: 100 },
        }));
      }),
    listDeployments: (e: Endpoint) =>
      call((): Deployment[] =>
        Array.from({ length: o.deployments ?? 2 }, (_, i) => ({
          ...e,
          deploymentName: `d${i}`,
          armId: `${e.armId}/deployments/d${i}`,
          computeType: 'Managed',
          provisioningState: 'Succeeded',
          appInsightsEnabled: false,
        })),
      ),
    listLegacyServices: () => call(() => []),
    getWorkspace: () =>
      call(() => {
        throw new AzureRequestError({ operation: 'get workspace', kind: 'notFound', statusCode: 404 });
      }),
  } as unknown as AzureClient;
  return { client, maxInFlight: () => max };
}

function model(client: AzureClient, filter: string[] = [], concurrency = 4): TreeModel {
  return new TreeModel({
    getClient: () => Promise.resolve(client),
    subscriptionFilter: () => filter,
    concurrency,
  });
}

async function loadAll(m: TreeModel): Promise<ModelNode[]> {
  const root = await m.loadRoot();
  assert.equal(root.state, 'ready');
  if (root.state !== 'ready') return [];
  const trees = await Promise.all(root.children.map((c) => loadSubtree(m, c)));
  return trees.flatMap(flatten);
}

void test('signed out when listing subscriptions says so', async () => {
  const { client } = fakeClient({ signInError: true });
  assert.deepEqual(await model(client).loadRoot(), { state: 'signedOut' });
  const notSignedIn = new TreeModel({
    getClient: () => Promise.reject(new Error('must not be called')),
    isSignedIn: () => Promise.resolve(false),
    subscriptionFilter: () => [],
    concurrency: 1,
  });
  assert.deepEqual(await notSignedIn.loadRoot(), { state: 'signedOut' });
});

void test('the subscriptions filter applies; a filter that matches nothing is noSubscriptions', async () => {
  const { client } = fakeClient({ subs: [sub(1), sub(2), sub(3)] });
  const root = await model(client, [sub(2).subscriptionId.toUpperCase()]).loadRoot();
  assert.equal(root.state, 'ready');
  assert.deepEqual(
    root.state === 'ready'
      ? root.children.map((c) => (c.kind === 'subscription' ? c.target.subscription.displayName : ''))
      : [],
    ['Sub 2'],
  );
  assert.deepEqual(await model(client, ['99999999-0000-0000-0000-000000000000']).loadRoot(), {
    state: 'noSubscriptions',
    total: 3,
  });
});

void test('a failure in one workspace is an error node there; the others list', async () => {
  const { client } = fakeClient({ workspaces: 3, failEndpointsOf: 'ws1' });
  const nodes = await loadAll(model(client));
  const errors = nodes.filter((n) => n.kind === 'error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.kind === 'error' && errors[0].failure.action, 'selectTenant');
  assert.equal(nodes.filter((n) => n.kind === 'endpoint').length, 4);
  assert.equal(nodes.filter((n) => n.kind === 'deployment').length, 8);
});

void test('never more than the bound in flight, across the whole tree', async () => {
  const { client, maxInFlight } = fakeClient({ workspaces: 6, endpoints: 5, deployments: 3, delayMs: 5 });
  const m = model(client, [], 3);
  const nodes = await loadAll(m);
  assert.equal(nodes.filter((n) => n.kind === 'deployment').length, 90);
  assert.ok(maxInFlight() <= 3, `max in flight ${maxInFlight()}`);
  assert.equal(m.stats.maxInFlight, maxInFlight());
  assert.equal(maxInFlight(), 3, 'the bound is used, not just respected');
});

void test('reload of a vanished resource resolves undefined', async () => {
  const { client } = fakeClient({});
  const s = sub(1);
  assert.equal(
    await model(client).reload({
      kind: 'workspace',
      target: { kind: 'workspace', workspace: ws(s, 'gone') },
    }),
    undefined,
  );
});

void test('an empty level says so', async () => {
  const { client } = fakeClient({ workspaces: 0 });
  const nodes = await loadAll(model(client));
  assert.deepEqual(
    nodes.filter((n) => n.kind === 'empty'),
    [{ kind: 'empty', reason: 'noWorkspaces' }],
  );
});
