// The emulator's Logs query engine: a real subset of KQL evaluated over generated telemetry of an
// Application Insights component or a Log Analytics workspace, answered in the body shapes of the
// Logs query API (what @azure/monitor-query-logs parses). See README.md in this folder.
import { randomUUID } from 'node:crypto';
import type { Scenario } from '../scenario';
import {
  type ComponentInfo,
  ComponentData,
  DEFAULT_BIG_ROWS,
  type LogAnalyticsInfo,
  LogAnalyticsData,
  type SourceTable,
  listComponents,
  listLogAnalyticsWorkspaces,
} from './data';
import { appendRows, type LiveTelemetry } from './live';
import { KqlSemanticError, type ServiceError, partialError, toServiceError } from './errors';
import { type Render, evaluate, formatDatetime, formatTimespan } from './evaluate';
import { parseQuery } from './parser';
import { type Column, type Table, selectRows, sliceRows } from './table';

export type { ServiceError } from './errors';
export type { ComponentInfo, LogAnalyticsInfo } from './data';
export { BIG_PAYLOAD_CHARS, DEFAULT_BIG_ROWS, ROWS_CAP } from './data';

/** The service's cap on the rows of one result; beyond it the answer is cut and flagged partial. */
export const MAX_RESULT_ROWS = 500_000;

/**
 * What a query runs against. `componentId`: the component's ARM id (or its appId GUID);
 * `customerId`: the Log Analytics workspace GUID (its ARM id is accepted too); `resource`: the ARM
 * id of either, as a resource-centric query path names it (`POST {endpoint}/{resourceId}/query`).
 */
export type QueryScope =
  | { kind: 'appInsights'; componentId: string }
  | { kind: 'logAnalytics'; customerId: string }
  | { kind: 'resource'; resourceId: string };

export interface QueryRequest {
  scope: QueryScope;
  query: string;
  /** ISO 8601 duration 'PT1H', or '<start>/<end>', '<start>/<duration>', '<duration>/<end>'. */
  timespan?: string;
  /** Fault injection: answer part of the rows and an `error` (the SDK's PartialFailure). */
  partialError?: boolean;
  includeStatistics?: boolean;
  includeRender?: boolean;
}

export interface QueryResponseBody {
  tables: { name: string; columns: { name: string; type: string }[]; rows: unknown[][] }[];
  statistics?: Record<string, unknown>;
  render?: Record<string, unknown>;
  error?: ServiceError;
}

export type QueryAnswer =
  | {
      status: 200;
      /** The whole answer, built when first read (tests, $batch). */
      body: QueryResponseBody;
      /**
       * The same answer as JSON text in pieces, each row made as it is written: joined they are
       * exactly JSON.stringify(body). The server sends them as they come (chunked), as the Logs API
       * streams a large result rather than building it first (inferred from the service answering
       * with chunked transfer encoding; the emulator's 91 MB benchmark answer is built in pieces).
       */
      pieces(): Iterable<string>;
    }
  | { status: 400; body: { error: ServiceError } }
  /** The component or workspace does not exist in the scenario. */
  | { status: 404; body: { error: ServiceError } };

export interface QueryEngine {
  run(req: QueryRequest): QueryAnswer;
  /** Components of the scenario (ARM id, appId, whether it holds the 500,000-row benchmark table). */
  readonly components: readonly ComponentInfo[];
  /** Log Analytics workspaces of workspace-based components, by customerId. */
  readonly logAnalyticsWorkspaces: readonly LogAnalyticsInfo[];
}

const normalizeId = (id: string) =>
  `/${id.replace(/^\/+/, '').replace(/\/+/g, '/').replace(/\/+$/, '')}`.toLowerCase();

/** Milliseconds of an ISO 8601 duration (PnW, PnDTnHnMnS; years and months as 365 and 30 days). */
export function parseIsoDuration(text: string): number | undefined {
  const m =
    /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      text.trim(),
    );
  if (!m || /^P$|T$/i.test(text.trim())) return undefined;
  const n = (i: number) => Number(m[i] ?? 0);
  return ((n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4)) * 24 * 3600 + n(5) * 3600 + n(6) * 60 + n(7)) * 1000;
}

