// Azure Monitor through ARM: platform metrics (Microsoft.Insights/metrics), diagnostic settings
// and the activity log, as plain JSON over the shared ARM pipeline.
//
// Why the ARM metrics operation and not @azure/monitor-query-metrics: that package's MetricsClient
// speaks the regional data-plane batch API (https://<region>.metrics.monitor.azure.com, its own
// audience), whose host and audience differ per sovereign cloud and are not in our cloud table;
// the ARM operation lives on the cloud's resourceManagerEndpoint with the ARM token we already
// hold, for one resource at a time, which is what a panel asks. It also adds nothing to the bundle.
import type { MetricsAnswer, MetricSeries } from '../core/metrics';
import type { JsonClient } from './pipeline';

/** specification/monitor/resource-manager/Microsoft.Insights/stable/2024-02-01/metrics_API.json */
export const METRICS_API = '2024-02-01';
/** …/preview/2021-05-01-preview/diagnosticsSettings_API.json */
export const DIAGNOSTIC_SETTINGS_API = '2021-05-01-preview';
/** …/stable/2015-04-01/activityLogs_API.json */
export const ACTIVITY_LOG_API = '2015-04-01';

export interface MetricsRequest {
  metricNames: string[];
  aggregation: string;
  /** `start/end` ISO 8601. */
  timespan: string;
  interval: string;
  filter?: string;
  /** Series per metric when split (the service defaults to 10). */
  top?: number;
}

interface MetricsWire {
  interval?: string;
  value?: {
    name?: { value?: string };
    unit?: string;
    errorCode?: string;
    timeseries?: {
      metadatavalues?: { name?: { value?: string }; value?: string }[];
      data?: Record<string, unknown>[];
    }[];
  }[];
}

function armPath(resourceId: string): string {
  return resourceId.startsWith('/') ? resourceId : `/${resourceId}`;
}

export async function queryMetrics(
  json: JsonClient,
  armEndpoint: string,
  resourceId: string,
  request: MetricsRequest,
  abortSignal?: AbortSignal,
): Promise<MetricsAnswer> {
  const params = new URLSearchParams({
    'api-version': METRICS_API,
    metricnames: request.metricNames.join(','),
    aggregation: request.aggregation,
    timespan: request.timespan,
    interval: request.interval,
  });
  if (request.filter) params.set('$filter', request.filter);
  if (request.top !== undefined) params.set('top', String(request.top));
  const url = `${armEndpoint}${armPath(resourceId)}/providers/Microsoft.Insights/metrics?${params.toString()}`;
  const { body } = await json.send<MetricsWire>('GET', url, { abortSignal });
  return toMetricsAnswer(body ?? {}, request.aggregation);
}

/**
 * The aggregation's value of a data point; a point without it is a bucket with no data (the
 * spec marks every aggregation optional; only timeStamp is required).
 */
export function toMetricsAnswer(body: MetricsWire, aggregation: string): MetricsAnswer {
  const key = aggregation.toLowerCase();
  return {
    ...(body.interval ? { interval: body.interval } : {}),
    metrics: (body.value ?? []).map((m) => {
      const name = m.name?.value ?? '';
      const unit = m.unit ?? '';
      return {
        name,
        unit,
        ...(m.errorCode && m.errorCode !== 'Success' ? { errorCode: m.errorCode } : {}),
        series: (m.timeseries ?? []).map((ts): MetricSeries => {
          const dimensions: Record<string, string> = {};
          for (const md of ts.metadatavalues ?? [])
            if (md.name?.value) dimensions[md.name.value] = md.value ?? '';
          const points = (ts.data ?? []).flatMap((d) => {
            const time = typeof d.timeStamp === 'string' ? Date.parse(d.timeStamp) : NaN;
            if (!Number.isFinite(time)) return [];
            const raw = d[key];
            return [{ time, value: typeof raw === 'number' && Number.isFinite(raw) ? raw : null }];
          });
          return { metric: name, unit, dimensions, points };
        }),
      };
    }),
  };
}

// ── Diagnostic settings ────────────────────────────────────────────────────────────────────────

export interface DiagnosticSetting {
  id: string;
  name: string;
  /** ARM id of the Log Analytics workspace it sends to, if any. */
  workspaceId?: string;
  /** Log categories enabled by name. */
  categories: string[];
  /** Category groups enabled (allLogs, audit): they cover categories without naming them. */
  categoryGroups: string[];
}

interface DiagnosticSettingWire {
  id?: string;
  name?: string;
  properties?: {
    workspaceId?: string | null;
    logs?: { category?: string | null; categoryGroup?: string | null; enabled?: boolean }[];
  };
}

