// Query grid speed: 500,000 rows × 8 columns of the emulator's benchmark component, queried with the
// real client, shaped as the host shapes them (QueryPanel.run: first rows ahead, then the whole),
// and posted to the real webview bundle in Debian Chromium. Prints time to the first visible rows,
// DOM rows while scrolling, frame times, sort and filter times, and why the payload is columnar
// (structured-clone cost of typed columns vs the SDK's row arrays).
/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import type { QueryResult } from '../src/azure/models';
import { shapeQueryResult, type ColumnarTable } from '../src/core/queryResult';
import { stringKeys, type Strings } from '../src/query/protocol';
import { FILTER_DEBOUNCE_MS, searchTextOf } from '../src/webview/gridView';
import { startTestAzure } from '../test/integration/support';

const ROWS = 500_000;
const HEAD_ROWS = 1000;
const CHROMIUM = '/usr/bin/chromium';
const GOAL_MS = 1500;
const QUERY =
  'requests\n| project timestamp, name, resultCode, duration, success, operation_Id, customDimensions, cloud_RoleName';

// tsx keeps function names with an __name helper; functions sent to page.evaluate need it in the page.
const shim = `
window.__name = (f) => f;
// Registered before the page's own listener: marks when the whole result has been delivered.
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

/** The benchmark component's 500,000 requests through the real client, or undefined if the emulator is not there. */
async function queryEmulator(): Promise<{ result: QueryResult; queryMs: number } | undefined> {
  let azure: Awaited<ReturnType<typeof startTestAzure>> | undefined;
  try {
    azure = await startTestAzure();
    const component = azure.emu.query.components.find((c) => c.benchmark);
    if (!component) throw new Error('the scenario has no benchmark component');
    const t0 = performance.now();
    const result = await azure.client.query(
      { kind: 'appInsights', resourceId: component.componentId },
      QUERY,
      // The 500,000 rows span exactly the last 7 days; a day of margin keeps the oldest one in
      // the window while the clock moves between generating and querying.
      { duration: 'P8D' },
    );
    return { result, queryMs: performance.now() - t0 };
  } catch (e) {
    console.log(
      `query grid: the emulator could not answer (${e instanceof Error ? e.message : String(e)}); using generated rows`,
    );
    return undefined;
  } finally {
    await azure?.stop();
  }
}

/** The same shape of rows, generated (when the emulator is not available). */
function generatedResult(): QueryResult {
  const base = Date.UTC(2026, 10, 23);
  const rows = new Array<unknown[]>(ROWS);
  for (let r = 0; r < ROWS; r++) {
    rows[r] = [
      new Date(base + r * 1000),
      r % 3 === 0 ? 'POST /score' : 'GET /',
      r % 17 === 0 ? '500' : '200',
      ((r * 7919) % 5000) / 3.7,
      r % 17 !== 0,
      (r * 2654435761).toString(16).padStart(32, '0'),
      { 'Endpoint Name': 'ep', 'Deployment Name': 'blue', 'Request Id': String(r) },
      `ep-blue <b>${r % 3}</b>`,
    ];
  }
  const columns = [
    ['timestamp', 'datetime'],
    ['name', 'string'],
    ['resultCode', 'string'],
    ['duration', 'real'],
    ['success', 'bool'],
    ['operation_Id', 'string'],
    ['customDimensions', 'dynamic'],
    ['cloud_RoleName', 'string'],
  ].map(([name, type]) => ({ name: name!, type: type! }));
  return { status: 'Success', tables: [{ name: 'PrimaryResult', columns, rows }] };
}

function resultMessage(table: ColumnarTable, complete: boolean, totalRows: number): Record<string, unknown> {
  return {
    type: 'result',
    runId: 1,
    table,
    complete,
    totalRows,
    status: 'Success',
    truncatedCount: 0,
    unfolded: false,
    timechart: false,
    statistics: { executionTimeSeconds: 1.2 },
    elapsedMs: 0,
  };
}

/**
 * A result message as one binary file: [u32 header length][JSON header][typed arrays, 8-aligned].
 * The page rebuilds separate typed arrays (as the host's message holds) before the timed post.
 */
function encodeMessage(msg: Record<string, unknown>): Buffer {
  const table = msg.table as ColumnarTable;
  const chunks: Buffer[] = [];
  let offset = 0;
  const columns = table.columns.map((c) => {
    const arrays: Record<string, { type: string; offset: number; byteLength: number }> = {};
    const meta: Record<string, unknown> = { name: c.name, sourceType: c.sourceType, kind: c.kind };
    for (const [key, value] of Object.entries(c)) {
      if (!ArrayBuffer.isView(value)) continue;
      const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      arrays[key] = { type: value.constructor.name, offset, byteLength: bytes.byteLength };
      const padded = Math.ceil(bytes.byteLength / 8) * 8;
      chunks.push(bytes, Buffer.alloc(padded - bytes.byteLength));
      offset += padded;
    }
    return { ...meta, arrays };
  });
  const header = Buffer.from(
    JSON.stringify({ ...msg, table: { rowCount: table.rowCount, columns } }),
    'utf8',
  );
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32LE(header.byteLength);
  const headerPad = Buffer.alloc((8 - ((4 + header.byteLength) % 8)) % 8);
  return Buffer.concat([prefix, header, headerPad, ...chunks]);
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

async function serve(
  dir: string,
  payloads: Record<string, Buffer>,
): Promise<{ server: Server; url: string }> {
  const files: Record<string, [string, string | Buffer]> = {
    '/': ['text/html', page],
    '/shim.js': ['text/javascript', shim],
    '/webview.js': ['text/javascript', await readFile(join(dir, 'webview.js'), 'utf8')],
    '/webview.css': ['text/css', await readFile(join(dir, 'webview.css'), 'utf8')],
    ...Object.fromEntries(
      Object.entries(payloads).map(([path, body]) => [
        path,
        ['application/octet-stream', body] as [string, Buffer],
      ]),
    ),
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

export default async function queryGridBench(): Promise<void> {
  const fromEmulator = await queryEmulator();
  const result = fromEmulator?.result ?? generatedResult();
  const primary = result.tables[0]!;
  const totalRows = primary.rows.length;
  console.log(
    `query grid: ${totalRows.toLocaleString('en')} rows × ${primary.columns.length} columns ` +
      (fromEmulator
        ? `from the emulator (query through the real client ${fromEmulator.queryMs.toFixed(0)} ms)`
        : '(generated)'),
  );

  // The host's share (QueryPanel.run): the first rows shaped on their own, then the whole result.
  let t0 = performance.now();
  const head = shapeQueryResult({
    ...result,
    tables: [{ ...primary, rows: primary.rows.slice(0, HEAD_ROWS) }],
  });
  const hostHeadMs = performance.now() - t0;
  t0 = performance.now();
  const full = shapeQueryResult(result);
  const hostFullMs = performance.now() - t0;
  const headMsg = resultMessage(head.table, false, totalRows);
  const fullMsg = resultMessage(full.table, true, totalRows);
  const payloadBytes = full.table.columns.reduce(
    (n, c) => n + ('bytes' in c ? c.bytes.byteLength + c.offsets.byteLength : c.values.byteLength),
    0,
  );
  console.log(
    `query grid: host shaping: first ${HEAD_ROWS.toLocaleString('en')} rows ${hostHeadMs.toFixed(1)} ms; all rows ${hostFullMs.toFixed(0)} ms → ${(payloadBytes / 1e6).toFixed(1)} MB of typed arrays`,
  );
  t0 = performance.now();
  structuredClone(fullMsg);
  const cloneColumnar = performance.now() - t0;
  t0 = performance.now();
  structuredClone(primary.rows);
  const cloneRows = performance.now() - t0;
  console.log(
    `query grid: structured clone (V8) of the columnar payload ${cloneColumnar.toFixed(0)} ms; of the SDK's ${totalRows.toLocaleString('en')} row arrays ${cloneRows.toFixed(0)} ms`,
  );

  if (!existsSync(CHROMIUM)) {
    console.log(
      `query grid: SKIPPED the browser part: ${CHROMIUM} is missing (install it with: apt-get install -y chromium)`,
    );
    return;
  }
  const { chromium } = await import('playwright-core');
  const dir = await mkdtemp(join(tmpdir(), 'aml-grid-bench-'));
  let server: Server | undefined;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--headless'],
  });
  try {
    await buildBundle(dir);
    const served = await serve(dir, {
      '/head.bin': encodeMessage(headMsg),
      '/full.bin': encodeMessage(fullMsg),
    });
    server = served.server;
    const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await tab.goto(served.url);
    await tab.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
    );

    const strings = Object.fromEntries(
      stringKeys.map((k) => [k, k === 'rowCount' ? '{0} rows' : k]),
    ) as Strings;
    const binding = {
      componentId: '/subscriptions/0/resourceGroups/rg/providers/microsoft.insights/components/ai',
      componentName: 'ai',
      scopeLabel: 'bench',
      scope: { kind: 'workspace' },
    };
    await tab.evaluate(
      ({ s, b }) => {
        window.postMessage(
          {
            type: 'init',
            strings: s,
            heading: 'bench',
            readyQueries: [],
            binding: b,
            state: {
              binding: b,
              query: 'requests',
              source: 'appInsights',
              timeRange: { kind: 'preset', duration: 'P7D' },
              scrollTop: 0,
              filter: '',
            },
          },
          '*',
        );
        window.postMessage({ type: 'running', runId: 1 }, '*');
      },
      { s: strings, b: binding },
    );
    await tab.waitForFunction(() => document.body.dataset.state === 'running');

    const figures = await tab.evaluate(async (debounceMs: number) => {
      const ctors: Record<string, new (b: ArrayBuffer) => ArrayBufferView> = {
        Float64Array,
        Int8Array,
        Uint8Array,
        Uint32Array,
      };
      const load = async (path: string): Promise<Record<string, unknown>> => {
        const buf = await (await fetch(path)).arrayBuffer();
        const headerLength = new DataView(buf).getUint32(0, true);
        const msg = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, headerLength))) as {
          table: {
            columns: { arrays: Record<string, { type: string; offset: number; byteLength: number }> }[];
          };
        };
        const base = Math.ceil((4 + headerLength) / 8) * 8;
        for (const col of msg.table.columns) {
          for (const [key, a] of Object.entries(col.arrays)) {
            (col as unknown as Record<string, unknown>)[key] = new ctors[a.type]!(
              buf.slice(base + a.offset, base + a.offset + a.byteLength),
            );
          }
          delete (col as { arrays?: unknown }).arrays;
        }
        return msg;
      };
      const headMsg = await load('/head.bin');
      const fullMsg = await load('/full.bin');
      const nextFrame = (): Promise<number> => new Promise((ok) => requestAnimationFrame(ok));

      // Reference: frame times of this (shared, loaded) machine with nothing to do.
      const idleFrames: number[] = [];
      let idleLast = await nextFrame();
      for (let i = 0; i < 60; i++) {
        const now = await nextFrame();
        idleFrames.push(now - idleLast);
        idleLast = now;
      }

      // As the host posts: the head, and the whole once the head is on its way (in VS Code the
      // whole crosses the IPC after the head; here it is posted a frame later).
      const t0 = performance.now();
      window.postMessage(headMsg, '*');
      requestAnimationFrame(() => setTimeout(() => window.postMessage(fullMsg, '*')));
      let firstRows = NaN;
      let allRows = NaN;
      let arrived = NaN;
      for (;;) {
        await nextFrame();
        if (Number.isNaN(firstRows) && document.querySelector('[role="row"][data-row]'))
          firstRows = performance.now() - t0;
        if (document.body.dataset.state === 'done') {
          allRows = performance.now() - t0;
          arrived = (window as unknown as { __arrived: number }).__arrived - t0;
          break;
        }
        if (performance.now() - t0 > 60_000) break;
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
      const s0 = performance.now();
      (document.querySelector('[data-col="duration"] button') as HTMLButtonElement).click();
      await nextFrame();
      const sortMs = performance.now() - s0;
      // The filter runs in the input's debounce timer (FILTER_DEBOUNCE_MS, read from the page's own
      // module); a timer set just after it runs once the filter is done.
      const filter = document.querySelector('input.filter') as HTMLInputElement;
      const grid = document.querySelector('.grid') as HTMLElement;
      const type = async (text: string): Promise<number> => {
        filter.value = text;
        const start = performance.now();
        filter.dispatchEvent(new Event('input'));
        await new Promise((ok) => setTimeout(ok, debounceMs + 1));
        await nextFrame();
        return performance.now() - start - debounceMs;
      };
      const filterMs = await type('50');
      const filtered = grid.dataset.rows;
      const filterAgainMs = await type('504');
      const filteredAgain = grid.dataset.rows;
      return {
        idleFrames,
        firstRows,
        allRows,
        arrived,
        frameTimes,
        maxDomRows,
        visibleRows,
        sortMs,
        filterMs,
        filtered,
        filterAgainMs,
        filteredAgain,
      };
    }, FILTER_DEBOUNCE_MS);

    // Two clocks, added: the host shaping the head (this process) and the page from receiving it to
    // painting rows (Chromium). Not in the figure: VS Code's transfer of the message from the
    // extension host to the webview, which this bench has no way to run.
    const firstVisible = hostHeadMs + figures.firstRows;
    console.log(
      `query grid: host shaping of the head ${hostHeadMs.toFixed(0)} ms + page from message to painted rows ${figures.firstRows.toFixed(0)} ms = ${firstVisible.toFixed(0)} ms ` +
        `(goal < ${GOAL_MS} ms for these two: ${firstVisible < GOAL_MS ? 'met' : 'MISSED'}; VS Code's host → webview transfer not included)`,
    );
    console.log(
      `query grid: all ${totalRows.toLocaleString('en')} rows browsable in the page ${figures.allRows.toFixed(0)} ms after the head was posted ` +
        `(delivering the whole result ${figures.arrived.toFixed(0)} ms, its grid setup and paint ${(figures.allRows - figures.arrived).toFixed(0)} ms; plus host shaping ${hostFullMs.toFixed(0)} ms)`,
    );
    console.log(
      `query grid: scrolling ${figures.frameTimes.length} frames: p50 ${percentile(figures.frameTimes, 50).toFixed(1)} ms, p95 ${percentile(figures.frameTimes, 95).toFixed(1)} ms, max ${Math.max(...figures.frameTimes).toFixed(1)} ms`,
    );
    console.log(
      `query grid: idle frames (reference for this machine): p50 ${percentile(figures.idleFrames, 50).toFixed(1)} ms, p95 ${percentile(figures.idleFrames, 95).toFixed(1)} ms`,
    );
    console.log(
      `query grid: DOM rows while scrolling at most ${figures.maxDomRows} (viewport shows ~${figures.visibleRows}; rows in result ${totalRows.toLocaleString('en')})`,
    );
    console.log(
      `query grid: sort by duration ${figures.sortMs.toFixed(0)} ms; filter-as-you-type: first keystroke "50" ${figures.filterMs.toFixed(0)} ms ` +
        `(builds the search text; ${figures.filtered ?? '?'} rows match), next keystroke "504" ${figures.filterAgainMs.toFixed(0)} ms (${figures.filteredAgain ?? '?'} rows)`,
    );
    // The page's counts against a naive reference over the same table (per cell, folded, includes()).
    const reference = (needle: string): number => {
      const columns = full.table.columns;
      let count = 0;
      for (let r = 0; r < full.table.rowCount; r++)
        if (columns.some((c) => searchTextOf(c, r).includes(needle))) count++;
      return count;
    };
    const expected = reference('50');
    const expectedAgain = reference('504');
    const agree = String(expected) === figures.filtered && String(expectedAgain) === figures.filteredAgain;
    console.log(
      `query grid: filter row counts vs the naive reference: "50" ${figures.filtered ?? '?'} vs ${expected}, "504" ${figures.filteredAgain ?? '?'} vs ${expectedAgain}: ${agree ? 'agree' : 'DIFFER'}`,
    );
    if (!agree) process.exitCode = 1;
  } finally {
    await browser.close();
    server?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
