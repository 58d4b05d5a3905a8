// The services tree's loading model (src/tree/model.ts) against the emulator with the real client:
// default and scale scenarios, paging, a 403 on one workspace, a 429 that is waited out, and the
// tree-wide bound on requests in flight.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { flatten, loadSubtree } from '../../src/tree/model';
import { startTestAzure } from './support';
import { count, countsOf, groundTruth, loadEverything, newModel } from './treeSupport';

type TestAzure = Awaited<ReturnType<typeof startTestAzure>>;

void describe('services tree model: default scenario (emulator)', () => {
  let azure: TestAzure;
  before(async () => {
    azure = await startTestAzure({ scenario: 'default' });
  });
  after(async () => {
    await azure?.stop();
  });

  void it('lists every level, the counts match Azure, no error nodes', async () => {
    const nodes = await loadEverything(newModel(azure.client));
    assert.equal(count(nodes, 'error'), 0);
    const truth = groundTruth(azure.emu.scenario);
    assert.ok(
      truth.deployments > 0 && truth.legacy > 0,
      'the default scenario has deployments and v1 services',
    );
    assert.deepEqual(countsOf(nodes), truth);
    // v1 services sit under one group per workspace that has any, and only there.
    for (const n of nodes) if (n.kind === 'legacyGroup') assert.ok(n.services.length > 0);
  });

  void it('a 403 on one workspace leaves an error node there and the others listed', async () => {
    const truth = groundTruth(azure.emu.scenario);
    const workspaces = (await loadEverything(newModel(azure.client))).flatMap((n) =>
      n.kind === 'workspace' ? [n.target.workspace] : [],
    );
    // The victim: a workspace with endpoints, so that the others' counts tell something.
    let victim = workspaces[0]!;
    for (const ws of workspaces) {
      if (/^[\w-]+$/.test(ws.workspaceName) && (await azure.client.listEndpoints(ws)).length > 0) victim = ws;
    }
    const victimEndpoints = await azure.client.listEndpoints(victim);
    let victimDeployments = 0;
    for (const ep of victimEndpoints) victimDeployments += (await azure.client.listDeployments(ep)).length;
    azure.emu.faults.add({
      path: `/workspaces/${victim.workspaceName}/onlineEndpoints`,
      kind: '403',
      times: Infinity,
    });
    try {
      const model = newModel(azure.client);
      const root = await model.loadRoot();
      assert.equal(root.state, 'ready');
      if (root.state !== 'ready') return;
      const trees = await Promise.all(root.children.map((c) => loadSubtree(model, c)));
      const nodes = trees.flatMap(flatten);
      const errors = nodes.filter((n) => n.kind === 'error');
      assert.equal(errors.length, 1, 'one error node');
      const err = errors[0]!;
      assert.ok(err.kind === 'error' && err.failure.kind === 'forbidden' && err.failure.list === 'endpoints');
      assert.equal(err.kind === 'error' && err.failure.action, 'selectTenant');
      // It sits under the victim workspace.
      const victimTree = trees
        .flatMap((t) => t.children)
        .find((c) => c.node.kind === 'workspace' && c.node.target.workspace.armId === victim.armId);
      assert.ok(victimTree?.children.some((c) => c.node === err));
      // Every other workspace lists all its endpoints and deployments.
      assert.equal(count(nodes, 'workspace'), truth.workspaces);
      assert.equal(count(nodes, 'endpoint'), truth.endpoints - victimEndpoints.length);
      assert.equal(count(nodes, 'deployment'), truth.deployments - victimDeployments);
    } finally {
      azure.emu.faults.clear();
    }
  });

  void it('a 429 with Retry-After is waited out', async () => {
    azure.emu.faults.add({ path: '/onlineEndpoints', kind: '429', times: 1, retryAfterSeconds: 1 });
    try {
      const started = Date.now();
      const nodes = await loadEverything(newModel(azure.client));
      assert.equal(count(nodes, 'error'), 0, 'no error after the wait');
      assert.ok(Date.now() - started >= 900, 'the client waited for Retry-After');
      const throttled = (azure.emu.requests as { status?: number }[]).filter((r) => r.status === 429);
      assert.ok(throttled.length >= 1, 'the emulator did throttle');
    } finally {
      azure.emu.faults.clear();
    }
  });

  void it('reload re-reads one node from Azure', async () => {
    const model = newModel(azure.client);
    const nodes = await loadEverything(model);
    const dep = nodes.find((n) => n.kind === 'deployment');
    assert.ok(dep);
    const fresh = await model.reload(dep);
    assert.ok(fresh?.kind === 'deployment' && dep.kind === 'deployment');
    assert.equal(fresh.target.deployment.armId.toLowerCase(), dep.target.deployment.armId.toLowerCase());
  });
});
