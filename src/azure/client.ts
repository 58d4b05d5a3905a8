// The AzureClient: the real Azure SDK clients behind the small interface of api.ts.
// ARM (ML, subscriptions, App Insights components, v1 services) shares one pipeline; the Logs
// query client has its own (another audience). Clients are built once and reused.
import * as l10n from '@vscode/l10n';
import { AzureMachineLearningWorkspaces, type OnlineDeployment } from '@azure/arm-machinelearning';
import type { Pipeline } from '@azure/core-rest-pipeline';
import type {
  AzureClient,
  AzureClientOptions,
  CloudEndpoints,
  LogsOptions,
  QueryOptions,
  QueryStreamOptions,
  QueryStreamResult,
  ScoringSession,
} from './api';
import { mayCarryCredentials } from './clouds';
import { callAzure, type AzureLog } from './errorMapping';
import { LegacyServices } from './legacy';
import { toAppInsightsComponent, toDeployment, toEndpoint, toSubscription, toWorkspace } from './mappers';
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
  QueryResult,
  QueryTable,
  QueryTarget,
  QueryTimespan,
  Subscription,
  Workspace,
  WorkspaceRef,
} from './models';
import { createArmPipeline, JsonClient, sendForStream, userAgentOf } from './pipeline';
import { QueryResponseParser, type QueryErrorBody } from './queryStream';
import type { MetricsAnswer } from '../core/metrics';
import { parseArmId } from '../core/armId';
import {
  createDiagnosticSetting,
  listDiagnosticSettings,
  listFailedOperations,
  queryMetrics,
  type DiagnosticSetting,
  type FailedOperation,
  type MetricsRequest,
} from './monitor';
import { RawDeployments } from './rawDeployment';
import { openScoringSession } from './scoring';
import { queryResourceGraph } from './resourceGraph';

const SUBSCRIPTIONS_API = '2022-12-01';
const APP_INSIGHTS_API = '2020-02-02';

export function createAzureClient(options: AzureClientOptions): AzureClient {
  return new SdkAzureClient(options);
}

class SdkAzureClient implements AzureClient {
  readonly cloud: CloudEndpoints;
  private readonly log: AzureLog | undefined;
  private readonly armPipeline: Pipeline;
  private readonly json: JsonClient;
  private readonly legacy: LegacyServices;
  private readonly rawDeployments: RawDeployments;
  private readonly mlClients = new Map<string, AzureMachineLearningWorkspaces>();
  private logsPipeline: Pipeline | undefined;
  /** Display names seen in listSubscriptions, for messages in the user's terms. */
  private readonly subscriptionNames = new Map<string, string>();

  constructor(private readonly options: AzureClientOptions) {
    this.cloud = options.cloud;
    this.log = options.log;
    this.armPipeline = createArmPipeline({
      mayCarryCredentials: (url) => mayCarryCredentials(this.cloud, url),
      credential: options.credential,
      scope: options.cloud.resourceManagerScope,
      maxRetries: options.maxRetries,
      retryDelayMs: options.retryDelayMs,
      userAgentPrefix: options.userAgentPrefix,
      log: options.log,
      observe: options.observe,
    });
    this.json = new JsonClient(this.armPipeline);
    this.legacy = new LegacyServices(this.json);
    this.rawDeployments = new RawDeployments(this.json, options.cloud.resourceManagerEndpoint);
  }

  // ── Subscriptions and workspaces ────────────────────────────────────────────────────────────

  listSubscriptions(abortSignal?: AbortSignal): Promise<Subscription[]> {
    return callAzure(l10n.t('List subscriptions'), this.log, async () => {
      const subscriptions: Subscription[] = [];
      let url: string | undefined =
        `${this.cloud.resourceManagerEndpoint}/subscriptions?api-version=${SUBSCRIPTIONS_API}`;
      const seen = new Set<string>();
      while (url && !seen.has(url)) {
        seen.add(url);
        const page: { body?: { value?: Parameters<typeof toSubscription>[0][]; nextLink?: string } } =
          await this.json.send('GET', url, { abortSignal });
        for (const raw of page.body?.value ?? []) {
          const subscription = toSubscription(raw);
          if (!subscription) continue;
          subscriptions.push(subscription);
          this.subscriptionNames.set(subscription.subscriptionId, subscription.displayName);
        }
        url = page.body?.nextLink ? new URL(page.body.nextLink, url).href : undefined;
      }
      return subscriptions;
    });
  }

