// The TreeDataProvider of amlMonitor.services. Loading lives in ./model (vscode-free); this class
// caches children per node, keeps amlMonitor.treeState in step for the welcome views, tracks busy
// nodes, and reloads a node (or everything) on request.
import * as vscode from 'vscode';
import { ContextKeys, SettingKeys, Views, type TreeState } from '../constants';
import {
  deploymentMatches,
  filtersDeployments,
  isFilterActive,
  legacyServiceMatches,
  subscriptionMatches,
  workspaceMatches,
  type FleetEntry,
  type FleetSnapshot,
  type TreeFilter,
} from '../core/fleet';
import { isAtOrBelow } from '../core/armId';
import { provisioningVisualState } from '../core/treePresentation';
import { abortError } from '../azure/timing';
import { Disposable, toDisposable } from '../disposable';
import type { BaseServices, LogStreamRegistry, TreeRefresher } from '../services';
import { targetKey, targetOf, type DeploymentTarget, type Target } from '../targets';
import { DeploymentGlances } from './glance';
import { flatten, loadSubtree, TreeModel, type ModelNode, type RootResult } from './model';
import { createNode, TreeNode, type AnyNode, type NodeContext } from './nodes';
import { presentationStrings } from './strings';

/** How often a node that Azure reports as Creating/Updating/Scaling/Deleting is re-read. */
const TRANSITION_RECHECK_MS = 15_000;

