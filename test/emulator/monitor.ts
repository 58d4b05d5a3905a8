// Azure Monitor on the emulator: platform metrics of online endpoints and deployments
// (GET {resource}/providers/Microsoft.Insights/metrics), diagnostic settings of endpoints
// (…/providers/Microsoft.Insights/diagnosticSettings[/{name}]) and the activity log
// (GET /subscriptions/{s}/providers/Microsoft.Insights/eventtypes/management/values).
//
// Sources: Azure/azure-rest-api-specs specification/monitor/resource-manager/Microsoft.Insights/
// stable/2024-02-01/metrics_API.json (+ examples/GetMetric.json) for the metrics shapes;
// preview/2021-05-01-preview/diagnosticsSettings_API.json (+ examples) for diagnostic settings;
// stable/2015-04-01/activityLogs_API.json for the activity log. Metric and dimension names: Azure
// Monitor's supported-metrics reference for …/onlineEndpoints and …/onlineEndpoints/deployments
// (the same tables src/core/metrics.ts cites). Log categories: the supported-logs reference for
// …/onlineEndpoints (AmlOnlineEndpointConsoleLog, …TrafficLog, …EventLog).
import { DEPLOYMENT_METRICS, ENDPOINT_METRICS, type MetricDefinition } from '../../src/core/metrics';
import {
  cpuPercentOf,
  failedOperationOf,
  latencyOf,
  memoryPercentOf,
  modelStatusOf,
  servesTraffic,
  statusMixOf,
  type HealthProfile,
} from './health';
import { hashString } from './random';
import type { DeploymentState, EmulatedAzure, WorkspaceState } from './resources';
import type { ScenarioDeployment, ScenarioEndpoint } from './scenario';

export class MonitorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The metrics API answers its errors flat ({code, message}: metrics_API.json ErrorResponse). */
    readonly flat = false,
  ) {
    super(message);
  }
}

export const ENDPOINT_LOG_CATEGORIES = [
  'AmlOnlineEndpointConsoleLog',
  'AmlOnlineEndpointTrafficLog',
  'AmlOnlineEndpointEventLog',
];

interface StoredSetting {
  name: string;
  body: Record<string, unknown>;
}

export interface MonitorState {
  /** Lower-case endpoint ARM id → its diagnostic settings. */
  settings: Map<string, StoredSetting[]>;
}

export function createMonitorState(azure: EmulatedAzure): MonitorState {
  const settings = new Map<string, StoredSetting[]>();
  for (const w of azure.workspaces.values()) {
    for (const ep of w.ws.endpoints) {
      const seed = ep.diagnosticSetting;
      if (!seed || !w.logAnalyticsId) continue;
      const id = `${w.armId}/onlineEndpoints/${ep.name}`;
      settings.set(id.toLowerCase(), [
        {
          name: seed.name,
          body: settingBody(id, seed.name, {
            workspaceId: w.logAnalyticsId,
            logs: seed.categoryGroup
              ? [{ categoryGroup: seed.categoryGroup, enabled: true }]
              : (seed.categories ?? []).map((category) => ({ category, enabled: true })),
          }),
        },
      ]);
    }
  }
  return { settings };
}

function settingBody(resourceId: string, name: string, properties: Record<string, unknown>) {
  return {
    id: `${resourceId}/providers/microsoft.insights/diagnosticSettings/${name}`,
    type: 'Microsoft.Insights/diagnosticSettings',
    name,
    properties: { ...properties, logAnalyticsDestinationType: 'Dedicated' },
  };
}

interface Target {
  workspace: WorkspaceState;
  endpoint: ScenarioEndpoint;
  /** Set for a deployment resource. */
  deployment?: DeploymentState;
  armId: string;
}