  queryResourceGraph(
    query: string,
    subscriptionIds: readonly string[],
    abortSignal?: AbortSignal,
  ): Promise<{ rows: unknown[]; pages: number }> {
    return callAzure(l10n.t('Query Azure Resource Graph'), this.log, () =>
      queryResourceGraph(this.json, this.cloud.resourceManagerEndpoint, query, subscriptionIds, abortSignal),
    );
  }

  listWorkspaces(subscriptionId: string, abortSignal?: AbortSignal): Promise<Workspace[]> {
    return callAzure(
      l10n.t('List workspaces in subscription "{0}"', this.subscriptionLabel(subscriptionId)),
      this.log,
      async () => {
        const workspaces: Workspace[] = [];
        const pages = this.ml(subscriptionId).workspaces.listBySubscription({ abortSignal }).byPage();
        for await (const page of pages) {
          for (const ws of page) {
            const workspace = toWorkspace(ws, subscriptionId);
            if (workspace) workspaces.push(workspace);
          }
        }
        return workspaces;
      },
    );
  }

  getWorkspace(ref: WorkspaceRef, abortSignal?: AbortSignal): Promise<Workspace> {
    return callAzure(l10n.t('Read workspace "{0}"', ref.workspaceName), this.log, async () => {
      const ws = await this.ml(ref.subscriptionId).workspaces.get(ref.resourceGroup, ref.workspaceName, {
        abortSignal,
      });
      const workspace = toWorkspace(ws, ref.subscriptionId);
      if (!workspace)
        throw new Error(l10n.t('Azure answered without the id of workspace "{0}".', ref.workspaceName));
      return workspace;
    });
  }

  // ── Online endpoints and deployments ────────────────────────────────────────────────────────

  listEndpoints(ref: WorkspaceRef, abortSignal?: AbortSignal): Promise<Endpoint[]> {
    return callAzure(
      l10n.t('List online endpoints of workspace "{0}"', ref.workspaceName),
      this.log,
      async () => {
        const endpoints: Endpoint[] = [];
        const pages = this.ml(ref.subscriptionId)
          .onlineEndpoints.list(ref.resourceGroup, ref.workspaceName, { abortSignal })
          .byPage();
        for await (const page of pages) for (const ep of page) endpoints.push(toEndpoint(ep, ref));
        return endpoints;
      },
    );
  }

  getEndpoint(ref: EndpointRef, abortSignal?: AbortSignal): Promise<Endpoint> {
    return callAzure(l10n.t('Read online endpoint "{0}"', ref.endpointName), this.log, async () => {
      const ep = await this.ml(ref.subscriptionId).onlineEndpoints.get(
        ref.resourceGroup,
        ref.workspaceName,
        ref.endpointName,
        {
          abortSignal,
        },
      );
      return toEndpoint(ep, ref);
    });
  }

  listDeployments(ref: EndpointRef, abortSignal?: AbortSignal): Promise<Deployment[]> {
    return callAzure(l10n.t('List deployments of endpoint "{0}"', ref.endpointName), this.log, async () => {
      const deployments: Deployment[] = [];
      const pages = this.ml(ref.subscriptionId)
        .onlineDeployments.list(ref.resourceGroup, ref.workspaceName, ref.endpointName, { abortSignal })
        .byPage();
      for await (const page of pages) for (const dep of page) deployments.push(toDeployment(dep, ref));
      return deployments;
    });
  }

  getDeployment(ref: DeploymentRef, abortSignal?: AbortSignal): Promise<Deployment> {
    return callAzure(
      l10n.t('Read deployment "{0}" of endpoint "{1}"', ref.deploymentName, ref.endpointName),
      this.log,
      async () => toDeployment(await this.getSdkDeployment(ref, abortSignal), ref),
    );
  }

