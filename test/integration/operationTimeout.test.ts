// Issue 17, defect 7: a detached App Insights update whose operation never ends. The emulator's
// "inProgressForever" fault keeps the operation InProgress (v1: Running) and states a short
// x-ms-async-operation-timeout; the client must stop following at that time, the tree must leave
// Updating and re-read the truth, and the user must be told. The old code polled forever.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AzureClient } from '../../src/azure/api';
import { isAzureRequestError } from '../../src/azure/errors';
import { commandErrorMessage } from '../../src/errorPresentation';
import {
  targetKey,
  type DeploymentTarget,
  type LegacyServiceTarget,
  type ServiceTarget,
  type Target,
} from '../../src/targets';
import { runSetAppInsights, type SetAppInsightsResult } from '../../src/tree/appInsightsFlow';
import { startTestAzure, type TestAzure } from './support';

/** A bounded wait: the old code never settled; the test must fail, not hang. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still following the operation after ${ms} ms`)), ms);
    }),
  ]);
}

async function findTargets(
  client: AzureClient,
): Promise<{ deployments: DeploymentTarget[]; legacy: LegacyServiceTarget[] }> {
  const deployments: DeploymentTarget[] = [];
  const legacy: LegacyServiceTarget[] = [];
  for (const sub of await client.listSubscriptions()) {
    for (const workspace of await client.listWorkspaces(sub.subscriptionId)) {
      if (!workspace.applicationInsightsId) continue;
      for (const endpoint of await client.listEndpoints(workspace))
        for (const deployment of await client.listDeployments(endpoint))
          deployments.push({ kind: 'deployment', workspace, endpoint, deployment });
      if (workspace.discoveryUrl)
        for (const service of await client.listLegacyServices(workspace))
          legacy.push({ kind: 'legacyService', workspace, service });
    }
  }
  return { deployments, legacy };
}

/** Runs the flow as the command does, with the progress closed at once (the user stops waiting). */
async function detachedUpdate(
  azure: TestAzure,
  target: ServiceTarget,
): Promise<{ result: SetAppInsightsResult; tree: string[]; background: unknown[] }> {
  const tree: string[] = [];
  const background: unknown[] = [];
  const result = await runSetAppInsights({
    client: azure.client,
    target,
    enabled: true,
    confirm: () => Promise.resolve(true),
    withProgress: (task) => {
      const ui = new AbortController();
      ui.abort();
      return task(ui.signal);
    },
    setBusy: (t: Target, busy: boolean) => tree.push(`${busy ? 'busy' : 'idle'} ${targetKey(t)}`),
    markOverdue: (t: Target) => tree.push(`overdue ${targetKey(t)}`),
    onBackgroundError: (e) => background.push(e),
    pollIntervalMs: 50,
  });
  return { result, tree, background };
}

void describe('an operation that stays InProgress (x-ms-async-operation-timeout)', () => {
  let azure: TestAzure;
  let found: Awaited<ReturnType<typeof findTargets>>;

  before(async () => {
    azure = await startTestAzure({ scenario: 'default' });
    found = await findTargets(azure.client);
    assert.ok(found.deployments.length > 0 && found.legacy.length > 0);
  });
  after(async () => {
    await azure?.stop();
  });

  for (const generation of ['deployment', 'v1 web service'] as const) {
    void it(`${generation}: following stops at Azure's stated time; the tree leaves Updating, re-reads, and the user is told`, async () => {
      const target: ServiceTarget =
        generation === 'deployment' ? found.deployments.at(-1)! : found.legacy.at(-1)!;
      const path =
        target.kind === 'deployment'
          ? `/onlineEndpoints/${target.endpoint.endpointName}/deployments/${target.deployment.deploymentName}`
          : `/services/${target.service.serviceName}`;
      azure.emu.faults.add({
        method: target.kind === 'deployment' ? 'PUT' : 'PATCH',
        path,
        kind: 'inProgressForever',
        operationTimeout: 'PT1S',
      });
      const start = azure.emu.requests.length;
      const { result, tree, background } = await detachedUpdate(azure, target);
      assert.equal(result.outcome, 'detached');
      if (result.outcome !== 'detached') return;
      await within(20_000, result.settled);

      const key = targetKey(target);
      assert.deepEqual(
        tree,
        [`busy ${key}`, `overdue ${key}`, `idle ${key}`],
        'overdue, then no longer busy',
      );
      assert.equal(background.length, 1);
      const error = background[0];
      assert.ok(isAzureRequestError(error), String(error));
      assert.equal(error.kind, 'timedOut');
      assert.match(error.message, /Still running after 1 s, the time Azure stated for it \(PT1S/);
      const shown = commandErrorMessage(error);
      assert.match(shown, /did not finish it within the time it stated/);
      assert.match(shown, /It may still be running in Azure/);

      // Following stopped: no status poll after the flow settled.
      const isPoll = (r: { method: string; path: string }): boolean =>
        r.method === 'GET' && /(mfeOperationsStatus|\/operations\/)/i.test(r.path);
      const polls = azure.emu.requests.slice(start).filter(isPoll).length;
      assert.ok(polls > 0, 'the operation was followed while its time ran');
      await new Promise((r) => setTimeout(r, 300));
      // At most the poll that was on its way when the time ran out; a poller still following
      // (every 50 ms) would have sent several.
      const after = azure.emu.requests.slice(start).filter(isPoll).length - polls;
      assert.ok(after <= 1, `polls after the deadline: ${after}`);

      // Azure still reports the service in transition: the re-read shows that truth.
      const state =
        target.kind === 'deployment'
          ? (await azure.client.getDeployment(target.deployment)).provisioningState
          : (await azure.client.getLegacyService(target.workspace, target.service.serviceName)).state;
      assert.match(String(state), /Updating|Transitioning/);
    });
  }
});
