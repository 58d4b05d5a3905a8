// The real TreeDataProvider (src/tree/servicesTree.ts) against the emulator, with a stand-in
// `vscode` module in plain Node: root states for the welcome views, every level's items, error
// nodes with their action, busy → Updating → re-read, refresh of one node. Inside a real
// extension host (the e2e in-host run) the view itself is exercised by the e2e steps instead.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventEmitter, installStandInVscode, l10n, realVscodeAvailable } from '../support/standInVscode';
import type { AzureClient } from '../../src/azure/api';
import type { AzureSession, BaseServices, LogStreamRegistry } from '../../src/services';
import type { AnyNode } from '../../src/tree/nodes';
import type { ServicesTreeProvider } from '../../src/tree/servicesTree';
import { startTestAzure } from './support';

type TestAzure = Awaited<ReturnType<typeof startTestAzure>>;

const inExtensionHost = realVscodeAvailable();

const contextKeys = new Map<string, unknown>();
const settings: Record<string, unknown> = {
  'amlMonitor.subscriptions': [],
  'amlMonitor.tree.concurrency': 4,
};
const configChanged = new EventEmitter<{ affectsConfiguration: (k: string) => boolean }>();

class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  contextValue?: string;
  iconPath?: { id: string; color?: { id: string } };
  command?: { command: string; arguments?: unknown[] };
  accessibilityInformation?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState: number,
  ) {}
}

const fakeVscode = {
  EventEmitter,
  TreeItem,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
  ThemeIcon: class {
    constructor(
      readonly id: string,
      readonly color?: unknown,
    ) {}
  },
  Disposable: {
    from: (...ds: { dispose(): unknown }[]) => ({ dispose: () => ds.forEach((d) => d.dispose()) }),
  },
  ConfigurationTarget: { Global: 1 },
  l10n,
  workspace: {
    getConfiguration: () => ({
      get: (key: string, fallback: unknown) => (key in settings ? settings[key] : fallback),
    }),
    onDidChangeConfiguration: configChanged.event,
  },
  commands: {
    executeCommand: (command: string, key: string, value: unknown) => {
      if (command === 'setContext') contextKeys.set(key, value);
      return Promise.resolve();
    },
  },
};

if (!inExtensionHost) {
  installStandInVscode(fakeVscode);
}

const log = { info: () => undefined, warn: () => undefined, error: () => undefined, show: () => undefined };

async function makeTree(
  client: AzureClient,
  signedIn = true,
  streams: LogStreamRegistry = {
    isStreaming: () => false,
    onDidChangeStreams: new EventEmitter<void>().event,
  },
): Promise<{ tree: ServicesTreeProvider; changes: (AnyNode | undefined)[] }> {
  const { ServicesTreeProvider } = await import('../../src/tree/servicesTree');
  const { Settings } = await import('../../src/settings');
  const azure: AzureSession = {
    getClient: () => Promise.resolve(client),
    cloud: () => client.cloud,
    isSignedIn: () => Promise.resolve(signedIn),
    signIn: () => Promise.resolve(),
    onDidChange: new EventEmitter<void>().event,
  };
  const base = { context: {}, log, settings: new Settings(), azure } as unknown as BaseServices;
  const tree = new ServicesTreeProvider(base, streams);
  const changes: (AnyNode | undefined)[] = [];
  tree.onDidChangeTreeData((n) => changes.push(n));
  return { tree, changes };
}

async function expandAll(tree: ServicesTreeProvider, node?: AnyNode): Promise<AnyNode[]> {
  const kids = await tree.getChildren(node);
  const below = await Promise.all(kids.map((k) => expandAll(tree, k)));
  return [...kids, ...below.flat()];
}

const item = (tree: ServicesTreeProvider, n: AnyNode) => tree.getTreeItem(n) as unknown as TreeItem;

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

