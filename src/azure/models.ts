// Small typed models that src/azure/ returns to the rest of the extension. Plain data: they cross
// into core/, tree/, logs/ and query/ and must not carry SDK objects.

export interface Subscription {
  subscriptionId: string;
  displayName: string;
  tenantId?: string;
  state?: string;
}

/** Identifies a workspace by its ARM coordinates. */
export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

export interface Workspace extends WorkspaceRef {
  /** ARM id of the workspace. */
  armId: string;
  friendlyName?: string;
  location: string;
  /** The workspace's immutable GUID (properties.workspaceId). */
  workspaceGuid?: string;
  /** ARM id of the Microsoft.Insights/components resource, when the workspace has one. */
  applicationInsightsId?: string;
  /** URL of the discovery document that names the regional API host for v1 services. */
  discoveryUrl?: string;
  provisioningState?: string;
  /** 'index' when read from Azure Resource Graph (may lag a change); absent when read from ARM. */
  source?: 'index';
}

export interface EndpointRef extends WorkspaceRef {
  endpointName: string;
}

export type AuthMode = 'AMLToken' | 'Key' | 'AADToken' | (string & {});
export type ProvisioningState =
  'Creating' | 'Deleting' | 'Scaling' | 'Updating' | 'Succeeded' | 'Failed' | 'Canceled' | (string & {});

export interface Endpoint extends EndpointRef {
  armId: string;
  location: string;
  authMode: AuthMode;
  provisioningState: ProvisioningState;
  scoringUri?: string;
  swaggerUri?: string;
  description?: string;
  /** Deployment name → percent of live traffic. */
  traffic: Record<string, number>;
  /** 'index' when read from Azure Resource Graph (may lag a change); absent when read from ARM. */
  source?: 'index';
}

export interface DeploymentRef extends EndpointRef {
  deploymentName: string;
}

export type ContainerType = 'InferenceServer' | 'StorageInitializer';

export interface Deployment extends DeploymentRef {
  armId: string;
  location: string;
  computeType: 'Managed' | 'Kubernetes' | (string & {});
  provisioningState: ProvisioningState;
  appInsightsEnabled: boolean;
  instanceType?: string;
  instanceCount?: number;
  /** requestSettings.maxConcurrentRequestsPerInstance; undefined when Azure did not say. */
  maxConcurrentRequestsPerInstance?: number;
  model?: string;
  description?: string;
  /** 'index' when read from Azure Resource Graph (may lag a change); absent when read from ARM. */
  source?: 'index';
}

export interface LegacyServiceRef extends WorkspaceRef {
  serviceName: string;
}

export interface LegacyService extends LegacyServiceRef {
  computeType: 'ACI' | 'AKS' | (string & {});
  /** e.g. Healthy, Unhealthy, Transitioning, Failed. */
  state: string;
  scoringUri?: string;
  appInsightsEnabled: boolean;
  authEnabled?: boolean;
  createdTime?: string;
  updatedTime?: string;
}

export interface AppInsightsComponent {
  armId: string;
  name: string;
  appId?: string;
  /** ARM id of the Log Analytics workspace of a workspace-based component. */
  workspaceResourceId?: string;
}

/** What a query runs against. */
export type QueryTarget =
  { kind: 'appInsights'; resourceId: string } | { kind: 'logAnalytics'; resourceId: string };

/** ISO 8601 duration (PT1H) or an absolute interval. */
export type QueryTimespan = { duration: string } | { start: Date; end: Date };

export type ColumnType =
  | 'bool'
  | 'datetime'
  | 'dynamic'
  | 'int'
  | 'long'
  | 'real'
  | 'decimal'
  | 'string'
  | 'guid'
  | 'timespan'
  | (string & {});

export interface QueryColumn {
  name: string;
  type: ColumnType;
}

export interface QueryTable {
  name: string;
  columns: QueryColumn[];
  /** Cells as the SDK gives them: datetime as Date, dynamic parsed from JSON. */
  rows: unknown[][];
}

export interface QueryResult {
  status: 'Success' | 'PartialFailure';
  tables: QueryTable[];
  /** Present when status is PartialFailure: the rows above are incomplete. */
  partialError?: { code: string; message: string };
  statistics?: Record<string, unknown>;
  visualization?: Record<string, unknown>;
}

export interface LongRunningOptions {
  abortSignal?: AbortSignal;
  /** Called once the service accepted the update (the node can show Updating). */
  onAccepted?: () => void;
  /** Poll interval when the service gives no Retry-After, in ms (tests shorten it). */
  pollIntervalMs?: number;
}
