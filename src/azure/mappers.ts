// From SDK and wire shapes to the small models of models.ts. Pure functions.
import type { OnlineDeployment, OnlineEndpoint, Workspace as SdkWorkspace } from '@azure/arm-machinelearning';
import { parseArmId } from '../core/armId';
import type {
  AppInsightsComponent,
  Deployment,
  EndpointRef,
  Endpoint,
  LegacyService,
  Subscription,
  Workspace,
  WorkspaceRef,
} from './models';

export function toSubscription(raw: {
  subscriptionId?: string;
  displayName?: string;
  tenantId?: string;
  state?: string;
}): Subscription | undefined {
  if (!raw.subscriptionId) return undefined;
  return {
    subscriptionId: raw.subscriptionId,
    displayName: raw.displayName ?? raw.subscriptionId,
    tenantId: raw.tenantId,
    state: raw.state,
  };
}

export function toWorkspace(ws: SdkWorkspace, fallbackSubscriptionId: string): Workspace | undefined {
  const id = parseArmId(ws.id ?? '');
  if (!id?.resourceGroup || !ws.name || !ws.id) return undefined;
  return {
    subscriptionId: id.subscriptionId || fallbackSubscriptionId,
    resourceGroup: id.resourceGroup,
    workspaceName: ws.name,
    armId: ws.id,
    friendlyName: ws.friendlyName,
    location: ws.location ?? '',
    workspaceGuid: ws.workspaceId,
    applicationInsightsId: ws.applicationInsights || undefined,
    discoveryUrl: ws.discoveryUrl || undefined,
    provisioningState: ws.provisioningState,
  };
}

export function toEndpoint(ep: OnlineEndpoint, ref: WorkspaceRef): Endpoint {
  const name = ep.name ?? '';
  const p = ep.properties;
  return {
    ...workspaceRefOf(ref),
    endpointName: name,
    armId: ep.id ?? '',
    location: ep.location,
    authMode: p.authMode,
    provisioningState: p.provisioningState ?? 'Succeeded',
    scoringUri: p.scoringUri,
    swaggerUri: p.swaggerUri,
    description: p.description,
    traffic: { ...(p.traffic ?? {}) },
  };
}

/** What the tree needs of a deployment, read from the SDK's model or from the raw JSON alike. */
export interface DeploymentWire {
  id?: string;
  name?: string;
  location?: string;
  sku?: { capacity?: number };
  properties?: {
    endpointComputeType?: string;
    provisioningState?: string;
    appInsightsEnabled?: boolean;
    instanceType?: string;
    model?: string;
    description?: string;
    requestSettings?: { maxConcurrentRequestsPerInstance?: number };
  };
}

export function toDeployment(dep: OnlineDeployment | DeploymentWire, ref: EndpointRef): Deployment {
  const p: DeploymentWire['properties'] = dep.properties ?? {};
  return {
    ...workspaceRefOf(ref),
    endpointName: ref.endpointName,
    deploymentName: dep.name ?? '',
    armId: dep.id ?? '',
    location: dep.location ?? '',
    computeType: p.endpointComputeType ?? 'Managed',
    provisioningState: p.provisioningState ?? 'Succeeded',
    appInsightsEnabled: p.appInsightsEnabled === true,
    instanceType: p.instanceType,
    instanceCount: dep.sku?.capacity,
    ...(p.requestSettings?.maxConcurrentRequestsPerInstance !== undefined
      ? { maxConcurrentRequestsPerInstance: p.requestSettings.maxConcurrentRequestsPerInstance }
      : {}),
    model: p.model,
    description: p.description,
  };
}

/** A v1 web service as the model-management API returns it. */
export interface LegacyServiceWire {
  name?: string;
  computeType?: string;
  state?: string;
  scoringUri?: string;
  appInsightsEnabled?: boolean;
  authEnabled?: boolean;
  createdTime?: string;
  updatedTime?: string;
}

export function toLegacyService(raw: LegacyServiceWire, ref: WorkspaceRef): LegacyService | undefined {
  if (!raw.name) return undefined;
  return {
    ...workspaceRefOf(ref),
    serviceName: raw.name,
    computeType: raw.computeType ?? 'ACI',
    state: raw.state ?? 'Unknown',
    scoringUri: raw.scoringUri || undefined,
    appInsightsEnabled: raw.appInsightsEnabled === true,
    authEnabled: raw.authEnabled,
    createdTime: raw.createdTime,
    updatedTime: raw.updatedTime,
  };
}

/** Microsoft.Insights/components keeps its properties in PascalCase. */
export function toAppInsightsComponent(
  raw: { id?: string; name?: string; properties?: { AppId?: string; WorkspaceResourceId?: string } },
  requestedId: string,
): AppInsightsComponent {
  return {
    armId: raw.id ?? requestedId,
    name: raw.name ?? parseArmId(requestedId)?.resources.at(-1)?.name ?? requestedId,
    appId: raw.properties?.AppId || undefined,
    workspaceResourceId: raw.properties?.WorkspaceResourceId || undefined,
  };
}

function workspaceRefOf(ref: WorkspaceRef): WorkspaceRef {
  return {
    subscriptionId: ref.subscriptionId,
    resourceGroup: ref.resourceGroup,
    workspaceName: ref.workspaceName,
  };
}
