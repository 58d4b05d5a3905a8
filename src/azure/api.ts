// The contract between src/azure/ (loaded lazily, with the SDKs) and the rest of the extension.
// Only types live here, so importing it costs nothing at activation.
import type { TokenCredential } from '@azure/core-auth';
import type { MetricsAnswer } from '../core/metrics';
import type { DiagnosticSetting, FailedOperation, MetricsRequest } from './monitor';
import type {
  AppInsightsComponent,
  ContainerType,
  Deployment,
  DeploymentRef,
  Endpoint,
  EndpointRef,
  LegacyService,
  LegacyServiceRef,
  LongRunningOptions,
  QueryColumn,
  QueryResult,
  QueryTarget,
  QueryTimespan,
  Subscription,
  Workspace,
  WorkspaceRef,
} from './models';
import type { ColumnarRows } from '../core/columnarRows';

export type CloudName = 'AzureCloud' | 'AzureChinaCloud' | 'AzureUSGovernment' | 'Custom';

/** Where each service of a cloud lives, and the token scope each one wants. */
export interface CloudEndpoints {
  name: CloudName;
  resourceManagerEndpoint: string;
  resourceManagerScope: string;
  logAnalyticsEndpoint: string;
  logAnalyticsScope: string;
  /** Azure portal, for "open in portal" links. */
  portalUrl: string;
  /** Azure ML Studio, for "open in Studio" links. */
  studioUrl: string;
  /** Microsoft Entra authority host. */
  authorityHost: string;
}

export type AuthKind = 'vscode' | 'azureCli' | 'default' | 'emulator';

/** A token for the given scopes from VS Code's Microsoft sign-in; injected so azure/ stays vscode-free. */
export type SessionTokenProvider = (
  scopes: string[],
  options: { tenant?: string; createIfNone: boolean },
) => Promise<{ accessToken: string; expiresOnTimestamp?: number } | undefined>;

export interface CredentialOptions {
  kind: AuthKind;
  cloud: CloudEndpoints;
  tenant?: string;
  /** Required for kind 'vscode'. */
  vscodeSession?: SessionTokenProvider;
}

export interface AzureClientOptions {
  cloud: CloudEndpoints;
  credential: TokenCredential;
  /** Diagnostic lines (request ids of failures, never tokens). */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Retries of the SDK pipeline for 429/5xx/connection errors (default 3). */
  maxRetries?: number;
  /** Base back-off of the pipeline in ms (tests shorten it). */
  retryDelayMs?: number;
  userAgentPrefix?: string;
  /**
   * Sees every HTTP exchange (each attempt): method, URL, status, the bodies and the headers that
   * steer polling. Never request headers, so never a token. For `npm run check:azure` recordings.
   */
  observe?: (exchange: ObservedExchange) => void;
}

export interface ObservedExchange {
  method: string;
  url: string;
  status: number;
  requestBody?: string;
  /** Only location, azure-asyncoperation, operation-location, retry-after and content-type. */
  responseHeaders: Record<string, string>;
  responseBody?: string;
}

export interface LogsOptions {
  tail: number;
  abortSignal?: AbortSignal;
}

export interface QueryOptions {
  abortSignal?: AbortSignal;
  /** The longest the service may run the query (the `Prefer: wait=` header). */
  serverTimeoutSeconds?: number;
}

export interface QueryStreamOptions extends QueryOptions {
  /** A table's name and columns, before any of its rows. */
  onTable?(index: number, name: string, columns: QueryColumn[]): void;
  /**
   * Rows of table `index` as they are parsed, in order, with cells as @azure/monitor-query-logs
   * converts them (datetime → Date, dynamic JSON-parsed).
   */
  onRows?(index: number, rows: unknown[][]): void;
  /**
   * When given, rows are read straight into the grid's typed columns instead of values (onRows is
   * not called): `rows` holds the rows read and not taken yet; take them with `rows.take(n)`.
   * Datetime → epoch ms, a dynamic object or array → the service's own JSON text.
   */
  onColumns?(index: number, rows: ColumnarRows): void;
}

/** What a streamed query ends with; its rows went to onRows. */
export interface QueryStreamResult {
  status: 'Success' | 'PartialFailure';
  tableCount: number;
  rowCounts: number[];
  /** Present when status is PartialFailure: the rows are incomplete. */
  partialError?: { code: string; message: string };
  statistics?: Record<string, unknown>;
  visualization?: Record<string, unknown>;
}

export interface ScoringSendOptions {
  /** The request body: bytes, or a factory of a fresh stream (a file read as it is sent) and its size. */
  body: Uint8Array | { stream: () => NodeJS.ReadableStream; length?: number };
  contentType?: string;
  /** Pin to one deployment (azureml-model-deployment header); otherwise the endpoint's traffic decides. */
  deployment?: string;
  /** x-ms-client-request-id the extension generated. */
  clientRequestId: string;
  abortSignal?: AbortSignal;
  /** Bytes of the answer kept for display (default 1 MiB); the rest is read and counted. */
  maxResponseBytes?: number;
}

export interface ScoringAnswer {
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** The first maxResponseBytes of the body. */
  body: Uint8Array;
  totalBytes: number;
  truncated: boolean;
  startedAt: Date;
  /** Until the response headers arrived. */
  headersMs: number;
  /** Until the last byte of the body arrived. */
  totalMs: number;
}

