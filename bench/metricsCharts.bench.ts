// Metrics view speed: from a metrics answer of 10 series × 24 h × 1 min (as Azure Monitor's wire
// JSON) to painted charts in Debian Chromium. The host's share runs the real code (parse, then
// loadMetrics → toMetricsAnswer → chartsOf); the page is the built Metrics view bundle (dist/
// metrics.js), timed from the posted message to the frame after the charts were drawn. Beside it,
// in the same browser and turn by turn, the same page built with uPlot's own line paths (each
// series one stroke: how the page drew before src/webview/lineRuns.ts), so the ratio is measured
// in one run. Prints figures only.
/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { toMetricsAnswer, type MetricsRequest } from '../src/azure/monitor';
import { DEPLOYMENT_PANELS, METRIC_RANGES, windowOf, type PanelSpec } from '../src/core/metrics';
import { chartsOf, loadMetrics } from '../src/metrics/load';
import type { ChartView, MetricsStrings } from '../src/metrics/protocol';

type Wire = Parameters<typeof toMetricsAnswer>[0];
const CHROMIUM = '/usr/bin/chromium';
const SERIES = 10;
const RUNS = 7;
const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

const shim = `
window.__name = (f) => f;
window.__posted = [];
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => undefined });`;
const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="metrics.css"></head>
<body class="vscode-dark"><script src="../shim.js"></script><script src="metrics.js"></script></body></html>`;

/**
 * The Metrics page with uPlot's own line paths in place of the runs (src/webview/chart.ts
 * runLines): each series is one Path2D, stroked once and clipped at its gaps, as uPlot draws it.
 */
async function buildBefore(): Promise<{ js: string; css: string }> {
  const root = resolve(import.meta.dirname, '..');
  let replaced = false;
  const uplotOwnLines: esbuild.Plugin = {
    name: 'uplot-own-lines',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/chart$/ }, (args) =>
        args.importer.endsWith('main.ts') && args.importer.includes('metrics')
          ? { path: 'chart-before', namespace: 'before' }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'before' }, () => {
        replaced = true;
        return {
          resolveDir: resolve(root, 'src/webview'),
          loader: 'ts',
          // An explicit export shadows the one of `export *`.
          contents: `import uPlot from 'uplot';