function toDiagnosticSetting(raw: DiagnosticSettingWire): DiagnosticSetting {
  const logs = (raw.properties?.logs ?? []).filter((l) => l.enabled === true);
  return {
    id: raw.id ?? '',
    name: raw.name ?? '',
    ...(raw.properties?.workspaceId ? { workspaceId: raw.properties.workspaceId } : {}),
    categories: logs.flatMap((l) => (l.category ? [l.category] : [])),
    categoryGroups: logs.flatMap((l) => (l.categoryGroup ? [l.categoryGroup] : [])),
  };
}

export async function listDiagnosticSettings(
  json: JsonClient,
  armEndpoint: string,
  resourceId: string,
  abortSignal?: AbortSignal,
): Promise<DiagnosticSetting[]> {
  const url = `${armEndpoint}${armPath(resourceId)}/providers/Microsoft.Insights/diagnosticSettings?api-version=${DIAGNOSTIC_SETTINGS_API}`;
  const { body } = await json.send<{ value?: DiagnosticSettingWire[] }>('GET', url, { abortSignal });
  return (body?.value ?? []).map(toDiagnosticSetting);
}

export async function createDiagnosticSetting(
  json: JsonClient,
  armEndpoint: string,
  resourceId: string,
  name: string,
  setting: { workspaceId: string; categories: string[] },
  abortSignal?: AbortSignal,
): Promise<DiagnosticSetting> {
  const url = `${armEndpoint}${armPath(resourceId)}/providers/Microsoft.Insights/diagnosticSettings/${encodeURIComponent(name)}?api-version=${DIAGNOSTIC_SETTINGS_API}`;
  const { body } = await json.send<DiagnosticSettingWire>('PUT', url, {
    abortSignal,
    body: {
      properties: {
        workspaceId: setting.workspaceId,
        logs: setting.categories.map((category) => ({ category, enabled: true })),
        // Resource-specific tables (AmlOnlineEndpoint*), not AzureDiagnostics.
        logAnalyticsDestinationType: 'Dedicated',
      },
    },
  });
  return toDiagnosticSetting(body ?? {});
}

// ── Activity log ───────────────────────────────────────────────────────────────────────────────

export interface FailedOperation {
  time: number;
  operation: string;
  code?: string;
  message?: string;
}

interface ActivityWire {
  value?: {
    eventTimestamp?: string;
    operationName?: { value?: string; localizedValue?: string };
    status?: { value?: string };
    properties?: { statusMessage?: string; statusCode?: string };
  }[];
  nextLink?: string;
}

/**
 * Failed write operations on a resource since a time, newest first. The failure's error lives in
 * properties.statusMessage, a JSON string `{"status":"Failed","error":{"code","message"}}` (read
 * both that and a bare `{"code","message"}`; anything else is kept as text).
 */
export async function listFailedOperations(
  json: JsonClient,
  armEndpoint: string,
  subscriptionId: string,
  resourceId: string,
  sinceMs: number,
  abortSignal?: AbortSignal,
): Promise<FailedOperation[]> {
  const filter = `eventTimestamp ge '${new Date(sinceMs).toISOString()}' and resourceUri eq '${armPath(resourceId)}'`;
  let url: string | undefined =
    `${armEndpoint}/subscriptions/${subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values?api-version=${ACTIVITY_LOG_API}&$filter=${encodeURIComponent(filter)}`;
  const failures: FailedOperation[] = [];
  for (let pages = 0; url && pages < 5; pages++) {
    const page: { body: ActivityWire } = await json.send<ActivityWire>('GET', url, { abortSignal });
    for (const e of page.body?.value ?? []) {
      if (e.status?.value !== 'Failed') continue;
      const time = Date.parse(e.eventTimestamp ?? '');
      failures.push({
        time: Number.isFinite(time) ? time : 0,
        operation: e.operationName?.localizedValue ?? e.operationName?.value ?? '',
        ...parseStatusMessage(e.properties?.statusMessage),
      });
    }
    url = page.body?.nextLink || undefined;
  }
  return failures.sort((a, b) => b.time - a.time);
}

export function parseStatusMessage(text: string | undefined): { code?: string; message?: string } {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as {
      code?: unknown;
      message?: unknown;
      error?: { code?: unknown; message?: unknown };
    };
    const e = parsed.error ?? parsed;
    return {
      ...(typeof e.code === 'string' ? { code: e.code } : {}),
      ...(typeof e.message === 'string' ? { message: e.message } : {}),
    };
  } catch {
    return { message: text };
  }
}
