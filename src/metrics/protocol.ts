// Messages between the Metrics view (src/webview/metrics/) and its host (src/metrics/panel.ts).
// Shared by both sides; the host validates everything the page sends.
import { isMetricRange, type MetricRange, type MetricsScope } from '../core/metrics';

export interface MetricsStrings {
  ranges: Record<MetricRange, string>;
  refresh: string;
  autoRefresh: string;
  updatedAt: string;
  loading: string;
  noData: string;
  noDataDetail: string;
  panelTitles: Record<string, string>;
  /** "{0} · {1}": panel title and deployment. */
  perDeployment: string;
  units: Record<string, string>;
  failed: string;
}

/** One chart as the page draws it: a time axis and the values of each series (null = no data). */
export interface ChartView {
  panelId: string;
  deployment?: string;
  unit: string;
  noData: boolean;
  /** Set when this panel's request failed: the message, shown instead of the chart. */
  error?: string;
  xs: number[];
  series: { label: string; values: (number | null)[] }[];
}

export type ToMetricsView =
  | {
      type: 'init';
      strings: MetricsStrings;
      heading: string;
      scope: MetricsScope;
      range: MetricRange;
      refreshSeconds: number;
    }
  | { type: 'loading'; range: MetricRange }
  | { type: 'data'; range: MetricRange; fetchedAt: number; charts: ChartView[] };

export type FromMetricsView =
  { type: 'ready' } | { type: 'setRange'; range: MetricRange } | { type: 'refresh' };

export function parseFromMetricsView(msg: unknown): FromMetricsView | undefined {
  if (typeof msg !== 'object' || msg === null) return undefined;
  const m = msg as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'refresh':
      return { type: 'refresh' };
    case 'setRange':
      return isMetricRange(m.range) ? { type: 'setRange', range: m.range } : undefined;
    default:
      return undefined;
  }
}

export function isToMetricsView(msg: unknown): msg is ToMetricsView {
  if (typeof msg !== 'object' || msg === null) return false;
  const t = (msg as { type?: unknown }).type;
  return t === 'init' || t === 'loading' || t === 'data';
}