  setDeploymentAppInsights(
    ref: DeploymentRef,
    enabled: boolean,
    options: LongRunningOptions = {},
  ): Promise<Deployment> {
    const operation = enabled
      ? l10n.t(
          'Turn on Application Insights for deployment "{0}" of endpoint "{1}"',
          ref.deploymentName,
          ref.endpointName,
        )
      : l10n.t(
          'Turn off Application Insights for deployment "{0}" of endpoint "{1}"',
          ref.deploymentName,
          ref.endpointName,
        );
    return callAzure(operation, this.log, async () => {
      // Raw JSON, not the SDK: its serializer would drop every property its 2022-10-01 models lack.
      const final = await this.rawDeployments.setAppInsights(ref, enabled, options);
      return toDeployment(final, ref);
    });
  }

  getDeploymentLogs(ref: DeploymentRef, container: ContainerType, options: LogsOptions): Promise<string> {
    return callAzure(
      container === 'StorageInitializer'
        ? l10n.t('Get the storage initializer logs of deployment "{0}"', ref.deploymentName)
        : l10n.t('Get the inference server logs of deployment "{0}"', ref.deploymentName),
      this.log,
      async () => {
        const logs = await this.ml(ref.subscriptionId).onlineDeployments.getLogs(
          ref.resourceGroup,
          ref.workspaceName,
          ref.endpointName,
          ref.deploymentName,
          { containerType: container, tail: options.tail },
          { abortSignal: options.abortSignal },
        );
        return logs.content ?? '';
      },
    );
  }

  // ── v1 web services ──────────────────────────────────────────────────────────────────────────

  listLegacyServices(workspace: Workspace, abortSignal?: AbortSignal): Promise<LegacyService[]> {
    return callAzure(
      l10n.t('List v1 web services of workspace "{0}"', workspace.workspaceName),
      this.log,
      () => this.legacy.list(workspace, abortSignal),
    );
  }

  getLegacyService(workspace: Workspace, name: string, abortSignal?: AbortSignal): Promise<LegacyService> {
    return callAzure(l10n.t('Read v1 web service "{0}"', name), this.log, () =>
      this.legacy.get(workspace, name, abortSignal),
    );
  }

  setLegacyAppInsights(
    workspace: Workspace,
    ref: LegacyServiceRef,
    enabled: boolean,
    options: LongRunningOptions = {},
  ): Promise<LegacyService> {
    const operation = enabled
      ? l10n.t('Turn on Application Insights for v1 web service "{0}"', ref.serviceName)
      : l10n.t('Turn off Application Insights for v1 web service "{0}"', ref.serviceName);
    return callAzure(operation, this.log, () => this.legacy.setAppInsights(workspace, ref, enabled, options));
  }

  getLegacyLogs(
    workspace: Workspace,
    ref: LegacyServiceRef,
    options: LogsOptions & { init: boolean },
  ): Promise<string> {
    return callAzure(
      options.init
        ? l10n.t('Get the init container logs of v1 web service "{0}"', ref.serviceName)
        : l10n.t('Get the logs of v1 web service "{0}"', ref.serviceName),
      this.log,
      () => this.legacy.logs(workspace, ref, options),
    );
  }

  // ── Application Insights and queries ─────────────────────────────────────────────────────────

  getAppInsightsComponent(armId: string, abortSignal?: AbortSignal): Promise<AppInsightsComponent> {
    return callAzure(
      l10n.t('Read Application Insights resource "{0}"', armId.split('/').pop() ?? armId),
      this.log,
      async () => {
        const path = armId.startsWith('/') ? armId : `/${armId}`;
        const { body } = await this.json.send<Parameters<typeof toAppInsightsComponent>[0]>(
          'GET',
          `${this.cloud.resourceManagerEndpoint}${path}?api-version=${APP_INSIGHTS_API}`,
          { abortSignal },
        );
        return toAppInsightsComponent(body ?? {}, armId);
      },
    );
  }

  openScoringSession(endpoint: Endpoint, abortSignal?: AbortSignal): Promise<ScoringSession> {
    return openScoringSession(
      {
        cloud: this.cloud,
        credential: this.options.credential,
        ml: (subscriptionId) => this.ml(subscriptionId),
        log: this.log,
        userAgent: userAgentOf(this.options.userAgentPrefix),
      },
      endpoint,
      abortSignal,
    );
  }

