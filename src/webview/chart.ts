// A time chart of a result (uPlot on canvas: nothing from the data becomes markup), coloured from
// VS Code's --vscode-charts-* theme variables so it follows light, dark and high contrast.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ColumnarTable, NumericColumn } from '../core/queryResult';
import { lineRuns } from './lineRuns';

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

/** The theme's look of a chart, read once for a page of charts (each read of a theme variable
 * forces a style recalculation while the page is being built). */
export interface ChartLook {
  axis: uPlot.Axis;
  color(i: number): string;
  lineWidth: number;
}

export function chartLook(): ChartLook {
  const palette = paletteVars.map((_, i) => seriesColor(i));
  return {
    axis: themedAxis(),
    color: (i) => palette[i % palette.length]!,
    lineWidth: document.body.classList.contains('vscode-high-contrast') ? 2 : 1.5,
  };
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

/**
 * Line series drawn in short runs (./lineRuns says why): give each line series `paths` and the plot
 * `hooks`. Each line looks as uPlot would draw it (colour, width, round joins, gaps left open,
 * clipped to the plot area), but costs Chromium's rasterizer a small fraction. One per plot.
 */
export function runLines(): { paths: uPlot.Series.PathBuilder; hooks: uPlot.Hooks.Arrays } {
  const runsOf = new Map<number, Path2D[]>();
  const paths: uPlot.Series.PathBuilder = (u, si, i0, i1) => {
    const scale = u.series[si]?.scale ?? 'y';
    const runs = lineRuns(
      u.data[0],
      u.data[si] ?? [],
      i0,
      i1,
      (v) => Math.round(u.valToPos(v, 'x', true)),
      (v) => Math.round(u.valToPos(v, scale, true)),
    );
    runsOf.set(
      si,
      runs.map((points) => {
        const path = new Path2D();
        path.moveTo(points[0]!, points[1]!);
        for (let k = 2; k < points.length; k += 2) path.lineTo(points[k]!, points[k + 1]!);
        return path;
      }),
    );
    // uPlot strokes nothing itself; drawSeries below strokes the runs.
    return { stroke: null, fill: null, clip: null, band: null, flags: 0 };
  };
  const drawSeries = (u: uPlot, si: number): void => {
    const series = u.series[si];
    const runs = runsOf.get(si);
    if (!series || !runs?.length) return;
    const { ctx, bbox } = u;
    const width = (series.width ?? 1) * uPlot.pxRatio;
    const stroke = series.stroke;
    ctx.save();
    ctx.beginPath();
    ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
    ctx.clip();
    ctx.strokeStyle = typeof stroke === 'function' ? stroke(u, si) : (stroke ?? '#888');
    ctx.lineWidth = width;
    ctx.lineJoin = 'round';
    ctx.lineCap = 'butt';
    ctx.setLineDash([]);
    // uPlot's half-pixel shift that keeps odd-width lines crisp.
    const offset = (width % 2) / 2;
    if (offset > 0) ctx.translate(offset, offset);
    for (const run of runs) ctx.stroke(run);
    ctx.restore();
  };
  return { paths, hooks: { drawSeries: [drawSeries] } };
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
    const lines = runLines();
    const opts: uPlot.Options = {
      width: Math.max(200, this.container.clientWidth),
      height: Math.max(160, this.container.clientHeight || 260),
      scales: { x: { time: true } },
      // Time labels are wide: keep them apart.
      axes: [{ ...axis, space: 110 }, { ...axis }],
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      hooks: lines.hooks,
      series: [
        {},
        ...plan.ys.map((col, i) => ({
          label: col.name,
          stroke: seriesColor(i),
          width: highContrast ? 2 : 1.5,
          paths: lines.paths,
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
