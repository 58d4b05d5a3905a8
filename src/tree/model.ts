// What the services tree loads at each level, without vscode: the TreeDataProvider on top only
// presents it. Every Azure call goes through one limiter shared by the whole tree, so the bound on
// requests in flight is global however many nodes expand at once. An error below one node becomes
// an error node there; its siblings still list.
import pLimit, { type LimitFunction } from 'p-limit';
import type { AzureClient } from '../azure/api';
import { isAzureRequestError, type AzureErrorKind } from '../azure/errors';
import { failureAction, type FailureAction } from '../errorPresentation';
import type { Endpoint, LegacyService, Subscription, Workspace } from '../azure/models';
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

export type EmptyReason = 'noWorkspaces' | 'noServices' | 'noDeployments';

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
}

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

  constructor(private readonly options: TreeModelOptions) {
    this.limiter = pLimit(Math.max(1, Math.floor(options.concurrency)));
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

  /** Runs one Azure call under the tree-wide bound. */
  private run<T>(call: (client: AzureClient) => Promise<T>): Promise<T> {
    return this.limiter(async () => {
      this.calls++;
      this.active++;
      this.maxActive = Math.max(this.maxActive, this.active);
      try {
        return await call(await this.options.getClient());
      } finally {
        this.active--;
      }
    });
  }

  async loadRoot(): Promise<RootResult> {
    if (this.options.isSignedIn && !(await this.options.isSignedIn())) return { state: 'signedOut' };
    let subscriptions: Subscription[];
    try {
      subscriptions = await this.run((c) => c.listSubscriptions());
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
    return {
      state: 'ready',
      children: visible
        .sort((a, b) => byName(a.displayName, b.displayName))
        .map((subscription) => ({ kind: 'subscription', target: { kind: 'subscription', subscription } })),
    };
  }

  async loadChildren(node: ModelNode): Promise<ModelNode[]> {
    switch (node.kind) {
      case 'subscription':
        return this.loadWorkspaces(node.target.subscription);
      case 'workspace':
        return this.loadServices(node.target.workspace);
      case 'endpoint':
        return this.loadDeployments(node.target);
      case 'legacyGroup':
        return node.services.map((service) => ({
          kind: 'legacyService',
          target: { kind: 'legacyService', workspace: node.workspace, service },
        }));
      default:
        return [];
    }
  }

  private async loadWorkspaces(subscription: Subscription): Promise<ModelNode[]> {
    try {
      const workspaces = await this.run((c) => c.listWorkspaces(subscription.subscriptionId));
      if (workspaces.length === 0) return [{ kind: 'empty', reason: 'noWorkspaces' }];
      return workspaces
        .sort((a, b) => byName(a.workspaceName, b.workspaceName))
        .map((workspace) => ({ kind: 'workspace', target: { kind: 'workspace', workspace } }));
    } catch (e) {
      return [failure('workspaces', e)];
    }
  }

  /** Online endpoints and v1 services of a workspace, read concurrently; each may fail alone. */
  private async loadServices(workspace: Workspace): Promise<ModelNode[]> {
    const [endpoints, legacy] = await Promise.allSettled([
      this.run((c) => c.listEndpoints(workspace)),
      // Without a discovery URL there is no v1 API to ask.
      workspace.discoveryUrl ? this.run((c) => c.listLegacyServices(workspace)) : Promise.resolve([]),
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
    if (children.length === 0) return [{ kind: 'empty', reason: 'noServices' }];
    return children;
  }

  private async loadDeployments(target: EndpointTarget): Promise<ModelNode[]> {
    const { workspace, endpoint } = target;
    try {
      const deployments = await this.run((c) => c.listDeployments(endpoint));
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
  async reload(node: ModelNode): Promise<ModelNode | undefined> {
    try {
      switch (node.kind) {
        case 'workspace': {
          const workspace = await this.run((c) => c.getWorkspace(node.target.workspace));
          return { kind: 'workspace', target: { kind: 'workspace', workspace } };
        }
        case 'endpoint': {
          const endpoint = await this.run((c) => c.getEndpoint(node.target.endpoint));
          return { kind: 'endpoint', target: { ...node.target, endpoint } };
        }
        case 'deployment': {
          // The traffic share lives on the endpoint: read both.
          const [endpoint, deployment] = await Promise.all([
            this.run((c) => c.getEndpoint(node.target.endpoint)),
            this.run((c) => c.getDeployment(node.target.deployment)),
          ]);
          return { kind: 'deployment', target: { ...node.target, endpoint, deployment } };
        }
        case 'legacyService': {
          const { workspace, service } = node.target;
          const fresh = await this.run((c) => c.getLegacyService(workspace, service.serviceName));
          return { kind: 'legacyService', target: { ...node.target, service: fresh } };
        }
        case 'legacyGroup': {
          const services = await this.run((c) => c.listLegacyServices(node.workspace));
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
export async function loadSubtree(model: TreeModel, node: ModelNode): Promise<LoadedNode> {
  const children = await model.loadChildren(node);
  return { node, children: await Promise.all(children.map((child) => loadSubtree(model, child))) };
}

/** Every node of a loaded subtree, depth first. */
export function flatten(tree: LoadedNode): ModelNode[] {
  return [tree.node, ...tree.children.flatMap(flatten)];
}

export function endpointsOf(tree: LoadedNode): Endpoint[] {
  return flatten(tree).flatMap((n) => (n.kind === 'endpoint' ? [n.target.endpoint] : []));
}
