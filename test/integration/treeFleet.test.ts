// The services tree painted from Azure Resource Graph (emulator): the same tree the ARM walk gives,
// from one query; a level the index cannot answer read from ARM; the whole walk from ARM when
// Resource Graph is refused (and the log says so); an ARM read after a change winning over the
// lagging index.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ModelNode } from '../../src/tree/model';
import { startTestAzure, type TestAzure } from './support';
import { count, countsOf, groundTruth, loadEverything, newModel } from './treeSupport';

const isGraph = (path: string) => path.toLowerCase() === '/providers/microsoft.resourcegraph/resources';
const isArmList = (path: string) =>
  /\/workspaces$|\/onlineEndpoints$|\/deployments$/i.test(path) && !path.includes('modelmanagement');

void describe('services tree from Resource Graph (emulator)', () => {
  let azure: TestAzure;
  before(async () => {
    azure = await startTestAzure({ scenario: 'default', lroPolls: 0, resourceGraph: { quota: 1000 } });
  });
  afterEach(() => {
    azure.emu.faults.clear();
    Object.assign(azure.emu.graph.options, { enabled: true, unindexedTypes: [], lagMs: 5000 });
    azure.emu.graph.resync();
  });
  after(async () => {
    await azure?.stop();
  });

  const requestsDuring = async (work: () => Promise<ModelNode[]>) => {
    const start = azure.emu.requests.length;
    const nodes = await work();
    return { nodes, seen: azure.emu.requests.slice(start) };
  };

  void it('paints the same tree as the ARM walk from one query, without ARM list calls', async () => {
    const log: string[] = [];
    const { nodes, seen } = await requestsDuring(() =>
      loadEverything(newModel(azure.client, 6, { resourceGraph: true, log })),
    );
    assert.equal(count(nodes, 'error'), 0);
    assert.deepEqual(countsOf(nodes), groundTruth(azure.emu.scenario));
    assert.equal(seen.filter((r) => isGraph(r.path)).length, 1);
    assert.deepEqual(
      seen.filter((r) => isArmList(r.path)).map((r) => r.path),
      [],
    );
    const deployments = nodes.flatMap((n) => (n.kind === 'deployment' ? [n.target.deployment] : []));
    assert.ok(deployments.every((d) => d.source === 'index'));
    assert.ok(log.some((l) => l.startsWith('info: Azure Resource Graph:')));
  });

  void it('walks ARM when Resource Graph is refused, and says so in the log', async () => {
    azure.emu.faults.add({ path: '/providers/Microsoft.ResourceGraph/resources', kind: '403' });
    const log: string[] = [];
    const { nodes, seen } = await requestsDuring(() =>
      loadEverything(newModel(azure.client, 6, { resourceGraph: true, log })),
    );
    assert.equal(count(nodes, 'error'), 0);
    assert.deepEqual(countsOf(nodes), groundTruth(azure.emu.scenario));
    assert.ok(seen.some((r) => isArmList(r.path)));
    assert.ok(
      log.some((l) => /^warn: Azure Resource Graph could not be used .*Resource Manager/.test(l)),
      log.join('\n'),
    );
  });

  void it('walks ARM in a cloud without Resource Graph', async () => {
    azure.emu.graph.options.enabled = false;
    const log: string[] = [];
    const { nodes } = await requestsDuring(() =>
      loadEverything(newModel(azure.client, 6, { resourceGraph: true, log })),
    );
    assert.deepEqual(countsOf(nodes), groundTruth(azure.emu.scenario));
    assert.ok(log.some((l) => l.startsWith('warn: Azure Resource Graph could not be used')));
  });

  void it('reads from ARM only the level the index does not hold', async () => {
    azure.emu.graph.options.unindexedTypes = [
      'microsoft.machinelearningservices/workspaces/onlineendpoints/deployments',
    ];
    azure.emu.graph.resync();
    const { nodes, seen } = await requestsDuring(() =>
      loadEverything(newModel(azure.client, 6, { resourceGraph: true })),
    );
    assert.deepEqual(countsOf(nodes), groundTruth(azure.emu.scenario));
    const lists = seen.filter((r) => isArmList(r.path)).map((r) => r.path);
    assert.ok(lists.length > 0);
    assert.ok(
      lists.every((p) => /\/deployments$/.test(p)),
      `only deployment lists go to ARM: ${lists.join(', ')}`,
    );
  });

  void it('after a change, the ARM read wins over the lagging index row', async () => {
    azure.emu.graph.options.lagMs = 60_000;
    const model = newModel(azure.client, 6, { resourceGraph: true });
    const first = await loadEverything(model);
    const target = first.find(
      (n): n is Extract<ModelNode, { kind: 'deployment' }> =>
        n.kind === 'deployment' &&
        !n.target.deployment.appInsightsEnabled &&
        n.target.deployment.provisioningState === 'Succeeded',
    );
    assert.ok(target);
    await azure.client.setDeploymentAppInsights(target.target.deployment, true, { pollIntervalMs: 10 });
    // What the tree does when an update ends: re-read the node from ARM.
    const reread = await model.reload(target);
    assert.equal(reread?.kind === 'deployment' && reread.target.deployment.appInsightsEnabled, true);
    // A full refresh: the index still has the old row, the tree shows the ARM read.
    const again = await loadEverything(model);
    const shown = again.find(
      (n) => n.kind === 'deployment' && n.target.deployment.armId === target.target.deployment.armId,
    );
    assert.ok(shown?.kind === 'deployment');
    assert.equal(shown.target.deployment.appInsightsEnabled, true);
    assert.equal(shown.target.deployment.source, undefined, 'not marked as from the index');
    // Without that ARM read, a fresh model paints the lagging row, marked as from the index.
    const stale = (await loadEverything(newModel(azure.client, 6, { resourceGraph: true }))).find(
      (n) => n.kind === 'deployment' && n.target.deployment.armId === target.target.deployment.armId,
    );
    assert.ok(stale?.kind === 'deployment');
    assert.equal(stale.target.deployment.appInsightsEnabled, false);
    assert.equal(stale.target.deployment.source, 'index');
  });
});
