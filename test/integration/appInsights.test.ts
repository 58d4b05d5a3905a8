// Enabling and disabling Application Insights through the command's flow (src/tree/appInsightsFlow.ts)
// against the emulator with the real client: both generations, confirm and cancel, a failed
// long-running operation, a 409 while updating, and the PUT body that changes only the flag.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import { after, before, describe, it } from 'node:test';
import type { AzureClient } from '../../src/azure/api';
import { isAzureRequestError } from '../../src/azure/errors';
import type { Workspace } from '../../src/azure/models';
import type { DeploymentTarget, LegacyServiceTarget, ServiceTarget, Target } from '../../src/targets';
import { targetKey } from '../../src/targets';
import { runSetAppInsights, type SetAppInsightsDeps } from '../../src/tree/appInsightsFlow';
import { startTestAzure } from './support';

type TestAzure = Awaited<ReturnType<typeof startTestAzure>>;

/** What the tree was told, in order. */
interface Recorder {
  busy: string[];
  deps: (
    target: ServiceTarget,
    enabled: boolean,
    overrides?: Partial<SetAppInsightsDeps>,
  ) => SetAppInsightsDeps;
}

function recorder(client: AzureClient): Recorder {
  const busy: string[] = [];
  return {
    busy,
    deps: (target, enabled, overrides = {}) => ({
      client,
      target,
      enabled,
      confirm: () => Promise.resolve(true),
      withProgress: (task) => task(new AbortController().signal),
      setBusy: (t: Target, b: boolean) => busy.push(`${b ? '+' : '-'}${targetKey(t)}`),
      pollIntervalMs: 20,
      ...overrides,
    }),
  };
}

/** Finds, through the client, a deployment and a v1 service of a workspace with App Insights, and a workspace without. */
async function findTargets(client: AzureClient): Promise<{
  deployments: DeploymentTarget[];
  legacy: LegacyServiceTarget[];
  bareWorkspace?: Workspace;
  bareDeployment?: DeploymentTarget;
}> {
  const deployments: DeploymentTarget[] = [];
  const legacy: LegacyServiceTarget[] = [];
  let bareWorkspace: Workspace | undefined;
  let bareDeployment: DeploymentTarget | undefined;
  for (const sub of await client.listSubscriptions()) {
    for (const workspace of await client.listWorkspaces(sub.subscriptionId)) {
      const endpoints = await client.listEndpoints(workspace);
      for (const endpoint of endpoints) {
        for (const deployment of await client.listDeployments(endpoint)) {
          const t: DeploymentTarget = { kind: 'deployment', workspace, endpoint, deployment };
          if (workspace.applicationInsightsId) deployments.push(t);
          else bareDeployment ??= t;
        }
      }
      if (!workspace.applicationInsightsId) bareWorkspace ??= workspace;
      else if (workspace.discoveryUrl) {
        for (const service of await client.listLegacyServices(workspace))
          legacy.push({ kind: 'legacyService', workspace, service });
      }
    }
  }
  return { deployments, legacy, bareWorkspace, bareDeployment };
}

type SeenRequest = TestAzure['emu']['requests'][number];

function requests(azure: TestAzure): SeenRequest[] {
  return azure.emu.requests;
}

function bodyOf(r: SeenRequest): unknown {
  return typeof r.body === 'string' && r.body.length > 0 ? JSON.parse(r.body) : r.body;
}

/** Drops what the service fills in itself, so a PUT body and the GET body compare as the user's resource. */
function withoutReadOnly(resource: unknown): Record<string, unknown> {
  const copy = structuredClone(resource) as Record<string, unknown>;
  for (const k of ['id', 'name', 'type', 'systemData']) delete copy[k];
  const props = copy.properties as Record<string, unknown> | undefined;
  if (props) delete props.provisioningState;
  return copy;
}

const armPathOf = (t: DeploymentTarget): string =>
  `/subscriptions/${t.workspace.subscriptionId}/resourceGroups/${t.workspace.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${t.workspace.workspaceName}${deploymentPath(t)}`;

/** The raw resource as the service stores it, read outside the client (and left out of emu.requests). */
async function armGet(azure: TestAzure, path: string): Promise<unknown> {
  const before = requests(azure).length;
  const ca = readFileSync(azure.emu.caPath, 'utf8');
  const text = await new Promise<string>((resolve, reject) => {
    https
      .get(
        `${azure.emu.url}${path}?api-version=2022-10-01`,
        { ca, headers: { authorization: `Bearer ${azure.emu.token}` } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(body)
              : reject(new Error(`GET ${path}: ${res.statusCode} ${body}`)),
          );
        },
      )
      .on('error', reject);
  });
  requests(azure).splice(before);
  return JSON.parse(text);
}