/**
 * Test requests to one endpoint's scoring URI. The key or token lives only inside the session
 * (in memory, for as long as the caller keeps it) and only goes to that URI's host.
 */
export interface ScoringSession {
  readonly scoringUri: string;
  send(options: ScoringSendOptions): Promise<ScoringAnswer>;
}

/** Everything the extension asks of Azure. Lists follow every page. */
export interface AzureClient {
  readonly cloud: CloudEndpoints;
  listSubscriptions(abortSignal?: AbortSignal): Promise<Subscription[]>;
  /**
   * Every row of a Resource Graph query over these subscriptions, all pages followed (skip token).
   * Rows are plain JSON objects as the service answers them (resultFormat objectArray).
   */
  queryResourceGraph(
    query: string,
    subscriptionIds: readonly string[],
    abortSignal?: AbortSignal,
  ): Promise<{ rows: unknown[]; pages: number }>;
  listWorkspaces(subscriptionId: string, abortSignal?: AbortSignal): Promise<Workspace[]>;
  getWorkspace(ref: WorkspaceRef, abortSignal?: AbortSignal): Promise<Workspace>;
  listEndpoints(ref: WorkspaceRef, abortSignal?: AbortSignal): Promise<Endpoint[]>;
  getEndpoint(ref: EndpointRef, abortSignal?: AbortSignal): Promise<Endpoint>;
  listDeployments(ref: EndpointRef, abortSignal?: AbortSignal): Promise<Deployment[]>;
  getDeployment(ref: DeploymentRef, abortSignal?: AbortSignal): Promise<Deployment>;
  /** GET the deployment, then PUT it back with only appInsightsEnabled changed (long-running). */
  setDeploymentAppInsights(
    ref: DeploymentRef,
    enabled: boolean,
    options?: LongRunningOptions,
  ): Promise<Deployment>;
  getDeploymentLogs(ref: DeploymentRef, container: ContainerType, options: LogsOptions): Promise<string>;

  /** v1 ACI/AKS services of a workspace (needs its discoveryUrl). */
  listLegacyServices(workspace: Workspace, abortSignal?: AbortSignal): Promise<LegacyService[]>;
  getLegacyService(workspace: Workspace, name: string, abortSignal?: AbortSignal): Promise<LegacyService>;
  /** JSON-patch /appInsightsEnabled and poll the operation until it ends. */
  setLegacyAppInsights(
    workspace: Workspace,
    ref: LegacyServiceRef,
    enabled: boolean,
    options?: LongRunningOptions,
  ): Promise<LegacyService>;
  getLegacyLogs(
    workspace: Workspace,
    ref: LegacyServiceRef,
    options: LogsOptions & { init: boolean },
  ): Promise<string>;

  getAppInsightsComponent(armId: string, abortSignal?: AbortSignal): Promise<AppInsightsComponent>;
  /**
   * Gets the endpoint's credential by its auth mode (listKeys for Key, the token operation for
   * AMLToken, a Microsoft Entra token for AADToken) and returns a session that sends test requests
   * to its scoring URI with it.
   */
  openScoringSession(endpoint: Endpoint, abortSignal?: AbortSignal): Promise<ScoringSession>;
  query(
    target: QueryTarget,
    kql: string,
    timespan: QueryTimespan,
    options?: QueryOptions,
  ): Promise<QueryResult>;
  /** The same query, its rows handed over while the answer is still arriving. */
  queryStream(
    target: QueryTarget,
    kql: string,
    timespan: QueryTimespan,
    options: QueryStreamOptions,
  ): Promise<QueryStreamResult>;

  /** Azure Monitor platform metrics of one resource (ARM Microsoft.Insights/metrics). */
  queryMetrics(
    resourceId: string,
    request: MetricsRequest,
    abortSignal?: AbortSignal,
  ): Promise<MetricsAnswer>;
  listDiagnosticSettings(resourceId: string, abortSignal?: AbortSignal): Promise<DiagnosticSetting[]>;
  createDiagnosticSetting(
    resourceId: string,
    name: string,
    setting: { workspaceId: string; categories: string[] },
    abortSignal?: AbortSignal,
  ): Promise<DiagnosticSetting>;
  /** A deployment's `properties` as the service returns them (every member, known or not). */
  getDeploymentProperties(ref: DeploymentRef, abortSignal?: AbortSignal): Promise<Record<string, unknown>>;
  /** Failed operations on a resource from the activity log, newest first. */
  listFailedOperations(
    resourceId: string,
    sinceMs: number,
    abortSignal?: AbortSignal,
  ): Promise<FailedOperation[]>;
}

export type { DiagnosticSetting, FailedOperation, MetricsRequest } from './monitor';

/** What the lazily loaded bundle (dist/azure.js, entry src/azure/index.ts) exports. */
export interface AzureModule {
  resolveCloud(
    name: CloudName,
    custom?: {
      resourceManagerEndpoint?: string;
      logAnalyticsEndpoint?: string;
      portalUrl?: string;
      studioUrl?: string;
    },
  ): CloudEndpoints;
  createCredential(options: CredentialOptions): TokenCredential;
  createAzureClient(options: AzureClientOptions): AzureClient;
  /** Gives the bundle VS Code's localized strings (vscode.l10n.bundle). */
  configureL10n(contents: Record<string, string> | undefined): void;
}
