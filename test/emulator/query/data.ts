// The telemetry behind the emulated Logs query API, generated from the scenario and a seed.
//
// Each table is a stream of rows on an endless time grid: row index i happens at
// (i + jitter) * step, so the last 7 days before now() always hold the same number of rows and
// new rows appear as time passes. Every cell is a pure function of (seed, stream, i): nothing is
// stored per row, the same seed gives the same rows, and 500,000 requests cost no memory until read.
import type { Scenario, ScenarioWorkspace } from '../scenario';
import { formatDatetime } from './evaluate';
import { type ClassicTable, WORKSPACE_COLUMNS, WORKSPACE_TABLE_OF } from './appTables';
import { guid, hashString, hex, pick, unit } from './random';
import { type Column, type KType, type Table, type Value, column } from './table';

export const WINDOW_MS = 7 * 86_400_000;
/** Rows of a table per component over 7 days (requests of the benchmark component excepted). */
export const ROWS_CAP = 40_000;
export const DEFAULT_BIG_ROWS = 500_000;
/** Length of the JSON message of the near-64 KB trace rows. */
export const BIG_PAYLOAD_CHARS = 65_000;

export interface DataOptions {
  seed: number;
  bigRows: number;
}

/** A table of a scope, with its time column so a request's timespan can hide rows outside it. */
export interface SourceTable {
  table: Table;
  timeColumn: string;
  /** Rows are in ascending time order (the timespan filter then binary-searches). */
  sorted: boolean;
}

export interface TelemetrySource {
  kind: 'deployment' | 'legacyService';
  /** SERVICE_NAME of the inference server: cloud_RoleName and the "Service Name" dimension. */
  roleName: string;
  /**
   * Which inference server writes the rows: 'current' exports through OpenTelemetry (print() text
   * in `message`, model_data_collection traces); 'older' is the OpenCensus one of the source
   * document (printed JSON under customDimensions.Contents). v1 services run the older one.
   */
  server: 'current' | 'older';
  endpointName?: string;
  deploymentName?: string;
  serviceName?: string;
  computeType: string;
  /** Requests per minute. */
  weight: number;
  failRate: number;
  instances: number;
  scoringHost: string;
  scoringUrl: string;
  resourceId: string;
}

/** A workspace's Application Insights component as the query engine sees it. */
export interface ComponentInfo {
  /** ARM id of the Microsoft.Insights/components resource. */
  componentId: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  appId: string;
  /** The Log Analytics workspace (customerId) of a workspace-based component. */
  customerId?: string;
  /** Deployments and v1 services with App Insights on: what writes telemetry into the component. */
  sources: TelemetrySource[];
  /** Rows of `requests` over the last 7 days. */
  requestRows: number;
  /** Whether this component carries the 500,000-row benchmark `requests` table. */
  benchmark: boolean;
}

export interface LogAnalyticsInfo {
  customerId: string;
  name: string;
  /** ARM id of the Microsoft.OperationalInsights/workspaces resource (resource-centric queries use it). */
  resourceId: string;
  /** Managed online deployments of every workspace whose component sends to this workspace. */
  deployments: TelemetrySource[];
  components: ComponentInfo[];
}

function deploymentSources(
  ws: ScenarioWorkspace,
  subscriptionId: string,
  onlyAppInsights: boolean,
): TelemetrySource[] {
  const out: TelemetrySource[] = [];
  const wsId = `/subscriptions/${subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.name}`;
  for (const ep of ws.endpoints) {
    for (const d of ep.deployments) {
      if (onlyAppInsights && !d.appInsightsEnabled) continue;
      if (!onlyAppInsights && d.computeType !== 'Managed') continue;
      const unhealthy = /fail/i.test(d.provisioningState) || /fail/i.test(ep.provisioningState);
      out.push({
        kind: 'deployment',
        // What SERVICE_NAME holds on a managed deployment is not documented (inferred: the
        // deployment name unless the scenario says otherwise).
        roleName: d.serviceName ?? d.name,
        server: 'current',
        endpointName: ep.name,
        deploymentName: d.name,
        computeType: d.computeType,
        weight: Math.max(0.01, d.requestsPerMinute ?? 20),
        failRate: unhealthy ? 0.3 : 0.01,
        instances: Math.max(1, d.instanceCount),
        scoringHost: `${ep.name}.${ws.location}.inference.ml.azure.com`,
        scoringUrl: `https://${ep.name}.${ws.location}.inference.ml.azure.com/score`,
        resourceId: `${wsId}/onlineEndpoints/${ep.name}`,
      });
    }
  }
  if (onlyAppInsights) {
    for (const svc of ws.legacyServices) {
      if (!svc.appInsightsEnabled) continue;
      out.push({
        kind: 'legacyService',
        roleName: svc.name,
        server: 'older',
        serviceName: svc.name,
        computeType: svc.computeType,
        weight: 10,
        failRate: svc.state === 'Healthy' ? 0.01 : 0.25,
        instances: 1,
        scoringHost:
          svc.computeType === 'ACI'
            ? `${svc.name}.${ws.location}.azurecontainer.io`
            : `${ws.name}-aks.${ws.location}.cloudapp.azure.com`,
        scoringUrl:
          svc.computeType === 'ACI'
            ? `http://${svc.name}.${ws.location}.azurecontainer.io/score`
            : `http://${ws.name}-aks.${ws.location}.cloudapp.azure.com/api/v1/service/${svc.name}/score`,
        resourceId: `${wsId}/services/${svc.name}`,
      });
    }
  }
  return out;
}