/** [start, end) in epoch ms of a request's timespan, or undefined when it cannot be read. */
export function parseTimespan(timespan: string, now: number): [number, number] | undefined {
  const parts = timespan.split('/');
  const instant = (s: string) => {
    const ms = /^\d{4}-\d{2}-\d{2}/.test(s) ? Date.parse(s) : NaN;
    return Number.isNaN(ms) ? undefined : ms;
  };
  if (parts.length === 1) {
    const d = parseIsoDuration(parts[0] as string);
    return d === undefined ? undefined : [now - d, now];
  }
  if (parts.length !== 2) return undefined;
  const [a, b] = parts as [string, string];
  const start = instant(a);
  const end = instant(b);
  if (start !== undefined && end !== undefined) return end >= start ? [start, end] : undefined;
  if (start !== undefined) {
    const d = parseIsoDuration(b);
    return d === undefined ? undefined : [start, start + d];
  }
  if (end !== undefined) {
    const d = parseIsoDuration(a);
    return d === undefined ? undefined : [end - d, end];
  }
  return undefined;
}

/** The rows of a source table inside [start, end). */
function restrictToTimespan(source: SourceTable, range: [number, number]): Table {
  const { table, timeColumn } = source;
  const time = table.columns.find((c) => c.name === timeColumn);
  if (!time) return table;
  const [start, end] = range;
  if (source.sorted) {
    const lowerBound = (t: number) => {
      let lo = 0;
      let hi = table.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((time.get(mid) as number) < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const from = lowerBound(start);
    const to = lowerBound(end);
    return from === 0 && to === table.length ? table : sliceRows(table, from, to);
  }
  const keep: number[] = [];
  for (let r = 0; r < table.length; r++) {
    const t = time.get(r) as number;
    if (t >= start && t < end) keep.push(r);
  }
  return selectRows(table, keep);
}

function cellWriter(c: Column): (v: unknown) => unknown {
  switch (c.type) {
    case 'datetime':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? formatDatetime(v) : null);
    case 'timespan':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? formatTimespan(v) : null);
    case 'dynamic':
      // The service sends dynamic cells as JSON text; the SDK parses them.
      return (v) => (v === null || v === undefined ? null : JSON.stringify(v));
    case 'real':
    case 'long':
    case 'int':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    default:
      return (v) => (v === undefined ? null : v);
  }
}

function writeRows(table: Table, limit: number, from = 0): unknown[][] {
  const writers = table.columns.map(cellWriter);
  const getters = table.columns.map((c) => c.get.bind(c));
  const end = Math.min(limit, table.length);
  const n = Math.max(0, end - from);
  const rows = new Array<unknown[]>(n);
  const width = getters.length;
  for (let r = 0; r < n; r++) {
    const row = new Array<unknown>(width);
    for (let k = 0; k < width; k++)
      row[k] = (writers[k] as (v: unknown) => unknown)((getters[k] as (r: number) => unknown)(from + r));
    rows[r] = row;
  }
  return rows;
}

/** Rows per piece of a streamed answer (about 100–200 KB of JSON for the benchmark's rows). */
const ROWS_PER_PIECE = 1000;

/**
 * The answer's JSON text in pieces: the frame, then the rows a thousand at a time as they are
 * made, then what follows them. Keys in the order the body object has them, so that the pieces
 * joined are JSON.stringify(body) byte for byte.
 */
function* answerPieces(
  table: Table,
  limit: number,
  after: Omit<QueryResponseBody, 'tables'>,
): Generator<string> {
  const columns = table.columns.map((c) => ({ name: c.name, type: c.type }));
  yield `{"tables":[{"name":"PrimaryResult","columns":${JSON.stringify(columns)},"rows":[`;
  const n = Math.min(limit, table.length);
  for (let from = 0; from < n; from += ROWS_PER_PIECE) {
    const rows = JSON.stringify(writeRows(table, Math.min(n, from + ROWS_PER_PIECE), from));
    yield `${from > 0 ? ',' : ''}${rows.slice(1, -1)}`;
  }
  let tail = ']}]';
  for (const key of ['statistics', 'render', 'error'] as const)
    if (after[key] !== undefined) tail += `,${JSON.stringify(key)}:${JSON.stringify(after[key])}`;
  yield `${tail}}`;
}