/** Resolves the resource part of `…/providers/microsoft.insights/…`. */
function resolve(azure: EmulatedAzure, seg: string[]): Target | undefined {
  const l = seg.map((s) => s.toLowerCase());
  if (l[0] !== 'subscriptions' || l[2] !== 'resourcegroups' || l[4] !== 'providers') return undefined;
  if (l[5] !== 'microsoft.machinelearningservices' || l[6] !== 'workspaces' || l[8] !== 'onlineendpoints')
    return undefined;
  const workspace = azure.workspace(seg[1] ?? '', seg[3] ?? '', seg[7] ?? '');
  const endpoint = workspace && azure.endpoint(workspace, seg[9] ?? '');
  if (!workspace || !endpoint) return undefined;
  if (seg.length === 10)
    return { workspace, endpoint, armId: `${workspace.armId}/onlineEndpoints/${endpoint.name}` };
  if (seg.length === 12 && l[10] === 'deployments') {
    const deployment = azure.deployment(workspace, endpoint.name, seg[11] ?? '');
    if (deployment) return { workspace, endpoint, deployment, armId: deployment.armId };
  }
  return undefined;
}

export function monitorRoute(
  azure: EmulatedAzure,
  state: MonitorState,
  method: string,
  seg: string[],
  query: Record<string, string>,
  body: unknown,
  now: () => Date,
): { status: number; body?: unknown } | undefined {
  const l = seg.map((s) => s.toLowerCase());
  // Activity log of a subscription.
  if (
    l.length === 7 &&
    l[0] === 'subscriptions' &&
    l[2] === 'providers' &&
    l[3] === 'microsoft.insights' &&
    l[4] === 'eventtypes' &&
    l[5] === 'management' &&
    l[6] === 'values' &&
    method === 'GET'
  )
    return activityLog(azure, seg[1] ?? '', query, now);

  const at = l.lastIndexOf('microsoft.insights');
  if (at < 2 || l[at - 1] !== 'providers') return undefined;
  const kind = l[at + 1];
  if (kind !== 'metrics' && kind !== 'diagnosticsettings') return undefined;
  const resourceSeg = seg.slice(0, at - 1);
  const target = resolve(azure, resourceSeg);
  if (!target)
    throw new MonitorError(
      404,
      'ResourceNotFound',
      `The resource '/${resourceSeg.join('/')}' was not found.`,
    );
  if (kind === 'metrics' && l.length === at + 2 && method === 'GET')
    return metrics(azure, target, query, now());
  if (kind === 'diagnosticsettings')
    return diagnosticSettings(state, target, method, seg[at + 2], l.length - at, body);
  throw new MonitorError(405, 'MethodNotAllowed', `${method} is not supported here.`);
}

// ── Metrics ────────────────────────────────────────────────────────────────────────────────────

const GRAINS: Record<string, number> = {
  PT1M: 1,
  PT5M: 5,
  PT15M: 15,
  PT30M: 30,
  PT1H: 60,
  PT6H: 360,
  PT12H: 720,
  P1D: 1440,
};

function profileOf(dep: DeploymentState): HealthProfile {
  const scenario = scenarioDeployment(dep);
  return scenario?.health ?? 'healthy';
}

function scenarioDeployment(dep: DeploymentState): ScenarioDeployment | undefined {
  return dep.endpoint.deployments.find((d) => d.name.toLowerCase() === dep.body.name.toLowerCase());
}

/** A reproducible 0..1 value per series and minute. */
function noise(key: string, minute: number): number {
  return hashString(`${key}|${minute}`) / 4294967296;
}

/** One elementary series: a fixed combination of every dimension of a metric. */
interface Atom {
  dims: Record<string, string>;
  /** Value at an absolute minute, or null when the resource emitted nothing. */
  at: (minute: number) => number | null;
}

function instanceIds(dep: DeploymentState): string[] {
  const count = Number((dep.body.sku as { capacity?: number } | undefined)?.capacity ?? 1);
  // Instance ids look like VM names (inferred: the reference names the dimension, not its values).
  return Array.from(
    { length: Math.max(1, count) },
    (_, i) => `${dep.body.name}-${hashString(dep.armId).toString(16).slice(0, 6)}-${i}`,
  );
}