/**
 * Every component of the scenario, in scenario order (subscriptions, then workspaces). The first
 * component with at least one telemetry source is the benchmark component: its `requests` table
 * holds `bigRows` rows over the last 7 days.
 */
export function listComponents(scenario: Scenario, options: DataOptions): ComponentInfo[] {
  const out: ComponentInfo[] = [];
  let benchmarkTaken = false;
  for (const sub of scenario.subscriptions) {
    for (const ws of sub.workspaces) {
      if (!ws.appInsights) continue;
      const sources = deploymentSources(ws, sub.subscriptionId, true);
      const benchmark: boolean = !benchmarkTaken && sources.length > 0;
      benchmarkTaken ||= benchmark;
      const perWeek = Math.round(sources.reduce((a, s) => a + s.weight, 0) * 7 * 1440);
      const componentId = `/subscriptions/${sub.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.Insights/components/${ws.appInsights.name}`;
      out.push({
        componentId,
        name: ws.appInsights.name,
        subscriptionId: sub.subscriptionId,
        resourceGroup: ws.resourceGroup,
        workspaceName: ws.name,
        appId: guid(options.seed, hashString(componentId.toLowerCase()), 0, 1),
        customerId: ws.appInsights.logAnalyticsWorkspace?.customerId,
        sources,
        requestRows: benchmark ? options.bigRows : Math.min(ROWS_CAP, perWeek),
        benchmark,
      });
    }
  }
  return out;
}

export function listLogAnalyticsWorkspaces(scenario: Scenario, options: DataOptions): LogAnalyticsInfo[] {
  const byId = new Map<string, LogAnalyticsInfo>();
  const components = listComponents(scenario, options);
  for (const sub of scenario.subscriptions) {
    for (const ws of sub.workspaces) {
      const la = ws.appInsights?.logAnalyticsWorkspace;
      if (!la) continue;
      const key = la.customerId.toLowerCase();
      let info = byId.get(key);
      if (!info) {
        const resourceId = `/subscriptions/${sub.subscriptionId}/resourceGroups/${la.resourceGroup ?? ws.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${la.name}`;
        info = { customerId: la.customerId, name: la.name, resourceId, deployments: [], components: [] };
        byId.set(key, info);
      }
      info.deployments.push(...deploymentSources(ws, sub.subscriptionId, false));
      const component = components.find(
        (c) =>
          c.subscriptionId === sub.subscriptionId &&
          c.workspaceName === ws.name &&
          c.resourceGroup === ws.resourceGroup,
      );
      if (component) info.components.push(component);
    }
  }
  return [...byId.values()];
}

/**
 * `fn` remembering its last answer. Rows are written cell by cell, so the columns of one row ask
 * for the same derived facts (source, failure, duration) many times in a row.
 */
function lastValue<T>(fn: (i: number) => T): (i: number) => T {
  let lastI = NaN;
  let last: T;
  return (i) => {
    if (i !== lastI) {
      last = fn(i);
      lastI = i;
    }
    return last;
  };
}