export class ServicesTreeProvider
  extends Disposable
  implements vscode.TreeDataProvider<AnyNode>, TreeRefresher
{
  private readonly changed = this.register(new vscode.EventEmitter<AnyNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  readonly model: TreeModel;
  private rootChildren: Promise<AnyNode[]> | undefined;
  private readonly children = new Map<TreeNode, Promise<AnyNode[]>>();
  /** Unfiltered children read from Azure, by node id ('' = the root): a filter change reuses them. */
  private readonly models = new Map<string, Promise<ModelNode[]>>();
  private rootResult: Promise<RootResult> | undefined;
  private current: TreeFilter = {};
  private readonly filterChanged = this.register(new vscode.EventEmitter<TreeFilter>());
  /** Fires when the filter changes (the view shows that it is filtered). */
  readonly onDidChangeFilter = this.filterChanged.event;
  private view: vscode.TreeView<AnyNode> | undefined;
  /** Live nodes by id (= targetKey for nodes with a target). */
  private readonly nodes = new Map<string, AnyNode>();
  /**
   * The children last presented under each node id ('' = the root). A resource presented again
   * under the same parent keeps its node object, updated in place: the view keeps its row (and
   * its expansion) while the tree settles, so a click never lands on a row that replaced it.
   */
  private readonly shown = new Map<string, AnyNode[]>();
  /** What each row showed when last painted: a change event goes only to rows that differ. */
  private readonly painted = new WeakMap<AnyNode, string>();
  private readonly busy = new Map<string, number>();
  /** Services whose update outran Azure's stated time, until Azure reports them settled. */
  private readonly overdue = new Set<string>();
  private readonly rechecks = new Map<string, NodeJS.Timeout>();
  private readonly context: NodeContext;
  /** Last-hour figures of the deployments shown (read lazily, never in the tree's way). */
  readonly glances: DeploymentGlances;
  /** amlMonitor.tree.metricsAtAGlance, kept here: every deployment row asks on each paint. */
  private glancesOn: boolean;
  private state: TreeState | undefined;
  /** Bumped by every full reload, so a load that a reload overtook changes nothing. */
  private generation = 0;
  /** Aborts every load in flight: a full reload, a filter change, disposal. */
  private scope = new AbortController();
  /**
   * The load in flight per node id ('' = the root, `id#self` = a node's own re-read). A newer load
   * of the same rows, or collapsing a node above them, aborts it: its requests stop, and what it
   * would have brought is never painted.
   */
  private readonly inFlight = new Map<string, AbortController>();

  constructor(
    private readonly s: BaseServices,
    streams: LogStreamRegistry,
  ) {
    super();
    this.model = new TreeModel({
      getClient: () => s.azure.getClient({ createIfNone: false }),
      isSignedIn: () => s.azure.isSignedIn(),
      subscriptionFilter: () => s.settings.subscriptions,
      concurrency: s.settings.treeConcurrency,
      log: (level, message) => (level === 'warn' ? s.log.warn(message) : s.log.info(message)),
    });
    this.glances = this.register(
      new DeploymentGlances({
        getClient: async () =>
          (await s.azure.isSignedIn()) ? s.azure.getClient({ createIfNone: false }) : undefined,
        onDidArrive: (deploymentId) => {
          const node = this.nodes.get(deploymentId.toLowerCase());
          if (node) this.repaint(node);
        },
        log: (message) => s.log.warn(message),
      }),
    );
    this.context = {
      strings: presentationStrings(),
      isBusy: (t) => this.busy.has(targetKey(t)),
      isOverdue: (t) => this.overdue.has(targetKey(t)),
      isStreaming: (t) => streams.isStreaming(t),
      glance: (deploymentId) => (this.glancesOn ? this.glances.peek(deploymentId) : undefined),
    };
    this.glancesOn = s.settings.treeMetricsAtAGlance;
    this.register(
      // Only the rows whose streaming mark changed: a whole-tree refresh would re-register every
      // row in the view, and a click at that moment lands on nothing or on a neighbour.
      streams.onDidChangeStreams(() => {
        for (const node of this.nodes.values())
          if (node.model.kind === 'deployment' || node.model.kind === 'legacyService') this.repaint(node);
      }),
    );
    this.register(s.azure.onDidChange(() => this.refresh()));
    this.register(
      s.settings.onDidChange((e) => {
        if (e.affectsConfiguration(SettingKeys.treeConcurrency))
          this.model.setConcurrency(s.settings.treeConcurrency);
        // Cloud, auth and tenant changes reach the tree through the session's onDidChange.
        if (e.affectsConfiguration(SettingKeys.subscriptions)) this.refresh();
        if (e.affectsConfiguration(SettingKeys.treeMetricsAtAGlance)) this.setGlancesOn();
      }),
    );
    // Disposed first: loads in flight are aborted, then rows in transition stop being re-read.
    this.register(toDisposable(() => this.clearRechecks()));
    this.register(toDisposable(() => this.cancelLoads()));
    this.setState('loading');
  }

  /**
   * Follows amlMonitor.tree.metricsAtAGlance: off forgets the figures and cancels their reads, on
   * reads them for the rows painted next. Either way the rows repaint from what the tree already
   * holds: nothing is read again from Azure.
   */
  private setGlancesOn(): void {
    const on = this.s.settings.treeMetricsAtAGlance;
    if (on === this.glancesOn) return;
    this.glancesOn = on;
    if (!on) this.glances.clear();
    this.changed.fire(undefined);
  }

  /** The view that shows this tree, for reveal. */
  attachView(view: vscode.TreeView<AnyNode>): void {
    this.view = view;
    this.register(view.onDidCollapseElement((e) => this.collapsed(e.element)));
  }

  get filter(): TreeFilter {
    return this.current;
  }

  /** Repaints with another filter from what was already read: no request to Azure. */
  set filter(f: TreeFilter) {
    this.current = f;
    this.cancelLoads();
    this.generation++;
    this.rootChildren = undefined;
    this.children.clear();
    this.filterChanged.fire(f);
    this.changed.fire(undefined);
  }

  getTreeItem(node: AnyNode): vscode.TreeItem {
    const item = node.getTreeItem(this.context);
    this.painted.set(node, itemSignature(item));
    this.watchTransition(node);
    return item;
  }

  getChildren(node?: AnyNode): Promise<AnyNode[]> {
    if (!node) {
      this.rootChildren ??= this.loadRoot();
      return this.rootChildren;
    }
    if (!node.expandable) return Promise.resolve([]);
    let loaded = this.children.get(node);
    if (!loaded) {
      let models = this.models.get(node.id);
      if (!models) {
        const read = this.readChildren(node, false);
        models = read;
        this.models.set(node.id, read);
        void read.then(
          () => this.loadDeferred(node, read),
          () => undefined, // cancelled: nothing follows
        );
      }
      loaded = this.rowsOf(node, models);
      this.children.set(node, loaded);
    }
    return loaded;
  }

  /**
   * A node's children from Azure (with what the model defers when asked); a failure is an error
   * node. Rejects with an AbortError when the load is cancelled (see inFlight).
   */
  private async readChildren(node: AnyNode, withDeferred: boolean): Promise<ModelNode[]> {
    const load = this.startLoad(node.id);
    try {
      const children = await this.model.loadChildren(node.model, load.signal);
      if (withDeferred)
        children.push(...(await this.model.loadDeferred(node.model, load.signal).catch(() => [])));
      load.signal.throwIfAborted();
      return children;
    } catch (e) {
      if (load.signal.aborted) throw abortError();
      return [{ kind: 'error', failure: { list: 'endpoints', action: 'retry', kind: 'unknown', error: e } }];
    } finally {
      load.done();
    }
  }

  /**
   * The rows of a read of node's children. A cancelled read paints nothing new: it is forgotten
   * (the next expansion reads again) and the rows already shown stand.
   */
  private rowsOf(node: AnyNode, read: Promise<ModelNode[]>): Promise<AnyNode[]> {
    const rows: Promise<AnyNode[]> = read.then(
      (list) => this.present(node, list),
      (e: unknown) => {
        if (!(e instanceof Error && e.name === 'AbortError')) throw e;
        if (this.models.get(node.id) === read) this.models.delete(node.id);
        if (this.children.get(node) === rows) this.children.delete(node);
        return this.shown.get(node.id) ?? [];
      },
    );
    return rows;
  }

  /** Starts the load of `id`, aborting the one it overtakes; `done()` when it settles. */
  private startLoad(id: string): { signal: AbortSignal; done: () => void } {
    this.inFlight.get(id)?.abort();
    const own = new AbortController();
    this.inFlight.set(id, own);
    return {
      signal: AbortSignal.any([this.scope.signal, own.signal]),
      done: () => {
        if (this.inFlight.get(id) === own) this.inFlight.delete(id);
      },
    };
  }

  /** Aborts every load in flight; what they were reading is read again when next asked for. */
  private cancelLoads(): void {
    this.scope.abort();
    this.scope = new AbortController();
    for (const id of this.inFlight.keys()) this.models.delete(id);
    if (this.inFlight.has('')) this.rootResult = undefined;
    this.inFlight.clear();
  }

  /**
   * The view collapsed node: loads below it stop (their requests are aborted). The node is
   * repainted so that the view asks for its children again when it is next expanded.
   */
  collapsed(node: AnyNode): void {
    let cancelled = false;
    for (const [id, load] of [...this.inFlight]) {
      // The node's own loads and those below it, not a sibling's whose name it starts.
      if (!isAtOrBelow(id, node.id)) continue;
      load.abort();
      this.inFlight.delete(id);
      cancelled = true;
      // What that load would have brought is read again on the next expansion.
      const of = id.endsWith('#self') ? id.slice(0, -5) : id.endsWith('#deferred') ? id.slice(0, -9) : id;
      this.models.delete(of);
      const shownNode = this.nodes.get(of);
      if (shownNode) this.children.delete(shownNode);
    }
    if (cancelled && !this.isDisposed) this.changed.fire(node);
  }

  /** Children the model left for later (v1 services beside endpoints painted from the index). */
  private async loadDeferred(node: AnyNode, read: Promise<ModelNode[]>): Promise<void> {
    const generation = this.generation;
    const load = this.startLoad(`${node.id}#deferred`);
    const later = await this.model
      .loadDeferred(node.model, load.signal)
      .catch((): ModelNode[] => [])
      .finally(() => load.done());
    if (later.length === 0 || this.isDisposed || load.signal.aborted) return;
    if (this.models.get(node.id) !== read) return; // reloaded meanwhile: that load brings its own
    const all = [...(await read), ...later];
    this.models.set(node.id, Promise.resolve(all));
    const shown = this.children.get(node);
    if (generation !== this.generation || !shown) return;
    const before = await shown;
    if (this.children.get(node) !== shown) return;
    // The rows already shown keep their node objects; the view is told only if rows were added.
    const now = this.present(node, all);
    this.children.set(node, now);
    if (!sameRows(before, await now)) this.changed.fire(node);
  }

  /** Nodes for the children that pass the filter; says so when the filter hides them all. */
  private async present(parent: AnyNode | undefined, list: ModelNode[]): Promise<AnyNode[]> {
    const f = this.current;
    if (!isFilterActive(f)) return this.adopt(parent, list);
    const source = await this.model.fleetSource();
    const visible = list.filter((m) =>
      this.passes(m, f, source?.kind === 'index' ? source.snapshot : undefined),
    );
    if (visible.length === 0 && list.length > 0 && parent)
      return this.adopt(parent, [{ kind: 'empty', reason: 'filtered' }]);
    return this.adopt(parent, visible);
  }

  /**
   * The nodes of parent's children: a resource already shown under parent keeps its node, with
   * the fresh model put in place; the others are new. Nodes no longer shown are forgotten.
   */
  private adopt(parent: AnyNode | undefined, models: ModelNode[]): AnyNode[] {
    const key = parent?.id ?? '';
    const previous = new Map((this.shown.get(key) ?? []).map((n) => [n.id, n]));
    const kids = models.map((m) => {
      const fresh = createNode(parent, m);
      const kept = previous.get(fresh.id);
      if (!kept || kept.model.kind !== m.kind || kept.parent !== parent) return fresh;
      previous.delete(fresh.id);
      kept.update(m);
      return kept;
    });
    for (const gone of previous.values()) this.forget(gone);
    for (const kid of kids) this.nodes.set(kid.id, kid);
    this.shown.set(key, kids);
    return kids;
  }

  /** A node that left the tree, and everything shown below it. */
  private forget(node: AnyNode): void {
    if (this.nodes.get(node.id) === node) this.nodes.delete(node.id);
    const below = this.shown.get(node.id);
    this.shown.delete(node.id);
    for (const kid of below ?? []) this.forget(kid);
  }

  /**
   * Whether a node passes the filter. Above the deployments, a workspace or endpoint hides when
   * the index shows that none of its deployments pass; without the index it stays.
   */
  private passes(m: ModelNode, f: TreeFilter, index: FleetSnapshot | undefined): boolean {
    const narrow = filtersDeployments(f);
    const anyIn = (prefix: string) =>
      !index ||
      index
        .entries()
        .some(
          (e) => e.deployment.armId.toLowerCase().startsWith(prefix) && deploymentMatches(e.deployment, f),
        );
    switch (m.kind) {
      case 'subscription':
        return subscriptionMatches(m.target.subscription.subscriptionId, f);
      case 'workspace':
        return (
          workspaceMatches(m.target.workspace, f) &&
          (!narrow || anyIn(`${m.target.workspace.armId.toLowerCase()}/`))
        );
      case 'endpoint':
        return (
          !narrow ||
          !index?.deploymentsOf(m.target.endpoint) ||
          anyIn(`${m.target.endpoint.armId.toLowerCase()}/`)
        );
      case 'deployment':
        return deploymentMatches(m.target.deployment, f);
      case 'legacyGroup':
        return !narrow || m.services.some((svc) => legacyServiceMatches(svc, f));
      case 'legacyService':
        return legacyServiceMatches(m.target.service, f);
      default:
        return true;
    }
  }

  /** Every deployment of the visible subscriptions: from the index, or by walking ARM. */
  async fleet(): Promise<FleetEntry[]> {
    await this.getChildren();
    const root = await this.rootResult;
    const source = await this.model.fleetSource();
    if (source?.kind === 'index') return this.model.withFreshReads(source.snapshot.entries());
    if (root?.state !== 'ready') return [];
    const trees = await Promise.all(
      root.children
        .filter((m) => m.kind === 'subscription')
        .map((m) => loadSubtree(this.model, m, this.scope.signal)),
    );
    return trees
      .flatMap(flatten)
      .flatMap((m) =>
        m.kind === 'deployment'
          ? [{ workspace: m.target.workspace, endpoint: m.target.endpoint, deployment: m.target.deployment }]
          : [],
      );
  }

  async reveal(target: DeploymentTarget): Promise<boolean> {
    const { workspace, endpoint, deployment } = target;
    const path = [
      `/subscriptions/${workspace.subscriptionId}`.toLowerCase(),
      workspace.armId.toLowerCase(),
      endpoint.armId.toLowerCase(),
      deployment.armId.toLowerCase(),
    ];
    for (let attempt = 0; attempt < 2; attempt++) {
      let node: AnyNode | undefined;
      for (const id of path) {
        node = (await this.getChildren(node)).find((k) => k.id === id);
        if (!node) break;
      }
      if (node) {
        await this.view?.reveal(node, { select: true, focus: true, expand: false });
        return true;
      }
      // The filter hides it: show everything, then look again.
      if (!isFilterActive(this.current)) return false;
      this.filter = {};
    }
    return false;
  }

  getParent(node: AnyNode): AnyNode | undefined {
    return node.parent as AnyNode | undefined;
  }

  /** Reloads everything, or re-reads one node from Azure and then its children. */
  refresh(target?: Target): void {
    if (!target) {
      this.reloadAll();
      return;
    }
    const node = this.nodes.get(targetKey(target));
    if (node) void this.refreshNode(node);
  }

  async refreshItem(item: unknown): Promise<void> {
    if (item instanceof TreeNode) {
      const node = item as AnyNode;
      await vscode.window.withProgress({ location: { viewId: Views.services } }, () =>
        this.refreshNode(node),
      );
      return;
    }
    this.refresh(targetOf(item));
  }

  /** Re-reads a node (an error node retries its parent's list). Resolves when the view has the news. */
  async refreshNode(node: AnyNode): Promise<void> {
    if (node.model.kind === 'error' || node.model.kind === 'empty' || node.model.kind === 'subscription') {
      const parent = node.model.kind === 'subscription' ? node : (node.parent as AnyNode | undefined);
      if (!parent) {
        this.reloadAll();
        return;
      }
      if (parent !== node) return this.refreshNode(parent);
      this.model.preferArm(parent.model);
      await this.reconcile(parent);
      return;
    }
    let fresh: ModelNode | undefined;
    // A newer re-read of this node overtakes this one (abort): the older answer is never shown.
    const load = this.startLoad(`${node.id}#self`);
    try {
      fresh = await this.model.reload(node.model, load.signal);
    } catch (e) {
      if (load.signal.aborted) return;
      // Keep what is shown; the children reload below shows the failure where it happened.
      this.s.log.warn(`refresh of ${node.id} failed: ${e instanceof Error ? e.message : String(e)}`);
      fresh = node.model;
    } finally {
      load.done();
    }
    if (this.isDisposed || load.signal.aborted) return;
    if (!fresh) {
      // It no longer exists: the parent's list is the truth now.
      const parent = node.parent as AnyNode | undefined;
      if (!parent) {
        this.reloadAll();
        return;
      }
      await this.reconcile(parent);
      return;
    }
    node.update(fresh);
    const fired = await this.reconcile(node);
    if (!fired) this.repaint(node);
  }

  /** Marks a service as being updated; when the last update ends, re-reads it from Azure. */
  setBusy(target: Target, busy: boolean): void {
    const key = targetKey(target);
    const count = (this.busy.get(key) ?? 0) + (busy ? 1 : -1);
    if (count > 0) this.busy.set(key, count);
    else this.busy.delete(key);
    const node = this.nodes.get(key);
    if (busy) {
      if (node) this.repaint(node);
    } else if (count <= 0) {
      this.refresh(target);
    }
  }

  /** See TreeRefresher.markOverdue; the re-read that follows setBusy(false) shows it. */
  markOverdue(target: Target): void {
    this.overdue.add(targetKey(target));
  }

  private clearRechecks(): void {
    for (const t of this.rechecks.values()) clearTimeout(t);
    this.rechecks.clear();
  }

  private reloadAll(): void {
    this.cancelLoads();
    this.generation++;
    this.glances.clear();
    this.rootChildren = undefined;
    this.rootResult = undefined;
    this.models.clear();
    this.children.clear();
    this.clearRechecks();
    this.setState('loading');
    this.changed.fire(undefined);
  }

  private async loadRoot(): Promise<AnyNode[]> {
    const generation = this.generation;
    this.setState('loading');
    if (!this.rootResult) {
      const load = this.startLoad('');
      this.rootResult = this.model
        .loadRoot(load.signal)
        .catch((e: unknown): RootResult => ({
          state: 'error',
          children: [
            { kind: 'error', failure: { list: 'subscriptions', action: 'retry', kind: 'unknown', error: e } },
          ],
        }))
        .finally(() => load.done());
    }
    const result = await this.rootResult;
    if (this.isDisposed || generation !== this.generation) return [];
    this.setState(result.state);
    // Signed out or no subscriptions: the empty view shows its welcome content with the action.
    if (result.state === 'signedOut' || result.state === 'noSubscriptions') return [];
    return this.present(undefined, result.children);
  }

  /** Tells the view about a row only when what it shows changed since it was painted. */
  private repaint(node: AnyNode): void {
    if (this.isDisposed) return;
    const before = this.painted.get(node);
    // Never painted: nothing to compare with, so the view decides.
    if (before === undefined || itemSignature(node.getTreeItem(this.context)) !== before)
      this.changed.fire(node);
    // Unchanged, so the view will not ask for it again: a row still in transition stays watched.
    else this.watchTransition(node);
  }

  /**
   * Re-reads the children shown under node from Azure, and theirs, keeping their node objects.
   * When the rows under node are the same resources, only rows that now show something else are
   * repainted; otherwise node is (the view asks again below it). Resolves true when node was fired.
   */
  private async reconcile(node: AnyNode): Promise<boolean> {
    const shown = this.children.get(node);
    if (!shown) {
      this.dropCaches(node);
      return false;
    }
    // Started before waiting for the rows shown: a read of them still in flight is overtaken
    // (aborted) rather than waited for, and never painted.
    const read = this.readChildren(node, true);
    this.models.set(node.id, read);
    const before = await shown;
    const now = this.rowsOf(node, read);
    this.children.set(node, now);
    const after = await now;
    // Cancelled or overtaken meanwhile: whoever replaced this read paints.
    if (this.isDisposed || this.children.get(node) !== now) return false;
    if (!sameRows(before, after)) {
      for (const kid of after) this.dropCaches(kid);
      this.changed.fire(node);
      return true;
    }
    await Promise.all(
      after.map(async (kid) => {
        if (!(await this.reconcile(kid))) this.repaint(kid);
      }),
    );
    return false;
  }

  /** Forgets what was read below node, so the next expansion reads Azure again. */
  private dropCaches(node: AnyNode): void {
    // Ids are ARM ids (or built on them): what was read below this node, not below a sibling
    // whose name starts the same (`ep2` beside `ep`).
    for (const id of [...this.models.keys()]) if (isAtOrBelow(id, node.id)) this.models.delete(id);
    this.children.delete(node);
    for (const kid of this.shown.get(node.id) ?? []) this.dropCaches(kid);
  }

  /** A resource Azure reports in transition is re-read until it settles: no spinner forever. */
  private watchTransition(node: AnyNode): void {
    const m = node.model;
    const state =
      m.kind === 'deployment'
        ? m.target.deployment.provisioningState
        : m.kind === 'endpoint'
          ? m.target.endpoint.provisioningState
          : m.kind === 'legacyService'
            ? m.target.service.state
            : undefined;
    const key = m.kind !== 'error' && 'target' in m ? targetKey(m.target) : undefined;
    if (provisioningVisualState(state) !== 'updating') {
      if (key && state !== undefined) this.overdue.delete(key); // Azure reports it settled
      return;
    }
    if (this.rechecks.has(node.id) || this.isDisposed) return;
    if (key && (this.busy.has(key) || this.overdue.has(key))) return; // overdue: no polling forever
    const timer = setTimeout(() => {
      this.rechecks.delete(node.id);
      if (this.nodes.get(node.id) === node) void this.refreshNode(node);
    }, TRANSITION_RECHECK_MS);
    timer.unref?.();
    this.rechecks.set(node.id, timer);
  }

  private setState(state: TreeState): void {
    if (state === this.state) return;
    this.state = state;
    void vscode.commands.executeCommand('setContext', ContextKeys.treeState, state);
  }
}

/** Same rows in the same order: the same node objects (a resource shown again keeps its node). */
function sameRows(before: readonly AnyNode[], after: readonly AnyNode[]): boolean {
  return before.length === after.length && before.every((n, i) => n === after[i]);
}

/** What a row shows (and offers), to tell whether a repaint would change anything. */
function itemSignature(item: vscode.TreeItem): string {
  return JSON.stringify([
    item.label,
    item.description,
    typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value,
    item.contextValue,
    item.iconPath,
    item.collapsibleState,
    item.command?.command,
  ]);
}