  async query(
    target: QueryTarget,
    kql: string,
    timespan: QueryTimespan,
    options: QueryOptions = {},
  ): Promise<QueryResult> {
    // The streamed path, collected: one reading of the answer for small and large results alike.
    const tables: QueryTable[] = [];
    const result = await this.queryStream(target, kql, timespan, {
      ...options,
      onTable: (index, name, columns) => {
        tables[index] = { name, columns, rows: [] };
      },
      onRows: (index, rows) => {
        const table = tables[index];
        if (table) for (const row of rows) table.rows.push(row);
      },
    });
    return {
      status: result.status,
      tables: tables.filter(Boolean),
      ...(result.partialError ? { partialError: result.partialError } : {}),
      statistics: result.statistics,
      visualization: result.visualization,
    };
  }

  queryStream(
    target: QueryTarget,
    kql: string,
    timespan: QueryTimespan,
    options: QueryStreamOptions,
  ): Promise<QueryStreamResult> {
    const name = target.resourceId.split('/').pop() ?? '';
    return callAzure(
      target.kind === 'appInsights'
        ? l10n.t('Run the query on Application Insights "{0}"', name)
        : l10n.t('Run the query on Log Analytics workspace "{0}"', name),
      this.log,
      async () => {
        // Both kinds are ARM resources: the resource-centric route needs no workspace GUID. The id
        // goes without its leading slash: `//subscriptions` is answered with a misleading 403
        // (azure-sdk-for-js #39361, #38292).
        const resourceId = target.resourceId.replace(/^\/+/, '');
        const url = `${this.cloud.logAnalyticsEndpoint.replace(/\/+$/, '')}/${resourceId}/query`;
        // The Prefer header as @azure/monitor-query-logs 1.0.0 builds it (logsQueryClient.js).
        const prefer = [
          ...(options.serverTimeoutSeconds !== undefined ? [`wait=${options.serverTimeoutSeconds}`] : []),
          'include-statistics=true',
          'include-render=true',
        ].join(',');
        const answer = await sendForStream(this.logs(), url, {
          body: { query: kql, timespan: toTimespanText(timespan) },
          headers: { prefer },
          abortSignal: options.abortSignal,
        });
        const parser = new QueryResponseParser({
          onTable: (index, tableName, columns) => options.onTable?.(index, tableName, columns),
          ...(options.onColumns
            ? { onColumns: (index, rows) => options.onColumns?.(index, rows) }
            : { onRows: (index, rows) => options.onRows?.(index, rows) }),
        });
        try {
          for await (const chunk of answer.body) parser.write(chunk);
        } catch (e) {
          // The parser's own errors say what is wrong with the answer; a cancel stays a cancel.
          if (e instanceof SyntaxError || options.abortSignal?.aborted) throw e;
          throw answer.cutShort(e);
        }
        const tail = parser.end();
        return {
          status: tail.error ? 'PartialFailure' : 'Success',
          tableCount: tail.tableCount,
          rowCounts: tail.rowCounts,
          ...(tail.error
            ? {
                partialError: {
                  code: typeof tail.error.code === 'string' ? tail.error.code : '',
                  message: describeLogsError(tail.error),
                },
              }
            : {}),
          statistics: tail.statistics,
          visualization: tail.render,
        };
      },
    );
  }

  // ── Azure Monitor ────────────────────────────────────────────────────────────────────────────

  queryMetrics(
    resourceId: string,
    request: MetricsRequest,
    abortSignal?: AbortSignal,
  ): Promise<MetricsAnswer> {
    return callAzure(l10n.t('Read the metrics of "{0}"', lastSegment(resourceId)), this.log, () =>
      queryMetrics(this.json, this.cloud.resourceManagerEndpoint, resourceId, request, abortSignal),
    );
  }

  listDiagnosticSettings(resourceId: string, abortSignal?: AbortSignal): Promise<DiagnosticSetting[]> {
    return callAzure(l10n.t('List the diagnostic settings of "{0}"', lastSegment(resourceId)), this.log, () =>
      listDiagnosticSettings(this.json, this.cloud.resourceManagerEndpoint, resourceId, abortSignal),
    );
  }

