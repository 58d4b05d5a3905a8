// What a command acts on, whether it came from a tree node or from quick picks in the palette.
import type { Deployment, Endpoint, LegacyService, Subscription, Workspace } from './azure/models';

export type DeploymentTarget = {
  kind: 'deployment';
  workspace: Workspace;
  endpoint: Endpoint;
  deployment: Deployment;
};
export type LegacyServiceTarget = { kind: 'legacyService'; workspace: Workspace; service: LegacyService };
export type EndpointTarget = { kind: 'endpoint'; workspace: Workspace; endpoint: Endpoint };
export type WorkspaceTarget = { kind: 'workspace'; workspace: Workspace };
export type SubscriptionTarget = { kind: 'subscription'; subscription: Subscription };

/** A deployed service that has logs and an App Insights switch. */
export type ServiceTarget = DeploymentTarget | LegacyServiceTarget;
export type Target = ServiceTarget | EndpointTarget | WorkspaceTarget | SubscriptionTarget;

/** Tree nodes carry their target; commands receive nodes from menus. */
export interface HasTarget {
  readonly target: Target;
}

export function targetOf(arg: unknown): Target | undefined {
  if (typeof arg === 'object' && arg !== null && 'target' in arg) {
    const t = (arg as HasTarget).target;
    if (typeof t === 'object' && t !== null && 'kind' in t) return t;
  }
  return undefined;
}

export function isServiceTarget(t: Target | undefined): t is ServiceTarget {
  return t?.kind === 'deployment' || t?.kind === 'legacyService';
}

/** Stable key of a target, the same across refreshes (ARM ids are case-insensitive). */
export function targetKey(t: Target): string {
  switch (t.kind) {
    case 'subscription':
      return `/subscriptions/${t.subscription.subscriptionId}`.toLowerCase();
    case 'workspace':
      return t.workspace.armId.toLowerCase();
    case 'endpoint':
      return t.endpoint.armId.toLowerCase();
    case 'deployment':
      return t.deployment.armId.toLowerCase();
    case 'legacyService':
      return `${t.workspace.armId}/services/${t.service.serviceName}`.toLowerCase();
  }
}

/** A display name for messages and channel titles: "endpoint/deployment" or the service name. */
export function targetDisplayName(t: Target): string {
  switch (t.kind) {
    case 'subscription':
      return t.subscription.displayName;
    case 'workspace':
      return t.workspace.friendlyName ?? t.workspace.workspaceName;
    case 'endpoint':
      return t.endpoint.endpointName;
    case 'deployment':
      return `${t.endpoint.endpointName}/${t.deployment.deploymentName}`;
    case 'legacyService':
      return t.service.serviceName;
  }
}
