// Golden-signal metrics of online endpoints and deployments: which Azure Monitor metrics to ask
// for, and the pure shaping of an answer into chart series and at-a-glance figures.
//
// Every metric and dimension name below is taken from Azure Monitor's supported-metrics reference
// (learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/
//  microsoft-machinelearningservices-workspaces-onlineendpoints-metrics and
//  …-onlineendpoints-deployments-metrics). Note the reference gives deployment-level latency no
// dimension, and deployment-level RequestsPerMinute only `envoy_response_code`.

export type MetricsScope = 'endpoint' | 'deployment';
export type MetricAggregation = 'Average' | 'Minimum' | 'Maximum' | 'Total' | 'Count';

export interface MetricDefinition {
  name: string;
  unit: 'Count' | 'Milliseconds' | 'Percent' | 'BytesPerSecond' | 'CountPerSecond';
  aggregation: MetricAggregation;
  dimensions: readonly string[];
}

/** Metrics of Microsoft.MachineLearningServices/workspaces/onlineEndpoints (the reference's table). */
export const ENDPOINT_METRICS: readonly MetricDefinition[] = [
  { name: 'ConnectionsActive', unit: 'Count', aggregation: 'Average', dimensions: [] },
  { name: 'NetworkBytes', unit: 'BytesPerSecond', aggregation: 'Average', dimensions: [] },
  { name: 'NewConnectionsPerSecond', unit: 'CountPerSecond', aggregation: 'Average', dimensions: [] },
  { name: 'RequestLatency', unit: 'Milliseconds', aggregation: 'Average', dimensions: ['deployment'] },
  { name: 'RequestLatency_P50', unit: 'Milliseconds', aggregation: 'Average', dimensions: ['deployment'] },
  { name: 'RequestLatency_P90', unit: 'Milliseconds', aggregation: 'Average', dimensions: ['deployment'] },
  { name: 'RequestLatency_P95', unit: 'Milliseconds', aggregation: 'Average', dimensions: ['deployment'] },
  { name: 'RequestLatency_P99', unit: 'Milliseconds', aggregation: 'Average', dimensions: ['deployment'] },
  {
    name: 'RequestsPerMinute',
    unit: 'Count',
    aggregation: 'Average',
    dimensions: ['deployment', 'statusCode', 'statusCodeClass', 'modelStatusCode'],
  },
];

/** Metrics of Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments. */
export const DEPLOYMENT_METRICS: readonly MetricDefinition[] = [
  { name: 'CpuUtilizationPercentage', unit: 'Percent', aggregation: 'Average', dimensions: ['instanceId'] },
  {
    name: 'CpuMemoryUtilizationPercentage',
    unit: 'Percent',
    aggregation: 'Average',
    dimensions: ['instanceId'],
  },
  { name: 'GpuUtilizationPercentage', unit: 'Percent', aggregation: 'Average', dimensions: ['instanceId'] },
  {
    name: 'GpuMemoryUtilizationPercentage',
    unit: 'Percent',
    aggregation: 'Average',
    dimensions: ['instanceId'],
  },
  { name: 'DiskUtilization', unit: 'Percent', aggregation: 'Average', dimensions: ['instanceId', 'disk'] },
  { name: 'DeploymentCapacity', unit: 'Count', aggregation: 'Average', dimensions: ['instanceId', 'State'] },
  { name: 'RequestLatency_P50', unit: 'Milliseconds', aggregation: 'Average', dimensions: [] },
  { name: 'RequestLatency_P90', unit: 'Milliseconds', aggregation: 'Average', dimensions: [] },
  { name: 'RequestLatency_P95', unit: 'Milliseconds', aggregation: 'Average', dimensions: [] },
  { name: 'RequestLatency_P99', unit: 'Milliseconds', aggregation: 'Average', dimensions: [] },
  { name: 'RequestsPerMinute', unit: 'Count', aggregation: 'Average', dimensions: ['envoy_response_code'] },
];

export function metricsOf(scope: MetricsScope): readonly MetricDefinition[] {
  return scope === 'endpoint' ? ENDPOINT_METRICS : DEPLOYMENT_METRICS;
}