  createDiagnosticSetting(
    resourceId: string,
    name: string,
    setting: { workspaceId: string; categories: string[] },
    abortSignal?: AbortSignal,
  ): Promise<DiagnosticSetting> {
    return callAzure(
      l10n.t('Create diagnostic setting "{0}" on "{1}"', name, lastSegment(resourceId)),
      this.log,
      () =>
        createDiagnosticSetting(
          this.json,
          this.cloud.resourceManagerEndpoint,
          resourceId,
          name,
          setting,
          abortSignal,
        ),
    );
  }

  getDeploymentProperties(ref: DeploymentRef, abortSignal?: AbortSignal): Promise<Record<string, unknown>> {
    return callAzure(
      l10n.t('Read deployment "{0}" of endpoint "{1}"', ref.deploymentName, ref.endpointName),
      this.log,
      async () => (await this.rawDeployments.get(ref, abortSignal)).properties ?? {},
    );
  }

  listFailedOperations(
    resourceId: string,
    sinceMs: number,
    abortSignal?: AbortSignal,
  ): Promise<FailedOperation[]> {
    return callAzure(l10n.t('Read the activity log of "{0}"', lastSegment(resourceId)), this.log, () => {
      const subscriptionId = parseArmId(resourceId)?.subscriptionId;
      if (!subscriptionId) throw new Error(l10n.t('"{0}" is not an Azure resource id.', resourceId));
      return listFailedOperations(
        this.json,
        this.cloud.resourceManagerEndpoint,
        subscriptionId,
        resourceId,
        sinceMs,
        abortSignal,
      );
    });
  }

  // ── Clients, built once ──────────────────────────────────────────────────────────────────────

  private ml(subscriptionId: string): AzureMachineLearningWorkspaces {
    let client = this.mlClients.get(subscriptionId);
    if (!client) {
      client = new AzureMachineLearningWorkspaces(this.options.credential, subscriptionId, {
        endpoint: this.cloud.resourceManagerEndpoint,
        credentialScopes: this.cloud.resourceManagerScope,
        // Shared: its bearer policy (token cache) and retry options serve every subscription.
        pipeline: this.armPipeline,
      });
      this.mlClients.set(subscriptionId, client);
    }
    return client;
  }

  /** The Logs API's own pipeline (another audience than ARM), with the same retry and logging. */
  private logs(): Pipeline {
    this.logsPipeline ??= createArmPipeline({
      mayCarryCredentials: (url) => mayCarryCredentials(this.cloud, url),
      credential: this.options.credential,
      scope: this.cloud.logAnalyticsScope,
      maxRetries: this.options.maxRetries,
      retryDelayMs: this.options.retryDelayMs,
      userAgentPrefix: this.options.userAgentPrefix,
      log: this.options.log,
      observe: this.options.observe,
    });
    return this.logsPipeline;
  }

  private getSdkDeployment(ref: DeploymentRef, abortSignal?: AbortSignal): Promise<OnlineDeployment> {
    return this.ml(ref.subscriptionId).onlineDeployments.get(
      ref.resourceGroup,
      ref.workspaceName,
      ref.endpointName,
      ref.deploymentName,
      { abortSignal },
    );
  }

  private subscriptionLabel(subscriptionId: string): string {
    return this.subscriptionNames.get(subscriptionId) ?? subscriptionId;
  }
}

function lastSegment(resourceId: string): string {
  return resourceId.split('/').filter(Boolean).pop() ?? resourceId;
}

/** The request's timespan as @azure/monitor-query-logs 1.0.0 writes it (convertTimespanToInterval). */
function toTimespanText(timespan: QueryTimespan): string {
  return 'duration' in timespan
    ? timespan.duration
    : `${timespan.start.toISOString()}/${timespan.end.toISOString()}`;
}

/** The top message plus what its details and inner errors add (the actual cause lives there). */
function describeLogsError(error: QueryErrorBody): string {
  const messages: string[] = [];
  const visit = (node: unknown, depth: number) => {
    if (typeof node !== 'object' || node === null || depth > 5) return;
    const { message, details, innererror } = node as QueryErrorBody;
    const text = typeof message === 'string' ? message.trim() : '';
    if (text && !messages.includes(text)) messages.push(text);
    if (Array.isArray(details)) for (const detail of details) visit(detail, depth + 1);
    visit(innererror, depth + 1);
  };
  visit(error, 0);
  return messages.join(' — ');
}
