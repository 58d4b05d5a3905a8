// Reads every panel of a Metrics view in parallel and shapes them for the page. No vscode import:
// the integration tests and the benchmark run it as the view does.
import type { AzureClient } from '../azure/api';
import {
  glanceOf,
  panelsOf,
  shapePanel,
  splitFilter,
  windowOf,
  type MetricRange,
  type MetricsAnswer,
  type MetricsScope,
  type Glance,
  type MetricWindow,
  type PanelSpec,
} from '../core/metrics';
import type { ChartView } from './protocol';

export interface MetricsSubject {
  scope: MetricsScope;
  resourceId: string;
  /** Deployments of an endpoint, in the order their charts stand side by side. */
  deployments: string[];
}

/** Series per split metric: an endpoint's deployments × status classes stay well under it. */
const TOP_SERIES = 50;

export function requestOf(panel: PanelSpec, window: MetricWindow) {
  const filter = splitFilter(panel.splitBy);
  return {
    metricNames: panel.metrics,
    aggregation: 'Average',
    timespan: window.timespan,
    interval: window.interval,
    ...(filter ? { filter, top: TOP_SERIES } : {}),
  };
}

/** Charts of every panel of a panel answer (several for a per-deployment panel). */
export function chartsOf(
  panel: PanelSpec,
  answer: MetricsAnswer,
  window: MetricWindow,
  deployments: string[],
): ChartView[] {
  return shapePanel(panel, answer, window, deployments).map((p) => ({
    panelId: p.panelId,
    ...(p.deployment !== undefined ? { deployment: p.deployment } : {}),
    unit: p.unit,
    noData: p.noData,
    xs: p.data.xs,
    series: p.data.series.map((s) => ({ label: s.label, values: s.values })),
  }));
}

/** One failing panel shows its error; the others still draw. */
export async function loadMetrics(
  client: Pick<AzureClient, 'queryMetrics'>,
  subject: MetricsSubject,
  range: MetricRange,
  nowMs: number,
  abortSignal?: AbortSignal,
  describeError: (e: unknown) => string = (e) => (e instanceof Error ? e.message : String(e)),
): Promise<ChartView[]> {
  const window = windowOf(range, nowMs);
  const results = await Promise.all(
    panelsOf(subject.scope).map(async (panel): Promise<ChartView[]> => {
      try {
        const answer = await client.queryMetrics(subject.resourceId, requestOf(panel, window), abortSignal);
        return chartsOf(panel, answer, window, subject.deployments);
      } catch (e) {
        if (abortSignal?.aborted) throw e;
        return [
          { panelId: panel.id, unit: panel.unit, noData: true, error: describeError(e), xs: [], series: [] },
        ];
      }
    }),
  );
  return results.flat();
}

/**
 * A deployment's last-hour figures. Two requests: at deployment level the latency metrics have no
 * dimension, so the envoy_response_code split that RequestsPerMinute needs would be refused for
 * them (one filter applies to every metric of a request).
 */
export async function loadGlance(
  client: Pick<AzureClient, 'queryMetrics'>,
  deploymentId: string,
  nowMs: number,
  abortSignal?: AbortSignal,
): Promise<Glance> {
  const window = windowOf('PT1H', nowMs);
  const common = { aggregation: 'Average', timespan: window.timespan, interval: window.interval };
  const [latency, requests] = await Promise.all([
    client.queryMetrics(deploymentId, { ...common, metricNames: ['RequestLatency_P95'] }, abortSignal),
    client.queryMetrics(
      deploymentId,
      {
        ...common,
        metricNames: ['RequestsPerMinute'],
        filter: splitFilter(['envoy_response_code']),
        top: TOP_SERIES,
      },
      abortSignal,
    ),
  ]);
  return glanceOf({ metrics: [...latency.metrics, ...requests.metrics] });
}
