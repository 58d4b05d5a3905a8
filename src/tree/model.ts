// What the services tree loads at each level, without vscode: the TreeDataProvider on top only
// presents it. Every Azure call goes through one limiter shared by the whole tree, so the bound on
// requests in flight is global however many nodes expand at once. An error below one node becomes
// an error node there; its siblings still list.
// The fleet comes from one Azure Resource Graph query (src/core/fleet.ts) started with the root:
// each level paints from it, ARM fills a level the index cannot answer, and the whole walk falls
// back to ARM when Resource Graph is refused. After a node's refresh its own read and its
// children come from ARM, and those reads win over lagging index rows for a while.
import pLimit, { type LimitFunction } from 'p-limit';
import type { AzureClient } from '../azure/api';
import { isAzureRequestError, type AzureErrorKind } from '../azure/errors';
import { failureAction, type FailureAction } from '../errorPresentation';
import type { Deployment, Endpoint, LegacyService, Subscription, Workspace } from '../azure/models';
import { fleetQuery, FreshReads, shapeFleet, type FleetEntry, type FleetSnapshot } from '../core/fleet';
import type {
  DeploymentTarget,
  EndpointTarget,
  LegacyServiceTarget,
  SubscriptionTarget,
  WorkspaceTarget,
} from '../targets';

/** The list that could not be read. */
export type FailedList = 'subscriptions' | 'workspaces' | 'endpoints' | 'legacyServices' | 'deployments';

export interface Failure {
  list: FailedList;
  action: FailureAction;
  kind: AzureErrorKind;
  error: unknown;
}

export type EmptyReason = 'noWorkspaces' | 'noServices' | 'noDeployments' | 'filtered';

export type ModelNode =
  | { kind: 'subscription'; target: SubscriptionTarget }
  | { kind: 'workspace'; target: WorkspaceTarget }
  | { kind: 'endpoint'; target: EndpointTarget }
  | { kind: 'deployment'; target: DeploymentTarget }
  | { kind: 'legacyGroup'; workspace: Workspace; services: LegacyService[] }
  | { kind: 'legacyService'; target: LegacyServiceTarget }
  | { kind: 'error'; failure: Failure }
  | { kind: 'empty'; reason: EmptyReason };

export type RootResult =
  | { state: 'signedOut' }
  | { state: 'noSubscriptions'; total: number }
  | { state: 'ready'; children: ModelNode[] }
  | { state: 'error'; children: ModelNode[] };

export interface TreeModelOptions {
  /** The signed-in client; rejects with AzureRequestError kind 'signIn' when there is no sign-in. */
  getClient(): Promise<AzureClient>;
  /** Whether a credential is available without prompting. Optional: getClient's error tells too. */
  isSignedIn?(): Promise<boolean>;
  /** Subscription ids to show; empty means all. */
  subscriptionFilter(): readonly string[];
  concurrency: number;
  /** Paint from one Azure Resource Graph query (default true); false walks ARM level by level. */
  resourceGraph?: boolean;
  /** Where the model says how it loaded (Resource Graph refused, a level read from ARM instead). */
  log?(level: 'info' | 'warn', message: string): void;
  /** How long an ARM read made after a change wins over the index's row (default 10 minutes). */
  freshReadTtlMs?: number;
}

/** How the current load reads the fleet: from the index, or from ARM level by level (and why). */
export type FleetSource =
  { kind: 'index'; snapshot: FleetSnapshot; pages: number } | { kind: 'arm'; reason: string };

/** An index row lags a write by seconds to minutes (inferred from the Resource Graph overview). */
const FRESH_READ_TTL_MS = 10 * 60_000;

function failure(list: FailedList, error: unknown): ModelNode {
  return {
    kind: 'error',
    failure: {
      list,
      action: failureAction(error),
      kind: isAzureRequestError(error) ? error.kind : 'unknown',
      error,
    },
  };
}

const byName = (a: string, b: string): number => a.localeCompare(b, undefined, { sensitivity: 'base' });

export class TreeModel {
  private readonly limiter: LimitFunction;
  private active = 0;
  private maxActive = 0;
  private calls = 0;
  /** The fleet of the last root load; undefined before it or when Resource Graph is off. */
  private fleet: Promise<FleetSource> | undefined;
  private readonly freshEndpoints: FreshReads<Endpoint>;
  private readonly freshDeployments: FreshReads<Deployment>;
  /** Nodes (by ARM id) just re-read from ARM: their children come from ARM too, once. */
  private readonly readChildrenFromArm = new Set<string>();
  /** Workspaces whose v1 list was left out of loadChildren, for loadDeferred. */
  private readonly legacyDeferred = new Set<string>();

