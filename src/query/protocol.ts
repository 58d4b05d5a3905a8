// The messages between the query panel's host (panel.ts) and its webview (src/webview/main.ts).
// Both sides compile this file; each validates what it receives: the webview is untrusted (its
// cells hold what callers sent to a model), and its saved state comes back after a reload.
import type { QuerySource, QueryScope, ReadyQueryId } from '../core/kql';
import type { ColumnarTable, StatisticsSummary } from '../core/queryResult';

export const presetDurations = ['PT30M', 'PT1H', 'PT24H', 'P7D'] as const;
export type PresetDuration = (typeof presetDurations)[number];

export type TimeRange =
  { kind: 'preset'; duration: PresetDuration } | { kind: 'custom'; start: string; end: string };

/** What a panel queries: kept in the webview's state so a reload can restore it. */
export interface PanelBinding {
  /** ARM id of the Application Insights component. */
  componentId: string;
  componentName: string;
  /** The workspace-based component's Log Analytics workspace, when it has one. */
  logAnalyticsId?: string;
  /** A short name of what the ready queries are scoped to, for the title. */
  scopeLabel: string;
  scope: QueryScope;
}

/** What the webview saves with vscode.setState (restored after hide and reload). */
export interface PanelState {
  binding: PanelBinding;
  query: string;
  source: QuerySource;
  timeRange: TimeRange;
  scrollTop: number;
  sort?: { column: string; descending: boolean };
  filter: string;
}

export const stringKeys = [
  'run',
  'cancel',
  'running',
  'cancelled',
  'source',
  'sourceAppInsights',
  'sourceLogAnalytics',
  'sourceLogAnalyticsMissing',
  'timeRange',
  'range30m',
  'range1h',
  'range24h',
  'range7d',
  'rangeCustom',
  'customStart',
  'customEnd',
  'readyQueries',
  'readyQueryPlaceholder',
  'queryEditor',
  'filter',
  'filterPlaceholder',
  'exportCsv',
  'exportJson',
  'openInPortal',
  'copyCell',
  'copyRow',
  'chart',
  'table',
  'chartTooManyRows',
  'noRows',
  'noResultYet',
  'rowCount',
  'rowCountFiltered',
  'rowCountLoading',
  'waitsForWholeResult',
  'executionTime',
  'cpuTime',
  'scannedRows',
  'partialFailure',
  'truncatedRows',
  'unfoldedNote',
  'errorPosition',
  'sortAscending',
  'sortDescending',
  'expandValue',
  'close',
  'results',
  'runHint',
  'changeScope',
  'scopeLabel',
] as const;
export type StringKey = (typeof stringKeys)[number];
export type Strings = Record<StringKey, string>;

export interface ReadyQueryItem {
  id: ReadyQueryId;
  title: string;
  source: QuerySource;
  kql: string;
}

/**
 * The Application Insights scope the ready queries use, as the panel shows it: texts the host
 * wrote (the page shows them as text, never markup).
 */
export interface ScopeInfo {
  state: 'discovering' | 'scoped' | 'unscoped';
  /** One line: which rows the ready queries read. */
  text: string;
  /** What the user should know: a weak match, nothing matched, discovery failed. */
  note?: string;
}

export interface QueryErrorInfo {
  /** One line: what went wrong, in the user's terms. */
  title: string;
  /** The service's own message. */
  detail?: string;
  /** What to do about it. */
  hint?: string;
  /** 1-based position of a syntax error in the query text. */
  position?: { line: number; column: number };
}

export type ToWebview =
  | {
      type: 'init';
      strings: Strings;
      binding: PanelBinding;
      readyQueries: ReadyQueryItem[];
      /** The state to show: the saved one, or the host's defaults for a new panel. */
      state: PanelState;
      /** Title shown above the editor ("traces of blue on my-app-insights"). */
      heading: string;
      /** The App Insights scope of a deployment's or v1 service's panel; none for a workspace. */
      scope?: ScopeInfo;
    }
  /** The scope changed (discovered, chosen): the ready queries that go with it. */
  | { type: 'scope'; scope: ScopeInfo; readyQueries: ReadyQueryItem[] }
  | {
      type: 'running';
      runId: number;
      /** Why the run starts again (the connection was lost): shown as an info line. */
      notice?: string;
    }
  | {
      /**
       * A chunk of a run's rows, sent while the answer is still arriving: rows offset ..
       * offset + table.rowCount - 1 of the result. A run's chunks come in order, the first at offset
       * 0; the last has complete set and says what needs the whole answer (status, statistics,
       * chart). A page that comes back gets every row so far as one chunk at offset 0.
       */
      type: 'result';
      runId: number;
      table: ColumnarTable;
      offset: number;
      complete: boolean;
      /** Rows of the result so far, this chunk included. */
      totalRows: number;
      status: 'Success' | 'PartialFailure';
      partialError?: QueryErrorInfo;
      truncatedCount: number;
      unfolded: boolean;
      timechart: boolean;
      statistics: StatisticsSummary;
      elapsedMs: number;
      /** What the user should know about the whole result (the query ran again): an info line. */
      notice?: string;
    }
  | { type: 'error'; runId: number; error: QueryErrorInfo }
  | { type: 'cancelled'; runId: number }
  /** Replace the query (from a .kql file) and optionally run it. */
  | { type: 'setQuery'; query: string; source?: QuerySource; run: boolean }
  /** The Run keybinding fired in VS Code: the webview runs its current query. */
  | { type: 'runRequested' };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'run'; query: string; source: QuerySource; timeRange: TimeRange }
  | { type: 'cancel' }
  /** "Change scope…": the host asks the user with a quick pick. */
  | { type: 'changeScope' }
  | { type: 'copy'; text: string }
  | { type: 'export'; format: 'csv' | 'json'; rows?: number[] }
  | { type: 'openInPortal'; query: string; source: QuerySource; timeRange: TimeRange };