/** A grid stream: `total` rows spread evenly over the 7 days before now, each from a weighted source. */
class Stream {
  readonly step: number;
  private readonly cumulative: number[];
  constructor(
    readonly seed: number,
    readonly key: number,
    readonly total: number,
    readonly sources: TelemetrySource[],
  ) {
    this.step = total > 0 ? WINDOW_MS / total : WINDOW_MS;
    let acc = 0;
    const sum = sources.reduce((a, s) => a + s.weight, 0);
    this.cumulative = sources.map((s) => (acc += s.weight / sum));
  }
  /** The first line index visible at `now` (the last one is first + total - 1, at or before now). */
  first(now: number): number {
    return Math.floor(now / this.step) - this.total;
  }
  u(i: number, salt: number): number {
    return unit(this.seed, this.key, i, salt);
  }
  time(i: number): number {
    // Whole milliseconds keep datetime cells exact through ISO text and back.
    return Math.floor((i + 0.98 * this.u(i, 0)) * this.step);
  }
  readonly source = lastValue((i: number): TelemetrySource => {
    const u = this.u(i, 1);
    const idx = this.cumulative.findIndex((c) => u < c);
    return (this.sources[idx < 0 ? this.sources.length - 1 : idx] ?? this.sources[0]) as TelemetrySource;
  });
}

/** A table over every `stride`-th line index of a stream that is visible at `now`. */
function gridTable(
  stream: Stream,
  now: number,
  stride: number,
  columns: [string, KType, (i: number) => Value][],
): Table {
  if (stream.total === 0 || stream.sources.length === 0) {
    return { length: 0, columns: columns.map(([name, type]) => column(name, type, () => null)) };
  }
  const first = stream.first(now);
  const last = first + stream.total - 1;
  const j0 = Math.ceil(first / stride);
  const j1 = Math.floor(last / stride);
  const length = Math.max(0, j1 - j0 + 1);
  return {
    length,
    columns: columns.map(([name, type, fn]) => column(name, type, (r) => fn((j0 + r) * stride))),
  };
}

function performanceBucket(ms: number): string {
  if (ms < 250) return '<250ms';
  if (ms < 500) return '250ms-500ms';
  if (ms < 1000) return '500ms-1sec';
  if (ms < 3000) return '1sec-3sec';
  if (ms < 7000) return '3sec-7sec';
  if (ms < 15000) return '7sec-15sec';
  if (ms < 30000) return '15sec-30sec';
  return '30sec-1min';
}

const errorMessages = [
  "ValueError: could not convert string to float: 'abc'",
  "KeyError: 'data'",
  'RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB',
  'TypeError: list indices must be integers or slices, not str',
];
const errorTypes = ['ValueError', 'KeyError', 'RuntimeError', 'TypeError'];

const adversarialInputs: unknown[] = [
  { text: '<img src=x onerror=alert(1)>' },
  { text: '<script>alert(1)</script>', html: '<b onclick="alert(1)">bold</b>' },
  { text: 'naïve café – 東京 🚀 مرحبا \u202Eevil.exe', emoji: '👩‍💻' },
];

/** The App Insights tables (classic schema) of one component. */
export class ComponentData {
  private readonly requests: Stream;
  /** Every `traceStride`-th request has its trace, exception and dependency rows kept under the cap. */
  private readonly traceStride: number;

  constructor(
    readonly info: ComponentInfo,
    private readonly seed: number,
  ) {
    this.requests = new Stream(
      seed,
      hashString(`requests:${info.componentId.toLowerCase()}`),
      info.requestRows,
      info.sources,
    );
    this.traceStride = Math.max(1, Math.ceil(info.requestRows / ROWS_CAP));
  }

