// The scoring URIs of the emulated online endpoints: key, AML token and Microsoft Entra auth,
// traffic split and pinning, the documented error codes, and the telemetry each answered request
// leaves in Application Insights and Log Analytics, with the ids the request really had.
//
// Sources:
// - Status codes, their meaning and the ms-azureml-model-error-* headers: "Troubleshoot online
//   endpoint deployment and scoring", HTTP status codes (MicrosoftDocs/azure-ai-docs,
//   articles/machine-learning/how-to-troubleshoot-online-endpoints.md).
// - x-request-id (overridden to a GUID) and x-ms-client-request-id (alphanumerics, '-' and '_',
//   at most 40 characters): the same page, "Request tracing".
// - Keys and tokens: POST .../onlineEndpoints/{name}/listKeys → {primaryKey, secondaryKey} and
//   POST .../onlineEndpoints/{name}/token → {accessToken, tokenType, expiryTimeUtc,
//   refreshAfterTimeUtc} (Azure/azure-rest-api-specs, machinelearningservices stable/2022-10-01,
//   examples/OnlineEndpoint/listKeys.json and getToken.json). All three modes send
//   "Authorization: Bearer <key or token>" (how-to-authenticate-online-endpoint.md).
// - Pinning with the azureml-model-deployment request header: how-to-safely-rollout-online-endpoints.md.
// - Telemetry rows: microsoft/azureml-inference-server, server/routes.py (x-request-id, legacy
//   x-ms-request-id, x-ms-client-request-id, x-ms-run-fn-exec-ms; the "POST /score 200 12.345ms"
//   console line) and server/appinsights_client.py (requests with Workspace Name / Service Name and
//   ai.operation.* attributes, exceptions and model_data_collection traces with Container Id /
//   Request Id / Client Request Id; print() goes to traces as the message). The same file turns on
//   RequestsInstrumentor, so an HTTP call score.py makes with `requests` is a dependency row; the
//   request span is started only when the request is logged, after the answer, so such a call is
//   not its child: it carries its own operation id (read from log_request()).
// - print() also reaches the container's stdout through the azmlinfsrv.print logger
//   (server/print_hook.py), as "<date> <time>,<ms> I [<pid>] azmlinfsrv.print - <text>" (the format
//   the server's own tests match in tests/server/test_server.py).
// - Column names of AmlOnlineEndpointTrafficLog / AmlOnlineEndpointConsoleLog and of the classic and
//   workspace-based (App*) Application Insights tables: Azure Monitor's table reference
//   (MicrosoftDocs/azure-reference-other, azure-monitor-ref/tables/includes/<table>-include.md) and
//   query/appTables.ts. Workspace-based components get every row twice: in the classic table of the
//   component and in the App* table of its Log Analytics workspace, with the same ids.
// - Health profiles (health.ts, issue 14) decide how a deployment answers: see profileAnswer().
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { emulatorTokenAudience } from '../../src/azure/credentials';
import type { FaultController } from './faults';
import { type HealthProfile, latencyOf, statusMixOf } from './health';
import type { QueryEngine } from './query';
import { formatDatetime } from './query/evaluate';
import { type ClassicTable, workspaceBasedCells } from './query/appTables';
import type { LiveTelemetry } from './query/live';
import { stableGuid } from './random';
import type { DeploymentState, EmulatedAzure, WorkspaceState } from './resources';
import type { ScenarioEndpoint } from './scenario';

/** Path prefix of scoring URIs on the emulator: /inference/{region}/{endpoint}/score. */
export const SCORING_PREFIX = '/inference/';

/** The emulator cannot own *.inference.ml.azure.com: a path on its own host stands in (inferred). */
export function scoringUriOf(baseUrl: string, location: string, endpointName: string): string {
  return `${baseUrl}${SCORING_PREFIX}${location}/${endpointName}/score`;
}

/** How long an AML token lives (inferred: the CLI shows about an hour). */
const TOKEN_LIFETIME_S = 3600;
/** What the emulated score.py spends on a request before any injected delay, in ms. */
const MODEL_BASE_MS = 15;

export interface ScoringRecord {
  endpoint: string;
  deployment?: string;
  status: number;
  requestId: string;
  clientRequestId: string;
  /** Whether the Authorization header held a valid credential (never the credential itself). */
  authorized: boolean;
  pinned: boolean;
  /** SHA-256 of the request body as received (hex): tells whether two requests sent the same body. */
  bodySha256: string;
  /** Requests the deployment held when this one arrived, its own excluded (other callers' included). */
  inFlight?: number;
  /** The deployment's limit of requests in parallel (2 × max concurrent × instances). */
  limit?: number;
}