  constructor(private readonly options: TreeModelOptions) {
    this.limiter = pLimit(Math.max(1, Math.floor(options.concurrency)));
    const ttl = options.freshReadTtlMs ?? FRESH_READ_TTL_MS;
    this.freshEndpoints = new FreshReads<Endpoint>(ttl);
    this.freshDeployments = new FreshReads<Deployment>(ttl);
  }

  /** How the current load reads the fleet (after loadRoot); undefined when it does not use the index. */
  fleetSource(): Promise<FleetSource> | undefined {
    return this.fleet;
  }

  get concurrency(): number {
    return this.limiter.concurrency;
  }

  /** Takes effect for the next queued call; running calls finish. */
  setConcurrency(n: number): void {
    this.limiter.concurrency = Math.max(1, Math.floor(n));
  }

  /** Azure calls made, and the most that were ever in flight at once (diagnostics, tests, bench). */
  get stats(): { calls: number; maxInFlight: number; inFlight: number } {
    return { calls: this.calls, maxInFlight: this.maxActive, inFlight: this.active };
  }

  resetStats(): void {
    this.calls = 0;
    this.maxActive = this.active;
  }

  /**
   * Runs one Azure call under the tree-wide bound, with the load's abort signal: a call still
   * queued when its load is cancelled is never sent, one in flight is aborted (the signal goes down
   * to the request).
   */
  private run<T>(
    call: (client: AzureClient, signal: AbortSignal | undefined) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    return this.limiter(async () => {
      signal?.throwIfAborted();
      this.calls++;
      this.active++;
      this.maxActive = Math.max(this.maxActive, this.active);
      try {
        return await call(await this.options.getClient(), signal);
      } finally {
        this.active--;
      }
    });
  }

  /** `signal` cancels the load: its calls are aborted, and what it returns is not to be shown. */
  async loadRoot(signal?: AbortSignal): Promise<RootResult> {
    if (this.options.isSignedIn && !(await this.options.isSignedIn())) return { state: 'signedOut' };
    let subscriptions: Subscription[];
    try {
      subscriptions = await this.run((c, s) => c.listSubscriptions(s), signal);
    } catch (e) {
      if (isAzureRequestError(e) && e.kind === 'signIn') return { state: 'signedOut' };
      return { state: 'error', children: [failure('subscriptions', e)] };
    }
    const filter = new Set(this.options.subscriptionFilter().map((id) => id.toLowerCase()));
    const visible =
      filter.size === 0
        ? subscriptions
        : subscriptions.filter((s) => filter.has(s.subscriptionId.toLowerCase()));
    if (visible.length === 0) return { state: 'noSubscriptions', total: subscriptions.length };
    // Not awaited: the subscriptions paint now, their children wait for the fleet.
    this.fleet =
      this.options.resourceGraph === false
        ? undefined
        : this.loadFleet(
            visible.map((s) => s.subscriptionId),
            signal,
          );
    return {
      state: 'ready',
      children: visible
        .sort((a, b) => byName(a.displayName, b.displayName))
        .map((subscription) => ({ kind: 'subscription', target: { kind: 'subscription', subscription } })),
    };
  }

  private async loadFleet(subscriptionIds: string[], signal?: AbortSignal): Promise<FleetSource> {
    try {
      const { rows, pages } = await this.run(
        (c, s) => c.queryResourceGraph(fleetQuery(), subscriptionIds, s),
        signal,
      );
      const snapshot = shapeFleet(rows);
      this.options.log?.(
        'info',
        `Azure Resource Graph: ${snapshot.rows} rows in ${pages} page(s) for ${subscriptionIds.length} subscription(s).`,
      );
      return { kind: 'index', snapshot, pages };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      // A cancelled load says nothing: the load that replaced it brings its own fleet.
      if (signal?.aborted) return { kind: 'arm', reason };
      this.options.log?.(
        'warn',
        `Azure Resource Graph could not be used (${reason}); reading the tree from Azure Resource Manager level by level.`,
      );
      return { kind: 'arm', reason };
    }
  }

  /** The index to paint from, unless this node was just re-read (then ARM is the truth). */
  private async indexFor(armId?: string): Promise<FleetSnapshot | undefined> {
    if (armId && this.readChildrenFromArm.delete(armId.toLowerCase())) return undefined;
    const fleet = await this.fleet;
    return fleet?.kind === 'index' ? fleet.snapshot : undefined;
  }

  /** Index entries with the ARM reads made after a change in place of their lagging rows. */
  withFreshReads(entries: FleetEntry[]): FleetEntry[] {
    return entries.map((e) => ({
      ...e,
      endpoint: this.freshEndpoints.apply([e.endpoint])[0] ?? e.endpoint,
      deployment: this.freshDeployments.apply([e.deployment])[0] ?? e.deployment,
    }));
  }