  private readonly failed = lastValue((i: number): boolean => {
    // Every 33rd request fails with an exception; unhealthy services fail more, without one.
    return i % 33 === 0 || this.requests.u(i, 2) < this.requests.source(i).failRate;
  });
  private readonly resultCode = lastValue((i: number): string => {
    if (!this.failed(i)) return '200';
    return i % 33 === 0 ? '500' : pick(['500', '502', '503', '504', '400'], this.requests.u(i, 3));
  });
  private readonly duration = lastValue((i: number): number => {
    const s = this.requests;
    const tail = s.u(i, 5) < 0.02 ? 25 : 1;
    const ms = (12 + 40 * -Math.log(1 - s.u(i, 4))) * tail;
    return Math.round((this.resultCode(i) === '504' ? 60_000 + ms : ms) * 1000) / 1000;
  });
  private readonly operationId = lastValue((i: number): string => {
    return hex(this.seed, this.requests.key, i, 6, 32);
  });
  private readonly requestId = lastValue((i: number): string => {
    return hex(this.seed, this.requests.key, i, 7, 16);
  });
  private readonly clientRequestId = lastValue((i: number): string => {
    return guid(this.seed, this.requests.key, i, 10);
  });
  private readonly roleInstance = lastValue((i: number): string => {
    const src = this.requests.source(i);
    const instance = Math.floor(this.requests.u(i, 8) * src.instances);
    return `${src.roleName}-${hex(this.seed, hashString(src.roleName), instance, 9, 10)}`;
  });
  private readonly containerId = lastValue((i: number): string => {
    const src = this.requests.source(i);
    return hex(
      this.seed,
      hashString(`container:${src.roleName}`),
      Math.floor(this.requests.u(i, 8) * src.instances),
      11,
      12,
    );
  });
  /**
   * customDimensions as microsoft/azureml-inference-server's appinsights_client.py writes them:
   * requests carry "Workspace Name" and "Service Name"; exceptions only "Container Id", "Request Id"
   * and "Client Request Id". No row names an endpoint or a deployment.
   */
  private requestDimensions(i: number): Record<string, unknown> {
    return { 'Workspace Name': this.info.workspaceName, 'Service Name': this.requests.source(i).roleName };
  }
  private exceptionDimensions(i: number): Record<string, unknown> {
    return {
      'Container Id': this.containerId(i),
      'Request Id': this.requestId(i),
      'Client Request Id': this.clientRequestId(i),
    };
  }
  /** A model_data_collection trace: the collector's record of one scored request. */
  private modelDataDimensions(i: number): Record<string, unknown> {
    const c = this.contents(i);
    return {
      ...this.exceptionDimensions(i),
      'Workspace Name': this.info.workspaceName,
      'Service Name': this.requests.source(i).roleName,
      Models: [`${this.requests.source(i).roleName}-model:1`],
      Input: JSON.stringify(c?.input ?? null),
      Prediction: JSON.stringify(c?.output ?? null),
    };
  }
  /** Trace dimensions: the older server's printed JSON under Contents; the current one's print() rows carry none. */
  private traceDimensions(i: number): Record<string, unknown> {
    const src = this.requests.source(i);
    if (this.isModelData(i)) return this.modelDataDimensions(i);
    if (src.server === 'current') return {};
    const c = this.contents(i);
    return {
      ...(c ? { Contents: c } : {}),
      'Container Id': this.containerId(i),
      'Request Id': this.clientRequestId(i),
      'Workspace Name': this.info.workspaceName,
      'Service Name': src.roleName,
    };
  }
  /** Every other input/output trace of the current server is a model_data_collection one. */
  private isModelData(i: number): boolean {
    return (
      this.requests.source(i).server === 'current' &&
      this.traceKind(i) === 'io' &&
      Math.floor(i / this.traceStride) % 2 === 1
    );
  }

  /** What score.py printed for request i: the document's {"input": ..., "output": ...} and its timing. */
  private readonly traceKind = lastValue((i: number): 'error' | 'init' | 'io' | 'adversarial' | 'big' => {
    if (this.failed(i)) return 'error';
    const j = Math.floor(i / this.traceStride);
    if (j % 500 === 7) return 'init';
    if (j % 97 === 13) return Math.floor(j / 97) % 4 === 3 ? 'big' : 'adversarial';
    return 'io';
  });
  private readonly contents = lastValue((i: number): Record<string, unknown> | undefined => {
    const kind = this.traceKind(i);
    if (kind === 'error' || kind === 'init') return undefined;
    const s = this.requests;
    const j = Math.floor(i / this.traceStride);
    let input: unknown = { data: [[0, 1, 2, 3].map((k) => Math.round(s.u(i, 20 + k) * 1000) / 100)] };
    if (kind === 'adversarial') input = adversarialInputs[Math.floor(j / 97) % 3];
    const label = s.u(i, 24) < 0.5 ? 0 : 1;
    const output = kind === 'io' ? [label] : ['ok'];
    const base: Record<string, unknown> = {
      input,
      output,
      duration_ms: this.duration(i),
      request_id: this.clientRequestId(i),
    };
    if (kind === 'big') {
      const without = JSON.stringify({ ...base, input: { data: '' } }).length;
      base.input = { data: 'A'.repeat(BIG_PAYLOAD_CHARS - without) };
    }
    return base;
  });
  private readonly traceMessage = lastValue((i: number): string => {
    const kind = this.traceKind(i);
    if (kind === 'init') return `model initialized ${formatDatetime(this.requests.time(i)).slice(11, 19)}`;
    if (kind === 'error') {
      return `Exception in run(): ${pick(errorMessages, this.requests.u(i, 12))}\nTraceback (most recent call last):\n  File "score.py", line 42, in run`;
    }
    if (this.isModelData(i)) return 'model_data_collection';
    return JSON.stringify(this.contents(i));
  });