const deploymentPath = (t: DeploymentTarget): string =>
  `/onlineEndpoints/${t.endpoint.endpointName}/deployments/${t.deployment.deploymentName}`;

void describe('enable/disable Application Insights (emulator)', () => {
  let azure: TestAzure;
  let found: Awaited<ReturnType<typeof findTargets>>;

  before(async () => {
    azure = await startTestAzure({ scenario: 'default', lroPolls: 2 });
    found = await findTargets(azure.client);
    assert.ok(
      found.deployments.length >= 2,
      'the default scenario has deployments in workspaces with App Insights',
    );
    assert.ok(found.legacy.length >= 1, 'the default scenario has a v1 service');
  });
  after(async () => {
    await azure?.stop();
  });

  void it('managed deployment: one PUT whose body is the GET body with only the flag changed; the tree re-reads', async () => {
    const target = found.deployments[0]!;
    const enabled = !target.deployment.appInsightsEnabled;
    const rec = recorder(azure.client);
    const beforeBody = await armGet(azure, armPathOf(target));
    const start = requests(azure).length;
    const result = await runSetAppInsights(rec.deps(target, enabled));
    assert.equal(result.outcome, 'updated');
    assert.equal(result.outcome === 'updated' && result.appInsightsEnabled, enabled);
    assert.deepEqual(rec.busy, [`+${targetKey(target)}`, `-${targetKey(target)}`]);

    const seen = requests(azure).slice(start);
    const path = deploymentPath(target);
    const puts = seen.filter((r) => r.method === 'PUT' && r.path.endsWith(path));
    assert.equal(puts.length, 1, 'exactly one PUT');
    assert.equal(seen.filter((r) => r.method === 'PATCH').length, 0, 'no PATCH: it cannot carry the flag');
    const gets = seen.filter((r) => r.method === 'GET' && r.path.endsWith(path) && r.status === 200);
    assert.ok(gets.length >= 1, 'the deployment was read first');
    const firstGet = seen.indexOf(gets[0]!);
    assert.ok(firstGet < seen.indexOf(puts[0]!), 'GET before PUT');

    const sent = withoutReadOnly(bodyOf(puts[0]!));
    const sentProps = sent.properties as Record<string, unknown>;
    assert.equal(sentProps.appInsightsEnabled, enabled);
    assert.equal(
      (await azure.client.getDeployment(target.deployment)).appInsightsEnabled,
      enabled,
      'Azure reports the new state',
    );
    // The rest of the body is the resource as it was before, read-only fields aside.
    const original = withoutReadOnly(beforeBody);
    (original.properties as Record<string, unknown>).appInsightsEnabled = enabled;
    assert.deepEqual(sent, original);
    assert.equal(sentProps.instanceType, target.deployment.instanceType);
    assert.equal((sent.sku as { capacity?: number } | undefined)?.capacity, target.deployment.instanceCount);
    assert.equal(sent.location, target.deployment.location);
  });

  void it('declining the confirmation sends nothing', async () => {
    const target = found.deployments[1]!;
    const rec = recorder(azure.client);
    const start = requests(azure).length;
    const result = await runSetAppInsights(
      rec.deps(target, !target.deployment.appInsightsEnabled, { confirm: () => Promise.resolve(false) }),
    );
    assert.equal(result.outcome, 'declined');
    const writes = requests(azure)
      .slice(start)
      .filter((r) => r.method !== 'GET');
    assert.deepEqual(writes, []);
    assert.deepEqual(rec.busy, []);
  });

  void it('v1 web service: JSON patch of /appInsightsEnabled, polled to the end', async () => {
    const target = found.legacy[0]!;
    const enabled = !target.service.appInsightsEnabled;
    const rec = recorder(azure.client);
    const start = requests(azure).length;
    const result = await runSetAppInsights(rec.deps(target, enabled));
    assert.equal(result.outcome, 'updated');
    const patches = requests(azure)
      .slice(start)
      .filter((r) => r.method === 'PATCH' && r.path.endsWith(`/services/${target.service.serviceName}`));
    assert.equal(patches.length, 1);
    assert.deepEqual(bodyOf(patches[0]!), [{ op: 'replace', path: '/appInsightsEnabled', value: enabled }]);
    assert.equal(
      (await azure.client.getLegacyService(target.workspace, target.service.serviceName)).appInsightsEnabled,
      enabled,
    );
    assert.deepEqual(rec.busy, [`+${targetKey(target)}`, `-${targetKey(target)}`]);
  });

  void it('a failed long-running operation reports Azure’s reason and the tree re-reads', async () => {
    const target = found.deployments[1]!;
    const rec = recorder(azure.client);
    azure.emu.faults.add({ method: 'PUT', path: deploymentPath(target), kind: 'lroFailed', times: 1 });
    try {
      await assert.rejects(
        runSetAppInsights(rec.deps(target, !target.deployment.appInsightsEnabled)),
        (e: unknown) => {
          assert.ok(isAzureRequestError(e), String(e));
          assert.equal(e.kind, 'operationFailed');
          assert.ok(e.code ?? e.azureMessage, 'Azure’s code or message is kept for the user');
          return true;
        },
      );
    } finally {
      azure.emu.faults.clear();
    }
    assert.deepEqual(
      rec.busy,
      [`+${targetKey(target)}`, `-${targetKey(target)}`],
      'busy ended, so the node re-reads',
    );
  });

  void it('a 409 while another update runs says so', async () => {
    const target = found.deployments[1]!;
    const rec = recorder(azure.client);
    azure.emu.faults.add({ method: 'PUT', path: deploymentPath(target), kind: '409', times: 1 });
    try {
      await assert.rejects(
        runSetAppInsights(rec.deps(target, !target.deployment.appInsightsEnabled)),
        (e: unknown) => {
          assert.ok(isAzureRequestError(e), String(e));
          assert.equal(e.kind, 'conflict');
          return true;
        },
      );
    } finally {
      azure.emu.faults.clear();
    }
    assert.deepEqual(rec.busy, [`+${targetKey(target)}`, `-${targetKey(target)}`]);
  });

  void it('cancelling the progress stops waiting only: the update finishes in Azure and the tree is told then', async () => {
    const target = found.deployments[0]!;
    const before = await azure.client.getDeployment(target.deployment);
    const enabled = !before.appInsightsEnabled;
    const rec = recorder(azure.client);
    const result = await runSetAppInsights(
      rec.deps(target, enabled, {
        withProgress: (task) => {
          const ui = new AbortController();
          ui.abort();
          return task(ui.signal);
        },
      }),
    );
    assert.equal(result.outcome, 'detached');
    assert.deepEqual(rec.busy, [`+${targetKey(target)}`], 'still busy while Azure works');
    if (result.outcome === 'detached') await result.settled;
    assert.deepEqual(rec.busy, [`+${targetKey(target)}`, `-${targetKey(target)}`]);
    assert.equal((await azure.client.getDeployment(target.deployment)).appInsightsEnabled, enabled);
  });

  void it('deactivating stops following a detached update: no poll after it, the tree is told, nothing reported', async () => {
    const target = found.deployments[1]!;
    const before = await azure.client.getDeployment(target.deployment);
    const rec = recorder(azure.client);
    const lifetime = new AbortController();
    const background: unknown[] = [];
    const start = requests(azure).length;
    const result = await runSetAppInsights(
      rec.deps(target, !before.appInsightsEnabled, {
        withProgress: (task) => {
          const ui = new AbortController();
          ui.abort();
          return task(ui.signal);
        },
        lifetime: lifetime.signal,
        onBackgroundError: (e) => background.push(e),
      }),
    );
    assert.equal(result.outcome, 'detached');
    // Deactivate once Azure accepted the update (the PUT went out), while it is still polled.
    const isPut = (r: SeenRequest): boolean => r.method === 'PUT' && r.path.includes(deploymentPath(target));
    while (!requests(azure).slice(start).some(isPut)) await new Promise((r) => setTimeout(r, 10));
    lifetime.abort();
    const atAbort = requests(azure).length;
    if (result.outcome === 'detached') await result.settled;
    assert.deepEqual(
      requests(azure)
        .slice(atAbort)
        .map((r) => `${r.method} ${r.path}`),
      [],
      'requests after deactivation',
    );
    assert.deepEqual(rec.busy, [`+${targetKey(target)}`, `-${targetKey(target)}`]);
    // The abort surfaces as a cancellation, which the command's reporter keeps quiet.
    assert.ok(
      background.every((e) => isAzureRequestError(e) && e.kind === 'cancelled'),
      String(background),
    );
  });

  void it('a workspace without Application Insights: says so and sends nothing', async () => {
    assert.ok(
      found.bareDeployment,
      'the default scenario has a deployment in a workspace without App Insights',
    );
    const rec = recorder(azure.client);
    const start = requests(azure).length;
    let asked = false;
    const result = await runSetAppInsights(
      rec.deps(found.bareDeployment, true, {
        confirm: () => {
          asked = true;
          return Promise.resolve(true);
        },
      }),
    );
    assert.equal(result.outcome, 'noAppInsightsResource');
    assert.equal(asked, false);
    assert.deepEqual(
      requests(azure)
        .slice(start)
        .filter((r) => r.method !== 'GET'),
      [],
    );
  });
});