interface Issued {
  endpointId: string;
  expiresAt: number;
}

interface Answer {
  status: number;
  body: string;
  contentType: string;
  headers: Record<string, string>;
}

export class ScoringService {
  private readonly tokens = new Map<string, Issued>();
  private readonly inFlight = new Map<string, number>();
  private readonly rotation = new Map<string, number>();
  /** Smooth round-robin state of each deployment's health-profile outcomes. */
  private readonly outcomes = new Map<string, Map<string, number>>();
  /** Every scoring request answered, in order (what tests assert on). */
  readonly records: ScoringRecord[] = [];

  constructor(
    private readonly ctx: {
      azure: EmulatedAzure;
      faults: FaultController;
      query: QueryEngine;
      live: LiveTelemetry;
      now: () => Date;
      seed: number;
    },
  ) {}

  // ── Control plane: keys and tokens ───────────────────────────────────────────────────────────

  keysOf(endpointId: string): { primaryKey: string; secondaryKey: string } {
    const key = (which: string) =>
      Buffer.from(stableGuid(this.ctx.seed, `${endpointId.toLowerCase()}#${which}`).replace(/-/g, ''), 'hex')
        .toString('base64')
        .replace(/=+$/, '');
    return { primaryKey: key('primaryKey'), secondaryKey: key('secondaryKey') };
  }

  issueToken(endpointId: string): {
    accessToken: string;
    tokenType: string;
    expiryTimeUtc: number;
    refreshAfterTimeUtc: number;
  } {
    const nowS = Math.floor(this.ctx.now().getTime() / 1000);
    const accessToken = randomBytes(48).toString('base64url');
    this.tokens.set(accessToken, {
      endpointId: endpointId.toLowerCase(),
      expiresAt: (nowS + TOKEN_LIFETIME_S) * 1000,
    });
    // Epoch seconds (the spec types them as integers; inferred unit).
    return {
      accessToken,
      tokenType: 'Bearer',
      expiryTimeUtc: nowS + TOKEN_LIFETIME_S,
      refreshAfterTimeUtc: nowS + TOKEN_LIFETIME_S / 2,
    };
  }

  /** Expires every AML token issued so far (tests of the 401 path). */
  expireTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  // ── Data plane: the scoring URI ──────────────────────────────────────────────────────────────

  handles(path: string): boolean {
    return path.toLowerCase().startsWith(SCORING_PREFIX);
  }