  tables(now: number): Map<string, SourceTable> {
    const s = this.requests;
    const shared: [string, KType, (i: number) => Value][] = [
      ['operation_Name', 'string', () => 'POST /score'],
      ['operation_Id', 'string', (i) => this.operationId(i)],
      ['cloud_RoleName', 'string', (i) => s.source(i).roleName],
      ['cloud_RoleInstance', 'string', (i) => this.roleInstance(i)],
      ['appId', 'string', () => this.info.appId],
      ['appName', 'string', () => this.info.name],
      [
        'sdkVersion',
        'string',
        (i) => (s.source(i).server === 'current' ? 'py3:otel1.27.0:ext1.0.0b28' : 'py3:oc-0.11.4'),
      ],
      ['itemCount', 'int', () => 1],
    ];
    const requests = gridTable(s, now, 1, [
      ['timestamp', 'datetime', (i) => s.time(i)],
      ['id', 'string', (i) => this.requestId(i)],
      ['source', 'string', () => ''],
      ['name', 'string', () => 'POST /score'],
      ['url', 'string', (i) => s.source(i).scoringUrl],
      ['success', 'bool', (i) => !this.failed(i)],
      ['resultCode', 'string', (i) => this.resultCode(i)],
      ['duration', 'real', (i) => this.duration(i)],
      ['performanceBucket', 'string', (i) => performanceBucket(this.duration(i))],
      ['itemType', 'string', () => 'request'],
      ['customDimensions', 'dynamic', (i) => this.requestDimensions(i)],
      ['operation_ParentId', 'string', (i) => this.operationId(i)],
      ...shared,
    ]);
    const traces = gridTable(s, now, this.traceStride, [
      ['timestamp', 'datetime', (i) => s.time(i) + Math.floor(0.01 * s.step * s.u(i, 13))],
      ['message', 'string', (i) => this.traceMessage(i)],
      ['severityLevel', 'int', (i) => (this.traceKind(i) === 'error' ? 3 : 1)],
      ['itemType', 'string', () => 'trace'],
      ['customDimensions', 'dynamic', (i) => this.traceDimensions(i)],
      ['operation_ParentId', 'string', (i) => this.requestId(i)],
      ...shared,
    ]);
    const exceptionStride = 33 * this.traceStride;
    const exceptions = gridTable(s, now, exceptionStride, [
      ['timestamp', 'datetime', (i) => s.time(i) + Math.floor(0.01 * s.step * s.u(i, 14))],
      ['problemId', 'string', (i) => `${pick(errorTypes, s.u(i, 12))} at run`],
      ['type', 'string', (i) => pick(errorTypes, s.u(i, 12))],
      ['outerType', 'string', (i) => pick(errorTypes, s.u(i, 12))],
      ['outerMessage', 'string', (i) => pick(errorMessages, s.u(i, 12)).replace(/^\w+: /, '')],
      ['outerMethod', 'string', () => 'run'],
      ['method', 'string', () => 'run'],
      ['severityLevel', 'int', () => 3],
      ['innermostType', 'string', (i) => pick(errorTypes, s.u(i, 12))],
      ['innermostMessage', 'string', (i) => pick(errorMessages, s.u(i, 12)).replace(/^\w+: /, '')],
      [
        'details',
        'dynamic',
        (i) => [
          {
            outerId: '0',
            type: pick(errorTypes, s.u(i, 12)),
            message: pick(errorMessages, s.u(i, 12)).replace(/^\w+: /, ''),
            parsedStack: [{ level: 0, method: 'run', assembly: 'score.py', fileName: 'score.py', line: 42 }],
          },
        ],
      ],
      ['itemType', 'string', () => 'exception'],
      ['customDimensions', 'dynamic', (i) => this.exceptionDimensions(i)],
      ['operation_ParentId', 'string', (i) => this.requestId(i)],
      ...shared,
    ]);
    const dependencyStride = 3 * this.traceStride;
    const depFailed = (i: number) => s.u(i, 15) < 0.05;
    const depDuration = (i: number) => Math.round((2 + 15 * -Math.log(1 - s.u(i, 16))) * 1000) / 1000;
    const depTarget = (i: number) =>
      pick(
        [
          'featurestore.internal:443',
          `${this.info.workspaceName.toLowerCase()}sa.blob.core.windows.net`,
          'login.microsoftonline.com',
        ],
        s.u(i, 17),
      );
    const dependencies = gridTable(s, now, dependencyStride, [
      ['timestamp', 'datetime', (i) => s.time(i) + Math.floor(0.005 * s.step * s.u(i, 18))],
      ['id', 'string', (i) => hex(this.seed, s.key, i, 19, 16)],
      ['target', 'string', depTarget],
      ['type', 'string', (i) => (depTarget(i).includes('blob') ? 'Azure blob' : 'HTTP')],
      [
        'name',
        'string',
        (i) => (depTarget(i).includes('blob') ? 'GET /models/model.pkl' : 'POST /features/lookup'),
      ],
      [
        'data',
        'string',
        (i) =>
          `https://${depTarget(i)}/${depTarget(i).includes('blob') ? 'models/model.pkl' : 'features/lookup'}`,
      ],
      ['success', 'bool', (i) => !depFailed(i)],
      [
        'resultCode',
        'string',
        (i) => (depFailed(i) ? pick(['500', '503', '404', '429'], s.u(i, 17)) : '200'),
      ],
      ['duration', 'real', depDuration],
      ['performanceBucket', 'string', (i) => performanceBucket(depDuration(i))],
      ['itemType', 'string', () => 'dependency'],
      ['customDimensions', 'dynamic', () => ({})],
      ['operation_ParentId', 'string', (i) => this.requestId(i)],
      ...shared,
    ]);
    return new Map<string, SourceTable>([
      ['requests', { table: requests, timeColumn: 'timestamp', sorted: true }],
      ['traces', { table: traces, timeColumn: 'timestamp', sorted: true }],
      ['exceptions', { table: exceptions, timeColumn: 'timestamp', sorted: true }],
      ['dependencies', { table: dependencies, timeColumn: 'timestamp', sorted: true }],
    ]);
  }
}

