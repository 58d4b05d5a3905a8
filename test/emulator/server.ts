// The emulator's HTTPS server: ARM (subscriptions, ML workspaces, online endpoints and deployments
// with real long-running operations, App Insights components), the v1 model-management API of
// ACI/AKS services, and the Logs query API. Answers in the services' own shapes, errors included.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { audienceOf, emulatorTokenAudience } from '../../src/azure/credentials';
import { refuseApiVersion } from './apiVersions';
import type { FaultController, FaultKind, FaultSpec } from './faults';
import type { LiveLogs } from './logs';
import { deploymentLogKey, legacyLogKey } from './logs';
import type { QueryEngine, QueryScope } from './query';
import { MonitorError, monitorRoute, type MonitorState } from './monitor';
import type { ScoringService } from './scoring';
import type { ResourceGraph } from './resourceGraph';
import { ARM_API_VERSION, type ArmResource, type EmulatedAzure, type WorkspaceState } from './resources';

export interface RecordedRequest {
  method: string;
  /** Path as sent (a doubled slash stays doubled), without the query string. */
  path: string;
  query: Record<string, string>;
  /** Request headers without authorization. */
  headers: Record<string, string>;
  body: unknown;
  status: number;
  time: number;
  /** Set when the exchange ends: answered in full, or the client went away first (it aborted). */
  outcome?: 'answered' | 'aborted';
}

export interface PageSizes {
  subscriptions: number;
  workspaces: number;
  endpoints: number;
  deployments: number;
  services: number;
}

export interface ServerContext {
  url: () => string;
  /** Audience a token must carry for ARM (and the v1 API, which takes the ARM token). */
  armAudience: () => string;
  /** Audience a token must carry for the Logs query API (another origin, as in Azure). */
  logsAudience: () => string;
  azure: EmulatedAzure;
  logs: LiveLogs;
  faults: FaultController;
  query: QueryEngine;
  graph: ResourceGraph;
  requests: RecordedRequest[];
  latencyMs: number;
  lroPolls: number;
  /** An operation nobody polls still ends after this long, as in Azure. */
  lroMaxMs: number;
  pageSizes: PageSizes;
  /** Diagnostic settings (Azure Monitor); metrics are computed from the scenario. */
  monitor: MonitorState;
  now: () => Date;
  /** The endpoints' scoring URIs (their own auth, not the ARM token). */
  scoring: ScoringService;
}

interface Operation {
  id: string;
  pollsLeft: number;
  /** What x-ms-async-operation-timeout says of it. */
  timeout: string;
  failure?: { code: string; message: string };
  done: boolean;
  finish: (ok: boolean) => void;
  timer: NodeJS.Timeout;
  /** The final body of a Location-polled operation. */
  result?: () => unknown;
}

/** Faults that change an answer rather than replace it, by kind. */
type Flags = Map<FaultKind, FaultSpec>;

/**
 * x-ms-async-operation-timeout: declared (string, format duration) on the 201 of
 * OnlineDeployments_CreateOrUpdate and the 202 of OnlineDeployments_Update in
 * Azure/azure-rest-api-specs machinelearningservices stable/2025-09-01/mfe.json. The value the
 * service sends is not published: PT1H here is (inferred). Sent beside Azure-AsyncOperation on a
 * 200 PUT too, and on v1 updates (inferred; the v1 API has no published spec).
 */
const OPERATION_TIMEOUT = 'PT1H';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** More members of the error object, beside code and message. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const ML = 'microsoft.machinelearningservices';
const INT32_MAX = 2 ** 31 - 1;
/** EndpointComputeType values across mfe.json versions (2022-10-01: Managed, Kubernetes; later: AzureMLCompute). */
const COMPUTE_TYPES = ['Managed', 'Kubernetes', 'AzureMLCompute'];