  /** Answers one request to a scoring URI; the body is read here, as a stream. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const started = this.ctx.now().getTime();
    const perfStart = performance.now();
    const body = Buffer.concat(chunks);
    const [, , location = '', endpointName = '', route = ''] = path.split('/');

    // x-request-id: kept when it is a GUID, otherwise replaced by one ("Request tracing").
    const sentRequestId = header(req, 'x-request-id');
    const requestId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sentRequestId)
      ? sentRequestId
      : randomUUID();
    const clientRequestId = header(req, 'x-ms-client-request-id')
      .replace(/[^A-Za-z0-9_-]/g, '')
      .slice(0, 40);
    const tracing: Record<string, string> = {
      'x-request-id': requestId,
      // The inference server's legacy header: the client request id, or the request id without one.
      'x-ms-request-id': clientRequestId || requestId,
      ...(clientRequestId ? { 'x-ms-client-request-id': clientRequestId } : {}),
    };
    const send = (answer: Answer) => {
      if (res.destroyed) return;
      res.writeHead(answer.status, {
        'content-type': answer.contentType,
        ...tracing,
        ...answer.headers,
      });
      res.end(answer.body);
    };
    const message = (status: number, text: string, headers: Record<string, string> = {}): Answer => ({
      status,
      body: JSON.stringify({ message: text }),
      contentType: 'application/json',
      headers,
    });

    const found = this.findEndpoint(location, endpointName);
    if (!found || route.toLowerCase() !== 'score') {
      send(message(404, 'The requested scoring URI does not exist.'));
      return;
    }
    const { workspace, endpoint, endpointId } = found;
    const authorized = this.authorize(endpoint, endpointId, header(req, 'authorization'));
    const pinnedName = header(req, 'azureml-model-deployment');
    const record: ScoringRecord = {
      endpoint: endpoint.name,
      status: 0,
      requestId,
      clientRequestId,
      authorized,
      pinned: Boolean(pinnedName),
      bodySha256: createHash('sha256').update(body).digest('hex'),
    };
    this.records.push(record);
    const finish = (answer: Answer, deployment?: DeploymentState, modelStatus = 0, modelMs = 0) => {
      record.status = answer.status;
      if (deployment) record.deployment = deployment.body.name;
      send(answer);
      this.writeTrafficLog(workspace, endpoint, deployment, {
        started,
        requestId,
        clientRequestId,
        status: answer.status,
        modelStatus,
        modelMs,
        totalMs: performance.now() - perfStart,
        requestBytes: body.length,
        responseBytes: Buffer.byteLength(answer.body),
        authType: endpoint.authMode,
      });
    };

    if (!authorized) {
      // 401: "your token is expired or in the wrong format" (status code table).
      finish(
        message(
          401,
          header(req, 'authorization')
            ? 'The key or token is not valid for this endpoint, or it expired.'
            : 'Authorization header is missing.',
          { 'www-authenticate': 'Bearer' },
        ),
      );
      return;
    }

    const deployments = this.ctx.azure.deploymentsOf(workspace, endpoint.name);
    let deployment: DeploymentState | undefined;
    if (pinnedName) {
      // Pinning reaches a deployment whatever its traffic share (safe rollout how-to).
      deployment = deployments.find((d) => d.body.name.toLowerCase() === pinnedName.toLowerCase());
      if (!deployment) {
        // (inferred) The service's exact text is not documented.
        finish(message(404, `Deployment '${pinnedName}' was not found in endpoint '${endpoint.name}'.`));
        return;
      }
    } else {
      deployment = this.route(endpoint, deployments);
      if (!deployment) {
        // 404: "The endpoint doesn't have any valid deployment with positive weight."
        finish(message(404, "The endpoint doesn't have any valid deployment with positive weight."));
        return;
      }
    }
    const kubernetes = deployment.body.properties.endpointComputeType === 'Kubernetes';
    const modelHeader = { 'azureml-model-deployment': deployment.body.name };

    const fault = this.ctx.faults.take(req.method ?? 'POST', path, [
      '408',
      '424',
      '429',
      '502',
      '503',
      'slow',
      'drop',
    ]);
    if (fault?.kind === 'drop') {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault?.kind === '429') {
      // 429 "Rate-limited": requests per second above the endpoint limit.
      finish(
        message(429, 'Rate limit of the endpoint exceeded.', {
          ...modelHeader,
          'retry-after': String(fault.retryAfterSeconds ?? 1),
        }),
        deployment,
      );
      return;
    }
    if (fault?.kind === '503') {
      // Kubernetes table: 503 under large spikes in requests per second.
      finish(
        message(503, 'The service is temporarily unable to handle the request.', modelHeader),
        deployment,
      );
      return;
    }

    const profile = this.profileOf(deployment);
    const outcome = fault ? '200' : this.nextOutcome(deployment, profile);
    if (outcome === '503') {
      // crashLoop: the container is restarting and no instance is ready to take the request;
      // scaleOut: a spike beyond the ready instances while more are added. (Inferred for managed
      // deployments: the guide's Kubernetes table gives 503 for "large spikes in requests per
      // second"; its managed table names no code for either, and the profiles' metrics show 503.)
      finish(
        profile === 'crashLoop'
          ? message(503, 'No ready instance of the deployment could take the request.', modelHeader)
          : message(503, 'The service is temporarily unable to handle the request.', modelHeader),
        deployment,
      );
      return;
    }

    // 429 "Too many pending requests": more than 2 * max_concurrent_requests_per_instance *
    // instance_count requests in parallel. A throttled deployment also carries other callers'
    // requests: in the share of requests its metrics show as 429, they fill every slot (inferred).
    const limit = this.concurrencyLimit(deployment);
    const ours = this.inFlight.get(deployment.armId) ?? 0;
    const running = profile === 'throttled' && outcome === '429' ? Math.max(ours, limit) : ours;
    record.inFlight = running;
    record.limit = limit;
    if (running >= limit) {
      finish(
        kubernetes
          ? message(503, 'The service is temporarily unable to handle the request.', modelHeader)
          : message(
              429,
              `Too many pending requests: at most ${limit} requests run in parallel on this deployment.`,
              modelHeader,
            ),
        deployment,
      );
      return;
    }
    if (/fail/i.test(String(deployment.body.properties.provisioningState))) {
      // 424 "comes with liveness or readiness probe failing": the container never became ready.
      finish(
        {
          ...message(424, 'The model container is not ready.', {
            ...modelHeader,
            'ms-azureml-model-error-statuscode': '502',
            'ms-azureml-model-error-reason': 'model_not_ready',
          }),
        },
        deployment,
        502,
      );
      return;
    }

    // How long run() takes: the profile's median latency for a slow or throttled deployment (its
    // metrics, health.ts), else a short fixed time; an injected 'slow' fault adds to it.
    const profileMs = profile === 'slow' || profile === 'throttled' ? latencyOf(profile)[0] : MODEL_BASE_MS;
    const delay = profileMs + (fault?.kind === 'slow' ? (fault.delayMs ?? 2000) : 0);
    const timeoutMs = this.timeoutMs(deployment);
    this.inFlight.set(deployment.armId, ours + 1);
    const release = () => this.inFlight.set(deployment.armId, (this.inFlight.get(deployment.armId) ?? 1) - 1);
    const print = (model: ModelResult, modelMs: number) => {
      const at = started + Math.round(modelMs * 0.9);
      this.writeConsole(workspace, endpoint, deployment, at, printLine(model, at));
    };
    if (fault?.kind !== '408' && delay > timeoutMs) {
      // 408: "The model execution took longer than the timeout supplied in request_timeout_ms"
      // (managed table; 504 in the Kubernetes table). The caller gets it when the timeout passes;
      // the container still finishes run() and logs the request, holding its slot until then
      // (inferred).
      await sleep(timeoutMs);
      finish(
        message(kubernetes ? 504 : 408, 'The request timed out.', modelHeader),
        deployment,
        0,
        timeoutMs,
      );
      void sleep(delay - timeoutMs, undefined, { ref: false }).then(() => {
        release();
        const model = runModel(body);
        print(model, delay);
        this.writeAppInsights(workspace, deployment, {
          started,
          requestId,
          clientRequestId,
          model,
          modelMs: delay,
        });
      });
      return;
    }
    let model: ModelResult;
    let modelMs: number;
    try {
      const modelStart = performance.now();
      await sleep(delay);
      // modelError: run() raises on this request (its metrics' 424 share; the error of its log).
      model = runModel(body, outcome === '424' ? 'Expected 2D array, got 1D array instead' : undefined);
      modelMs = performance.now() - modelStart;
    } finally {
      release();
    }
    if (outcome === '502') {
      // The container died while it ran the request (crashLoop: its liveness probe failed and it
      // was restarted; outOfMemory: the worker was SIGKILLed, health.ts logsOf): the gateway
      // answers 502 and the dead process exported nothing (inferred; the guide's Kubernetes table:
      // 502 for a crash in run()).
      finish(message(502, 'Bad gateway: the scoring container failed.', modelHeader), deployment, 0, modelMs);
      return;
    }
    print(model, modelMs);
    if (fault?.kind === '408') {
      // 408 (managed) / 504 (Kubernetes): run() took longer than request_timeout_ms. The
      // inference server still finishes and logs the request.
      this.writeAppInsights(workspace, deployment, { started, requestId, clientRequestId, model, modelMs });
      finish(message(kubernetes ? 504 : 408, 'The request timed out.', modelHeader), deployment, 0, modelMs);
      return;
    }
    this.writeAppInsights(workspace, deployment, { started, requestId, clientRequestId, model, modelMs });
    const containerHeaders = { ...modelHeader, 'x-ms-run-fn-exec-ms': modelMs.toFixed(3) };
    if (fault?.kind === '502' || (kubernetes && model.status >= 500)) {
      // Kubernetes table: 502 for an exception or crash in run().
      finish(
        message(502, 'Bad gateway: the scoring container failed.', containerHeaders),
        deployment,
        500,
        modelMs,
      );
      return;
    }
    if (fault?.kind === '424' || model.status !== 200) {
      // 424 "If your model container returns a non-200 response": its status and reason in headers,
      // its body passed on (inferred).
      const status = fault?.kind === '424' ? 500 : model.status;
      finish(
        {
          status: 424,
          body: model.body,
          contentType: 'application/json',
          headers: {
            ...containerHeaders,
            'ms-azureml-model-error-statuscode': String(status),
            'ms-azureml-model-error-reason': model.reason,
          },
        },
        deployment,
        status,
        modelMs,
      );
      return;
    }
    finish(
      { status: 200, body: model.body, contentType: 'application/json', headers: containerHeaders },
      deployment,
      200,
      modelMs,
    );
  }

  private findEndpoint(
    location: string,
    name: string,
  ): { workspace: WorkspaceState; endpoint: ScenarioEndpoint; endpointId: string } | undefined {
    for (const workspace of this.ctx.azure.workspaces.values()) {
      if (workspace.ws.location.toLowerCase() !== location.toLowerCase()) continue;
      const endpoint = this.ctx.azure.endpoint(workspace, name);
      if (endpoint)
        return { workspace, endpoint, endpointId: `${workspace.armId}/onlineEndpoints/${endpoint.name}` };
    }
    return undefined;
  }

  private authorize(endpoint: ScenarioEndpoint, endpointId: string, authorization: string): boolean {
    const match = /^Bearer (.+)$/.exec(authorization);
    if (!match?.[1]) return false;
    const presented = match[1];
    switch (endpoint.authMode) {
      case 'Key': {
        const keys = this.keysOf(endpointId);
        return presented === keys.primaryKey || presented === keys.secondaryKey;
      }
      case 'AMLToken': {
        const issued = this.tokens.get(presented);
        return (
          !!issued &&
          issued.endpointId === endpointId.toLowerCase() &&
          issued.expiresAt > this.ctx.now().getTime()
        );
      }
      case 'AADToken':
        // A Microsoft Entra token for the Azure ML data plane: audience https://ml.azure.com
        // (how-to-authenticate-online-endpoint); an ARM or Logs token is refused.
        return emulatorTokenAudience(presented) === 'https://ml.azure.com';
      default:
        return false;
    }
  }

  /**
   * Smooth weighted round robin over the traffic shares (nginx's algorithm): deterministic, and any
   * run of requests is split as the shares say (90/10 gives one green in every ten). Azure's own
   * choice is random by weight (inferred); the proportions are what a client can observe.
   */
  private route(endpoint: ScenarioEndpoint, deployments: DeploymentState[]): DeploymentState | undefined {
    const shares = deployments
      .map((d) => ({ d, weight: endpoint.traffic[d.body.name] ?? 0 }))
      .filter((s) => s.weight > 0);
    const total = shares.reduce((a, s) => a + s.weight, 0);
    if (total <= 0) return undefined;
    let best: { d: DeploymentState; current: number } | undefined;
    for (const s of shares) {
      const current = (this.rotation.get(s.d.armId) ?? 0) + s.weight;
      this.rotation.set(s.d.armId, current);
      if (!best || current > best.current) best = { d: s.d, current };
    }
    if (best) this.rotation.set(best.d.armId, best.current - total);
    return best?.d;
  }