  /** The next children of this node come from ARM (the user asked to refresh it). */
  preferArm(node: ModelNode): void {
    if (node.kind === 'subscription')
      this.readChildrenFromArm.add(`/subscriptions/${node.target.subscription.subscriptionId}`.toLowerCase());
  }

  private fallbackNote(what: string): void {
    this.options.log?.(
      'info',
      `Azure Resource Graph holds no ${what}; reading them from Azure Resource Manager.`,
    );
  }

  /** `signal` cancels the load (see loadRoot). */
  async loadChildren(node: ModelNode, signal?: AbortSignal): Promise<ModelNode[]> {
    switch (node.kind) {
      case 'subscription':
        return this.loadWorkspaces(node.target.subscription, signal);
      case 'workspace':
        return this.loadServices(node.target.workspace, signal);
      case 'endpoint':
        return this.loadDeployments(node.target, signal);
      case 'legacyGroup':
        return node.services.map((service) => ({
          kind: 'legacyService',
          target: { kind: 'legacyService', workspace: node.workspace, service },
        }));
      default:
        return [];
    }
  }

  private async loadWorkspaces(subscription: Subscription, signal?: AbortSignal): Promise<ModelNode[]> {
    try {
      const index = await this.indexFor(`/subscriptions/${subscription.subscriptionId}`);
      let workspaces = index?.workspacesOf(subscription.subscriptionId);
      if (index && !workspaces) this.fallbackNote(`workspaces of subscription ${subscription.displayName}`);
      workspaces ??= await this.run((c, s) => c.listWorkspaces(subscription.subscriptionId, s), signal);
      if (workspaces.length === 0) return [{ kind: 'empty', reason: 'noWorkspaces' }];
      return workspaces
        .sort((a, b) => byName(a.workspaceName, b.workspaceName))
        .map((workspace) => ({ kind: 'workspace', target: { kind: 'workspace', workspace } }));
    } catch (e) {
      return [failure('workspaces', e)];
    }
  }

  /** Online endpoints and v1 services of a workspace, read concurrently; each may fail alone. */
  private async loadServices(workspace: Workspace, signal?: AbortSignal): Promise<ModelNode[]> {
    const index = await this.indexFor(workspace.armId);
    const indexed = index?.endpointsOf(workspace.armId);
    if (index && !indexed) this.fallbackNote(`online endpoints of workspace ${workspace.workspaceName}`);
    // v1 services are no ARM resources (never indexed): with the index the endpoints paint at once
    // and the v1 list follows through loadDeferred.
    const deferLegacy = indexed !== undefined && !!workspace.discoveryUrl;
    if (deferLegacy) this.legacyDeferred.add(workspace.armId.toLowerCase());
    const [endpoints, legacy] = await Promise.allSettled([
      indexed
        ? Promise.resolve(this.freshEndpoints.apply(indexed))
        : this.run((c, s) => c.listEndpoints(workspace, s), signal).then((list) => {
            for (const e of list) this.freshEndpoints.remember(e);
            return list;
          }),
      // Without a discovery URL there is no v1 API to ask.
      workspace.discoveryUrl && !deferLegacy
        ? this.run((c, s) => c.listLegacyServices(workspace, s), signal)
        : Promise.resolve([]),
    ]);
    const children: ModelNode[] = [];
    if (endpoints.status === 'fulfilled') {
      children.push(
        ...endpoints.value
          .sort((a, b) => byName(a.endpointName, b.endpointName))
          .map((endpoint): ModelNode => ({
            kind: 'endpoint',
            target: { kind: 'endpoint', workspace, endpoint },
          })),
      );
    } else {
      children.push(failure('endpoints', endpoints.reason));
    }
    if (legacy.status === 'fulfilled') {
      if (legacy.value.length > 0) {
        children.push({
          kind: 'legacyGroup',
          workspace,
          services: legacy.value.sort((a, b) => byName(a.serviceName, b.serviceName)),
        });
      }
    } else {
      children.push(failure('legacyServices', legacy.reason));
    }
    if (children.length === 0 && !deferLegacy) return [{ kind: 'empty', reason: 'noServices' }];
    return children;
  }