/** Renames and reorders columns of a classic App Insights table into its workspace-based (App*) form. */
function workspaceBased(table: Table, mapping: [string, string][], extra: Column[]): Table {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const columns: Column[] = [];
  for (const [to, from] of mapping) {
    const c = byName.get(from);
    if (c) columns.push(column(to, c.type, (r) => c.get(r)));
  }
  return { length: table.length, columns: [...columns, ...extra] };
}

function concat(tables: Table[]): Table {
  if (tables.length === 1) return tables[0] as Table;
  const first = tables[0];
  if (!first) return { length: 0, columns: [] };
  const offsets: number[] = [];
  let total = 0;
  for (const t of tables) {
    offsets.push(total);
    total += t.length;
  }
  const locate = (r: number): [Table, number] => {
    let k = offsets.length - 1;
    while (k > 0 && (offsets[k] as number) > r) k--;
    return [tables[k] as Table, r - (offsets[k] as number)];
  };
  return {
    length: total,
    columns: first.columns.map((c, ci) =>
      column(c.name, c.type, (r) => {
        const [t, local] = locate(r);
        return t.columns[ci]?.get(local) ?? null;
      }),
    ),
  };
}

const consoleInfo = [
  (t: string, ms: number) => `${t} I [17] azmlinfsrv - POST /score 200 ${ms.toFixed(3)}ms`,
  (t: string) => `${t} I [17] azmlinfsrv - GET /swagger.json 200 1.204ms`,
  (t: string, ms: number) => `${t} I [17] azmlinfsrv - POST /score 200 ${ms.toFixed(3)}ms`,
  (t: string) => `${t} I [17] azmlinfsrv - GET / 200 0.913ms`,
];

/** The AmlOnlineEndpoint* tables (and App* tables of workspace-based components) of one Log Analytics workspace. */
export class LogAnalyticsData {
  private readonly traffic: Stream;
  private readonly console: Stream;
  private readonly events: Stream;
  private readonly components: ComponentData[];

  constructor(
    readonly info: LogAnalyticsInfo,
    private readonly seed: number,
  ) {
    const key = info.customerId.toLowerCase();
    const perWeek = Math.round(info.deployments.reduce((a, s) => a + s.weight, 0) * 7 * 1440);
    this.traffic = new Stream(
      seed,
      hashString(`traffic:${key}`),
      Math.min(ROWS_CAP, perWeek),
      info.deployments,
    );
    this.console = new Stream(
      seed,
      hashString(`console:${key}`),
      Math.min(ROWS_CAP, perWeek),
      info.deployments,
    );
    // About one platform event per deployment every half hour.
    this.events = new Stream(
      seed,
      hashString(`events:${key}`),
      Math.min(ROWS_CAP, info.deployments.length * 7 * 48),
      info.deployments,
    );
    this.components = info.components.map((c) => new ComponentData(c, seed));
  }

  private instanceId(stream: Stream, i: number): string {
    const src = stream.source(i);
    const instance = Math.floor(stream.u(i, 8) * src.instances);
    return `${src.deploymentName ?? src.roleName}-${hex(this.seed, hashString(`instance:${src.roleName}`), instance, 9, 10)}`;
  }