function renderBlock(render: Render): Record<string, unknown> {
  const p = render.props;
  const str = (k: string) => (typeof p[k] === 'string' ? p[k] : '');
  const list = (k: string) => (p[k] === undefined ? null : Array.isArray(p[k]) ? p[k] : [p[k]]);
  return {
    visualization: render.visualization,
    title: str('title'),
    accumulate: p.accumulate === true,
    isQuerySorted: false,
    kind: str('kind'),
    legend: str('legend'),
    series: list('series'),
    yMin: 'NaN',
    yMax: 'NaN',
    xAxis: null,
    xColumn: typeof p.xcolumn === 'string' ? p.xcolumn : null,
    xTitle: str('xtitle'),
    yAxis: null,
    yColumns: list('ycolumns'),
    ySplit: str('ysplit'),
    yTitle: str('ytitle'),
    anomalyColumns: null,
  };
}

function statistics(
  started: bigint,
  source: Table,
  result: Table,
  rowCount: number,
): Record<string, unknown> {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Size of the answer, estimated from a sample of rows: exact sizes would cost a second serialization.
  const sample = writeRows(result, Math.min(200, rowCount));
  const sampleBytes = sample.length ? JSON.stringify(sample).length : 0;
  const tableSize = sample.length ? Math.round((sampleBytes / sample.length) * rowCount) : 0;
  const cpu = formatTimespan(seconds * 1000);
  return {
    query: {
      executionTime: seconds,
      resourceUsage: {
        cache: {
          memory: { hits: 1, misses: 0, total: 1 },
          disk: { hits: 0, misses: 0, total: 0 },
          shards: {
            hot: { hitbytes: 0, missbytes: 0, retrievebytes: 0 },
            cold: { hitbytes: 0, missbytes: 0, retrievebytes: 0 },
            bypassbytes: 0,
          },
        },
        cpu: { user: cpu, kernel: '00:00:00', totalCpu: cpu },
        memory: { peakPerNode: Math.max(1_048_576, tableSize * 2) },
      },
      inputDatasetStatistics: {
        extents: { total: 1, scanned: 1 },
        rows: { total: source.length, scanned: source.length },
      },
      datasetStatistics: [{ tableRowCount: result.length, tableSize }],
    },
  };
}