/** One chart: the metrics of one request (a metrics request applies one filter to all its metrics). */
export interface PanelSpec {
  id: string;
  metrics: string[];
  /** Dimensions to split by (`dim eq '*'`); series are named by their values. */
  splitBy: string[];
  /** Endpoint panels split by deployment become one chart per deployment, side by side. */
  perDeployment: boolean;
  unit: MetricDefinition['unit'];
}

export const ENDPOINT_PANELS: readonly PanelSpec[] = [
  {
    id: 'requests',
    metrics: ['RequestsPerMinute'],
    splitBy: ['deployment', 'statusCodeClass'],
    perDeployment: true,
    unit: 'Count',
  },
  {
    id: 'latency',
    metrics: ['RequestLatency_P50', 'RequestLatency_P90', 'RequestLatency_P95', 'RequestLatency_P99'],
    splitBy: ['deployment'],
    perDeployment: true,
    unit: 'Milliseconds',
  },
  { id: 'connections', metrics: ['ConnectionsActive'], splitBy: [], perDeployment: false, unit: 'Count' },
  { id: 'network', metrics: ['NetworkBytes'], splitBy: [], perDeployment: false, unit: 'BytesPerSecond' },
];

export const DEPLOYMENT_PANELS: readonly PanelSpec[] = [
  {
    id: 'requests',
    metrics: ['RequestsPerMinute'],
    splitBy: ['envoy_response_code'],
    perDeployment: false,
    unit: 'Count',
  },
  {
    id: 'latency',
    metrics: ['RequestLatency_P50', 'RequestLatency_P90', 'RequestLatency_P95', 'RequestLatency_P99'],
    splitBy: [],
    perDeployment: false,
    unit: 'Milliseconds',
  },
  {
    id: 'cpu',
    metrics: ['CpuUtilizationPercentage', 'CpuMemoryUtilizationPercentage'],
    splitBy: ['instanceId'],
    perDeployment: false,
    unit: 'Percent',
  },
  {
    id: 'gpu',
    metrics: ['GpuUtilizationPercentage', 'GpuMemoryUtilizationPercentage'],
    splitBy: ['instanceId'],
    perDeployment: false,
    unit: 'Percent',
  },
  { id: 'disk', metrics: ['DiskUtilization'], splitBy: [], perDeployment: false, unit: 'Percent' },
  {
    id: 'capacity',
    metrics: ['DeploymentCapacity'],
    splitBy: ['State'],
    perDeployment: false,
    unit: 'Count',
  },
];

export function panelsOf(scope: MetricsScope): readonly PanelSpec[] {
  return scope === 'endpoint' ? ENDPOINT_PANELS : DEPLOYMENT_PANELS;
}

/** A panel's metrics and dimensions must all exist in the reference for that resource type. */
export function validatePanel(scope: MetricsScope, panel: PanelSpec): string[] {
  const problems: string[] = [];
  const defs = metricsOf(scope);
  for (const name of panel.metrics) {
    const def = defs.find((d) => d.name === name);
    if (!def) problems.push(`${scope}: unknown metric ${name}`);
    else
      for (const dim of panel.splitBy)
        if (!def.dimensions.includes(dim)) problems.push(`${scope}: ${name} has no dimension ${dim}`);
  }
  return problems;
}

/** `$filter` of a split: every dimension with all its values. */
export function splitFilter(splitBy: readonly string[]): string | undefined {
  return splitBy.length ? splitBy.map((d) => `${d} eq '*'`).join(' and ') : undefined;
}

// ── Time ranges ───────────────────────────────────────────────────────────────────────────────

export const METRIC_RANGES = ['PT30M', 'PT1H', 'PT6H', 'PT24H', 'P7D'] as const;
export type MetricRange = (typeof METRIC_RANGES)[number];

const rangeMinutes: Record<MetricRange, number> = {
  PT30M: 30,
  PT1H: 60,
  PT6H: 360,
  PT24H: 1440,
  P7D: 10080,
};