function requestAtoms(
  dep: DeploymentState,
  traffic: number,
  codeDimension: 'statusCode' | 'envoy_response_code',
): Atom[] {
  const profile = profileOf(dep);
  if (!servesTraffic(profile) || traffic <= 0) return [];
  const rpm = (scenarioDeployment(dep)?.requestsPerMinute ?? 20) * (traffic / 100);
  return Object.entries(statusMixOf(profile)).map(([code, share]) => {
    const dims: Record<string, string> =
      codeDimension === 'statusCode'
        ? {
            deployment: dep.body.name,
            statusCode: code,
            statusCodeClass: `${code[0]}xx`,
            modelStatusCode: modelStatusOf(code),
          }
        : { envoy_response_code: code };
    const key = `${dep.armId}|rpm|${code}`;
    return { dims, at: (m) => Math.round(rpm * share * (0.75 + 0.5 * noise(key, m)) * 100) / 100 };
  });
}

function latencyAtoms(dep: DeploymentState, metric: string, withDeployment: boolean): Atom[] {
  const profile = profileOf(dep);
  if (!servesTraffic(profile)) return [];
  const index = [
    'RequestLatency_P50',
    'RequestLatency_P90',
    'RequestLatency_P95',
    'RequestLatency_P99',
  ].indexOf(metric);
  const base =
    metric === 'RequestLatency' ? latencyOf(profile)[0] * 1.3 : latencyOf(profile)[Math.max(0, index)]!;
  const key = `${dep.armId}|${metric}`;
  return [
    {
      dims: withDeployment ? { deployment: dep.body.name } : {},
      at: (m) => Math.round(base * (0.85 + 0.3 * noise(key, m)) * 10) / 10,
    },
  ];
}

function trafficOf(t: Target, dep: DeploymentState): number {
  const traffic = t.endpoint.traffic;
  const entry = Object.entries(traffic).find(([k]) => k.toLowerCase() === dep.body.name.toLowerCase());
  // A deployment without live traffic still gets a trickle of direct calls (azureml-model-deployment header).
  return entry ? entry[1] : 2;
}