void describe('services TreeDataProvider (emulator, stand-in vscode)', { skip: inExtensionHost }, () => {
  let azure: TestAzure;
  const trees: ServicesTreeProvider[] = [];
  before(async () => {
    azure = await startTestAzure({ scenario: 'default', lroPolls: 1 });
  });
  after(async () => {
    for (const t of trees) t.dispose();
    await azure?.stop();
  });

  void it('lists every level with the items users scan for; names stay plain text', async () => {
    const { tree } = await makeTree(azure.client);
    trees.push(tree);
    const nodes = await expandAll(tree);
    assert.equal(contextKeys.get('amlMonitor.treeState'), 'ready');
    const ids = new Set<string>();
    for (const n of nodes) {
      const it = item(tree, n);
      assert.ok(it.id && !ids.has(it.id), `unique id ${it.id}`);
      ids.add(it.id);
      assert.equal(
        typeof it.tooltip === 'string' || it.tooltip === undefined,
        true,
        'tooltips are plain strings',
      );
    }
    const deployments = nodes.filter((n) => n.model.kind === 'deployment');
    assert.ok(deployments.length > 0);
    for (const d of deployments) {
      const it = item(tree, d);
      assert.match(it.description ?? '', /% traffic · .*App Insights (on|off)/);
      assert.match(it.contextValue ?? '', /^deployment .*\bappInsights-(on|off)\b.*\blogs\b/);
      assert.equal(it.collapsibleState, 0);
    }
    const endpoints = nodes.filter((n) => n.model.kind === 'endpoint');
    for (const e of endpoints) assert.match(String(item(tree, e).tooltip), /Scoring URI: https:\/\//);
    // A name holding markup is the label itself, unchanged.
    const markup = nodes
      .map((n) => item(tree, n))
      .filter((i) => /<img/.test(`${i.label} ${i.description} ${String(i.tooltip)}`));
    assert.ok(markup.length > 0, 'the default scenario hides markup in a name');
    // v1 services are no ARM resources, so not in Resource Graph: their group joins a workspace
    // painted from the index once the v1 list is read.
    let groups = nodes.filter((n) => n.model.kind === 'legacyGroup');
    for (let i = 0; i < 250 && groups.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      groups = (await expandAll(tree)).filter((n) => n.model.kind === 'legacyGroup');
    }
    assert.ok(groups.length > 0);
    for (const g of groups) assert.equal(item(tree, g).label, 'Web services (v1)');
  });

  void it('signed out and a filter that matches nothing leave an empty view with the right welcome', async () => {
    const out = await makeTree(azure.client, false);
    trees.push(out.tree);
    assert.deepEqual(await out.tree.getChildren(), []);
    assert.equal(contextKeys.get('amlMonitor.treeState'), 'signedOut');

    settings['amlMonitor.subscriptions'] = ['99999999-9999-9999-9999-999999999999'];
    try {
      const filtered = await makeTree(azure.client);
      trees.push(filtered.tree);
      assert.deepEqual(await filtered.tree.getChildren(), []);
      assert.equal(contextKeys.get('amlMonitor.treeState'), 'noSubscriptions');
      // Changing the filter reloads without a restart.
      settings['amlMonitor.subscriptions'] = [];
      configChanged.fire({
        affectsConfiguration: (k) => k === 'amlMonitor' || k === 'amlMonitor.subscriptions',
      });
      assert.deepEqual(filtered.changes, [undefined]);
      assert.ok((await filtered.tree.getChildren()).length > 0);
      assert.equal(contextKeys.get('amlMonitor.treeState'), 'ready');
    } finally {
      settings['amlMonitor.subscriptions'] = [];
    }
  });

  void it('a 403 on one workspace: an error node there that offers another tenant; the rest lists', async () => {
    const { tree } = await makeTree(azure.client);
    trees.push(tree);
    const workspaces = (await expandAll(tree)).filter((n) => n.model.kind === 'workspace');
    const victim = workspaces.find(
      (w) => w.model.kind === 'workspace' && w.model.target.workspace.workspaceName === 'mlw-forecast',
    )!;
    assert.ok(victim);
    azure.emu.faults.add({ path: '/workspaces/mlw-forecast/onlineEndpoints', kind: '403', times: Infinity });
    try {
      await tree.refreshNode(victim);
      const kids = await tree.getChildren(victim);
      const err = kids.find((k) => k.model.kind === 'error');
      assert.ok(err, 'an error node under the workspace');
      const it = item(tree, err);
      assert.equal(it.label, 'Could not list online endpoints');
      assert.equal(it.command?.command, 'amlMonitor.selectTenant');
      for (const w of workspaces.filter((x) => x !== victim)) {
        assert.ok((await tree.getChildren(w)).every((k) => k.model.kind !== 'error'));
      }
    } finally {
      azure.emu.faults.clear();
    }
    // Retry (what the error node's command does for other failures) lists it again.
    await tree.refreshNode(victim);
    assert.ok((await tree.getChildren(victim)).every((k) => k.model.kind !== 'error'));
  });

  void it('busy shows Updating; when it ends the node re-reads Azure and shows the new state', async () => {
    const { tree, changes } = await makeTree(azure.client);
    trees.push(tree);
    const nodes = await expandAll(tree);
    const node = nodes.find(
      (n) =>
        n.model.kind === 'deployment' &&
        !n.model.target.deployment.appInsightsEnabled &&
        n.model.target.deployment.provisioningState === 'Succeeded' &&
        n.model.target.workspace.applicationInsightsId,
    );
    assert.ok(node && node.model.kind === 'deployment');
    const target = node.model.target;
    tree.setBusy(target, true);
    assert.ok(changes.includes(node), 'the node was redrawn');
    const busyItem = item(tree, node);
    assert.match(busyItem.contextValue ?? '', /\bbusy\b/);
    assert.equal(busyItem.iconPath?.id, 'sync~spin');
    assert.match(busyItem.description ?? '', /Updating…/);

    await azure.client.setDeploymentAppInsights(target.deployment, true, { pollIntervalMs: 20 });
    changes.length = 0;
    tree.setBusy(target, false);
    await until('the node to be re-read', () => changes.includes(node));
    const after = item(tree, node);
    assert.doesNotMatch(after.contextValue ?? '', /\bbusy\b/);
    assert.match(after.contextValue ?? '', /\bappInsights-on\b/);
    assert.match(after.description ?? '', /App Insights on/);
  });

  void it('a filter repaints from what was read, hides what does not match, and asks Azure nothing', async () => {
    const { tree } = await makeTree(azure.client);
    trees.push(tree);
    const all = await expandAll(tree);
    const before = azure.emu.requests.length;
    tree.filter = { problemsOnly: true };
    const shown = await expandAll(tree);
    assert.equal(azure.emu.requests.length, before, 'no request to Azure');
    const deployments = shown.filter((n) => n.model.kind === 'deployment');
    assert.ok(deployments.length > 0);
    for (const d of deployments)
      assert.match(item(tree, d).description ?? '', /Failed|Updating|Creating|Scaling|Deleting/);
    assert.ok(
      deployments.length < all.filter((n) => n.model.kind === 'deployment').length,
      'some deployments are hidden',
    );
    // A workspace whose deployments all run fine is hidden.
    const workspaces = (n: AnyNode[]) => n.filter((x) => x.model.kind === 'workspace').length;
    assert.ok(workspaces(shown) < workspaces(all));
    tree.filter = {};
    assert.equal(
      (await expandAll(tree)).filter((n) => n.model.kind === 'deployment').length,
      all.filter((n) => n.model.kind === 'deployment').length,
    );
  });

  void it('the fleet lists every deployment, and reveal finds one behind a filter that hides it', async () => {
    const { tree } = await makeTree(azure.client);
    trees.push(tree);
    const revealed: AnyNode[] = [];
    tree.attachView({
      reveal: (n: AnyNode) => Promise.resolve(void revealed.push(n)),
      onDidCollapseElement: () => ({ dispose: () => undefined }),
    } as never);
    const fleet = await tree.fleet();
    let truth = 0;
    for (const sub of await azure.client.listSubscriptions())
      for (const ws of await azure.client.listWorkspaces(sub.subscriptionId))
        for (const ep of await azure.client.listEndpoints(ws))
          truth += (await azure.client.listDeployments(ep)).length;
    assert.equal(fleet.length, truth);
    const healthy = fleet.find((e) => e.deployment.provisioningState === 'Succeeded');
    assert.ok(healthy);
    tree.filter = { problemsOnly: true };
    assert.equal(await tree.reveal({ kind: 'deployment', ...healthy }), true);
    assert.equal(revealed[0]?.id, healthy.deployment.armId.toLowerCase());
    assert.deepEqual(tree.filter, {}, 'the filter that hid it is cleared');
  });

  /** Expands everything and paints every row, as the view does, once the glance figures are in. */
  async function paintedTree(
    streams?: LogStreamRegistry,
  ): Promise<{ tree: ServicesTreeProvider; changes: (AnyNode | undefined)[]; nodes: AnyNode[] }> {
    const made = await makeTree(azure.client, true, streams);
    trees.push(made.tree);
    let nodes = await expandAll(made.tree);
    // v1 groups join their workspaces once the v1 lists are read.
    for (let i = 0; i < 250 && !nodes.some((n) => n.model.kind === 'legacyGroup'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      nodes = await expandAll(made.tree);
    }
    nodes.forEach((n) => item(made.tree, n));
    await made.tree.glances.idle();
    nodes.forEach((n) => item(made.tree, n));
    made.changes.length = 0;
    return { ...made, nodes };
  }

  void it('a refresh keeps the rows it re-reads: same nodes, and only a row that changed is repainted', async () => {
    const { tree, changes, nodes } = await paintedTree();
    const endpoint = nodes.find(
      (n) => n.model.kind === 'endpoint' && n.model.target.endpoint.endpointName === 'credit-risk',
    );
    const workspace = nodes.find((n) => n.id === endpoint?.parent?.id);
    assert.ok(endpoint && workspace);
    const rowsOf = async (n: AnyNode) => [...(await tree.getChildren(n))];
    const deploymentsBefore = await rowsOf(endpoint);
    const workspaceRowsBefore = await rowsOf(workspace);
    assert.ok(workspaceRowsBefore.some((n) => n.model.kind === 'legacyGroup'));

    const same = async (n: AnyNode, before: AnyNode[]) =>
      (await rowsOf(n)).forEach((row, i) => assert.equal(row, before[i], `row ${row.id} replaced`));

    // The first refresh reads ARM where the index painted: the rows stay, and those whose tooltip
    // loses the index note are repainted in place. The tree itself is not refreshed.
    await tree.refreshNode(endpoint);
    await same(endpoint, deploymentsBefore);
    assert.ok(!changes.includes(undefined), 'the whole tree was refreshed');
    [endpoint, ...deploymentsBefore].forEach((n) => item(tree, n)); // the view repaints them
    changes.length = 0;

    // Nothing changed in Azure: the same node objects, and the view is told nothing.
    await tree.refreshNode(endpoint);
    await same(endpoint, deploymentsBefore);
    assert.deepEqual([...changes], [], 'an unchanged refresh repainted rows');

    // The workspace too: its endpoints, the rows below them and its v1 group stay (no flicker).
    await tree.refreshNode(workspace);
    await same(workspace, workspaceRowsBefore);
    await same(endpoint, deploymentsBefore);
    assert.ok(
      !changes.includes(workspace) && !changes.includes(undefined),
      'the workspace rows were replaced',
    );
    workspaceRowsBefore.forEach((n) => item(tree, n));
    changes.length = 0;

    // One deployment changes in Azure: its row alone is repainted, in place.
    const green = deploymentsBefore.find(
      (n) => n.model.kind === 'deployment' && n.model.target.deployment.deploymentName === 'green',
    );
    assert.ok(green && green.model.kind === 'deployment');
    const wasOn = green.model.target.deployment.appInsightsEnabled;
    await azure.client.setDeploymentAppInsights(green.model.target.deployment, !wasOn, {
      pollIntervalMs: 20,
    });
    await tree.refreshNode(endpoint);
    assert.deepEqual(changes, [green], 'only the changed row is repainted');
    assert.equal(
      (await rowsOf(endpoint)).find((n) => n.id === green.id),
      green,
    );
    assert.match(item(tree, green).description ?? '', wasOn ? /App Insights off/ : /App Insights on/);
  });

  void it('a log stream that starts or stops repaints its own row only', async () => {
    const streaming = new Set<string>();
    const streamsChanged = new EventEmitter<void>();
    const { targetKey } = await import('../../src/targets');
    const { tree, changes, nodes } = await paintedTree({
      isStreaming: (t) => streaming.has(targetKey(t)),
      onDidChangeStreams: streamsChanged.event,
    });
    const deployment = nodes.find((n) => n.model.kind === 'deployment');
    assert.ok(deployment);
    streaming.add(deployment.id);
    streamsChanged.fire();
    assert.deepEqual(changes, [deployment]);
    item(tree, deployment); // the view paints it again
    streaming.clear();
    streamsChanged.fire();
    assert.deepEqual(changes, [deployment, deployment]);
  });

  const isMetrics = (r: { path: string }) => r.path.endsWith('/providers/Microsoft.Insights/metrics');
  const deploymentNode = (nodes: AnyNode[], endpoint: string, name: string): AnyNode => {
    const found = nodes.find(
      (n) =>
        n.model.kind === 'deployment' &&
        n.model.target.endpoint.endpointName === endpoint &&
        n.model.target.deployment.deploymentName === name,
    );
    assert.ok(found, `${endpoint}/${name} is in the tree`);
    return found;
  };

  void it('deployments show their last-hour figures once the metrics arrive, read once and kept', async () => {
    const { tree, changes } = await makeTree(azure.client);
    trees.push(tree);
    const nodes = await expandAll(tree);
    // The emulator's health profiles: green is slow, blue healthy, shadow never came up.
    const green = deploymentNode(nodes, 'credit-risk', 'green');
    const blue = deploymentNode(nodes, 'credit-risk', 'blue');
    const shadow = deploymentNode(nodes, 'fraud-detect', 'shadow');
    const metricsBefore = azure.emu.requests.filter(isMetrics).length;
    // The first paint does not wait for metrics: no figures yet.
    for (const n of [green, blue, shadow]) assert.doesNotMatch(item(tree, n).description ?? '', /p95|\/min/);
    await tree.glances.idle();
    assert.ok(changes.includes(green) && changes.includes(blue), 'the rows were repainted');
    const greenItem = item(tree, green);
    assert.match(greenItem.description ?? '', /p95 4\.\d+ s · [\d.]+\/min · 5xx 0%/);
    assert.match(String(greenItem.tooltip), /^Last hour: p95 4\.\d+ s/m);
    assert.match(item(tree, blue).description ?? '', /p95 [\d.]+ ms · [\d.]+\/min · 5xx 0%/);
    // No traffic: no figure at all, and "no metrics data" rather than zeros.
    const shadowItem = item(tree, shadow);
    assert.doesNotMatch(shadowItem.description ?? '', /p95|\/min|5xx/);
    assert.match(String(shadowItem.tooltip), /^Last hour: no metrics data$/m);
    // Only the rows painted were asked about (two requests each), and the cache answers repaints.
    const asked = azure.emu.requests.filter(isMetrics).length - metricsBefore;
    assert.equal(asked, 6);
    item(tree, green);
    await tree.glances.idle();
    assert.equal(azure.emu.requests.filter(isMetrics).length - metricsBefore, asked);
  });

  void it('with amlMonitor.tree.metricsAtAGlance off the tree asks Azure Monitor nothing; switching it repaints without a reload', async () => {
    const key = 'amlMonitor.tree.metricsAtAGlance';
    const switchTo = (on: boolean) => {
      settings[key] = on;
      configChanged.fire({ affectsConfiguration: (k) => k === 'amlMonitor' || k === key });
    };
    const metricsCount = () => azure.emu.requests.filter(isMetrics).length;
    // What a reload would ask first: the subscriptions, or the fleet from Resource Graph.
    const reloads = () =>
      azure.emu.requests.filter(
        (r) => r.path === '/subscriptions' || r.path.endsWith('/Microsoft.ResourceGraph/resources'),
      ).length;
    // Reads start on a timer after the paint: give them the chance before counting.
    const settle = async (tree: ServicesTreeProvider) => {
      await new Promise((r) => setTimeout(r, 50));
      await tree.glances.idle();
    };
    const listening = () => (configChanged as unknown as { listeners: unknown[] }).listeners.length;
    settings[key] = false;
    try {
      const listenersBefore = listening();
      const { tree, changes } = await makeTree(azure.client);
      trees.push(tree);
      assert.equal(listening(), listenersBefore + 1);
      const metricsBefore = metricsCount();
      const nodes = await expandAll(tree);
      const deployments = nodes.filter((n) => n.model.kind === 'deployment');
      assert.ok(deployments.length > 5);
      const green = deploymentNode(nodes, 'credit-risk', 'green');
      nodes.forEach((n) => item(tree, n));
      await settle(tree);
      assert.equal(metricsCount() - metricsBefore, 0, 'no metrics request for the tree');
      for (const n of deployments) {
        assert.doesNotMatch(item(tree, n).description ?? '', /p95|\/min|5xx/);
        assert.doesNotMatch(String(item(tree, n).tooltip), /Last hour/);
      }

      // On: every row repaints from what the tree holds, and the figures arrive.
      const reloadsBefore = reloads();
      changes.length = 0;
      switchTo(true);
      assert.deepEqual(changes, [undefined], 'one repaint of the whole tree');
      const repainted = await expandAll(tree);
      // The same row objects (v1 groups read later may join them): not a reload.
      assert.ok(
        nodes.every((n) => repainted.includes(n)),
        'the same rows, not a reload',
      );
      repainted.forEach((n) => item(tree, n));
      await settle(tree);
      assert.ok(metricsCount() > metricsBefore, 'the figures were read');
      assert.match(item(tree, green).description ?? '', /p95 4\.\d+ s · [\d.]+\/min · 5xx 0%/);
      assert.equal(reloads(), reloadsBefore, 'nothing but metrics was read');

      // Off again: the figures leave at once and nothing more is read.
      changes.length = 0;
      switchTo(false);
      assert.deepEqual(changes, [undefined]);
      const metricsOn = metricsCount();
      nodes.forEach((n) => item(tree, n));
      await settle(tree);
      assert.doesNotMatch(item(tree, green).description ?? '', /p95|\/min|5xx/);
      assert.equal(metricsCount(), metricsOn);
      assert.equal(reloads(), reloadsBefore);

      // The settings listener goes with the tree.
      tree.dispose();
      assert.equal(listening(), listenersBefore);
    } finally {
      delete settings[key];
    }
  });

  void it('a metrics failure leaves the tree as it is: same rows, no figures, no zeros, no error rows', async () => {
    const plain = await makeTree(azure.client);
    trees.push(plain.tree);
    const expected = (await expandAll(plain.tree)).map((n) => item(plain.tree, n));
    await plain.tree.glances.idle();
    azure.emu.faults.add({ path: '/providers/Microsoft.Insights/metrics', kind: '403', times: Infinity });
    try {
      const { tree } = await makeTree(azure.client);
      trees.push(tree);
      const nodes = await expandAll(tree);
      const failedBefore = azure.emu.requests.filter((r) => isMetrics(r) && r.status === 403).length;
      nodes.forEach((n) => item(tree, n));
      await tree.glances.idle();
      assert.ok(
        azure.emu.requests.filter((r) => isMetrics(r) && r.status === 403).length > failedBefore,
        'the metrics reads were made and failed',
      );
      const items = nodes.map((n) => item(tree, n));
      assert.deepEqual(
        items.map((i) => [i.id, i.label]),
        expected.map((i) => [i.id, i.label]),
      );
      for (const i of items) {
        assert.doesNotMatch(i.description ?? '', /p95|\/min|5xx/);
        assert.doesNotMatch(String(i.tooltip), /Last hour/);
      }
      assert.ok(nodes.every((n) => n.model.kind !== 'error'));
    } finally {
      azure.emu.faults.clear();
    }
  });

  void it("an update that outran Azure's stated time: the node leaves Updating for a warning and is not re-read on its own", async () => {
    const { tree, changes } = await makeTree(azure.client);
    trees.push(tree);
    const nodes = await expandAll(tree);
    const node = nodes.find(
      (n) =>
        n.model.kind === 'deployment' &&
        n.model.target.deployment.provisioningState === 'Succeeded' &&
        n.model.target.endpoint.endpointName === 'limit-advisor',
    );
    assert.ok(node && node.model.kind === 'deployment');
    const target = node.model.target;
    azure.emu.faults.add({
      method: 'PUT',
      path: `/deployments/${target.deployment.deploymentName}`,
      kind: 'inProgressForever',
      operationTimeout: 'PT1S',
    });
    tree.setBusy(target, true);
    await assert.rejects(
      azure.client.setDeploymentAppInsights(target.deployment, true, { pollIntervalMs: 50 }),
      /Still running after 1 s/,
    );
    changes.length = 0;
    tree.markOverdue(target);
    tree.setBusy(target, false);
    await until('the node to be re-read', () => changes.includes(node));
    assert.equal(
      node.model.kind === 'deployment' && node.model.target.deployment.provisioningState,
      'Updating',
    );
    const shown = item(tree, node);
    assert.equal(shown.iconPath?.id, 'warning', 'no spinner');
    assert.match(shown.description ?? '', /Still updating past Azure's stated time/);
    assert.doesNotMatch(shown.description ?? '', /Updating…/);
    assert.doesNotMatch(shown.contextValue ?? '', /\bbusy\b/);
    // A row Azure reports Updating is normally re-read every 15 s; an overdue one waits for the user.
    const rechecks = (tree as unknown as { rechecks: Map<string, unknown> }).rechecks;
    assert.equal(rechecks.has(node.id), false, 'no automatic re-read scheduled');
  });

  void it('a refresh aborts the loads in flight (their requests end unanswered) and shows the newer answer', async () => {
    const { tree } = await makeTree(azure.client);
    trees.push(tree);
    const isIndexQuery = (r: { method: string; path: string }): boolean =>
      r.method === 'POST' && /\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(r.path);
    azure.emu.faults.add({ method: 'POST', path: /ResourceGraph\/resources$/i, kind: 'slow', delayMs: 5000 });
    const start = azure.emu.requests.length;
    const [sub] = await tree.getChildren();
    assert.ok(sub);
    const first = tree.getChildren(sub); // waits for the index query, which is slow
    await until('the index query to be in flight', () => azure.emu.requests.slice(start).some(isIndexQuery));
    tree.refresh();
    const [subAfter] = await tree.getChildren();
    assert.ok(subAfter);
    const shown = await tree.getChildren(subAfter);
    const queries = azure.emu.requests.slice(start).filter(isIndexQuery);
    assert.equal(queries.length, 2, 'the refresh asked again');
    await until('the first query to end', () => queries[0]?.outcome !== undefined);
    assert.equal(queries[0]?.outcome, 'aborted', 'the overtaken query was aborted, not waited for');
    assert.equal(queries[1]?.outcome, 'answered');
    const truth = await azure.client.listWorkspaces(
      subAfter.model.kind === 'subscription' ? subAfter.model.target.subscription.subscriptionId : '',
    );
    assert.deepEqual(
      shown.map((n) => n.id).sort(),
      truth.map((w) => w.armId.toLowerCase()).sort(),
      'the newer answer is shown',
    );
    // The overtaken load settles without painting anything of its own.
    const old = await first;
    assert.ok(
      old.every((n) => n.model.kind !== 'error'),
      'no error row from the cancelled load',
    );
  });

  void it('collapsing a workspace aborts its v1 read; expanding it again reads it and shows the group', async () => {
    const { tree, changes } = await makeTree(azure.client);
    trees.push(tree);
    let workspace: AnyNode | undefined;
    for (const sub of await tree.getChildren())
      for (const ws of await tree.getChildren(sub))
        if (ws.model.kind === 'workspace' && ws.model.target.workspace.workspaceName === 'mlw-credit-prod')
          workspace = ws;
    assert.ok(workspace);
    const isV1List = (r: { method: string; path: string }): boolean =>
      r.method === 'GET' && /\/modelmanagement\/.*\/services$/i.test(r.path);
    azure.emu.faults.add({ method: 'GET', path: /\/services$/i, kind: 'slow', delayMs: 5000 });
    const start = azure.emu.requests.length;
    await tree.getChildren(workspace); // endpoints from the index; the v1 list follows
    await until('the v1 list to be in flight', () => azure.emu.requests.slice(start).some(isV1List));
    changes.length = 0;
    tree.collapsed(workspace);
    const v1 = azure.emu.requests.slice(start).filter(isV1List);
    await until('the v1 read to end', () => v1[0]?.outcome !== undefined);
    assert.equal(v1[0]?.outcome, 'aborted');
    assert.ok(changes.includes(workspace), 'the view is told to ask for its rows again');
    changes.length = 0;
    await tree.getChildren(workspace);
    await until('the v1 group to join', () => changes.includes(workspace));
    const rows = await tree.getChildren(workspace);
    assert.ok(
      rows.some((r) => r.model.kind === 'legacyGroup'),
      rows.map((r) => r.id).join(', '),
    );
    assert.equal(azure.emu.requests.slice(start).filter(isV1List).at(-1)?.outcome, 'answered');
  });

  void it('disposing the view aborts what it was loading', async () => {
    const { tree } = await makeTree(azure.client);
    const isIndexQuery = (r: { method: string; path: string }): boolean =>
      r.method === 'POST' && /ResourceGraph\/resources$/i.test(r.path);
    azure.emu.faults.add({ method: 'POST', path: /ResourceGraph\/resources$/i, kind: 'slow', delayMs: 5000 });
    const start = azure.emu.requests.length;
    const [sub] = await tree.getChildren();
    assert.ok(sub);
    const pending = tree.getChildren(sub);
    await until('the index query to be in flight', () => azure.emu.requests.slice(start).some(isIndexQuery));
    tree.dispose();
    const query = azure.emu.requests.slice(start).find(isIndexQuery);
    await until('the query to end', () => query?.outcome !== undefined);
    assert.equal(query?.outcome, 'aborted');
    await pending;
  });

  void it('a second refresh of a row overtakes the first: the first read is aborted and never shown', async () => {
    const { tree } = await makeTree(azure.client);
    trees.push(tree);
    const nodes = await expandAll(tree);
    const endpoint = nodes.find((n) => n.model.kind === 'endpoint');
    assert.ok(endpoint && endpoint.model.kind === 'endpoint');
    const path = `/onlineEndpoints/${endpoint.model.target.endpoint.endpointName}`;
    const isRead = (r: { method: string; path: string }): boolean =>
      r.method === 'GET' && r.path.endsWith(path);
    azure.emu.faults.add({ method: 'GET', path, kind: 'slow', delayMs: 5000 });
    const start = azure.emu.requests.length;
    const first = tree.refreshNode(endpoint);
    await until('the first read to be in flight', () => azure.emu.requests.slice(start).some(isRead));
    await tree.refreshNode(endpoint);
    const reads = azure.emu.requests.slice(start).filter(isRead);
    await until('the first read to end', () => reads[0]?.outcome !== undefined);
    assert.equal(reads[0]?.outcome, 'aborted');
    assert.equal(reads.at(-1)?.outcome, 'answered');
    await first;
    assert.equal(
      endpoint.model.kind === 'endpoint' && endpoint.model.target.endpoint.provisioningState,
      (await azure.client.getEndpoint(endpoint.model.target.endpoint)).provisioningState,
    );
  });
});

void describe(
  'a 5xx-heavy deployment (diagnose scenario, stand-in vscode)',
  { skip: inExtensionHost },
  () => {
    let t: TestAzure;
    before(async () => {
      t = await startTestAzure({ scenario: 'diagnose' });
    });
    after(() => t?.stop());

    void it('the tree row, Diagnose and the Metrics view all show the same large 5xx share', async () => {
      const { gatherAndDiagnose } = await import('../../src/diagnose/gather');
      const { renderReport } = await import('../../src/diagnose/report');
      const { loadMetrics } = await import('../../src/metrics/load');
      const { DIAGNOSE_SUBSCRIPTION, diagnoseEndpointOf } = await import('../emulator/scenarios/diagnose');
      const { statusMixOf } = await import('../emulator/health');
      const ref = {
        subscriptionId: DIAGNOSE_SUBSCRIPTION,
        resourceGroup: 'rg-diagnose',
        workspaceName: 'mlw-diagnose',
        endpointName: diagnoseEndpointOf('serverErrors'),
        deploymentName: 'blue',
      };
      // What the profile serves: 42 % of answers are 500.
      const served = statusMixOf('serverErrors')['500']! * 100;

      const { tree } = await makeTree(t.client);
      try {
        const nodes = await expandAll(tree);
        const row = nodes.find(
          (n) =>
            n.model.kind === 'deployment' &&
            n.model.target.endpoint.endpointName === ref.endpointName &&
            n.model.target.deployment.deploymentName === 'blue',
        );
        assert.ok(row, 'the 5xx-heavy deployment is in the tree');
        item(tree, row);
        await tree.glances.idle();
        const description = item(tree, row).description ?? '';
        const shown = Number(/5xx ([\d.]+)%/.exec(description)?.[1]);
        assert.ok(Math.abs(shown - served) < 5, `the row shows 5xx ≈ ${served}%: ${description}`);

        // Diagnose names the 500s with the same share, in the report a user reads.
        const endpoint = await t.client.getEndpoint(ref);
        const result = await gatherAndDiagnose(t.client, endpoint, ref);
        assert.equal(result.diagnosis.verdict, 'serverError500');
        const report = renderReport(result, {
          endpoint: ref.endpointName,
          deployment: 'blue',
          deploymentArmId: `${endpoint.armId}/deployments/blue`,
          portalUrl: 'https://portal.azure.com',
        }).replace(/\\(.)/g, '$1');
        assert.match(report, /Verdict: Azure Machine Learning's infrastructure answers with errors \(500\)/);
        const reported = Number(/([\d.]+)% of requests in the last hour were answered 500/.exec(report)?.[1]);
        assert.ok(Math.abs(reported - shown) < 2, `Diagnose reports ${reported}%, the tree shows ${shown}%`);

        // The endpoint's Metrics view: RequestsPerMinute split by statusCodeClass has the 5xx series.
        const charts = await loadMetrics(
          t.client,
          { scope: 'endpoint', resourceId: endpoint.armId, deployments: ['blue'] },
          'PT1H',
          Date.now(),
        );
        const requests = charts.find((c) => c.panelId === 'requests' && c.deployment === 'blue');
        assert.ok(requests && !requests.noData, 'the requests chart has data');
        const sum = (values: (number | null)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);
        const all = requests.series.reduce((a, s) => a + sum(s.values), 0);
        const serverErrors = requests.series.filter((s) => /5xx/.test(s.label));
        assert.equal(serverErrors.length, 1, requests.series.map((s) => s.label).join(', '));
        const charted = (sum(serverErrors[0]!.values) / all) * 100;
        assert.ok(Math.abs(charted - served) < 5, `the 5xx series is ${charted}% of requests`);
      } finally {
        tree.dispose();
      }
    });
  },
);