/** Grain per range: PT1M up to a day (1,440 points), then PT15M (672 points for 7 days). */
const rangeGrain: Record<MetricRange, { iso: string; minutes: number }> = {
  PT30M: { iso: 'PT1M', minutes: 1 },
  PT1H: { iso: 'PT1M', minutes: 1 },
  PT6H: { iso: 'PT1M', minutes: 1 },
  PT24H: { iso: 'PT1M', minutes: 1 },
  P7D: { iso: 'PT15M', minutes: 15 },
};

export function isMetricRange(value: unknown): value is MetricRange {
  return typeof value === 'string' && (METRIC_RANGES as readonly string[]).includes(value);
}

export interface MetricWindow {
  /** `start/end` in ISO 8601, as the metrics API takes it. */
  timespan: string;
  interval: string;
  startMs: number;
  endMs: number;
  grainMs: number;
}

/** The window of a range ending now, aligned to its grain so that refreshes reuse the same buckets. */
export function windowOf(range: MetricRange, nowMs: number): MetricWindow {
  const grain = rangeGrain[range];
  const grainMs = grain.minutes * 60_000;
  const endMs = Math.floor(nowMs / grainMs) * grainMs;
  const startMs = endMs - rangeMinutes[range] * 60_000;
  return {
    timespan: `${new Date(startMs).toISOString()}/${new Date(endMs).toISOString()}`,
    interval: grain.iso,
    startMs,
    endMs,
    grainMs,
  };
}

// ── Answers ───────────────────────────────────────────────────────────────────────────────────

/** One time series of a metrics answer: value null = no data in that bucket (never zero). */
export interface MetricSeries {
  metric: string;
  unit: string;
  /** Dimension name (lower case, as Azure echoes it) → value. */
  dimensions: Record<string, string>;
  points: { time: number; value: number | null }[];
}

export interface MetricsAnswer {
  interval?: string;
  metrics: { name: string; unit: string; errorCode?: string; series: MetricSeries[] }[];
}

/** The chart-ready form of one panel: one shared time axis, one y array per series. */
export interface ChartSeriesData {
  /** Seconds since the epoch, ascending, every grain of the window. */
  xs: number[];
  series: { label: string; metric: string; dimensions: Record<string, string>; values: (number | null)[] }[];
}

export interface ShapedPanel {
  panelId: string;
  /** Deployment name of a per-deployment chart. */
  deployment?: string;
  unit: string;
  /** True when no series has a single value in the window: shown as "no data", never as zero. */
  noData: boolean;
  data: ChartSeriesData;
}

function dimensionValue(dimensions: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(dimensions)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

function seriesLabel(series: MetricSeries, panel: PanelSpec, omit: string | undefined): string {
  const dims = panel.splitBy
    .filter((d) => d !== omit)
    .map((d) => dimensionValue(series.dimensions, d) ?? '')
    .filter(Boolean);
  const metric = panel.metrics.length > 1 ? shortMetricName(series.metric) : '';
  return [metric, ...dims].filter(Boolean).join(' · ') || series.metric;
}

/** RequestLatency_P95 → P95, CpuMemoryUtilizationPercentage → CpuMemory. */
export function shortMetricName(name: string): string {
  const latency = /^RequestLatency_(P\d+)$/.exec(name);
  if (latency) return latency[1]!;
  return name.replace(/UtilizationPercentage$/, '');
}

/**
 * Puts every series of a panel's answer on the window's time axis. Buckets the answer does not
 * cover, or covers without a value, become null: uPlot leaves a gap, and no number is invented.
 */
export function shapePanel(
  panel: PanelSpec,
  answer: MetricsAnswer,
  window: Pick<MetricWindow, 'startMs' | 'endMs' | 'grainMs'>,
  deploymentNames: readonly string[] = [],
): ShapedPanel[] {
  const xs: number[] = [];
  for (let t = window.startMs; t < window.endMs; t += window.grainMs) xs.push(t / 1000);
  const index = (timeMs: number): number => {
    const i = Math.round((timeMs - window.startMs) / window.grainMs);
    return i >= 0 && i < xs.length ? i : -1;
  };
  const all = answer.metrics.flatMap((m) => m.series.map((s) => ({ ...s, unit: s.unit || m.unit })));
  const toData = (series: MetricSeries[], omit: string | undefined): ChartSeriesData => ({
    xs,
    series: series
      .map((s) => {
        const values: (number | null)[] = new Array<number | null>(xs.length).fill(null);
        for (const p of s.points) {
          const i = index(p.time);
          if (i >= 0 && p.value !== null && Number.isFinite(p.value)) values[i] = p.value;
        }
        return { label: seriesLabel(s, panel, omit), metric: s.metric, dimensions: s.dimensions, values };
      })
      .sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true })),
  });
  const hasValue = (data: ChartSeriesData) => data.series.some((s) => s.values.some((v) => v !== null));

  if (!panel.perDeployment) {
    const data = toData(all, undefined);
    return [{ panelId: panel.id, unit: panel.unit, noData: !hasValue(data), data }];
  }
  // One chart per deployment (blue and green side by side): the known deployments first, in
  // their order, then any the answer names that the endpoint no longer lists.
  const names = [...deploymentNames];
  for (const s of all) {
    const d = dimensionValue(s.dimensions, 'deployment');
    if (d && !names.some((n) => n.toLowerCase() === d.toLowerCase())) names.push(d);
  }
  if (names.length === 0) {
    const data = toData([], 'deployment');
    return [{ panelId: panel.id, unit: panel.unit, noData: true, data }];
  }
  return names.map((name) => {
    const data = toData(
      all.filter((s) => dimensionValue(s.dimensions, 'deployment')?.toLowerCase() === name.toLowerCase()),
      'deployment',
    );
    return { panelId: panel.id, deployment: name, unit: panel.unit, noData: !hasValue(data), data };
  });
}