function atomsOf(azure: EmulatedAzure, t: Target, metric: string): Atom[] {
  if (!t.deployment) {
    const deployments = azure.deploymentsOf(t.workspace, t.endpoint.name);
    switch (metric) {
      case 'RequestsPerMinute':
        return deployments.flatMap((d) => requestAtoms(d, trafficOf(t, d), 'statusCode'));
      case 'RequestLatency':
      case 'RequestLatency_P50':
      case 'RequestLatency_P90':
      case 'RequestLatency_P95':
      case 'RequestLatency_P99':
        return deployments.flatMap((d) => latencyAtoms(d, metric, true));
      case 'ConnectionsActive':
      case 'NewConnectionsPerSecond':
      case 'NetworkBytes': {
        const live = deployments.filter((d) => servesTraffic(profileOf(d)));
        if (!live.length) return [];
        const scale = metric === 'NetworkBytes' ? 2400 : metric === 'ConnectionsActive' ? 6 : 0.4;
        const key = `${t.armId}|${metric}`;
        return [{ dims: {}, at: (m) => Math.round(scale * (0.7 + 0.6 * noise(key, m)) * 100) / 100 }];
      }
      default:
        return [];
    }
  }
  const dep = t.deployment;
  const profile = profileOf(dep);
  const gpu = /^Standard_N/i.test(scenarioDeployment(dep)?.instanceType ?? '');
  switch (metric) {
    case 'RequestsPerMinute':
      return requestAtoms(dep, trafficOf(t, dep), 'envoy_response_code');
    case 'RequestLatency_P50':
    case 'RequestLatency_P90':
    case 'RequestLatency_P95':
    case 'RequestLatency_P99':
      return latencyAtoms(dep, metric, false);
    case 'CpuUtilizationPercentage':
    case 'CpuMemoryUtilizationPercentage':
    case 'GpuUtilizationPercentage':
    case 'GpuMemoryUtilizationPercentage':
    case 'DiskUtilization': {
      if (!servesTraffic(profile) && profile !== 'initError') return [];
      // GPU metrics exist only on GPU SKUs: elsewhere the resource emits nothing (no data, not 0).
      if (metric.startsWith('Gpu') && !gpu) return [];
      const base =
        metric === 'CpuMemoryUtilizationPercentage' || metric === 'GpuMemoryUtilizationPercentage'
          ? memoryPercentOf(profile)
          : metric === 'DiskUtilization'
            ? 41
            : cpuPercentOf(profile);
      return instanceIds(dep).map((id): Atom => {
        const key = `${id}|${metric}`;
        return {
          dims: metric === 'DiskUtilization' ? { instanceId: id, disk: 'sda1' } : { instanceId: id },
          at: (m) => Math.min(100, Math.round(base * (0.9 + 0.2 * noise(key, m)) * 10) / 10),
        };
      });
    }
    case 'DeploymentCapacity': {
      // State values are not listed in the reference (inferred: Provisioned / Provisioning).
      const count = instanceIds(dep).length;
      if (profile === 'scaleOut')
        return [
          { dims: { State: 'Provisioned' }, at: () => count },
          { dims: { State: 'Provisioning' }, at: (m) => (noise(`${dep.armId}|scale`, m) < 0.5 ? 1 : 0) },
        ];
      return [{ dims: { State: servesTraffic(profile) ? 'Provisioned' : 'Failed' }, at: () => count }];
    }
    default:
      return [];
  }
}

/** Parses `a eq '*' and b eq 'x'` (the subset of the metrics $filter grammar a client needs). */
function parseFilter(filter: string | undefined): { split: string[]; equals: Record<string, string[]> } {
  const split: string[] = [];
  const equals: Record<string, string[]> = {};
  if (!filter?.trim()) return { split, equals };
  for (const clause of filter.split(/\s+and\s+/i)) {
    const ors = clause.replace(/^\(|\)$/g, '').split(/\s+or\s+/i);
    for (const part of ors) {
      const m = /^\s*([A-Za-z_][\w.]*)\s+eq\s+'([^']*)'\s*$/.exec(part);
      if (!m) throw new MonitorError(400, 'BadRequest', `Invalid $filter: '${filter}'.`, true);
      const [, dim, value] = m as unknown as [string, string, string];
      if (value === '*') {
        if (!split.includes(dim)) split.push(dim);
      } else (equals[dim] ??= []).push(value);
    }
  }
  return { split, equals };
}

function parseTimespan(text: string | undefined, now: Date): { start: number; end: number } {
  if (!text) return { start: now.getTime() - 3_600_000, end: now.getTime() };
  const [a, b] = text.split('/');
  const start = Date.parse(a ?? '');
  const end = Date.parse(b ?? '');
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start)
    throw new MonitorError(
      400,
      'BadRequest',
      `Invalid timespan '${text}': expected startTime/endTime in ISO 8601.`,
      true,
    );
  return { start, end };
}