  /**
   * What loadChildren left for later: the v1 services of a workspace painted from the index (a
   * group node, an error node, or nothing).
   */
  async loadDeferred(node: ModelNode, signal?: AbortSignal): Promise<ModelNode[]> {
    if (node.kind !== 'workspace') return [];
    const { workspace } = node.target;
    if (!this.legacyDeferred.delete(workspace.armId.toLowerCase())) return [];
    try {
      const services = await this.run((c, s) => c.listLegacyServices(workspace, s), signal);
      if (services.length === 0) return [];
      return [
        {
          kind: 'legacyGroup',
          workspace,
          services: services.sort((a, b) => byName(a.serviceName, b.serviceName)),
        },
      ];
    } catch (e) {
      return [failure('legacyServices', e)];
    }
  }

  private async loadDeployments(target: EndpointTarget, signal?: AbortSignal): Promise<ModelNode[]> {
    const { workspace, endpoint } = target;
    try {
      const index = await this.indexFor(endpoint.armId);
      const indexed = index?.deploymentsOf(endpoint);
      if (index && !indexed) this.fallbackNote(`deployments of endpoint ${endpoint.endpointName}`);
      const deployments = indexed
        ? this.freshDeployments.apply(indexed)
        : await this.run((c, s) => c.listDeployments(endpoint, s), signal);
      for (const d of indexed ? [] : deployments) this.freshDeployments.remember(d);
      if (deployments.length === 0) return [{ kind: 'empty', reason: 'noDeployments' }];
      const share = (name: string): number => endpoint.traffic[name] ?? 0;
      return deployments
        .sort(
          (a, b) =>
            share(b.deploymentName) - share(a.deploymentName) || byName(a.deploymentName, b.deploymentName),
        )
        .map((deployment) => ({
          kind: 'deployment',
          target: { kind: 'deployment', workspace, endpoint, deployment },
        }));
    } catch (e) {
      return [failure('deployments', e)];
    }
  }

  /**
   * Re-reads a node's own model from Azure (its children are the caller's to reload). Resolves
   * undefined when the resource no longer exists; rejects on other failures.
   */
  async reload(node: ModelNode, signal?: AbortSignal): Promise<ModelNode | undefined> {
    try {
      switch (node.kind) {
        case 'subscription':
          this.readChildrenFromArm.add(
            `/subscriptions/${node.target.subscription.subscriptionId}`.toLowerCase(),
          );
          return node;
        case 'workspace': {
          const workspace = await this.run((c, s) => c.getWorkspace(node.target.workspace, s), signal);
          this.readChildrenFromArm.add(workspace.armId.toLowerCase());
          return { kind: 'workspace', target: { kind: 'workspace', workspace } };
        }
        case 'endpoint': {
          const endpoint = await this.run((c, s) => c.getEndpoint(node.target.endpoint, s), signal);
          this.freshEndpoints.remember(endpoint);
          this.readChildrenFromArm.add(endpoint.armId.toLowerCase());
          return { kind: 'endpoint', target: { ...node.target, endpoint } };
        }
        case 'deployment': {
          // The traffic share lives on the endpoint: read both.
          const [endpoint, deployment] = await Promise.all([
            this.run((c, s) => c.getEndpoint(node.target.endpoint, s), signal),
            this.run((c, s) => c.getDeployment(node.target.deployment, s), signal),
          ]);
          this.freshEndpoints.remember(endpoint);
          this.freshDeployments.remember(deployment);
          return { kind: 'deployment', target: { ...node.target, endpoint, deployment } };
        }
        case 'legacyService': {
          const { workspace, service } = node.target;
          const fresh = await this.run(
            (c, s) => c.getLegacyService(workspace, service.serviceName, s),
            signal,
          );
          return { kind: 'legacyService', target: { ...node.target, service: fresh } };
        }
        case 'legacyGroup': {
          const services = await this.run((c, s) => c.listLegacyServices(node.workspace, s), signal);
          if (services.length === 0) return undefined;
          return { ...node, services: services.sort((a, b) => byName(a.serviceName, b.serviceName)) };
        }
        default:
          return node;
      }
    } catch (e) {
      if (isAzureRequestError(e) && e.kind === 'notFound') return undefined;
      throw e;
    }
  }
}

export interface LoadedNode {
  node: ModelNode;
  children: LoadedNode[];
}

/** Expands a node and everything below it, siblings concurrently (tests, bench, "expand all"). */
export async function loadSubtree(
  model: TreeModel,
  node: ModelNode,
  signal?: AbortSignal,
): Promise<LoadedNode> {
  const children = await model.loadChildren(node, signal);
  children.push(...(await model.loadDeferred(node, signal)));
  return {
    node,
    children: await Promise.all(children.map((child) => loadSubtree(model, child, signal))),
  };
}

/** Every node of a loaded subtree, depth first. */
export function flatten(tree: LoadedNode): ModelNode[] {
  return [tree.node, ...tree.children.flatMap(flatten)];
}