export function createHandler(ctx: ServerContext): {
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  dispose: () => void;
} {
  const operations = new Map<string, Operation>();

  function startOperation(flags: Flags, finish: (ok: boolean) => void): Operation {
    const pendingFailure = flags.has('lroFailed');
    // inProgressForever: a stuck operation (inferred; the spec only says a client gives up after
    // the time stated in x-ms-async-operation-timeout): InProgress on every poll, never ended.
    const forever = flags.get('inProgressForever');
    const op: Operation = {
      id: randomUUID(),
      pollsLeft: forever ? Infinity : ctx.lroPolls,
      timeout: forever ? (forever.operationTimeout ?? 'PT2S') : OPERATION_TIMEOUT,
      done: false,
      finish: (ok) => {
        if (op.done) return;
        op.done = true;
        clearTimeout(op.timer);
        finish(ok);
      },
      timer: setTimeout(() => {
        if (!forever) op.finish(!op.failure);
      }, ctx.lroMaxMs),
    };
    op.timer.unref();
    if (pendingFailure) {
      op.failure = {
        code: 'DeploymentFailed',
        message: 'Container could not start: the scoring container exited with code 1 during init().',
      };
    }
    operations.set(op.id, op);
    return op;
  }

  /** One poll of an operation: true while it runs; at the end it applies (or fails) the change. */
  function pollOperation(op: Operation): 'running' | 'succeeded' | 'failed' {
    if (!op.done) {
      if (op.pollsLeft > 0) {
        op.pollsLeft--;
        return 'running';
      }
      op.finish(!op.failure);
    }
    return op.failure ? 'failed' : 'succeeded';
  }

  async function route(
    req: IncomingMessage,
    path: string,
    query: Record<string, string>,
    body: unknown,
    flags: Flags,
  ): Promise<RouteAnswer> {
    const method = req.method ?? 'GET';
    const lower = path.toLowerCase();
    const seg = path.split('/').filter(Boolean);
    const lseg = lower.split('/').filter(Boolean);
    const base = ctx.url();

    // Discovery document of a region: names the regional hosts. azureml-core takes v1 services from
    // its `modelmanagement` key (azureml/_model_management/_util.py, _get_mms_url); the REST how-to
    // uses `api`, the same host in practice. In the scenario's separateModelManagementHost regions the
    // model-management host is another one (a path prefix here stands for it) and the api host does
    // not serve v1 (inferred), so a client must read `modelmanagement` first, `api` only without it.
    if (lseg[0] === 'discovery' && method === 'GET') {
      const region = seg[1] ?? '';
      return {
        status: 200,
        body: {
          api: base,
          catalog: base,
          experimentation: base,
          history: base,
          modelmanagement: separateMmsRegion(region) ? `${base}/mms/${region}` : base,
          pipelines: base,
          studiometadata: base,
        },
      };
    }

    // Logs query API: with or without the /v1 prefix (monitor-query-logs uses the endpoint as given).
    const q = lseg[0] === 'v1' ? { seg: seg.slice(1), lseg: lseg.slice(1) } : { seg, lseg };
    if (isLogsApi(method, lseg)) {
      return queryRoute(req, q.seg, q.lseg, body, flags, path.includes('//'));
    }

    // v1 model management (ACI/AKS web services), on the api host or on a region's own host.
    if (lseg[0] === 'modelmanagement')
      return legacyRoute(method, seg.slice(2), lseg.slice(2), query, body, req, flags, undefined);
    if (lseg[0] === 'mms' && lseg[2] === 'modelmanagement')
      return legacyRoute(method, seg.slice(4), lseg.slice(4), query, body, req, flags, seg[1] ?? '');

    // Azure Resource Graph (see resourceGraph.ts for its sources).
    if (lseg[0] === 'providers' && lseg[1] === 'microsoft.resourcegraph' && lseg.length === 3) {
      if (!ctx.graph.options.enabled)
        // A cloud without the provider: ARM's answer for an unknown namespace (inferred wording).
        throw new HttpError(
          404,
          'InvalidResourceNamespace',
          "The resource namespace 'Microsoft.ResourceGraph' is invalid.",
        );
      if (!query['api-version'])
        throw new HttpError(
          400,
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.',
        );
      // The stable versions of specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/stable.
      if (!['2019-04-01', '2021-03-01', '2022-10-01', '2024-04-01'].includes(query['api-version']))
        throw new HttpError(
          400,
          'InvalidApiVersionParameter',
          `The api-version '${query['api-version']}' is invalid. The supported versions are '2024-04-01,2022-10-01,2021-03-01,2019-04-01'.`,
        );
      if (lseg[2] !== 'resources' || method !== 'POST')
        throw new HttpError(405, 'MethodNotAllowed', `${method} is not supported on '${path}'.`);
      // One user behind the emulator's one token: one quota.
      return ctx.graph.query(body, 'emulator-user');
    }

    // ARM.
    if (lseg[0] !== 'subscriptions')
      throw new HttpError(404, 'PathNotFound', `The requested path '${path}' was not found.`);
    if (!query['api-version'])
      throw new HttpError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    const refusal = refuseApiVersion(seg, query['api-version'], ctx.azure.locations());
    if (refusal) throw new HttpError(refusal.status, refusal.code, refusal.message);
    const monitor = monitorRoute(ctx.azure, ctx.monitor, method, seg, query, body, ctx.now);
    if (monitor) return monitor;

    if (lseg.length === 1 && method === 'GET') {
      const subs = ctx.azure.scenario.subscriptions.map((s) => ({
        id: `/subscriptions/${s.subscriptionId}`,
        subscriptionId: s.subscriptionId,
        tenantId: ctx.azure.scenario.tenantId,
        displayName: s.displayName,
        state: s.state ?? 'Enabled',
        subscriptionPolicies: {
          locationPlacementId: 'Public_2014-09-01',
          quotaId: 'EnterpriseAgreement_2014-09-01',
          spendingLimit: 'Off',
        },
        authorizationSource: 'RoleBased',
      }));
      return page(path, query, subs, ctx.pageSizes.subscriptions);
    }
    const sub = ctx.azure.subscription(seg[1] ?? '');
    if (!sub)
      throw new HttpError(404, 'SubscriptionNotFound', `The subscription '${seg[1]}' could not be found.`);
    if (lseg.length === 2 && method === 'GET') {
      return {
        status: 200,
        body: {
          id: `/subscriptions/${sub.subscriptionId}`,
          subscriptionId: sub.subscriptionId,
          tenantId: ctx.azure.scenario.tenantId,
          displayName: sub.displayName,
          state: sub.state ?? 'Enabled',
        },
      };
    }

    // Operation status of the ML resource provider.
    if (
      lseg[2] === 'providers' &&
      lseg[3] === ML &&
      lseg[4] === 'locations' &&
      (lseg[6] === 'mfeoperationsstatus' || lseg[6] === 'mfeoperationresults') &&
      method === 'GET'
    ) {
      const op = operations.get(seg[7] ?? '');
      if (!op) throw new HttpError(404, 'NotFound', `Operation '${seg[7]}' was not found.`);
      const state = pollOperation(op);
      if (lseg[6] === 'mfeoperationsstatus') {
        if (state === 'running')
          return {
            status: 200,
            body: { id: op.id, name: op.id, status: 'InProgress', startTime: new Date().toISOString() },
          };
        if (state === 'succeeded')
          return {
            status: 200,
            body: { id: op.id, name: op.id, status: 'Succeeded', endTime: new Date().toISOString() },
          };
        return { status: 200, body: { id: op.id, name: op.id, status: 'Failed', error: op.failure } };
      }
      // Location polling (PATCH): 202 while running, then the resource (or the error).
      if (state === 'running')
        return { status: 202, headers: { location: `${base}${path}?api-version=${ARM_API_VERSION}` } };
      if (state === 'failed') return { status: 200, body: { status: 'Failed', error: op.failure } };
      return { status: 200, body: op.result?.() ?? {} };
    }

    if (
      lseg[2] === 'providers' &&
      lseg[3] === ML &&
      lseg[4] === 'workspaces' &&
      lseg.length === 5 &&
      method === 'GET'
    ) {
      return page(
        path,
        query,
        ctx.azure.workspacesOf(sub.subscriptionId).map((w) => ctx.azure.workspaceBody(w)),
        ctx.pageSizes.workspaces,
      );
    }
    if (lseg[2] !== 'resourcegroups' || lseg[4] !== 'providers')
      throw new HttpError(404, 'ResourceNotFound', `The resource '${path}' was not found.`);
    const rg = seg[3] ?? '';
    const provider = lseg[5];

    if (
      provider === 'microsoft.insights' &&
      lseg[6] === 'components' &&
      lseg.length === 8 &&
      method === 'GET'
    ) {
      const w = [...ctx.azure.workspaces.values()].find((x) => x.componentId?.toLowerCase() === lower);
      if (!w?.ws.appInsights)
        throw new HttpError(
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.Insights/components/${seg[7]}' under resource group '${rg}' was not found.`,
        );
      const name = w.ws.appInsights.name;
      const info = ctx.query.components.find((c) => c.componentId.toLowerCase() === lower);
      const ikey = info?.appId ?? w.guid;
      return {
        status: 200,
        body: {
          id: w.componentId,
          name,
          type: 'microsoft.insights/components',
          location: w.ws.location,
          kind: 'web',
          tags: {},
          properties: {
            ApplicationId: name,
            AppId: info?.appId ?? w.guid,
            Application_Type: 'web',
            InstrumentationKey: ikey,
            ConnectionString: `InstrumentationKey=${ikey};IngestionEndpoint=https://${w.ws.location}-0.in.applicationinsights.azure.com/`,
            CreationDate: '2024-03-14T09:20:00.0000000+00:00',
            TenantId: sub.subscriptionId,
            provisioningState: 'Succeeded',
            IngestionMode: w.logAnalyticsId ? 'LogAnalytics' : 'ApplicationInsights',
            publicNetworkAccessForIngestion: 'Enabled',
            publicNetworkAccessForQuery: 'Enabled',
            ...(w.logAnalyticsId ? { WorkspaceResourceId: w.logAnalyticsId } : {}),
          },
        },
      };
    }
    if (
      provider === 'microsoft.operationalinsights' &&
      lseg[6] === 'workspaces' &&
      lseg.length === 8 &&
      method === 'GET'
    ) {
      const w = [...ctx.azure.workspaces.values()].find((x) => x.logAnalyticsId?.toLowerCase() === lower);
      const la = w?.ws.appInsights?.logAnalyticsWorkspace;
      if (!w || !la)
        throw new HttpError(
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.OperationalInsights/workspaces/${seg[7]}' under resource group '${rg}' was not found.`,
        );
      return {
        status: 200,
        body: {
          id: w.logAnalyticsId,
          name: la.name,
          type: 'Microsoft.OperationalInsights/workspaces',
          location: w.ws.location,
          properties: {
            customerId: la.customerId,
            provisioningState: 'Succeeded',
            sku: { name: 'PerGB2018' },
            retentionInDays: 30,
          },
        },
      };
    }
    if (provider !== ML || lseg[6] !== 'workspaces')
      throw new HttpError(404, 'ResourceNotFound', `The resource '${path}' was not found.`);
    if (lseg.length === 7 && method === 'GET') {
      return page(
        path,
        query,
        ctx.azure.workspacesOf(sub.subscriptionId, rg).map((w) => ctx.azure.workspaceBody(w)),
        ctx.pageSizes.workspaces,
      );
    }
    const ws = ctx.azure.workspace(sub.subscriptionId, rg, seg[7] ?? '');
    if (!ws)
      throw new HttpError(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.MachineLearningServices/workspaces/${seg[7]}' under resource group '${rg}' was not found.`,
      );
    if (lseg.length === 8 && method === 'GET') return { status: 200, body: ctx.azure.workspaceBody(ws) };
    if (lseg[8] === 'batchendpoints' && lseg.length === 9 && method === 'GET')
      return page(path, query, [], ctx.pageSizes.endpoints);
    if (lseg[8] !== 'onlineendpoints')
      throw new HttpError(404, 'ResourceNotFound', `The resource '${path}' was not found.`);
    if (lseg.length === 9 && method === 'GET') {
      return page(
        path,
        query,
        ws.ws.endpoints.map((e) => ctx.azure.endpointBody(ws, e)),
        ctx.pageSizes.endpoints,
      );
    }
    const ep = ctx.azure.endpoint(ws, seg[9] ?? '');
    if (!ep)
      throw new HttpError(
        404,
        'ResourceNotFound',
        `Online endpoint '${seg[9]}' was not found in workspace '${ws.ws.name}'.`,
      );
    if (lseg.length === 10 && method === 'GET') return { status: 200, body: ctx.azure.endpointBody(ws, ep) };
    // POST …/onlineEndpoints/{name}/listKeys and …/token (stable/2022-10-01 examples/OnlineEndpoint/
    // listKeys.json, getToken.json). Asking for the credential of another auth mode is refused
    // (inferred: the service's exact answer is not documented).
    if (lseg.length === 11 && (lseg[10] === 'listkeys' || lseg[10] === 'token') && method === 'POST') {
      const wanted = lseg[10] === 'listkeys' ? 'Key' : 'AMLToken';
      if (ep.authMode !== wanted)
        throw new HttpError(
          400,
          'BadArgument',
          `Endpoint '${ep.name}' uses auth mode ${ep.authMode}; ${lseg[10] === 'listkeys' ? 'keys' : 'tokens'} exist only for auth mode ${wanted}.`,
        );
      const endpointId = `${ws.armId}/onlineEndpoints/${ep.name}`;
      return {
        status: 200,
        body: lseg[10] === 'listkeys' ? ctx.scoring.keysOf(endpointId) : ctx.scoring.issueToken(endpointId),
      };
    }
    if (lseg[10] !== 'deployments')
      throw new HttpError(404, 'ResourceNotFound', `The resource '${path}' was not found.`);
    if (lseg.length === 11 && method === 'GET') {
      return page(
        path,
        query,
        ctx.azure.deploymentsOf(ws, ep.name).map((d) => d.body),
        ctx.pageSizes.deployments,
      );
    }
    const depName = seg[11] ?? '';
    const dep = ctx.azure.deployment(ws, ep.name, depName);
    const notFound = () =>
      new HttpError(
        404,
        'ResourceNotFound',
        `Online deployment '${depName}' was not found in endpoint '${ep.name}'.`,
      );

    if (lseg.length === 12 && method === 'GET') {
      if (!dep) throw notFound();
      return { status: 200, body: dep.body };
    }
    if (lseg.length === 12 && method === 'PUT') return putDeployment(ws, ep, depName, body, flags);
    if (lseg.length === 12 && method === 'PATCH') {
      if (!dep) throw notFound();
      assertNotBusy(dep.body);
      const patch = asObject(body, 'The request body must be a JSON object.');
      const before = structuredClone(dep.body);
      dep.body.properties.provisioningState = 'Updating';
      const op = startOperation(flags, (ok) => {
        if (!ok) {
          dep.body = { ...before, properties: { ...before.properties, provisioningState: 'Failed' } };
          return;
        }
        // Only tags and sku can change through PATCH; other members are not part of its schema.
        if (patch.tags && typeof patch.tags === 'object')
          dep.body.tags = patch.tags as Record<string, string>;
        if (patch.sku && typeof patch.sku === 'object')
          dep.body.sku = { ...dep.body.sku, ...(patch.sku as Record<string, unknown>) };
        dep.body.properties.provisioningState = 'Succeeded';
      });
      op.result = () => dep.body;
      return {
        status: 202,
        headers: {
          location: operationUrl(sub.subscriptionId, ws.ws.location, 'mfeOperationResults', op.id),
          'retry-after': '1',
          'x-ms-async-operation-timeout': op.timeout,
        },
      };
    }
    if (lseg.length === 13 && lseg[12] === 'getlogs' && method === 'POST') {
      if (!dep) throw notFound();
      const b = asObject(body ?? {}, 'The request body must be a JSON object.');
      const container = b.containerType ?? 'InferenceServer';
      if (container !== 'InferenceServer' && container !== 'StorageInitializer') {
        throw new HttpError(
          400,
          'UserError',
          `Invalid containerType '${JSON.stringify(container)}'. Allowed values: InferenceServer, StorageInitializer.`,
        );
      }
      // DeploymentLogsRequest.tail (mfe.json, 2022-10-01 and later): integer, format int32,
      // x-nullable, no minimum or maximum. What the service does without it, and with a negative
      // value, is not published: the default of 5000 and the refusal of negatives are (inferred).
      const tail = b.tail === undefined || b.tail === null ? 5000 : b.tail;
      if (typeof tail !== 'number' || !Number.isInteger(tail) || tail < 0 || tail > INT32_MAX)
        throw new HttpError(
          400,
          'UserError',
          `The value '${JSON.stringify(b.tail)}' of 'tail' is not valid: it takes a whole number of lines from 0 to ${INT32_MAX}.`,
        );
      const logKey = deploymentLogKey(
        {
          subscriptionId: sub.subscriptionId,
          workspaceName: ws.ws.name,
          endpointName: ep.name,
          deploymentName: dep.body.name,
        },
        container,
      );
      if (flags.has('growingLastLine')) ctx.logs.growOpenLine(logKey);
      else ctx.logs.endOpenLine(logKey);
      return { status: 200, body: { content: ctx.logs.content(logKey, tail) } };
    }
    throw new HttpError(405, 'MethodNotAllowed', `${method} is not supported on '${path}'.`);

    // The status URL carries the api-version of the request that started the operation (inferred
    // from the Azure-AsyncOperation headers of the spec's examples, which name no version of their own).
    function operationUrl(subscriptionId: string, location: string, kind: string, id: string): string {
      return `${base}/subscriptions/${subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${location}/${kind}/${id}?api-version=${query['api-version'] ?? ARM_API_VERSION}`;
    }

    function putDeployment(
      w: WorkspaceState,
      endpoint: NonNullable<typeof ep>,
      name: string,
      raw: unknown,
      f: Flags,
    ) {
      // Required members of OnlineDeployments_CreateOrUpdate's body (mfe.json, 2022-10-01):
      // OnlineDeploymentTrackedResource requires `properties`, TrackedResource (common-types v3)
      // requires `location`, and OnlineDeploymentProperties requires its discriminator
      // `endpointComputeType` (Managed | Kubernetes in 2022-10-01; AzureMLCompute in later
      // versions). The status (400) and the error body `{ error: { code, message } }` follow the
      // spec's ErrorResponse; the codes and wording the service uses are (inferred).
      const b = asObject(raw, 'The request body must be a JSON object.');
      const props =
        b.properties && typeof b.properties === 'object' && !Array.isArray(b.properties)
          ? (b.properties as Record<string, unknown>)
          : undefined;
      if (typeof b.location !== 'string' || !b.location)
        throw new HttpError(
          400,
          'LocationRequired',
          "The 'location' property is required for this definition.",
        );
      if (!props)
        throw new HttpError(400, 'UserError', "The 'properties' of the online deployment are required.");
      if (!COMPUTE_TYPES.includes(String(props.endpointComputeType))) {
        throw new HttpError(
          400,
          'UserError',
          `properties.endpointComputeType is required: one of ${COMPUTE_TYPES.map((t) => `'${t}'`).join(', ')}.`,
        );
      }
      const existing = ctx.azure.deployment(w, endpoint.name, name);
      if (existing) assertNotBusy(existing.body);
      const before = existing ? structuredClone(existing.body) : undefined;
      // Members this emulator does not model are stored and returned as sent, as a service of a
      // newer API version keeps its newer members (inferred); read-only ones are replaced below.
      const resource: ArmResource = {
        ...b,
        id: `${w.armId}/onlineEndpoints/${endpoint.name}/deployments/${name}`,
        name,
        type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
        location: b.location,
        tags: (b.tags as Record<string, string> | undefined) ?? {},
        kind:
          (b.kind as string | undefined) ??
          (props.endpointComputeType === 'Kubernetes' ? 'Kubernetes' : 'Managed'),
        ...(b.sku ? { sku: b.sku as Record<string, unknown> } : {}),
        ...(b.identity ? { identity: b.identity as Record<string, unknown> } : {}),
        systemData: { ...ctx.azure.systemData(), lastModifiedAt: new Date().toISOString() },
        // Read-only members sent by a client are ignored, as the service does.
        properties: { ...props, provisioningState: existing ? 'Updating' : 'Creating' },
      };
      const target = existing ?? ctx.azure.addDeployment(w, endpoint, name, resource);
      target.body = resource;
      const op = startOperation(f, (ok) => {
        if (ok) target.body.properties.provisioningState = 'Succeeded';
        else
          target.body = {
            ...(before ?? resource),
            properties: { ...(before ?? resource).properties, provisioningState: 'Failed' },
          };
      });
      return {
        status: existing ? 200 : 201,
        body: target.body,
        headers: {
          'azure-asyncoperation': operationUrl(
            w.sub.subscriptionId,
            w.ws.location,
            'mfeOperationsStatus',
            op.id,
          ),
          'x-ms-async-operation-timeout': op.timeout,
        },
      };
    }
  }

  function assertNotBusy(resource: ArmResource): void {
    const state = resource.properties.provisioningState;
    if (state === 'Updating' || state === 'Creating' || state === 'Deleting' || state === 'Scaling') {
      throw new HttpError(
        409,
        'Conflict',
        `The deployment '${resource.name}' is ${String(state).toLowerCase()}; wait for the current operation to finish before updating it again.`,
      );
    }
  }

  function legacyRoute(
    method: string,
    seg: string[],
    lseg: string[],
    query: Record<string, string>,
    body: unknown,
    req: IncomingMessage,
    flags: Flags,
    /** The region whose own model-management host was called; undefined on the api host. */
    mmsRegion: string | undefined,
  ) {
    // seg: subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}/...
    const w =
      lseg[0] === 'subscriptions' && lseg[4] === 'providers' && lseg[6] === 'workspaces'
        ? ctx.azure.workspace(seg[1] ?? '', seg[3] ?? '', seg[7] ?? '')
        : undefined;
    const ownHost = w && separateMmsRegion(w.ws.location) ? w.ws.location.toLowerCase() : undefined;
    if (!w || ownHost !== mmsRegion?.toLowerCase())
      throw new HttpError(404, 'WorkspaceNotFound', `Workspace not found: ${seg.join('/')}`);
    const host = ownHost ? `${ctx.url()}/mms/${ownHost}` : ctx.url();
    const base = `${host}/modelmanagement/v1.0/${seg.slice(0, 8).join('/')}`;
    const rest = seg.slice(8);
    const lrest = lseg.slice(8);
    if (lrest[0] === 'operations' && rest.length === 2 && method === 'GET') {
      const op = operations.get(rest[1] ?? '');
      if (!op) throw new HttpError(404, 'OperationNotFound', `Operation ${rest[1]} not found.`);
      const state = pollOperation(op);
      return {
        status: 200,
        body: {
          id: op.id,
          operationType: 'ServiceUpdate',
          state: state === 'running' ? 'Running' : state === 'succeeded' ? 'Succeeded' : 'Failed',
          createdTime: new Date().toISOString(),
          ...(op.failure && state === 'failed'
            ? { error: { code: op.failure.code, message: op.failure.message, statusCode: 400 } }
            : {}),
        },
      };
    }
    if (lrest[0] !== 'services') throw new HttpError(404, 'NotFound', `Path not found: ${rest.join('/')}`);
    if (rest.length === 1 && method === 'GET') {
      let all = ctx.azure.legacyOf(w).map((s) => s.body);
      if (query.computeType)
        all = all.filter((s) => String(s.computeType).toLowerCase() === query.computeType?.toLowerCase());
      const size = ctx.pageSizes.services;
      const skip = Number(query.skipToken ?? 0) || 0;
      const next =
        skip + size < all.length
          ? `${base}/services?${new URLSearchParams({
              ...(query.expand ? { expand: query.expand } : {}),
              ...(query.computeType ? { computeType: query.computeType } : {}),
              skipToken: String(skip + size),
            }).toString()}`
          : undefined;
      return {
        status: 200,
        body: { value: all.slice(skip, skip + size), ...(next ? { nextLink: next } : {}) },
      };
    }
    const svc = ctx.azure.legacyService(w, rest[1] ?? '');
    if (!svc)
      throw new HttpError(
        404,
        'ServiceNotFound',
        `No service with name ${rest[1]} found in provided workspace.`,
      );
    if (rest.length === 2 && method === 'GET') return { status: 200, body: svc.body };
    if (rest.length === 2 && method === 'PATCH') {
      const type = req.headers['content-type'] ?? '';
      if (!type.includes('application/json-patch+json'))
        throw new HttpError(
          415,
          'UnsupportedMediaType',
          'Service updates take Content-Type application/json-patch+json.',
        );
      if (!Array.isArray(body) || body.length === 0)
        throw new HttpError(400, 'BadRequest', 'The body must be a non-empty JSON patch document.');
      for (const op of body as Record<string, unknown>[]) {
        if (op.op !== 'replace' || op.path !== '/appInsightsEnabled' || typeof op.value !== 'boolean') {
          throw new HttpError(
            400,
            'BadRequest',
            `Unsupported patch operation: ${JSON.stringify(op)}. Only replace of /appInsightsEnabled with a boolean is allowed here.`,
          );
        }
      }
      if (svc.body.state === 'Transitioning')
        throw new HttpError(
          409,
          'Conflict',
          `Service ${svc.service.name} is being updated; try again when the update has finished.`,
        );
      const value = (body as { value: boolean }[]).at(-1)!.value;
      const before = structuredClone(svc.body);
      svc.body.state = 'Transitioning';
      const op = startOperation(flags, (ok) => {
        if (ok)
          svc.body = {
            ...svc.body,
            appInsightsEnabled: value,
            state: 'Healthy',
            updatedTime: new Date().toISOString(),
          };
        else
          svc.body = {
            ...before,
            state: 'Failed',
            error: {
              code: 'DeploymentFailed',
              message: 'Service update failed: the container did not become healthy.',
            },
          };
      });
      svc.body.operationId = op.id;
      // azureml-core keeps only the last segment of Operation-Location and polls
      // {base}/operations/{id} (azureml/core/webservice/webservice.py); what the header holds besides
      // the id is not documented. Here it is a path that is not the polling URL (inferred), so a
      // client that follows the header instead fails here.
      return {
        status: 202,
        headers: {
          'operation-location': `/api/${seg.slice(0, 8).join('/')}/operations/${op.id}`,
          'x-ms-async-operation-timeout': op.timeout,
        },
      };
    }
    if (rest.length === 3 && lrest[2] === 'logs' && method === 'GET') {
      const tail = query.tail === undefined ? 5000 : Number(query.tail);
      if (!Number.isInteger(tail) || tail < 0)
        throw new HttpError(400, 'BadRequest', 'tail must be a non-negative integer.');
      const init = (query.init ?? 'false').toLowerCase() === 'true';
      return {
        status: 200,
        body: {
          content: ctx.logs.content(
            legacyLogKey(
              {
                subscriptionId: w.sub.subscriptionId,
                workspaceName: w.ws.name,
                serviceName: svc.service.name,
              },
              init,
            ),
            tail,
          ),
        },
      };
    }
    throw new HttpError(405, 'MethodNotAllowed', `${method} is not supported here.`);
  }

  function queryRoute(
    req: IncomingMessage,
    seg: string[],
    lseg: string[],
    body: unknown,
    flags: Flags,
    doubledSlash: boolean,
  ) {
    // The Logs service answers a doubled slash in a query path (`/v1//subscriptions/...`, what
    // @azure/monitor-query-logs 1.0.0 sends for an ARM id with its leading slash) with 403
    // InsufficientAccessError, not with a routing error (Azure/azure-sdk-for-js issues #39361 and
    // #38292; body shape from sdk/monitor/monitor-query/TROUBLESHOOTING.md, "Insufficient access
    // error for logs query"). Answered as such, so a client that sends it fails here as in Azure.
    if (doubledSlash)
      throw new HttpError(
        403,
        'InsufficientAccessError',
        'The provided credentials have insufficient access to perform the requested operation',
        {},
        { correlationId: randomUUID() },
      );
    const prefer = String(req.headers.prefer ?? '');
    const run = (scope: QueryScope, b: unknown, preferText: string) => {
      const { query, timespan } = asObject(b, 'The request body must be a JSON object.');
      if (typeof query !== 'string' || !query.trim()) {
        return {
          status: 400,
          body: {
            error: {
              code: 'BadArgumentError',
              message: 'The request had some invalid properties',
              details: [
                { code: 'QueryValidationError', message: "Parameter 'query' cannot be null or empty" },
              ],
            },
          },
        };
      }
      return ctx.query.run({
        scope,
        query,
        ...(typeof timespan === 'string' ? { timespan } : {}),
        partialError: flags.has('partialQuery'),
        includeStatistics: /include-statistics=true/i.test(preferText),
        includeRender: /include-render=true/i.test(preferText),
      });
    };
    /** A single query's answer: a result goes out in pieces as its rows are made. */
    const single = (answer: ReturnType<typeof run>): RouteAnswer =>
      'pieces' in answer ? { status: answer.status, pieces: () => answer.pieces() } : answer;
    if (lseg[0] === '$batch') {
      const requests = asObject(body, 'The request body must be a JSON object.').requests;
      if (!Array.isArray(requests))
        throw new HttpError(400, 'BadArgumentError', "The batch body must have a 'requests' array.");
      const responses = (requests as Record<string, unknown>[]).map((r) => {
        const headers = (r.headers ?? {}) as Record<string, string>;
        const answer = run(
          { kind: 'logAnalytics', customerId: typeof r.workspace === 'string' ? r.workspace : '' },
          r.body,
          headers.prefer ?? headers.Prefer ?? '',
        );
        return { id: r.id, status: answer.status, body: answer.body };
      });
      return Promise.resolve({ status: 200, body: { responses } });
    }
    if (lseg[0] === 'workspaces' && lseg.length === 3)
      return Promise.resolve(single(run({ kind: 'logAnalytics', customerId: seg[1] ?? '' }, body, prefer)));
    // Resource-centric: the engine knows which component or Log Analytics workspace an ARM id names.
    return Promise.resolve(
      single(run({ kind: 'resource', resourceId: `/${seg.slice(0, -1).join('/')}` }, body, prefer)),
    );
  }

  function separateMmsRegion(region: string): boolean {
    const regions = ctx.azure.scenario.separateModelManagementHost ?? [];
    return regions.some((r) => r.toLowerCase() === region.toLowerCase());
  }

  function page(path: string, query: Record<string, string>, items: unknown[], size: number) {
    const skip = Number(query.$skip ?? 0) || 0;
    const next =
      skip + size < items.length
        ? `${ctx.url()}${path}?api-version=${query['api-version']}&$skip=${skip + size}`
        : undefined;
    return {
      status: 200,
      body: { value: items.slice(skip, skip + size), ...(next ? { nextLink: next } : {}) },
    };
  }

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const scoringPath = new URL(req.url ?? '/', 'https://emulator').pathname.replace(/\/{2,}/g, '/');
    if (ctx.scoring.handles(scoringPath)) {
      // Scoring bodies are read as a stream by the scoring service; the record keeps no body.
      const record: RecordedRequest = {
        method: (req.method ?? 'POST').toUpperCase(),
        path: scoringPath,
        query: Object.fromEntries(new URL(req.url ?? '/', 'https://emulator').searchParams.entries()),
        headers: Object.fromEntries(
          Object.entries(req.headers)
            .filter(([k]) => k !== 'authorization')
            .map(([k, v]) => [k, String(v)]),
        ),
        body: undefined,
        status: 0,
        time: Date.now(),
      };
      ctx.requests.push(record);
      res.on('finish', () => (record.status = res.statusCode));
      ctx.scoring.handle(req, res, scoringPath).catch((e: unknown) => {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: e instanceof Error ? e.message : String(e) }));
      });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void respond(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  };

  async function respond(req: IncomingMessage, res: ServerResponse, text: string): Promise<void> {
    // Prefixing the origin keeps a path that starts with '//' a path (not a protocol-relative host),
    // and no slash is collapsed: a doubled slash reaches the routes as the client sent it.
    const url = new URL(`https://emulator${req.url ?? '/'}`);
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(
      Object.entries(req.headers)
        .filter(([k]) => k !== 'authorization')
        .map(([k, v]) => [k, String(v)]),
    );
    let body: unknown = undefined;
    const record: RecordedRequest = {
      method,
      path,
      query,
      headers,
      body: text || undefined,
      status: 0,
      time: Date.now(),
    };
    ctx.requests.push(record);
    res.once('close', () => {
      record.outcome = res.writableFinished ? 'answered' : 'aborted';
    });
    const requestId = randomUUID();
    /** A fault that spoils the normal answer on its way out (set by applyFault). */
    let spoil: 'resetMidBody' | 'truncatedJson' | 'foreignLinks' | undefined;
    let foreignOrigin = '';
    const send = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      record.status = status;
      if (res.destroyed) return;
      let text =
        payload instanceof JsonText ? payload.text : payload === undefined ? '' : JSON.stringify(payload);
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'x-ms-request-id': requestId,
        'x-ms-correlation-request-id': requestId,
        ...extra,
      };
      if (spoil === 'foreignLinks') {
        // Links that lead off the service (a compromised or misconfigured front end; inferred): the
        // client must not follow them with its token.
        text = text.split(ctx.url()).join(foreignOrigin);
        for (const [name, value] of Object.entries(headers))
          headers[name] = value.split(ctx.url()).join(foreignOrigin);
      }
      if (spoil === 'resetMidBody') {
        // Headers promise the whole body; half of it arrives, then the connection is reset (a
        // load balancer or a flaky network between client and Azure; inferred, no Azure source).
        const bytes = Buffer.from(text);
        res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.destroy());
        return;
      }
      if (spoil === 'truncatedJson') {
        // A complete HTTP answer whose JSON ends halfway (a proxy that lost the end; inferred).
        res.writeHead(status, headers);
        res.end(text.slice(0, Math.floor(text.length / 2)));
        return;
      }
      res.writeHead(status, headers);
      res.end(text);
    };
    /** Writes a JSON answer piece by piece as it is made (chunked), waiting whenever the client is slow. */
    const sendPieces = async (
      status: number,
      pieces: Iterable<string>,
      extra: Record<string, string> = {},
    ) => {
      record.status = status;
      if (res.destroyed) return;
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-ms-request-id': requestId,
        'x-ms-correlation-request-id': requestId,
        ...extra,
      });
      for (const piece of pieces) {
        // A client that went away (cancel) stops the rows being made.
        if (res.destroyed) return;
        if (!res.write(piece)) {
          await new Promise<void>((ok) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              ok();
            };
            res.on('drain', done);
            res.on('close', done);
          });
        }
      }
      res.end();
    };
    try {
      if (text) {
        try {
          body = JSON.parse(text) as unknown;
          record.body = body;
        } catch {
          throw new HttpError(
            400,
            'InvalidRequestContent',
            'The request content was invalid and could not be deserialized.',
          );
        }
      }
      if (ctx.latencyMs > 0) await sleep(ctx.latencyMs);
      const fault = ctx.faults.take(method, path, undefined, [
        'lroFailed',
        'partialQuery',
        'growingLastLine',
        'inProgressForever',
      ]);
      if (fault?.kind === 'resetMidBody' || fault?.kind === 'truncatedJson') spoil = fault.kind;
      else if (fault?.kind === 'foreignLinks') {
        spoil = fault.kind;
        foreignOrigin = fault.foreignOrigin ?? 'https://foreign.invalid';
      } else if (fault) {
        const handled = await applyFault(fault, req, send, res);
        if (handled) return;
      }
      const isPublic = path.toLowerCase().startsWith('/discovery/');
      if (!isPublic)
        checkToken(
          req.headers.authorization,
          isLogsApi(method, path.toLowerCase().split('/').filter(Boolean)),
        );
      const flags: Flags = new Map();
      for (const kind of ['lroFailed', 'partialQuery', 'growingLastLine', 'inProgressForever'] as const) {
        const spec = ctx.faults.take(method, path, [kind]);
        if (spec) flags.set(kind, spec);
      }
      const answer = await route(req, path, query, body, flags);
      if (answer.pieces && !spoil) await sendPieces(answer.status, answer.pieces(), answer.headers);
      else if (answer.pieces)
        send(answer.status, new JsonText([...answer.pieces()].join('')), answer.headers);
      else send(answer.status, answer.body, answer.headers);
    } catch (e) {
      if (e instanceof HttpError)
        send(e.status, { error: { code: e.code, message: e.message, ...e.extra } }, e.headers);
      else if (e instanceof MonitorError)
        send(
          e.status,
          e.flat ? { code: e.code, message: e.message } : { error: { code: e.code, message: e.message } },
        );
      else
        send(500, {
          error: { code: 'InternalServerError', message: e instanceof Error ? e.message : String(e) },
        });
    }
  }

  /**
   * Every API checks that the token was issued for it. ARM answers a token for another resource
   * with 401 InvalidAuthenticationTokenAudience, "The access token has been obtained for wrong
   * audience or resource '…'. It should exactly match with one of the allowed audiences '…'."
   * (Azure-Samples/active-directory-dotnetcore-daemon-v2#145, JetBrains/azure-tools-for-intellij#16).
   * The Logs API answers 403 InvalidTokenError, "The provided authentication is not valid for this
   * resource" (Azure/azure-sdk-for-js#15399, microsoft/onefuzz#3287). The v1 model-management API
   * takes the ARM token (azureml-core authenticates it with the ARM audience); its answer to
   * another audience is (inferred) ARM's.
   */
  function checkToken(authorization: string | undefined, logsApi: boolean): void {
    const bearer = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    const audience = bearer ? emulatorTokenAudience(bearer) : undefined;
    if (audience === undefined) {
      throw new HttpError(
        401,
        authorization ? 'InvalidAuthenticationToken' : 'AuthenticationFailed',
        authorization
          ? 'The access token is invalid.'
          : "Authentication failed. The 'Authorization' header is missing.",
        {
          'www-authenticate':
            'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"',
        },
      );
    }
    const expected = audienceOf(logsApi ? ctx.logsAudience() : ctx.armAudience());
    if (audience === expected) return;
    if (logsApi) {
      throw new HttpError(
        403,
        'InvalidTokenError',
        'The provided authentication is not valid for this resource',
      );
    }
    const message =
      `The access token has been obtained for wrong audience or resource '${audience}'. ` +
      `It should exactly match with one of the allowed audiences '${expected}/','${expected}'.`;
    throw new HttpError(401, 'InvalidAuthenticationTokenAudience', message, {
      'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="${message}"`,
    });
  }

  async function applyFault(
    fault: FaultSpec,
    req: IncomingMessage,
    send: (s: number, b: unknown, h?: Record<string, string>) => void,
    res: ServerResponse,
  ): Promise<boolean> {
    const retryAfter: Record<string, string> =
      fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
    switch (fault.kind) {
      case 'slow':
        await sleep(fault.delayMs ?? 2000);
        return false;
      case 'drop':
        req.socket.destroy();
        return true;
      case '429':
        send(
          429,
          {
            error: {
              code: 'TooManyRequests',
              message:
                'The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00.',
            },
          },
          { 'retry-after': String(fault.retryAfterSeconds ?? 1) },
        );
        return true;
      case '500':
        send(
          500,
          {
            error: {
              code: 'InternalServerError',
              message: 'Encountered internal server error. Please try again.',
            },
          },
          retryAfter,
        );
        return true;
      case '503':
        send(
          503,
          {
            error: {
              code: 'ServiceUnavailable',
              message: 'The service is temporarily unavailable. Please try again later.',
            },
          },
          retryAfter,
        );
        return true;
      case '401':
        send(
          401,
          {
            error: {
              code: 'ExpiredAuthenticationToken',
              message: 'The access token expiry UTC time is earlier than current UTC time.',
            },
          },
          {
            'www-authenticate':
              'Bearer error="invalid_token", error_description="The access token has expired"',
          },
        );
        return true;
      case '403':
        send(403, {
          error: {
            code: 'AuthorizationFailed',
            message: `The client 'user@contoso.com' with object id '00000000-0000-0000-0000-000000000001' does not have authorization to perform action on scope '${new URL(req.url ?? '/', 'https://x').pathname}' or the scope is invalid.`,
          },
        });
        return true;
      case '404':
        send(404, { error: { code: 'ResourceNotFound', message: 'The requested resource was not found.' } });
        return true;
      case 'htmlGateway':
        // What Azure Application Gateway / Front Door answer when the backend fails: an HTML page
        // titled "502 Bad Gateway" (learn.microsoft.com/azure/application-gateway/
        // application-gateway-troubleshooting-502; the page's exact markup is inferred).
        res.writeHead(502, { 'content-type': 'text/html', ...retryAfter });
        res.end(
          '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title><style>body{font-family:x}</style></head>' +
            '<body><h1>502 Bad Gateway</h1><script>alert(1)</script><p>Microsoft-Azure-Application-Gateway/v2</p>' +
            `<!-- ${'padding '.repeat(500)} --></body></html>\n`,
        );
        return true;
      case 'echoHeaders':
        // A front end that echoes the request it refused, headers included (seen in proxies and
        // custom gateways; inferred): the client must not show or log the token it sent.
        send(400, {
          error: {
            code: 'InvalidRequest',
            message: `Request rejected. Headers: ${Object.entries(req.headers)
              .map(([k, v]) => `${k}: ${String(v)}`)
              .join('; ')}`,
          },
        });
        return true;
      case '409':
        send(409, {
          error: {
            code: 'Conflict',
            message: 'Another operation is in progress on this resource. Try again when it has finished.',
          },
        });
        return true;
      default:
        return false;
    }
  }

  return {
    handle,
    dispose: () => {
      for (const op of operations.values()) clearTimeout(op.timer);
      operations.clear();
    },
  };
}

/** Requests for the Logs query API (`lseg`: the lower-case path split on '/'), with or without /v1. */
function isLogsApi(method: string, lseg: string[]): boolean {
  const rest = lseg[0] === 'v1' ? lseg.slice(1) : lseg;
  return method === 'POST' && (rest.at(-1) === 'query' || rest[0] === '$batch');
}

function asObject(value: unknown, message: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new HttpError(400, 'BadRequest', message);
  return value as Record<string, unknown>;
}

/** What a route answers: a body to send whole, or JSON text in pieces to send as they are made. */
interface RouteAnswer {
  status: number;
  body?: unknown;
  pieces?: () => Iterable<string>;
  headers?: Record<string, string>;
}

/** JSON text that is already written (a streamed answer joined for a fault that spoils it). */
class JsonText {
  constructor(readonly text: string) {}
}