export function createQueryEngine(
  scenario: Scenario,
  options: { seed: number; now: () => Date; bigRows?: number; live?: LiveTelemetry },
): QueryEngine {
  const dataOptions = { seed: options.seed, bigRows: options.bigRows ?? DEFAULT_BIG_ROWS };
  const components = listComponents(scenario, dataOptions);
  const workspaces = listLogAnalyticsWorkspaces(scenario, dataOptions);
  const cache = new Map<string, ComponentData | LogAnalyticsData>();

  const componentFor = (componentId: string): ComponentInfo | undefined => {
    const id = normalizeId(componentId);
    const exact = components.find(
      (c) => normalizeId(c.componentId) === id || c.appId.toLowerCase() === id.slice(1),
    );
    if (exact) return exact;
    // A bare component name, or an id whose resource group differs in spelling.
    const name = id.split('/').pop() ?? '';
    const byName = components.filter(
      (c) =>
        c.name.toLowerCase() === name &&
        (!id.includes('/providers/') || id.includes('/microsoft.insights/components/')),
    );
    return byName.length === 1 ? byName[0] : undefined;
  };

  const workspaceFor = (idOrGuid: string): LogAnalyticsInfo | undefined => {
    const id = normalizeId(idOrGuid);
    return workspaces.find(
      (w) => w.customerId.toLowerCase() === id.slice(1) || normalizeId(w.resourceId) === id,
    );
  };

  const dataFor = (scope: QueryScope): ComponentData | LogAnalyticsData | undefined => {
    if (scope.kind === 'resource') {
      const isWorkspace = /\/microsoft\.operationalinsights\/workspaces\//i.test(scope.resourceId);
      return dataFor(
        isWorkspace
          ? { kind: 'logAnalytics', customerId: scope.resourceId }
          : { kind: 'appInsights', componentId: scope.resourceId },
      );
    }
    if (scope.kind === 'appInsights') {
      const info = componentFor(scope.componentId);
      if (!info) return undefined;
      const key = `ai:${info.componentId}`;
      let data = cache.get(key);
      if (!data) cache.set(key, (data = new ComponentData(info, options.seed)));
      return data;
    }
    const info = workspaceFor(scope.customerId);
    if (!info) return undefined;
    const key = `la:${info.customerId.toLowerCase()}`;
    let data = cache.get(key);
    if (!data) cache.set(key, (data = new LogAnalyticsData(info, options.seed)));
    return data;
  };

  /** The generated tables plus the rows of requests the emulator answered (visible by now). */
  const withLiveRows = (
    data: ComponentData | LogAnalyticsData,
    tables: Map<string, SourceTable>,
    now: number,
  ): Map<string, SourceTable> => {
    if (!options.live) return tables;
    const scope =
      data instanceof ComponentData
        ? ({ kind: 'appInsights', componentId: data.info.componentId } as const)
        : ({ kind: 'logAnalytics', customerId: data.info.customerId } as const);
    const merged = new Map(tables);
    for (const [name, rows] of options.live.visible(scope, now)) {
      const source = merged.get(name);
      if (!source) continue;
      // Appended rows break the time order the binary search relies on.
      merged.set(name, { ...source, table: appendRows(source.table, rows), sorted: false });
    }
    return merged;
  };

  return {
    components,
    logAnalyticsWorkspaces: workspaces,
    run(req: QueryRequest): QueryAnswer {
      const started = process.hrtime.bigint();
      const correlationId = randomUUID();
      const data = dataFor(req.scope);
      if (!data) {
        return {
          status: 404,
          body: {
            error: { code: 'PathNotFoundError', message: 'The requested path does not exist', correlationId },
          },
        };
      }
      const now = options.now().getTime();
      let range: [number, number] | undefined;
      if (req.timespan !== undefined && req.timespan !== '') {
        range = parseTimespan(req.timespan, now);
        if (!range) {
          return {
            status: 400,
            body: {
              error: {
                code: 'BadArgumentError',
                message: 'The request had some invalid properties',
                correlationId,
                details: [
                  {
                    code: 'InvalidTimespan',
                    message: `The timespan '${req.timespan}' is not a valid ISO 8601 duration or interval.`,
                    target: 'timespan',
                  },
                ],
              },
            },
          };
        }
      }
      try {
        const query = parseQuery(req.query);
        const tables = withLiveRows(data, data.tables(now), now);
        const source = tables.get(query.table);
        if (!source) {
          const firstOp = query.ops[0];
          const prefix = firstOp ? `'${firstOp.op === 'sort' ? 'order' : firstOp.op}' operator: ` : '';
          throw new KqlSemanticError(
            `${prefix}Failed to resolve table or column expression named '${query.table}'`,
          );
        }
        const input = range ? restrictToTimespan(source, range) : source.table;
        const { table, render } = evaluate(query, input, { now });
        const truncated = table.length > MAX_RESULT_ROWS;
        let limit = Math.min(table.length, MAX_RESULT_ROWS);
        if (req.partialError) limit = Math.ceil(limit / 2);
        // What follows the rows: known before any row is written (the statistics need their count).
        const after: Omit<QueryResponseBody, 'tables'> = {};
        if (req.includeStatistics) after.statistics = statistics(started, input, table, limit);
        if (req.includeRender && render) after.render = renderBlock(render);
        if (truncated || req.partialError) after.error = partialError();
        let body: QueryResponseBody | undefined;
        return {
          status: 200,
          get body(): QueryResponseBody {
            body ??= {
              tables: [
                {
                  name: 'PrimaryResult',
                  columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
                  rows: writeRows(table, limit),
                },
              ],
              ...after,
            };
            return body;
          },
          pieces: () => answerPieces(table, limit, after),
        };
      } catch (err) {
        return { status: 400, body: { error: toServiceError(err, correlationId) } };
      }
    },
  };
}