export * from './chart';
export function runLines() { return { paths: uPlot.paths.linear(), hooks: {} }; }`,
        };
      });
    },
  };
  const result = await esbuild.build({
    entryPoints: { metrics: resolve(root, 'src/webview/metrics/main.ts') },
    bundle: true,
    write: false,
    outdir: resolve(root, 'dist/bench-before'),
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    logLevel: 'warning',
    plugins: [uplotOwnLines],
  });
  if (!replaced) throw new Error('bench: the page no longer imports ../chart; update buildBefore');
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/**
 * The wire answer of one panel over the last 24 h at PT1M: SERIES series in all, spread over the
 * panel's metrics and split values (a panel without a split has one series per metric).
 */
function wireOf(panel: PanelSpec, request: MetricsRequest): string {
  const span = windowOf('PT24H', NOW);
  const perMetric = panel.splitBy.length ? Math.ceil(SERIES / panel.metrics.length) : 1;
  const key = request.aggregation.toLowerCase();
  let seed = 1;
  const value = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 100;
  return JSON.stringify({
    interval: span.interval,
    value: panel.metrics.map((metric) => ({
      name: { value: metric, localizedValue: metric },
      unit: panel.unit,
      timeseries: Array.from({ length: perMetric }, (_, k) => ({
        metadatavalues: panel.splitBy.map((d) => ({ name: { value: d }, value: `${d}-${k}` })),
        data: Array.from({ length: (span.endMs - span.startMs) / span.grainMs }, (_, i) => ({
          timeStamp: new Date(span.startMs + i * span.grainMs).toISOString(),
          ...(i % 97 === 0 ? {} : { [key]: value() }),
        })),
      })),
    })),
  });
}

const strings: MetricsStrings = {
  ranges: Object.fromEntries(METRIC_RANGES.map((r) => [r, r])) as MetricsStrings['ranges'],
  refresh: 'Refresh',
  autoRefresh: 'auto',
  updatedAt: 'Updated {0}',
  loading: 'Loading…',
  noData: 'No data',
  noDataDetail: 'none',
  panelTitles: {},
  perDeployment: '{0} · {1}',
  units: { Count: '', Milliseconds: 'ms', Percent: '%', BytesPerSecond: 'B/s', CountPerSecond: '/s' },
  failed: 'Failed',
};

async function serve(): Promise<{ server: Server; url: string }> {
  const dist = resolve(import.meta.dirname, '../dist');
  const before = await buildBefore();
  const files: Record<string, [string, string]> = {
    '/shim.js': ['text/javascript', shim],
    '/now/': ['text/html', page],
    '/now/metrics.js': ['text/javascript', await readFile(resolve(dist, 'metrics.js'), 'utf8')],
    '/now/metrics.css': ['text/css', await readFile(resolve(dist, 'metrics.css'), 'utf8')],
    '/before/': ['text/html', page],
    '/before/metrics.js': ['text/javascript', before.js],
    '/before/metrics.css': ['text/css', before.css],
  };
  const server = createServer((req, res) => {
    const file = files[req.url ?? '/'];
    if (!file) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

export default async function metricsChartsBench(): Promise<void> {
  // One answer of 10 series: the CPU and memory panel of a deployment with 5 instances.
  const cpu = DEPLOYMENT_PANELS.find((p) => p.id === 'cpu')!;
  const span = windowOf('PT24H', NOW);
  const request = { aggregation: 'Average' } as MetricsRequest;
  const cpuWire = wireOf(cpu, request);
  const hostOne: number[] = [];
  let oneCharts: ChartView[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    oneCharts = chartsOf(cpu, toMetricsAnswer(JSON.parse(cpuWire) as Wire, 'Average'), span, []);
    hostOne.push(performance.now() - t0);
  }
  const points = oneCharts.reduce((n, c) => n + c.series.length * c.xs.length, 0);
  console.log(
    `metrics charts: one answer of ${oneCharts[0]?.series.length} series × ${oneCharts[0]?.xs.length} points (${(cpuWire.length / 1e6).toFixed(1)} MB of JSON, ${points.toLocaleString('en')} values): host parse + shape median ${median(hostOne).toFixed(1)} ms`,
  );

  // The whole deployment view: every panel answers with up to 10 series, read through loadMetrics.
  const wires = new Map(DEPLOYMENT_PANELS.map((p) => [p.metrics.join(','), wireOf(p, request)]));
  const client = {
    queryMetrics: (_id: string, r: MetricsRequest) =>
      Promise.resolve(
        toMetricsAnswer(JSON.parse(wires.get(r.metricNames.join(','))!) as Wire, r.aggregation),
      ),
  };
  const hostAll: number[] = [];
  let allCharts: ChartView[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    allCharts = await loadMetrics(
      client,
      { scope: 'deployment', resourceId: 'bench', deployments: [] },
      'PT24H',
      NOW,
    );
    hostAll.push(performance.now() - t0);
  }
  const allSeries = allCharts.reduce((n, c) => n + c.series.length, 0);
  console.log(
    `metrics charts: whole deployment view, ${allCharts.length} charts / ${allSeries} series: host loadMetrics median ${median(hostAll).toFixed(1)} ms`,
  );

  if (!existsSync(CHROMIUM)) {
    console.log(
      `metrics charts: SKIPPED the browser part: ${CHROMIUM} is missing (apt-get install -y chromium)`,
    );
    return;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--headless'],
  });
  let server: Server | undefined;
  try {
    const served = await serve();
    server = served.server;
    const open = async (path: string): Promise<Page> => {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await tab.goto(served.url + path);
      await tab.waitForFunction(() =>
        (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
      );
      await tab.evaluate(
        (s) =>
          window.postMessage(
            {
              type: 'init',
              strings: s,
              heading: 'bench',
              scope: 'deployment',
              range: 'PT24H',
              refreshSeconds: 0,
            },
            '*',
          ),
        strings,
      );
      return tab;
    };
    const pages = { before: await open('before/'), now: await open('now/') };
    // Posted inside the page: the message's structured clone, the page's render and the next
    // frame are timed; the bench's own transfer into the page is not. The two pages take turns,
    // so both see the same load on this shared machine.
    const paint = async (charts: ChartView[]): Promise<{ before: number[]; now: number[] }> => {
      const times = { before: [] as number[], now: [] as number[] };
      for (const tab of Object.values(pages))
        await tab.evaluate((c) => ((window as unknown as { __charts: unknown }).__charts = c), charts);
      for (let run = 0; run < RUNS; run++)
        for (const [name, tab] of Object.entries(pages) as [keyof typeof pages, Page][]) {
          await tab.bringToFront();
          times[name].push(
            await tab.evaluate(async (fetchedAt) => {
              const w = window as unknown as { __charts: unknown };
              document.body.dataset.state = 'loading';
              const t0 = performance.now();
              window.postMessage({ type: 'data', range: 'PT24H', fetchedAt, charts: w.__charts }, '*');
              while (document.body.dataset.state !== 'done') await new Promise((r) => setTimeout(r, 0));
              await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
              if (document.querySelectorAll('canvas').length === 0) throw new Error('no chart was drawn');
              return performance.now() - t0;
            }, NOW),
          );
        }
      return times;
    };
    const spread = (t: number[]) =>
      `median ${median(t).toFixed(1)} ms (min ${Math.min(...t).toFixed(1)}, max ${Math.max(...t).toFixed(1)})`;
    const pageOne = await paint(oneCharts);
    const pageAll = await paint(allCharts);
    for (const [what, t] of [
      ['one 10-series chart', pageOne],
      [`whole view (${allCharts.length} charts)`, pageAll],
    ] as const) {
      console.log(`metrics charts: page, ${what}: message → painted ${spread(t.now)}`);
      console.log(
        `metrics charts: page, ${what}, each series one uPlot stroke (before): ${spread(t.before)}; now ${(median(t.before) / median(t.now)).toFixed(1)}× faster`,
      );
    }
    console.log(
      `metrics charts: answer → painted, one chart ≈ ${(median(hostOne) + median(pageOne.now)).toFixed(0)} ms; whole view ≈ ${(median(hostAll) + median(pageAll.now)).toFixed(0)} ms`,
    );
  } finally {
    await browser.close();
    server?.close();
  }
}