  tables(now: number): Map<string, SourceTable> {
    const common = (stream: Stream): [string, KType, (i: number) => Value][] => [
      ['TenantId', 'string', () => this.info.customerId],
      ['_ResourceId', 'string', (i) => stream.source(i).resourceId.toUpperCase()],
    ];
    const t = this.traffic;
    const outcome = (i: number) => {
      const u = t.u(i, 2);
      const src = t.source(i);
      if (u < src.failRate)
        return { code: 500, model: 500, reason: 'Internal Server Error', modelReason: 'Model error' };
      if (u < src.failRate + 0.01)
        return { code: 429, model: 0, reason: 'Too Many Requests', modelReason: 'Request throttled' };
      if (u < src.failRate + 0.013)
        return { code: 408, model: 0, reason: 'Request Timeout', modelReason: 'Request timeout' };
      if (u < src.failRate + 0.016) return { code: 401, model: 0, reason: 'Unauthorized', modelReason: '' };
      return { code: 200, model: 200, reason: 'OK', modelReason: 'OK' };
    };
    const requestMs = (i: number) => Math.round(1 + 3 * t.u(i, 4));
    const modelMs = (i: number) =>
      outcome(i).model === 0 ? 0 : Math.round(10 + 40 * -Math.log(1 - t.u(i, 5)));
    // Sending the answer back; the table reference defines ResponseDurationMs as start → first
    // response byte from the model and TotalDurationMs as start → last byte sent
    // (azure-monitor-ref/tables/includes/amlonlineendpointtrafficlog-include.md).
    const sendMs = (i: number) => Math.round(1 + 2 * t.u(i, 6));
    const traffic = gridTable(t, now, 1, [
      ['TimeGenerated', 'datetime', (i) => t.time(i)],
      ['Location', 'string', () => 'westeurope'],
      ['OperationName', 'string', () => 'Microsoft.MachineLearningServices/onlineEndpoints/score'],
      ['EndpointName', 'string', (i) => t.source(i).endpointName ?? ''],
      ['DeploymentName', 'string', (i) => t.source(i).deploymentName ?? ''],
      ['Protocol', 'string', () => 'HTTP/1.1'],
      ['Method', 'string', () => 'POST'],
      ['Path', 'string', () => '/score'],
      [
        'UserAgent',
        'string',
        (i) => pick(['python-requests/2.32.3', 'azure-ai-ml/1.22.0', 'curl/8.5.0'], t.u(i, 7)),
      ],
      ['ResponseCode', 'int', (i) => outcome(i).code],
      ['ResponseCodeReason', 'string', (i) => outcome(i).reason],
      ['ModelStatusCode', 'int', (i) => outcome(i).model],
      ['ModelStatusReason', 'string', (i) => outcome(i).modelReason],
      ['RequestPayloadSize', 'long', (i) => Math.round(80 + 400 * t.u(i, 9))],
      ['ResponsePayloadSize', 'long', (i) => Math.round(10 + 40 * t.u(i, 10))],
      ['XRequestId', 'string', (i) => guid(this.seed, t.key, i, 11)],
      ['XMSClientRequestId', 'string', (i) => guid(this.seed, t.key, i, 12)],
      ['TotalDurationMs', 'long', (i) => requestMs(i) + modelMs(i) + sendMs(i)],
      ['RequestDurationMs', 'long', requestMs],
      ['ResponseDurationMs', 'long', (i) => requestMs(i) + modelMs(i)],
      ['RequestThrottlingDelayMs', 'long', (i) => (outcome(i).code === 429 ? 0 : Math.round(t.u(i, 13) * 2))],
      ['ResponseThrottlingDelayMs', 'long', () => 0],
      ['AuthType', 'string', () => 'Key'],
      ['Type', 'string', () => 'AmlOnlineEndpointTrafficLog'],
      ...common(t),
    ]);

    const c = this.console;
    const consoleLine = (i: number): { container: string; message: string } => {
      const stamp = formatDatetime(c.time(i)).replace('T', ' ').slice(0, 23).replace('.', ',');
      if (c.u(i, 3) < 0.03) {
        return {
          container: 'storage-initializer',
          message: `Downloaded model files to /var/azureml-app/azureml-models (${Math.round(20 + 200 * c.u(i, 8))} MB)`,
        };
      }
      const u = c.u(i, 4);
      let message: string;
      if (u < 0.01)
        message = `${stamp} E [17] azmlinfsrv - Encountered Exception: Traceback (most recent call last):  File "score.py", line 42, in run`;
      else if (u < 0.05)
        message = `${stamp} W [17] azmlinfsrv - Request took ${(1 + 3 * c.u(i, 5)).toFixed(1)}s, above the 1s budget`;
      else message = pick(consoleInfo, c.u(i, 6))(stamp, 10 + 40 * c.u(i, 7));
      return { container: 'inference-server', message };
    };
    const inferenceImage = 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest';
    const console = gridTable(c, now, 1, [
      ['TimeGenerated', 'datetime', (i) => c.time(i)],
      ['Location', 'string', () => 'westeurope'],
      [
        'OperationName',
        'string',
        () => 'Microsoft.MachineLearningServices/onlineEndpoints/deployments/consolelog',
      ],
      ['InstanceId', 'string', (i) => this.instanceId(c, i)],
      ['DeploymentName', 'string', (i) => c.source(i).deploymentName ?? ''],
      ['ContainerName', 'string', (i) => consoleLine(i).container],
      [
        'ContainerImageName',
        'string',
        (i) =>
          consoleLine(i).container === 'storage-initializer'
            ? 'mcr.microsoft.com/azureml/storage-initializer:latest'
            : inferenceImage,
      ],
      ['Message', 'string', (i) => consoleLine(i).message],
      ['Type', 'string', () => 'AmlOnlineEndpointConsoleLog'],
      ...common(c),
    ]);

    const e = this.events;
    const eventKinds = [
      ['Pulling', 'Pulling image "mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest"'],
      ['Pulled', 'Successfully pulled image'],
      ['Created', 'Created container inference-server'],
      ['Started', 'Started container inference-server'],
      ['Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 502'],
      ['Killing', 'Container inference-server failed liveness probe, will be restarted'],
      ['BackOff', 'Back-off restarting failed container'],
    ] as const;
    const eventKind = (i: number) => pick(eventKinds, e.u(i, 3));
    const events = gridTable(e, now, 1, [
      ['TimeGenerated', 'datetime', (i) => e.time(i)],
      ['Location', 'string', () => 'westeurope'],
      [
        'OperationName',
        'string',
        () => 'Microsoft.MachineLearningServices/onlineEndpoints/deployments/eventlog',
      ],
      ['DeploymentName', 'string', (i) => e.source(i).deploymentName ?? ''],
      ['InstanceId', 'string', (i) => this.instanceId(e, i)],
      ['Name', 'string', (i) => eventKind(i)[0]],
      ['Message', 'string', (i) => eventKind(i)[1]],
      ['Type', 'string', () => 'AmlOnlineEndpointEventLog'],
      ...common(e),
    ]);

    const perComponent = this.components.map((cd) => cd.tables(now));
    const resourceIdOf = (k: number) =>
      column('_ResourceId', 'string', () =>
        (this.components[k] as ComponentData).info.componentId.toLowerCase(),
      );
    const workspaceTable = (classic: ClassicTable) =>
      concat(
        perComponent.map((m, k) =>
          workspaceBased((m.get(classic) as SourceTable).table, WORKSPACE_COLUMNS[classic], [
            resourceIdOf(k),
            column('Type', 'string', () => WORKSPACE_TABLE_OF[classic]),
          ]),
        ),
      );
    const appRequests = workspaceTable('requests');
    const appTraces = workspaceTable('traces');
    const appExceptions = workspaceTable('exceptions');
    const appDependencies = workspaceTable('dependencies');
    const single = this.components.length <= 1;
    return new Map<string, SourceTable>([
      ['AmlOnlineEndpointTrafficLog', { table: traffic, timeColumn: 'TimeGenerated', sorted: true }],
      ['AmlOnlineEndpointConsoleLog', { table: console, timeColumn: 'TimeGenerated', sorted: true }],
      ['AmlOnlineEndpointEventLog', { table: events, timeColumn: 'TimeGenerated', sorted: true }],
      ...(this.components.length
        ? ([
            ['AppRequests', { table: appRequests, timeColumn: 'TimeGenerated', sorted: single }],
            ['AppTraces', { table: appTraces, timeColumn: 'TimeGenerated', sorted: single }],
            // Column names of the workspace-based tables: appTables.ts (with its sources).
            ['AppExceptions', { table: appExceptions, timeColumn: 'TimeGenerated', sorted: single }],
            ['AppDependencies', { table: appDependencies, timeColumn: 'TimeGenerated', sorted: single }],
          ] as [string, SourceTable][])
        : []),
    ]);
  }
}