  concurrencyLimit(deployment: DeploymentState): number {
    const settings = deployment.body.properties.requestSettings as
      { maxConcurrentRequestsPerInstance?: number } | undefined;
    const perInstance = settings?.maxConcurrentRequestsPerInstance ?? 1;
    const instances = Number(deployment.body.sku?.capacity ?? 1);
    return 2 * perInstance * instances;
  }

  private timeoutMs(deployment: DeploymentState): number {
    const settings = deployment.body.properties.requestSettings as { requestTimeout?: string } | undefined;
    const m = /^PT(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(settings?.requestTimeout ?? 'PT5S');
    return m ? (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 1000 : 5000;
  }

  private profileOf(deployment: DeploymentState): HealthProfile {
    const name = deployment.body.name.toLowerCase();
    return deployment.endpoint.deployments.find((d) => d.name.toLowerCase() === name)?.health ?? 'healthy';
  }

  /**
   * The status a crash-looping, throttled, out-of-memory, failing-model or scaling deployment
   * gives this request: a smooth round robin over the shares its metrics show (health.ts
   * statusMixOf), so a run of requests is split as the metrics say and a test can count on it. A
   * healthy or slow deployment answers by what happens to the request (its 400s are the caller's,
   * its 408s the timeout's).
   */
  private nextOutcome(deployment: DeploymentState, profile: HealthProfile): string {
    const mixed: HealthProfile[] = ['crashLoop', 'throttled', 'outOfMemory', 'modelError', 'scaleOut'];
    if (!mixed.includes(profile)) return '200';
    let state = this.outcomes.get(deployment.armId);
    if (!state) this.outcomes.set(deployment.armId, (state = new Map<string, number>()));
    const shares = Object.entries(statusMixOf(profile));
    const total = shares.reduce((a, [, w]) => a + w, 0);
    let best: { code: string; current: number } | undefined;
    for (const [code, weight] of shares) {
      const current = (state.get(code) ?? 0) + weight;
      state.set(code, current);
      if (!best || current > best.current) best = { code, current };
    }
    if (!best) return '200';
    state.set(best.code, best.current - total);
    return best.code;
  }

  // ── Telemetry ────────────────────────────────────────────────────────────────────────────────

  private componentOf(workspace: WorkspaceState) {
    if (!workspace.componentId) return undefined;
    const id = workspace.componentId.toLowerCase();
    return this.ctx.query.components.find((c) => c.componentId.toLowerCase() === id);
  }

  private containerOf(deployment: DeploymentState): { instance: string; containerId: string } {
    const suffix = stableGuid(this.ctx.seed, `${deployment.armId.toLowerCase()}#instance0`).slice(0, 10);
    return { instance: `${deployment.body.name}-${suffix}`, containerId: suffix.slice(0, 8) };
  }

  /** What the inference server exports for a request that reached the container. */
  private writeAppInsights(
    workspace: WorkspaceState,
    deployment: DeploymentState,
    r: { started: number; requestId: string; clientRequestId: string; model: ModelResult; modelMs: number },
  ): void {
    const component = this.componentOf(workspace);
    if (!component || deployment.body.properties.appInsightsEnabled !== true) return;
    const scope = { kind: 'appInsights', componentId: component.componentId } as const;
    const la = workspace.ws.appInsights?.logAnalyticsWorkspace;
    const now = this.ctx.now().getTime();
    // Each row in the component's classic table and, for a workspace-based component, in the App*
    // table of its Log Analytics workspace (the same data under the documented other names).
    const emit = (table: ClassicTable, time: number, cells: Record<string, unknown>) => {
      this.ctx.live.add(scope, table, time, cells, now);
      if (la)
        this.ctx.live.add(
          { kind: 'logAnalytics', customerId: la.customerId },
          workspaceBasedCells(table, cells, component.componentId).Type as string,
          time,
          { ...workspaceBasedCells(table, cells, component.componentId), TenantId: la.customerId },
          now,
        );
    };
    const { instance, containerId } = this.containerOf(deployment);
    // SERVICE_NAME on a managed deployment is not documented; the emulator uses the scenario's
    // serviceName, else the deployment name (the same as the generated telemetry, query/data.ts).
    const serviceName =
      deployment.endpoint.deployments.find((d) => d.name.toLowerCase() === deployment.body.name.toLowerCase())
        ?.serviceName ?? deployment.body.name;
    const common = {
      cloud_RoleName: serviceName,
      cloud_RoleInstance: instance,
      appId: component.appId,
      appName: component.name,
      sdkVersion: 'py3:otel1.27.0:ext1.0.0b28',
      itemCount: 1,
    };
    // The request span: operation_Id is the OpenTelemetry trace id; the server's ai.operation.id
    // and ai.operation.parentId attributes (x-request-id and x-ms-client-request-id) are not
    // standard attributes, so the exporter keeps them in customDimensions (inferred from
    // azure-monitor-opentelemetry-exporter, which maps only standard attributes to fields).
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const duration = Math.round(r.modelMs * 1000) / 1000;
    const success = r.model.status < 400;
    emit('requests', r.started, {
      timestamp: r.started,
      id: spanId,
      source: '',
      name: 'POST /score',
      url: `http://${instance}:31311/score`,
      success,
      resultCode: String(r.model.status),
      duration,
      performanceBucket: duration < 250 ? '<250ms' : '250ms-500ms',
      itemType: 'request',
      customDimensions: {
        'http.method': 'POST',
        'ai.operation.id': r.requestId,
        'ai.operation.parentId': r.clientRequestId,
        'Workspace Name': workspace.ws.name,
        'Service Name': serviceName,
      },
      operation_Name: 'POST /score',
      operation_Id: traceId,
      operation_ParentId: '',
      ...common,
    });
    const at = (offsetMs: number) => r.started + Math.round(offsetMs);
    // The emulated score.py looks its features up over HTTP with `requests` during run() (a
    // scenario choice): RequestsInstrumentor records the call, in a trace of its own.
    const dependencyMs = Math.round(r.modelMs * 0.4 * 1000) / 1000;
    emit('dependencies', at(r.modelMs * 0.2), {
      timestamp: at(r.modelMs * 0.2),
      id: randomBytes(8).toString('hex'),
      target: 'featurestore.internal:443',
      type: 'HTTP',
      name: 'POST /features/lookup',
      data: 'https://featurestore.internal/features/lookup',
      success: true,
      resultCode: '200',
      duration: dependencyMs,
      performanceBucket: '<250ms',
      itemType: 'dependency',
      customDimensions: { 'http.method': 'POST', 'http.status_code': 200 },
      operation_Name: '',
      operation_Id: randomBytes(16).toString('hex'),
      operation_ParentId: '',
      ...common,
    });
    // print() of score.py: the azmlinfsrv.print logger, outside any span (no operation id).
    emit('traces', at(r.modelMs * 0.9), {
      timestamp: at(r.modelMs * 0.9),
      message: r.model.printed,
      severityLevel: r.model.status >= 500 ? 3 : 1,
      itemType: 'trace',
      customDimensions: {},
      operation_Name: '',
      operation_Id: '',
      operation_ParentId: '',
      ...common,
    });
    if (r.model.status === 200) {
      emit('traces', at(r.modelMs), {
        timestamp: at(r.modelMs),
        message: 'model_data_collection',
        severityLevel: 1,
        itemType: 'trace',
        customDimensions: {
          'Container Id': containerId,
          'Request Id': r.requestId,
          'Client Request Id': r.clientRequestId,
          'Workspace Name': workspace.ws.name,
          'Service Name': serviceName,
          Models: [
            modelIdOf(deployment.body.properties.model).split('/models/').pop()?.replace('/versions/', ':') ??
              '',
          ],
          Input: JSON.stringify(r.model.input),
          Prediction: JSON.stringify(r.model.output),
        },
        operation_Name: '',
        operation_Id: '',
        operation_ParentId: '',
        ...common,
      });
    }
    if (r.model.exception) {
      const e = r.model.exception;
      emit('exceptions', at(r.modelMs), {
        timestamp: at(r.modelMs),
        problemId: `${e.type} at run`,
        type: e.type,
        outerType: e.type,
        outerMessage: e.message,
        outerMethod: 'run',
        method: 'run',
        severityLevel: 3,
        innermostType: e.type,
        innermostMessage: e.message,
        details: [
          {
            outerId: '0',
            type: e.type,
            message: e.message,
            parsedStack: [{ level: 0, method: 'run', assembly: 'score.py', fileName: 'score.py', line: 42 }],
          },
        ],
        itemType: 'exception',
        customDimensions: {
          'Container Id': containerId,
          'Request Id': r.requestId,
          'Client Request Id': r.clientRequestId,
        },
        operation_Name: '',
        operation_Id: '',
        operation_ParentId: '',
        ...common,
      });
    }
  }

  /** The endpoint's own rows: every request it answered, routed or not (diagnostic settings). */
  private writeTrafficLog(
    workspace: WorkspaceState,
    endpoint: ScenarioEndpoint,
    deployment: DeploymentState | undefined,
    r: {
      started: number;
      requestId: string;
      clientRequestId: string;
      status: number;
      modelStatus: number;
      modelMs: number;
      totalMs: number;
      requestBytes: number;
      responseBytes: number;
      authType: string;
    },
  ): void {
    const la = workspace.ws.appInsights?.logAnalyticsWorkspace;
    if (!la) return;
    if (deployment && deployment.body.properties.endpointComputeType !== 'Managed') return;
    const scope = { kind: 'logAnalytics', customerId: la.customerId } as const;
    const resourceId = `${workspace.armId}/onlineEndpoints/${endpoint.name}`.toUpperCase();
    const now = this.ctx.now().getTime();
    const requestMs = 1;
    const sendMs = 1;
    this.ctx.live.add(
      scope,
      'AmlOnlineEndpointTrafficLog',
      r.started,
      {
        TimeGenerated: r.started,
        Location: workspace.ws.location,
        OperationName: 'Microsoft.MachineLearningServices/onlineEndpoints/score',
        EndpointName: endpoint.name,
        DeploymentName: deployment?.body.name ?? '',
        Protocol: 'HTTP/1.1',
        Method: 'POST',
        Path: '/score',
        UserAgent: 'azureml-endpoint-monitor',
        ResponseCode: r.status,
        ResponseCodeReason: reasonOf(r.status),
        ModelStatusCode: r.modelStatus,
        ModelStatusReason: r.modelStatus ? reasonOf(r.modelStatus) : '',
        RequestPayloadSize: r.requestBytes,
        ResponsePayloadSize: r.responseBytes,
        XRequestId: r.requestId,
        XMSClientRequestId: r.clientRequestId,
        // Table reference: RequestDurationMs is start → last request byte received,
        // ResponseDurationMs start → first response byte from the model, TotalDurationMs start →
        // last byte sent back.
        TotalDurationMs: Math.max(Math.round(r.totalMs), requestMs + Math.round(r.modelMs) + sendMs),
        RequestDurationMs: requestMs,
        ResponseDurationMs: requestMs + Math.round(r.modelMs),
        RequestThrottlingDelayMs: 0,
        ResponseThrottlingDelayMs: 0,
        AuthType: r.authType,
        Type: 'AmlOnlineEndpointTrafficLog',
        TenantId: la.customerId,
        _ResourceId: resourceId,
      },
      now,
    );
    if (!deployment || r.modelStatus === 0) return;
    // The inference server's access line on its console (routes.py _after_request).
    const stamp = consoleStamp(r.started + r.modelMs);
    this.writeConsole(
      workspace,
      endpoint,
      deployment,
      r.started + Math.round(r.modelMs),
      `${stamp} I [17] azmlinfsrv - POST /score ${r.modelStatus} ${r.modelMs.toFixed(3)}ms ${r.responseBytes}`,
    );
  }

  /** One line of the inference-server container's console (diagnostic settings to Log Analytics). */
  private writeConsole(
    workspace: WorkspaceState,
    endpoint: ScenarioEndpoint,
    deployment: DeploymentState,
    time: number,
    message: string,
  ): void {
    const la = workspace.ws.appInsights?.logAnalyticsWorkspace;
    if (!la || deployment.body.properties.endpointComputeType !== 'Managed') return;
    const { instance } = this.containerOf(deployment);
    this.ctx.live.add(
      { kind: 'logAnalytics', customerId: la.customerId },
      'AmlOnlineEndpointConsoleLog',
      time,
      {
        TimeGenerated: time,
        Location: workspace.ws.location,
        OperationName: 'Microsoft.MachineLearningServices/onlineEndpoints/deployments/consolelog',
        InstanceId: instance,
        DeploymentName: deployment.body.name,
        ContainerName: 'inference-server',
        ContainerImageName: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
        Message: message,
        Type: 'AmlOnlineEndpointConsoleLog',
        TenantId: la.customerId,
        _ResourceId: `${workspace.armId}/onlineEndpoints/${endpoint.name}`.toUpperCase(),
      },
      this.ctx.now().getTime(),
    );
  }
}

/** The console's time stamp: "2026-11-29 10:00:00,123". */
function consoleStamp(epochMs: number): string {
  return formatDatetime(epochMs).replace('T', ' ').slice(0, 23).replace('.', ',');
}

/** What print() of the emulated score.py puts on stdout, through the azmlinfsrv.print logger. */
function printLine(model: ModelResult, at: number): string {
  return `${consoleStamp(at)} I [17] azmlinfsrv.print - ${model.printed}`;
}

interface ModelResult {
  status: number;
  reason: string;
  body: string;
  input: unknown;
  output: unknown;
  /** What score.py printed (one JSON record, as the scaffolded score.py prints it). */
  printed: string;
  exception?: { type: string; message: string };
}

/**
 * The emulated score.py: `{"data": [[numbers…], …]}` → one label per row. Input that is not JSON or
 * has no `data` is a 400 from run(); a row holding something other than numbers raises in the model
 * (500 and an exception), as the scaffolded score.py behaves.
 */
function runModel(body: Buffer, raises?: string): ModelResult {
  const scoreRequestId = randomUUID();
  const fail = (status: number, type: string, text: string, input: unknown): ModelResult => ({
    status,
    reason: status >= 500 ? 'model_error' : 'bad_request',
    body: JSON.stringify({ error: `${type}: ${text}`, request_id: scoreRequestId }),
    input,
    output: undefined,
    printed: JSON.stringify({
      event: 'request failed',
      level: 'ERROR',
      request_id: scoreRequestId,
      input,
      error: `${type}: ${text}`,
    }),
    ...(status >= 500 ? { exception: { type, message: text } } : {}),
  });
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    return fail(
      400,
      'JSONDecodeError',
      'Expecting value: line 1 column 1 (char 0)',
      body.toString('utf8').slice(0, 200),
    );
  }
  const data = (input as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return fail(400, 'KeyError', "'data'", input);
  if (raises) return fail(500, 'ValueError', raises, input);
  const output: number[] = [];
  for (const row of data) {
    const values = Array.isArray(row) ? row : [row];
    if (!values.every((v) => typeof v === 'number' && Number.isFinite(v)))
      return fail(
        500,
        'ValueError',
        `could not convert string to float: ${JSON.stringify(values.find((v) => typeof v !== 'number'))}`,
        input,
      );
    const sum = values.reduce((a: number, v) => a + (v as number), 0);
    output.push(sum > 10 ? 1 : 0);
  }
  return {
    status: 200,
    reason: 'OK',
    body: JSON.stringify(output),
    input,
    output,
    printed: JSON.stringify({ event: 'request', level: 'INFO', request_id: scoreRequestId, input, output }),
  };
}

function modelIdOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

function reasonOf(status: number): string {
  const reasons: Record<number, string> = {
    200: 'OK',
    400: 'Bad Request',
    401: 'Unauthorized',
    404: 'Not Found',
    408: 'Request Timeout',
    424: 'Failed Dependency',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return reasons[status] ?? '';
}
