// The Metrics view page: a range picker, a refresh button and one card per chart. Charts are uPlot
// on canvas with the query panel's themed axes and palette; the legend shows the values under the
// cursor. Every text is set with textContent; nothing from the data becomes markup. The range
// survives a hide through vscode.setState.
import './metrics.css';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { METRIC_RANGES, type MetricRange } from '../../core/metrics';
import {
  isToMetricsView,
  type ChartView,
  type FromMetricsView,
  type MetricsStrings,
  type ToMetricsView,
} from '../../metrics/protocol';
import { chartLook, runLines, type ChartLook } from '../chart';

interface VsCodeApi {
  postMessage(message: FromMetricsView): void;
  getState(): unknown;
  setState(state: { range: MetricRange }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function fill(template: string, ...args: string[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => args[Number(i)] ?? m);
}

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function formatValue(
  value: number | null | undefined,
  unit: string,
  units: Record<string, string>,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const suffix = units[unit] ?? '';
  return suffix === '%'
    ? `${number.format(value)}%`
    : suffix
      ? `${number.format(value)} ${suffix}`
      : number.format(value);
}

class MetricsPage {
  private strings: MetricsStrings | undefined;
  private range: MetricRange = 'PT1H';
  private readonly plots: uPlot[] = [];
  private readonly rangeSelect = el('select', 'range');
  private readonly refreshButton = el('button', 'refresh');
  private readonly status = el('span', 'status');
  private readonly heading = el('h1', 'heading');
  private readonly grid = el('div', 'charts');
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor() {
    const saved = vscode.getState() as { range?: unknown } | undefined;
    if (typeof saved?.range === 'string' && (METRIC_RANGES as readonly string[]).includes(saved.range))
      this.range = saved.range as MetricRange;
    const toolbar = el('div', 'toolbar');
    this.refreshButton.type = 'button';
    toolbar.append(this.heading, this.rangeSelect, this.refreshButton, this.status);
    document.body.append(toolbar, this.grid);
    this.rangeSelect.addEventListener('change', () => {
      this.range = this.rangeSelect.value as MetricRange;
      vscode.setState({ range: this.range });
      vscode.postMessage({ type: 'setRange', range: this.range });
    });
    this.refreshButton.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
    this.resize.observe(this.grid);
    window.addEventListener('message', (e: MessageEvent<unknown>) => {
      if (isToMetricsView(e.data)) this.onMessage(e.data);
    });
    vscode.postMessage({ type: 'ready' });
  }

  private onMessage(msg: ToMetricsView): void {
    switch (msg.type) {
      case 'init': {
        this.strings = msg.strings;
        this.heading.textContent = msg.heading;
        this.refreshButton.textContent = msg.strings.refresh;
        this.refreshButton.title = msg.strings.autoRefresh;
        this.rangeSelect.replaceChildren(
          ...METRIC_RANGES.map((r) => {
            const o = el('option', undefined, msg.strings.ranges[r]);
            o.value = r;
            return o;
          }),
        );
        // The page's own range wins after a hide; a new page takes the host's.
        const saved = vscode.getState() as { range?: unknown } | undefined;
        if (!saved) this.range = msg.range;
        this.rangeSelect.value = this.range;
        if (this.range !== msg.range) vscode.postMessage({ type: 'setRange', range: this.range });
        return;
      }
      case 'loading':
        document.body.dataset.state = 'loading';
        if (this.strings) this.status.textContent = this.strings.loading;
        return;
      case 'data':
        if (msg.range !== this.range) return;
        document.body.dataset.state = 'done';
        this.render(msg.charts);
        if (this.strings)
          this.status.textContent = fill(
            this.strings.updatedAt,
            new Date(msg.fetchedAt).toLocaleTimeString(),
          );
        return;
    }
  }

  private render(charts: ChartView[]): void {
    const s = this.strings;
    if (!s) return;
    for (const p of this.plots.splice(0)) p.destroy();
    this.grid.replaceChildren();
    // Per-deployment charts of one panel share a row: blue and green side by side.
    const rows = new Map<string, HTMLDivElement>();
    const toPlot: { box: HTMLElement; chart: ChartView }[] = [];
    for (const chart of charts) {
      let row = rows.get(chart.panelId);
      if (!row) {
        row = el('div', 'row');
        row.dataset.panel = chart.panelId;
        rows.set(chart.panelId, row);
        this.grid.append(row);
      }
      const card = el('section', 'card');
      card.dataset.panel = chart.panelId;
      const title = s.panelTitles[chart.panelId] ?? chart.panelId;
      card.append(
        el('h2', 'title', chart.deployment ? fill(s.perDeployment, title, chart.deployment) : title),
      );
      row.append(card);
      if (chart.error) {
        card.dataset.state = 'error';
        card.append(el('p', 'error', fill(s.failed, chart.error)));
        continue;
      }
      if (chart.noData) {
        // Never a flat zero line: the resource emitted nothing in this range.
        card.dataset.state = 'noData';
        const box = el('div', 'no-data');
        box.append(el('strong', undefined, s.noData), el('p', undefined, s.noDataDetail));
        card.append(box);
        continue;
      }
      card.dataset.state = 'chart';
      const box = el('div', 'plot');
      card.append(box);
      toPlot.push({ box, chart });
    }
    // Measured once every card is in place: one layout for all widths, and each chart is drawn at
    // its final size (measured card by card, a scrollbar appearing midway narrowed the later ones
    // and the first were resized, so drawn twice). Theme colours are read once, not per series.
    const widths = toPlot.map(({ box }) => box.clientWidth);
    const look = chartLook();
    toPlot.forEach(({ box, chart }, i) => this.plots.push(this.plot(box, chart, s, widths[i]!, look)));
  }

  private plot(box: HTMLElement, chart: ChartView, s: MetricsStrings, width: number, look: ChartLook): uPlot {
    const lines = runLines();
    const opts: uPlot.Options = {
      width: Math.max(240, width || 360),
      height: 200,
      scales: { x: { time: true } },
      axes: [
        { ...look.axis, space: 90 },
        { ...look.axis, values: (_u, ticks) => ticks.map((v) => formatValue(v, chart.unit, s.units)) },
      ],
      // The legend is the hover readout: each series' value at the cursor's time.
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      hooks: lines.hooks,
      series: [
        {},
        ...chart.series.map((series, i) => ({
          label: series.label,
          stroke: look.color(i),
          width: look.lineWidth,
          paths: lines.paths,
          // Gaps stay gaps: a bucket without data is not drawn as zero.
          spanGaps: false,
          points: { show: chart.xs.length <= 120 },
          value: (_u: uPlot, v: number | null) => formatValue(v, chart.unit, s.units),
        })),
      ],
    };
    return new uPlot(opts, [chart.xs, ...chart.series.map((x) => x.values)] as uPlot.AlignedData, box);
  }

  private fit(): void {
    for (const p of this.plots) {
      const parent = p.root.parentElement;
      if (parent && parent.clientWidth > 0) p.setSize({ width: parent.clientWidth, height: 200 });
    }
  }
}

new MetricsPage();