function metrics(azure: EmulatedAzure, t: Target, query: Record<string, string>, now: Date) {
  const resourceType = t.deployment ? 'workspaces/onlineEndpoints/deployments' : 'workspaces/onlineEndpoints';
  const catalog: readonly MetricDefinition[] = t.deployment ? DEPLOYMENT_METRICS : ENDPOINT_METRICS;
  const names = (query.metricnames ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (!names.length) throw new MonitorError(400, 'BadRequest', 'metricnames is required.', true);
  const defs = names.map((name) => {
    const def = catalog.find((d) => d.name.toLowerCase() === name.toLowerCase());
    if (!def)
      // The service's own wording, quoted in many public clients' error handling.
      throw new MonitorError(
        400,
        'BadRequest',
        `Failed to find metric configuration for provider: Microsoft.MachineLearningServices, resource Type: ${resourceType}, metric: ${name}, Valid metrics: ${catalog.map((d) => d.name).join(',')}`,
        true,
      );
    return def;
  });
  const grainMinutes = GRAINS[(query.interval ?? 'PT1M').toUpperCase()];
  if (!grainMinutes) throw new MonitorError(400, 'BadRequest', `Invalid interval '${query.interval}'.`, true);
  const { start, end } = parseTimespan(query.timespan, now);
  const { split, equals } = parseFilter(query.$filter);
  for (const def of defs)
    for (const dim of [...split, ...Object.keys(equals)])
      if (!def.dimensions.some((d) => d.toLowerCase() === dim.toLowerCase()))
        // ValidateDimensions defaults to true (metrics_API.json); message (inferred).
        throw new MonitorError(
          400,
          'BadRequest',
          `Metric: ${def.name} does not support requested dimension combination: ${dim}, supported ones are: ${def.dimensions.join(',') || '(none)'}`,
          true,
        );
  const top = query.top ? Math.max(1, Number(query.top) || 10) : 10;
  const aggregation = (query.aggregation ?? 'Average').split(',')[0]!.trim().toLowerCase();
  const grainMs = grainMinutes * 60_000;
  const first = Math.floor(start / grainMs) * grainMs;
  // Ingestion lag: the last two minutes have no values yet (inferred).
  const lastDataMinute = Math.floor(now.getTime() / 60_000) - 2;

  const value = defs.map((def) => {
    const atoms = atomsOf(azure, t, def.name).filter((a) =>
      Object.entries(equals).every(([dim, values]) => {
        const v = Object.entries(a.dims).find(([k]) => k.toLowerCase() === dim.toLowerCase())?.[1];
        return v !== undefined && values.includes(v);
      }),
    );
    // Group atoms by the split dimensions' values: one time series per group.
    const groups = new Map<string, { dims: Record<string, string>; atoms: Atom[] }>();
    for (const a of atoms) {
      const dims: Record<string, string> = {};
      for (const dim of split) {
        const entry = Object.entries(a.dims).find(([k]) => k.toLowerCase() === dim.toLowerCase());
        dims[dim.toLowerCase()] = entry?.[1] ?? '';
      }
      const k = JSON.stringify(dims);
      const g = groups.get(k) ?? { dims, atoms: [] };
      g.atoms.push(a);
      groups.set(k, g);
    }
    const sumsLatency = def.unit === 'Milliseconds' || def.unit === 'Percent';
    const seriesOf = (g: { dims: Record<string, string>; atoms: Atom[] }) => {
      const data: Record<string, unknown>[] = [];
      let sum = 0;
      for (let bucket = first; bucket < end; bucket += grainMs) {
        const values: number[] = [];
        for (let m = bucket / 60_000; m < (bucket + grainMs) / 60_000; m++) {
          if (m > lastDataMinute) break;
          // Per minute: counts add up across atoms; latencies and percentages average.
          const perAtom = g.atoms.map((a) => a.at(m)).filter((v): v is number => v !== null);
          if (!perAtom.length) continue;
          const total = perAtom.reduce((x, y) => x + y, 0);
          values.push(sumsLatency ? total / perAtom.length : total);
        }
        const point: Record<string, unknown> = {
          timeStamp: new Date(bucket).toISOString().replace('.000Z', 'Z'),
        };
        if (values.length) {
          const avg = values.reduce((x, y) => x + y, 0) / values.length;
          const v =
            aggregation === 'maximum'
              ? Math.max(...values)
              : aggregation === 'minimum'
                ? Math.min(...values)
                : aggregation === 'total'
                  ? values.reduce((x, y) => x + y, 0)
                  : aggregation === 'count'
                    ? values.length
                    : avg;
          point[aggregation] = Math.round(v * 1000) / 1000;
          sum += v;
        }
        data.push(point);
      }
      return {
        sum,
        body: {
          metadatavalues: Object.entries(g.dims).map(([name, v]) => ({
            name: { value: name, localizedValue: name },
            value: v,
          })),
          data,
        },
      };
    };
    let timeseries: { metadatavalues: unknown[]; data: unknown[] }[];
    if (split.length) {
      // Split with nothing emitted: no series at all (inferred from the portal's "no data").
      timeseries = [...groups.values()]
        .map(seriesOf)
        .sort((a, b) => b.sum - a.sum)
        .slice(0, top)
        .map((s) => s.body);
    } else {
      // Unsplit: one series; buckets without data carry only their timeStamp (metrics_API.json
      // MetricValue: every aggregation is optional).
      timeseries = [seriesOf({ dims: {}, atoms: [...groups.values()].flatMap((g) => g.atoms) }).body];
    }
    return {
      id: `${t.armId}/providers/Microsoft.Insights/metrics/${def.name}`,
      type: 'Microsoft.Insights/metrics',
      name: {
        value: def.name,
        localizedValue: def.name.replace(/([a-z])([A-Z])/g, '$1 $2').replace('_', ' '),
      },
      displayDescription: '',
      unit: def.unit,
      timeseries,
      errorCode: 'Success',
    };
  });
  return {
    status: 200,
    body: {
      cost: value.length * Math.ceil((end - first) / grainMs),
      timespan: `${new Date(start).toISOString()}/${new Date(end).toISOString()}`,
      interval: (query.interval ?? 'PT1M').toUpperCase(),
      value,
      namespace: `microsoft.machinelearningservices/${resourceType.toLowerCase()}`,
      resourceregion: t.workspace.ws.location,
    },
  };
}

// ── Diagnostic settings ────────────────────────────────────────────────────────────────────────

function diagnosticSettings(
  state: MonitorState,
  t: Target,
  method: string,
  name: string | undefined,
  depth: number,
  body: unknown,
) {
  if (t.deployment)
    // Log categories belong to the endpoint (supported-logs reference); none on deployments (inferred answer).
    throw new MonitorError(400, 'BadRequest', 'The resource type does not support diagnostic settings.');
  const key = t.armId.toLowerCase();
  const list = state.settings.get(key) ?? [];
  if (depth === 2 && method === 'GET') return { status: 200, body: { value: list.map((s) => s.body) } };
  if (depth !== 3 || !name) throw new MonitorError(404, 'NotFound', 'Not found.');
  const existing = list.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (method === 'GET') {
    if (!existing)
      throw new MonitorError(404, 'ResourceNotFound', `Diagnostic setting '${name}' was not found.`);
    return { status: 200, body: existing.body };
  }
  if (method === 'DELETE') {
    state.settings.set(
      key,
      list.filter((s) => s !== existing),
    );
    return { status: existing ? 200 : 204 };
  }
  if (method !== 'PUT') throw new MonitorError(405, 'MethodNotAllowed', `${method} is not supported here.`);
  const props = (body as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (!props || typeof props !== 'object')
    throw new MonitorError(400, 'BadRequest', "The request body must have a 'properties' object.");
  const workspaceId = typeof props.workspaceId === 'string' ? props.workspaceId : '';
  if (!workspaceId && !props.storageAccountId && !props.eventHubAuthorizationRuleId)
    throw new MonitorError(
      400,
      'BadRequest',
      'At least one destination (workspace, storage account or event hub) is required.',
    );
  const logs = Array.isArray(props.logs)
    ? (props.logs as { category?: string; categoryGroup?: string; enabled?: boolean }[])
    : [];
  for (const l of logs) {
    if (l.category && !ENDPOINT_LOG_CATEGORIES.includes(l.category))
      throw new MonitorError(400, 'BadRequest', `Category '${l.category}' is not supported.`);
    if (l.categoryGroup && !['allLogs', 'audit'].includes(l.categoryGroup))
      throw new MonitorError(400, 'BadRequest', `Category group '${l.categoryGroup}' is not supported.`);
  }
  // Docs (diagnostic-settings): at most five settings per resource.
  if (!existing && list.length >= 5)
    throw new MonitorError(
      400,
      'BadRequest',
      'Diagnostic settings count exceeds the limit of 5 for this resource.',
    );
  // A destination cannot receive the same category from two settings of one resource (the
  // service's message as users report it; status inferred).
  const enabled = (entries: typeof logs) =>
    entries
      .filter((l) => l.enabled)
      .flatMap((l) => (l.categoryGroup ? ENDPOINT_LOG_CATEGORIES : l.category ? [l.category] : []));
  for (const other of list) {
    if (other === existing) continue;
    const p = other.body.properties as { workspaceId?: string; logs?: typeof logs };
    if (!p.workspaceId || p.workspaceId.toLowerCase() !== workspaceId.toLowerCase()) continue;
    const clash = enabled(logs).find((c) => enabled(p.logs ?? []).includes(c));
    if (clash)
      throw new MonitorError(
        400,
        'BadRequest',
        `Data sink '${workspaceId}' is already used in diagnostic setting '${other.name}' for category '${clash}'. Data sinks can't be reused in different settings on the same category for the same resource.`,
      );
  }
  const stored: StoredSetting = { name, body: settingBody(t.armId, name, { ...props, workspaceId }) };
  state.settings.set(key, [...list.filter((s) => s !== existing), stored]);
  return { status: 200, body: stored.body };
}

// ── Activity log ───────────────────────────────────────────────────────────────────────────────

function activityLog(
  azure: EmulatedAzure,
  subscriptionId: string,
  query: Record<string, string>,
  now: () => Date,
) {
  const filter = query.$filter ?? '';
  // activityLogs_API.json: $filter must bound eventTimestamp.
  const since = /eventTimestamp\s+ge\s+'([^']+)'/i.exec(filter)?.[1];
  if (!since)
    throw new MonitorError(400, 'BadRequest', "The $filter must include eventTimestamp ge '<time>'.");
  const resourceUri = /resourceUri\s+eq\s+'([^']+)'/i.exec(filter)?.[1]?.toLowerCase();
  const value: unknown[] = [];
  for (const d of azure.deployments.values()) {
    if (d.workspace.sub.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) continue;
    if (resourceUri && d.armId.toLowerCase() !== resourceUri) continue;
    const scenario = scenarioDeployment(d);
    const failure = failedOperationOf(scenario?.health ?? 'healthy', {
      deployment: d.body.name,
      instanceType: scenario?.instanceType ?? '',
      instanceCount: scenario?.instanceCount ?? 1,
      subscriptionId,
    });
    if (!failure) continue;
    const time = new Date(now().getTime() - 40 * 60_000);
    if (time.getTime() < Date.parse(since)) continue;
    value.push({
      authorization: {
        action: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/write',
        scope: d.armId,
      },
      caller: 'mlops@contoso.com',
      eventTimestamp: time.toISOString(),
      resourceId: d.armId,
      operationName: {
        value: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/write',
        localizedValue: 'Create or update online deployment',
      },
      status: { value: 'Failed', localizedValue: 'Failed' },
      subStatus: { value: '', localizedValue: '' },
      level: 'Error',
      properties: {
        statusCode: 'BadRequest',
        // A JSON string, as the activity log carries a failed operation's error (inferred shape).
        statusMessage: JSON.stringify({ status: 'Failed', error: failure }),
      },
    });
  }
  return { status: 200, body: { value } };
}