/** Largest query text accepted from the webview (the service's own limit is far below). */
export const MAX_QUERY_LENGTH = 1_000_000;
/** Largest copy accepted from the webview. */
export const MAX_COPY_LENGTH = 50_000_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSource(v: unknown): v is QuerySource {
  return v === 'appInsights' || v === 'logAnalytics';
}

const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

export function parseTimeRange(v: unknown): TimeRange | undefined {
  if (!isRecord(v)) return undefined;
  if (v.kind === 'preset' && (presetDurations as readonly unknown[]).includes(v.duration)) {
    return { kind: 'preset', duration: v.duration as PresetDuration };
  }
  if (v.kind === 'custom' && typeof v.start === 'string' && typeof v.end === 'string') {
    if (!isoDate.test(v.start) || !isoDate.test(v.end)) return undefined;
    if (Number.isNaN(Date.parse(v.start)) || Number.isNaN(Date.parse(v.end))) return undefined;
    return { kind: 'custom', start: v.start, end: v.end };
  }
  return undefined;
}

function parseQuery(v: unknown): string | undefined {
  return typeof v === 'string' && v.length <= MAX_QUERY_LENGTH ? v : undefined;
}

/** The message if it is a well-formed FromWebview, else undefined (the host ignores it). */
export function parseFromWebview(msg: unknown): FromWebview | undefined {
  if (!isRecord(msg)) return undefined;
  switch (msg.type) {
    case 'ready':
      return { type: 'ready' };
    case 'cancel':
      return { type: 'cancel' };
    case 'changeScope':
      return { type: 'changeScope' };
    case 'run':
    case 'openInPortal': {
      const query = parseQuery(msg.query);
      const timeRange = parseTimeRange(msg.timeRange);
      if (query === undefined || !timeRange || !isSource(msg.source)) return undefined;
      return { type: msg.type, query, source: msg.source, timeRange };
    }
    case 'copy':
      return typeof msg.text === 'string' && msg.text.length <= MAX_COPY_LENGTH
        ? { type: 'copy', text: msg.text }
        : undefined;
    case 'export': {
      if (msg.format !== 'csv' && msg.format !== 'json') return undefined;
      if (msg.rows === undefined) return { type: 'export', format: msg.format };
      if (!Array.isArray(msg.rows) || !msg.rows.every((r) => Number.isInteger(r) && (r as number) >= 0))
        return undefined;
      return { type: 'export', format: msg.format, rows: msg.rows as number[] };
    }
    default:
      return undefined;
  }
}

function parseScope(v: unknown): QueryScope | undefined {
  if (!isRecord(v)) return undefined;
  if (v.kind === 'workspace') return { kind: 'workspace' };
  if (v.kind === 'legacyService' && typeof v.serviceName === 'string')
    return { kind: 'legacyService', serviceName: v.serviceName };
  if (v.kind === 'deployment' && typeof v.endpointName === 'string' && typeof v.deploymentName === 'string') {
    return {
      kind: 'deployment',
      endpointName: v.endpointName,
      deploymentName: v.deploymentName,
      ...(typeof v.endpointId === 'string' && endpointIdPattern.test(v.endpointId)
        ? { endpointId: v.endpointId }
        : {}),
    };
  }
  return undefined;
}

const endpointIdPattern =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/microsoft\.machinelearningservices\/workspaces\/[^/]+\/onlineEndpoints\/[^/]+$/i;
const componentIdPattern =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/microsoft\.insights\/components\/[^/]+$/i;
const laIdPattern =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/microsoft\.operationalinsights\/workspaces\/[^/]+$/i;

export function parseBinding(v: unknown): PanelBinding | undefined {
  if (!isRecord(v)) return undefined;
  const scope = parseScope(v.scope);
  if (!scope || typeof v.componentId !== 'string' || !componentIdPattern.test(v.componentId))
    return undefined;
  if (typeof v.componentName !== 'string' || typeof v.scopeLabel !== 'string') return undefined;
  const binding: PanelBinding = {
    componentId: v.componentId,
    componentName: v.componentName,
    scopeLabel: v.scopeLabel,
    scope,
  };
  if (typeof v.logAnalyticsId === 'string' && laIdPattern.test(v.logAnalyticsId))
    binding.logAnalyticsId = v.logAnalyticsId;
  return binding;
}

/** A panel state saved by the webview, validated (it comes back from disk after a reload). */
export function parsePanelState(v: unknown): PanelState | undefined {
  if (!isRecord(v)) return undefined;
  const binding = parseBinding(v.binding);
  const query = parseQuery(v.query);
  const timeRange = parseTimeRange(v.timeRange);
  if (!binding || query === undefined || !timeRange || !isSource(v.source)) return undefined;
  const state: PanelState = {
    binding,
    query,
    source: v.source,
    timeRange,
    scrollTop:
      typeof v.scrollTop === 'number' && Number.isFinite(v.scrollTop) && v.scrollTop >= 0 ? v.scrollTop : 0,
    filter: typeof v.filter === 'string' ? v.filter.slice(0, 1000) : '',
  };
  if (isRecord(v.sort) && typeof v.sort.column === 'string' && typeof v.sort.descending === 'boolean') {
    state.sort = { column: v.sort.column, descending: v.sort.descending };
  }
  return state;
}

/** Messages the webview receives: the host is trusted, but a bad message must not break the page. */
export function isToWebview(msg: unknown): msg is ToWebview {
  return (
    isRecord(msg) &&
    typeof msg.type === 'string' &&
    ['init', 'running', 'result', 'error', 'cancelled', 'setQuery', 'runRequested', 'scope'].includes(
      msg.type,
    )
  );
}
