// Query grid speed in Debian Chromium: 500,000 rows × 8 columns posted to the real webview bundle
// as the host posts them, time to the first visible rows, DOM rows while scrolling, frame times.
// Also measures why the payload is columnar: structured-clone cost of columns vs row objects.
/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import type { QueryResult } from '../src/azure/models';
import { shapeQueryResult } from '../src/core/queryResult';
import { stringKeys, type Strings } from '../src/query/protocol';

const ROWS = 500_000;
const CHROMIUM = '/usr/bin/chromium';
const GOAL_MS = 1500;

// tsx keeps function names with an __name helper; functions sent to page.evaluate need it in the page.
const shim = `
window.__name = (f) => f;
// Registered before the page's own listener: marks when a result has been delivered (deserialized).
window.addEventListener('message', (e) => { if (e.data && e.data.type === 'result' && e.data.complete) window.__arrived = performance.now(); });
window.__posted = [];
window.__state = undefined;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(m),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});`;

const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="webview.css"></head>
<body class="vscode-dark" data-state="idle"><script src="shim.js"></script><script src="webview.js"></script></body></html>`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function buildBundle(dir: string): Promise<void> {
  await esbuild.build({
    entryPoints: { webview: resolve(import.meta.dirname, '../src/webview/main.ts') },
    outdir: dir,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    minify: true,
    logLevel: 'warning',
  });
}

async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const files: Record<string, [string, string]> = {
    '/': ['text/html', page],
    '/shim.js': ['text/javascript', shim],
    '/webview.js': ['text/javascript', await readFile(join(dir, 'webview.js'), 'utf8')],
    '/webview.css': ['text/css', await readFile(join(dir, 'webview.css'), 'utf8')],
  };
  const server = createServer((req, res) => {
    const file = files[req.url ?? '/'];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** The host's share: the SDK's rows (Date, parsed dynamic) shaped into the columnar payload. */
function measureHostShaping(): number {
  const base = Date.UTC(2026, 10, 23);
  const rows: unknown[][] = new Array<unknown[]>(ROWS);
  for (let r = 0; r < ROWS; r++) {
    rows[r] = [
      new Date(base + r * 1000),
      ((r * 7919) % 5000) / 3.7,
      r % 17 === 0 ? 500 : 200,
      r % 17 !== 0,
      r % 3 === 0 ? 'POST /score' : 'GET /',
      (r * 2654435761).toString(16).padStart(12, '0'),
      { 'Endpoint Name': 'ep', 'Deployment Name': 'blue', n: r },
      `request ${r} <b>not markup</b>`,
    ];
  }
  const result: QueryResult = {
    status: 'Success',
    tables: [
      {
        name: 'PrimaryResult',
        columns: [
          { name: 'timestamp', type: 'datetime' },
          { name: 'duration', type: 'real' },
          { name: 'resultCode', type: 'long' },
          { name: 'success', type: 'bool' },
          { name: 'name', type: 'string' },
          { name: 'operation_Id', type: 'string' },
          { name: 'customDimensions', type: 'dynamic' },
          { name: 'msg', type: 'string' },
        ],
        rows,
      },
    ],
  };
  const primary = result.tables[0]!;
  let t0 = performance.now();
  shapeQueryResult({ ...result, tables: [{ ...primary, rows: primary.rows.slice(0, 1000) }] });
  const headMs = performance.now() - t0;
  t0 = performance.now();
  const shaped = shapeQueryResult(result);
  const ms = performance.now() - t0;
  const bytes = shaped.table.columns.reduce((n, c) => n + ('bytes' in c ? c.bytes.byteLength + c.offsets.byteLength : c.values.byteLength), 0);
  console.log(
    `query grid: host shaping: first 1,000 rows ${headMs.toFixed(1)} ms; all ${ROWS.toLocaleString('en')} SDK rows ${ms.toFixed(0)} ms → ${(bytes / 1e6).toFixed(1)} MB of typed arrays`,
  );
  return headMs;
}

export default async function queryGridBench(): Promise<void> {
  console.log(`query grid: ${ROWS.toLocaleString('en')} rows × 8 columns`);
  const hostHeadMs = measureHostShaping();
  if (!existsSync(CHROMIUM)) {
    console.log(`query grid: SKIPPED the browser part: ${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const dir = await mkdtemp(join(tmpdir(), 'aml-grid-bench-'));
  let server: Server | undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--headless'] });
  try {
    await buildBundle(dir);
    const served = await serve(dir);
    server = served.server;
    const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await tab.goto(served.url);
    await tab.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));

    const strings = Object.fromEntries(stringKeys.map((k) => [k, k === 'rowCount' ? '{0} rows' : k])) as Strings;
    await tab.evaluate((s) => {
      window.postMessage(
        {
          type: 'init',
          strings: s,
          heading: 'bench',
          readyQueries: [],
          binding: {
            componentId: '/subscriptions/0/resourceGroups/rg/providers/microsoft.insights/components/ai',
            componentName: 'ai',
            scopeLabel: 'bench',
            scope: { kind: 'workspace' },
          },
          state: {
            binding: {
              componentId: '/subscriptions/0/resourceGroups/rg/providers/microsoft.insights/components/ai',
              componentName: 'ai',
              scopeLabel: 'bench',
              scope: { kind: 'workspace' },
            },
            query: 'traces',
            source: 'appInsights',
            timeRange: { kind: 'preset', duration: 'PT1H' },
            scrollTop: 0,
            filter: '',
          },
        },
        '*',
      );
      window.postMessage({ type: 'running', runId: 1 }, '*');
    }, strings);
    await tab.waitForFunction(() => document.body.dataset.state === 'running');

    // Build the result in the page (as the host's shapeQueryResult would) and time the post → first rows.
    const figures = await tab.evaluate(async (rows: number) => {
      const t = new Float64Array(rows);
      const duration = new Float64Array(rows);
      const code = new Float64Array(rows);
      const success = new Int8Array(rows);
      const name = new Array<string>(rows);
      const op = new Array<string>(rows);
      const dims = new Array<string>(rows);
      const message = new Array<string>(rows);
      const base = Date.UTC(2026, 10, 23);
      for (let r = 0; r < rows; r++) {
        t[r] = base + r * 1000;
        duration[r] = (r * 7919) % 5000 / 3.7;
        code[r] = r % 17 === 0 ? 500 : 200;
        success[r] = r % 17 === 0 ? 0 : 1;
        name[r] = r % 3 === 0 ? 'POST /score' : 'GET /';
        op[r] = (r * 2654435761).toString(16).padStart(12, '0');
        dims[r] = `{"Endpoint Name":"ep","Deployment Name":"blue","n":${r}}`;
        message[r] = `request ${r} <b>not markup</b>`;
      }
      // The same packing as packText in src/core/queryResult.ts (the host's shaping; ASCII here).
      const encoder = new TextEncoder();
      const pack = (values: string[]): { bytes: Uint8Array; offsets: Uint32Array } => {
        const offsets = new Uint32Array(values.length + 1);
        let length = 0;
        for (let r = 0; r < values.length; r++) {
          length += values[r]!.length;
          offsets[r + 1] = length;
        }
        return { bytes: encoder.encode(values.join('')), offsets };
      };
      const p0 = performance.now();
      const packed = [name, op, dims, message].map(pack);
      const packMs = performance.now() - p0;
      const columns = [
        { name: 'timestamp', sourceType: 'datetime', kind: 'datetime', values: t },
        { name: 'duration', sourceType: 'real', kind: 'number', values: duration },
        { name: 'resultCode', sourceType: 'long', kind: 'number', values: code },
        { name: 'success', sourceType: 'bool', kind: 'bool', values: success },
        { name: 'name', sourceType: 'string', kind: 'string', ...packed[0] },
        { name: 'operation_Id', sourceType: 'string', kind: 'string', ...packed[1] },
        { name: 'customDimensions', sourceType: 'dynamic', kind: 'dynamic', ...packed[2] },
        { name: 'message', sourceType: 'string', kind: 'string', ...packed[3] },
      ];
      const msg = {
        type: 'result',
        runId: 1,
        complete: true,
        totalRows: rows,
        table: { rowCount: rows, columns },
        status: 'Success',
        truncatedCount: 0,
        unfolded: false,
        timechart: false,
        statistics: { executionTimeSeconds: 1.2 },
        elapsedMs: 0,
      };

      const nextFrame = (): Promise<number> => new Promise((ok) => requestAnimationFrame(ok));
      // Reference: frame times of this (shared, loaded) machine with nothing to do.
      const idleFrames: number[] = [];
      let idleLast = await nextFrame();
      for (let i = 0; i < 60; i++) {
        const now = await nextFrame();
        idleFrames.push(now - idleLast);
        idleLast = now;
      }
      // As the host does (QueryPanel.run): the first 1,000 rows go ahead; the whole result follows
      // once the head is on its way (in VS Code it crosses the IPC after the head; here: a frame later).
      const HEAD = 1000;
      const head = {
        ...msg,
        complete: false,
        table: {
          rowCount: HEAD,
          columns: columns.map((c) => {
            const col = c as { bytes?: Uint8Array; offsets?: Uint32Array; values?: Float64Array | Int8Array };
            return col.bytes && col.offsets
              ? { ...c, bytes: col.bytes.slice(0, col.offsets[HEAD]), offsets: col.offsets.slice(0, HEAD + 1) }
              : { ...c, values: col.values?.slice(0, HEAD) };
          }),
        },
      };
      const t0 = performance.now();
      window.postMessage(head, '*');
      requestAnimationFrame(() => setTimeout(() => window.postMessage(msg, '*')));
      let firstRows = NaN;
      let allRows = NaN;
      let arrived = NaN;
      for (;;) {
        await nextFrame();
        if (Number.isNaN(firstRows) && document.querySelector('[role="row"][data-row]')) firstRows = performance.now() - t0;
        if (document.body.dataset.state === 'done') {
          allRows = performance.now() - t0;
          arrived = (window as unknown as { __arrived: number }).__arrived - t0;
          break;
        }
        if (performance.now() - t0 > 30_000) break;
      }

      // Scroll: 240 frames of steady scrolling, then 60 random jumps.
      const viewport = document.querySelector('.grid-viewport') as HTMLElement;
      const frameTimes: number[] = [];
      let maxDomRows = 0;
      let last = await nextFrame();
      for (let i = 0; i < 300; i++) {
        if (i < 240) viewport.scrollTop += 900;
        else viewport.scrollTop = Math.floor(Math.random() * viewport.scrollHeight);
        const now = await nextFrame();
        frameTimes.push(now - last);
        last = now;
        maxDomRows = Math.max(maxDomRows, document.querySelectorAll('.grid-row').length);
      }
      const visibleRows = Math.ceil(viewport.clientHeight / 22);

      // Sort by duration and filter-as-you-type, to their next painted frame.
      let s0 = performance.now();
      (document.querySelector('[data-col="duration"] button') as HTMLButtonElement).click();
      await nextFrame();
      const sortMs = performance.now() - s0;
      const filter = document.querySelector('input.filter') as HTMLInputElement;
      filter.value = 'post';
      s0 = performance.now();
      filter.dispatchEvent(new Event('input'));
      const grid = document.querySelector('.grid') as HTMLElement;
      for (;;) {
        await nextFrame();
        if (grid.dataset.rows !== String(rows)) break;
        if (performance.now() - s0 > 30_000) break;
      }
      const filterMs = performance.now() - s0 - 120; // minus the typing debounce
      filter.value = 'post /';
      s0 = performance.now();
      filter.dispatchEvent(new Event('input'));
      await new Promise((ok) => setTimeout(ok, 130));
      await nextFrame();
      const filterAgainMs = performance.now() - s0 - 120;
      // What a naive host would post instead: one object per row.
      const objects = new Array<Record<string, unknown>>(rows);
      for (let r = 0; r < rows; r++) {
        objects[r] = {
          timestamp: new Date(t[r]!).toISOString(),
          duration: duration[r],
          resultCode: code[r],
          success: success[r] === 1,
          name: name[r],
          operation_Id: op[r],
          customDimensions: JSON.parse(dims[r]!) as unknown,
          message: message[r],
        };
      }
      let c0 = performance.now();
      structuredClone(msg);
      const cloneColumnar = performance.now() - c0;
      c0 = performance.now();
      structuredClone(objects);
      const cloneRows = performance.now() - c0;
      c0 = performance.now();
      structuredClone([name, op, dims, message]);
      const cloneStringArrays = performance.now() - c0;

      const markupStaysText = !document.querySelector('.grid-cell b') && !!document.querySelector('.grid-cell');
      return { cloneColumnar, cloneRows, cloneStringArrays, packMs, idleFrames, firstRows, allRows, arrived, frameTimes, maxDomRows, visibleRows, sortMs, filterMs, filtered: grid.dataset.rows, filterAgainMs, markupStaysText };
    }, ROWS);

    console.log(
      `query grid: structured clone of the packed columnar payload ${figures.cloneColumnar.toFixed(0)} ms ` +
        `(packing the 4 text columns ${figures.packMs.toFixed(0)} ms); of ${ROWS.toLocaleString('en')} row objects ${figures.cloneRows.toFixed(0)} ms; ` +
        `of the 4 text columns as string arrays ${figures.cloneStringArrays.toFixed(0)} ms`,
    );
    console.log(
      `query grid: response → first visible rows ${(hostHeadMs + figures.firstRows).toFixed(0)} ms (host head shaping + page; goal < ${GOAL_MS} ms: ${hostHeadMs + figures.firstRows < GOAL_MS ? 'met' : 'MISSED'}); ` +
        `→ all ${ROWS.toLocaleString('en')} rows browsable ${figures.allRows.toFixed(0)} ms (delivering the whole result ${figures.arrived.toFixed(0)} ms, its grid setup and paint ${(figures.allRows - figures.arrived).toFixed(0)} ms)`,
    );
    console.log(
      `query grid: scrolling ${figures.frameTimes.length} frames: p50 ${percentile(figures.frameTimes, 50).toFixed(1)} ms, p95 ${percentile(figures.frameTimes, 95).toFixed(1)} ms, max ${Math.max(...figures.frameTimes).toFixed(1)} ms`,
    );
    console.log(`query grid: idle frames (reference for this machine): p50 ${percentile(figures.idleFrames, 50).toFixed(1)} ms, p95 ${percentile(figures.idleFrames, 95).toFixed(1)} ms`);
    console.log(`query grid: DOM rows while scrolling at most ${figures.maxDomRows} (viewport shows ~${figures.visibleRows}; rows in result ${ROWS.toLocaleString('en')})`);
    console.log(`query grid: sort 500k by a number column ${figures.sortMs.toFixed(0)} ms; filter-as-you-type: first keystroke ${figures.filterMs.toFixed(0)} ms (builds the search text; ${figures.filtered ?? '?'} rows match), next keystroke ${figures.filterAgainMs.toFixed(0)} ms`);
    console.log(`query grid: markup in cells stays text: ${figures.markupStaysText ? 'yes' : 'NO'}`);
  } finally {
    await browser.close();
    server?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