// ── At a glance ───────────────────────────────────────────────────────────────────────────────

/** Last-hour figures of a deployment; undefined = no data (shown as such, never as 0). */
export interface Glance {
  p95Ms?: number;
  requestsPerMinute?: number;
  /** 0..1 share of answers with a 5xx code, of all answers; undefined without traffic data. */
  serverErrorShare?: number;
}

function mean(values: number[]): number | undefined {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}

/**
 * Figures from a deployment answer holding RequestLatency_P95 (no split) and RequestsPerMinute
 * split by envoy_response_code. Requests per minute is the mean over buckets that have data.
 */
export function glanceOf(answer: MetricsAnswer): Glance {
  const latency = answer.metrics.find((m) => m.name === 'RequestLatency_P95');
  const p95Values = (latency?.series ?? []).flatMap((s) =>
    s.points.map((p) => p.value).filter((v): v is number => v !== null),
  );
  const requests = answer.metrics.find((m) => m.name === 'RequestsPerMinute');
  const perBucket = new Map<number, { total: number; errors: number }>();
  for (const s of requests?.series ?? []) {
    const code = dimensionValue(s.dimensions, 'envoy_response_code') ?? '';
    for (const p of s.points) {
      if (p.value === null) continue;
      const bucket = perBucket.get(p.time) ?? { total: 0, errors: 0 };
      bucket.total += p.value;
      if (/^5\d\d$/.test(code)) bucket.errors += p.value;
      perBucket.set(p.time, bucket);
    }
  }
  const buckets = [...perBucket.values()];
  const total = buckets.reduce((a, b) => a + b.total, 0);
  const errors = buckets.reduce((a, b) => a + b.errors, 0);
  const glance: Glance = {};
  const p95 = mean(p95Values);
  if (p95 !== undefined) glance.p95Ms = p95;
  const rpm = mean(buckets.map((b) => b.total));
  if (rpm !== undefined) glance.requestsPerMinute = rpm;
  if (buckets.length > 0 && total > 0) glance.serverErrorShare = errors / total;
  else if (buckets.length > 0) glance.serverErrorShare = 0;
  return glance;
}

/** Status-code mix over a window: code → summed requests per minute across buckets. */
export function statusMixOf(answer: MetricsAnswer, dimension: string): Map<string, number> {
  const mix = new Map<string, number>();
  for (const m of answer.metrics)
    for (const s of m.series) {
      const code = dimensionValue(s.dimensions, dimension) ?? '';
      const sum = s.points.reduce((a, p) => a + (p.value ?? 0), 0);
      if (sum > 0) mix.set(code, (mix.get(code) ?? 0) + sum);
    }
  return mix;
}
