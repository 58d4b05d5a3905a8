// A time chart of a result (uPlot on canvas: nothing from the data becomes markup), coloured from
// VS Code's --vscode-charts-* theme variables so it follows light, dark and high contrast.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ColumnarTable, NumericColumn } from '../core/queryResult';

/** Beyond this many points the chart would cost more than it tells. */
export const MAX_CHART_ROWS = 200_000;
const MAX_SERIES = 12;

const paletteVars = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-red',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
];
const fallbackPalette = ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'];

export interface ChartPlan {
  x: NumericColumn;
  ys: NumericColumn[];
}

/** A time column and at least one numeric column make a time chart. */
export function planChart(table: ColumnarTable): ChartPlan | undefined {
  const x = table.columns.find((c): c is NumericColumn => c.kind === 'datetime');
  const ys = table.columns.filter((c): c is NumericColumn => c.kind === 'number').slice(0, MAX_SERIES);
  return x && ys.length > 0 ? { x, ys } : undefined;
}

/**
 * A result that is a time series (a time column, numbers, at most one label column), as
 * `summarize … by bin(timestamp, …)` gives: worth a chart before the user asks. Raw rows (traces,
 * requests) chart only on request, so the grid stays in view.
 */
export function looksLikeSeries(table: ColumnarTable): boolean {
  const labels = table.columns.filter((c) => c.kind !== 'datetime' && c.kind !== 'number');
  return planChart(table) !== undefined && labels.length <= 1;
}

export function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** The i-th series colour of the theme (the Metrics view draws with the same palette). */
export function seriesColor(i: number): string {
  return themeColor(paletteVars[i % paletteVars.length]!, fallbackPalette[i % fallbackPalette.length]!);
}

/** Axes in the theme's foreground and border colours. */
export function themedAxis(): uPlot.Axis {
  const foreground = themeColor('--vscode-foreground', '#cccccc');
  const gridColor = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.35)');
  return {
    stroke: foreground,
    grid: { stroke: gridColor, width: 1 },
    ticks: { stroke: gridColor, width: 1 },
  };
}

export class TimeChart {
  private plot: uPlot | undefined;
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor(private readonly container: HTMLElement) {
    this.resize.observe(container);
  }

  render(table: ColumnarTable, plan: ChartPlan): void {
    this.destroy();
    // uPlot wants x ascending: order the row numbers by time, leaving rows without a time out.
    const order: number[] = [];
    for (let r = 0; r < table.rowCount; r++) if (!Number.isNaN(plan.x.values[r]!)) order.push(r);
    order.sort((a, b) => plan.x.values[a]! - plan.x.values[b]!);
    const xs = order.map((r) => plan.x.values[r]! / 1000);
    const series = plan.ys.map((col) =>
      order.map((r) => {
        const v = col.values[r]!;
        return Number.isNaN(v) ? null : v;
      }),
    );
    const highContrast = document.body.classList.contains('vscode-high-contrast');
    const axis = themedAxis();
    const opts: uPlot.Options = {
      width: Math.max(200, this.container.clientWidth),
      height: Math.max(160, this.container.clientHeight || 260),
      scales: { x: { time: true } },
      // Time labels are wide: keep them apart.
      axes: [{ ...axis, space: 110 }, { ...axis }],
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        {},
        ...plan.ys.map((col, i) => ({
          label: col.name,
          stroke: seriesColor(i),
          width: highContrast ? 2 : 1.5,
          spanGaps: false,
          points: { show: xs.length <= 200 },
        })),
      ],
    };
    this.plot = new uPlot(opts, [xs, ...series] as uPlot.AlignedData, this.container);
  }

  private fit(): void {
    if (!this.plot) return;
    const width = this.container.clientWidth;
    const height = this.container.clientHeight;
    if (width > 0 && height > 0) this.plot.setSize({ width, height: Math.max(160, height - 40) });
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.container.replaceChildren();
  }
}
