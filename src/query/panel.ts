// The extension side of one query panel: the static HTML shell (no data in it), the strict CSP,
// running queries with cancellation, and answering the webview's (validated) requests.
import { gzipSync } from 'node:zlib';
import pLimit from 'p-limit';
import * as vscode from 'vscode';
import type { AzureClient, QueryStreamResult } from '../azure/api';
import { isAzureRequestError, type AzureRequestError } from '../azure/errors';
import type { QueryTarget, QueryTimespan } from '../azure/models';
import { errorDetail, joinDetail, logSummary, presentError } from '../errorPresentation';
import { Views } from '../constants';
import { endpointRefOf } from '../core/armId';
import { errorPosition, portalLogsUrl, readyQueries, type QueryScope, type ReadyQueryId } from '../core/kql';
import {
  candidatesOf,
  DISCOVERY_DAYS,
  matchScope,
  parseRememberedScope,
  scopeDiscoveryQuery,
  type RememberedScope,
  type ScopeCandidate,
  type ScopeTarget,
  type TelemetryScope,
} from '../core/telemetryScope';
import { isTimechart, summarizeStatistics, toCsv, toJson, type ColumnarTable } from '../core/queryResult';
import type { ColumnarRows } from '../core/columnarRows';
import { ChunkList, ChunkPolicy, ChunkShaper } from '../core/resultStream';
import type { BaseServices, QueryPanelHandle } from '../services';
import { isUserCancelledError } from '../ui';
import { webviewHtml } from '../webviewHtml';
import { Disposable, toDisposable } from '../disposable';
import {
  parseFromWebview,
  type FromWebview,
  type PanelBinding,
  type PanelState,
  type QueryErrorInfo,
  type ReadyQueryItem,
  type ScopeInfo,
  type Strings,
  type TimeRange,
  type ToWebview,
} from './protocol';

type ResultMessage = Extract<ToWebview, { type: 'result' }>;

export function webviewStrings(): Strings {
  return {
    run: vscode.l10n.t('Run'),
    cancel: vscode.l10n.t('Cancel'),
    running: vscode.l10n.t('Running…'),
    cancelled: vscode.l10n.t('The query was cancelled.'),
    source: vscode.l10n.t('Data source'),
    sourceAppInsights: vscode.l10n.t('Application Insights'),
    sourceLogAnalytics: vscode.l10n.t('Log Analytics (AmlOnlineEndpoint* tables)'),
    sourceLogAnalyticsMissing: vscode.l10n.t(
      'This Application Insights resource is not workspace-based: it has no Log Analytics workspace.',
    ),
    timeRange: vscode.l10n.t('Time range'),
    range30m: vscode.l10n.t('Last 30 minutes'),
    range1h: vscode.l10n.t('Last hour'),
    range24h: vscode.l10n.t('Last 24 hours'),
    range7d: vscode.l10n.t('Last 7 days'),
    rangeCustom: vscode.l10n.t('Custom range'),
    customStart: vscode.l10n.t('Start'),
    customEnd: vscode.l10n.t('End'),
    readyQueries: vscode.l10n.t('Ready queries'),
    readyQueryPlaceholder: vscode.l10n.t('Ready queries…'),
    queryEditor: vscode.l10n.t('KQL query'),
    filter: vscode.l10n.t('Filter rows'),
    filterPlaceholder: vscode.l10n.t('Filter rows'),
    exportCsv: vscode.l10n.t('Export CSV'),
    exportJson: vscode.l10n.t('Export JSON'),
    openInPortal: vscode.l10n.t('Open in Azure Portal'),
    copyCell: vscode.l10n.t('Copy Cell'),
    copyRow: vscode.l10n.t('Copy Row'),
    chart: vscode.l10n.t('Show Chart'),
    table: vscode.l10n.t('Hide Chart'),
    chartTooManyRows: vscode.l10n.t('The chart is shown for up to {0} rows.', '{0}'),
    noRows: vscode.l10n.t('No rows'),
    noResultYet: vscode.l10n.t('Run a query to see results.'),
    rowCount: vscode.l10n.t('{0} rows', '{0}'),
    rowCountFiltered: vscode.l10n.t('{0} of {1} rows', '{0}', '{1}'),
    rowCountLoading: vscode.l10n.t('{0} rows so far; the rest is arriving…', '{0}'),
    waitsForWholeResult: vscode.l10n.t('Sort, filter and export wait for the whole result.'),
    executionTime: vscode.l10n.t('Server time {0} s', '{0}'),
    cpuTime: vscode.l10n.t('CPU {0} s', '{0}'),
    scannedRows: vscode.l10n.t('{0} rows scanned', '{0}'),
    partialFailure: vscode.l10n.t('Partial results'),
    truncatedRows: vscode.l10n.t(
      '{0} rows carry a payload at the 64 KB logging limit of Application Insights: they are likely truncated.',
      '{0}',
    ),
    unfoldedNote: vscode.l10n.t('JSON trace messages are unfolded into the input and output columns.'),
    errorPosition: vscode.l10n.t('Line {0}, column {1}', '{0}', '{1}'),
    sortAscending: vscode.l10n.t('Sort ascending'),
    sortDescending: vscode.l10n.t('Sort descending'),
    expandValue: vscode.l10n.t('Expand Value'),
    close: vscode.l10n.t('Close'),
    results: vscode.l10n.t('Query results'),
    runHint: vscode.l10n.t(
      'Run with Ctrl+Enter (Cmd+Enter on macOS). Right-click a cell to copy it; double-click a value to expand it.',
    ),
    changeScope: vscode.l10n.t('Change Scope…'),
    scopeLabel: vscode.l10n.t('Application Insights scope of the ready queries'),
  };
}

export function readyQueryTitle(id: ReadyQueryId): string {
  switch (id) {
    case 'inputOutputTraces':
      return vscode.l10n.t('Input and output traces');
    case 'failedRequests':
      return vscode.l10n.t('Failed requests');
    case 'latencyPercentiles':
      return vscode.l10n.t('Latency percentiles over time');
    case 'requestRate':
      return vscode.l10n.t('Request rate');
    case 'dependencyFailures':
      return vscode.l10n.t('Dependency failures');
    case 'exceptions':
      return vscode.l10n.t('Exceptions');
    case 'consoleLog':
      return vscode.l10n.t('Console log (Log Analytics)');
    case 'trafficLog':
      return vscode.l10n.t('Traffic log with status codes (Log Analytics)');
  }
}

export function panelTitle(binding: PanelBinding): string {
  return vscode.l10n.t('Query: {0}', binding.scopeLabel);
}

/** What the App Insights rows of a scope are matched to; undefined for a workspace (never scoped). */
export function scopeTargetOf(scope: QueryScope): ScopeTarget | undefined {
  switch (scope.kind) {
    case 'deployment':
      return { kind: 'deployment', endpointName: scope.endpointName, deploymentName: scope.deploymentName };
    case 'legacyService':
      return { kind: 'legacyService', serviceName: scope.serviceName };
    case 'workspace':
      return undefined;
  }
}

/** Deployment-name lists read at once when looking for endpoints that share a deployment name. */
const SHARER_LISTS_AT_ONCE = 4;

/** The note of a match by the deployment name alone: whose rows mix in, when that is known. */
export function nameMatchNote(deploymentName: string, sharedWith: string[] | undefined): string {
  if (sharedWith === undefined)
    return vscode.l10n.t(
      'Matched by the deployment name alone: rows of other endpoints with a deployment named {0} are included.',
      deploymentName,
    );
  if (sharedWith.length === 0)
    return vscode.l10n.t(
      'Matched by the deployment name alone; no other endpoint of this workspace has a deployment named {0} now.',
      deploymentName,
    );
  return vscode.l10n.t(
    'Matched by the deployment name alone: rows of {0}, which also have a deployment named {1}, are included.',
    sharedWith.join(', '),
    deploymentName,
  );
}

function targetName(target: ScopeTarget): string {
  return target.kind === 'deployment'
    ? `${target.endpointName}/${target.deploymentName}`
    : target.serviceName;
}

/** The workspace-state key of the scope remembered for a target on a component. */
export function rememberedScopeKey(componentId: string, target: ScopeTarget): string {
  const who =
    target.kind === 'deployment'
      ? ['deployment', target.endpointName, target.deploymentName]
      : ['legacyService', target.serviceName];
  return `amlMonitor.queryScope:${JSON.stringify([componentId.toLowerCase(), ...who])}`;
}

function timespanOf(range: TimeRange): QueryTimespan {
  return range.kind === 'preset'
    ? { duration: range.duration }
    : { start: new Date(range.start), end: new Date(range.end) };
}

function portalTimespan(range: TimeRange): string {
  return range.kind === 'preset' ? range.duration : `${range.start}/${range.end}`;
}

/**
 * The user's terms for a failed query: the one error table (src/errorPresentation.ts), with what
 * only a query has: a timeout (its own setting), a syntax error's position, a component gone.
 */
export function describeQueryError(e: unknown, serverTimeoutSeconds: number): QueryErrorInfo {
  const general = presentError(e);
  const detail = errorDetail(e);
  if (!isAzureRequestError(e)) return { title: vscode.l10n.t('The query failed.'), detail };
  const timedOut =
    e.statusCode === 504 ||
    /timeout|timed out/i.test(`${e.code ?? ''} ${e.azureMessage ?? ''}`) ||
    e.code === 'ETIMEDOUT';
  if (timedOut) {
    return {
      title: vscode.l10n.t('The query timed out.'),
      detail,
      hint: vscode.l10n.t(
        'Query a shorter time range, filter earlier in the query, or raise the setting amlMonitor.query.serverTimeoutSeconds (now {0} s).',
        String(serverTimeoutSeconds),
      ),
    };
  }
  switch (e.kind) {
    case 'badRequest':
      return {
        title: vscode.l10n.t('The query has an error.'),
        detail,
        position: errorPosition(e.azureMessage),
      };
    case 'notFound':
      return {
        title: vscode.l10n.t('The resource to query was not found.'),
        detail,
        hint: vscode.l10n.t(
          'The workspace may point to a deleted Application Insights resource. Refresh the Azure ML view.',
        ),
      };
    default:
      return { title: general.summary, detail, hint: general.hint };
  }
}

/** An answer the connection cut in the middle (after every retry policy: rows had arrived). */
function isCutShort(e: unknown): e is AzureRequestError {
  return isAzureRequestError(e) && e.kind === 'network' && e.code === 'IncompleteResponse';
}

/** A row count as the user reads it (1,234). */
function integerText(n: number): string {
  return n.toLocaleString(vscode.env.language);
}

/** One query panel. Posting after dispose does nothing; messages wait until the page is ready. */
export class QueryPanel extends Disposable implements QueryPanelHandle {
  private readonly onDidDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDidDisposeEmitter.event;
  private pageReady = false;
  private queue: ToWebview[] = [];
  private runSeq = 0;
  private running: AbortController | undefined;
  /**
   * The rows of the last run so far, and once it ended what the last chunk said: a page that was
   * hidden (and so torn down) gets them again in one message.
   */
  private results: { runId: number; builder: ChunkList; final?: ResultMessage } | undefined;
  /** The last error or cancellation, shown again after the rows when the page comes back. */
  private lastOutcome: ToWebview | undefined;
  private lastActive = Date.now();
  /** The App Insights scope of the ready queries: undefined runs them unscoped. */
  private telemetry: TelemetryScope | undefined;
  private scopeInfo: ScopeInfo | undefined;
  /** The names the discovery query found; undefined until it answered (or when it failed). */
  private candidates: ScopeCandidate[] | undefined;
  private discovery: Promise<void> | undefined;
  /** Stops the discovery query when the panel closes. */
  private readonly lifetime = new AbortController();

  constructor(
    private readonly s: BaseServices,
    readonly panel: vscode.WebviewPanel,
    readonly binding: PanelBinding,
    private state: PanelState,
  ) {
    super();
    // Last registered, first disposed: runs stop, then the owner hears of it, then the listeners
    // go, and the webview panel closes last.
    this.register(panel);
    const dist = vscode.Uri.joinPath(s.context.extensionUri, 'dist');
    panel.webview.options = {
      enableScripts: true,
      enableForms: false,
      enableCommandUris: false,
      localResourceRoots: [dist, vscode.Uri.joinPath(s.context.extensionUri, 'media')],
    };
    panel.title = panelTitle(binding);
    panel.webview.html = this.html();
    this.register(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const msg = parseFromWebview(raw);
        if (!msg) {
          s.log.warn('query panel: ignored a malformed message from the webview');
          return;
        }
        void this.onMessage(msg).catch((e: unknown) => {
          // A dismissed save dialog ends the export quietly.
          if (!isUserCancelledError(e))
            s.log.error(`query panel: ${e instanceof Error ? e.message : String(e)}`);
        });
      }),
    );
    this.register(
      panel.onDidChangeViewState(() => {
        if (panel.active) this.lastActive = Date.now();
        // A hidden webview is torn down (no retained context): hold messages until it is back.
        if (!panel.visible) this.pageReady = false;
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(
      toDisposable(() => {
        this.onDidDisposeEmitter.fire();
        this.onDidDisposeEmitter.dispose();
      }),
    );
    this.register(
      toDisposable(() => {
        this.lifetime.abort();
        this.running?.abort();
        this.running = undefined;
        this.queue = [];
        this.results = undefined;
        this.lastOutcome = undefined;
      }),
    );
    this.discovery = this.discoverScope();
  }

  /** Resolves once the scope discovery ended (its answer shown, or its failure said). */
  async whenScoped(): Promise<void> {
    await this.discovery;
  }

  private scopeTarget(): ScopeTarget | undefined {
    return scopeTargetOf(this.binding.scope);
  }

  private readyQueryItems(): ReadyQueryItem[] {
    return readyQueries(this.binding.scope, this.telemetry).map((q) => ({
      ...q,
      title: readyQueryTitle(q.id),
    }));
  }

  private setScope(telemetry: TelemetryScope | undefined, info: ScopeInfo): void {
    this.telemetry = telemetry;
    this.scopeInfo = info;
    this.post({ type: 'scope', scope: info, readyQueries: this.readyQueryItems() });
  }

  private rememberedScope(target: ScopeTarget): RememberedScope | undefined {
    const key = rememberedScopeKey(this.binding.componentId, target);
    return parseRememberedScope(this.s.context.workspaceState.get<unknown>(key));
  }

  private applyRemembered(target: ScopeTarget, remembered: RememberedScope): void {
    if ('value' in remembered) {
      this.setScope(
        { value: remembered.value },
        { state: 'scoped', text: vscode.l10n.t('Rows named "{0}" (your choice)', remembered.value) },
      );
    } else {
      this.setScope(undefined, {
        state: 'unscoped',
        text: vscode.l10n.t('Unscoped: every row of {0} (your choice)', this.binding.componentName),
        note: vscode.l10n.t('The ready queries do not pick the rows of {0}.', targetName(target)),
      });
    }
  }

  /**
   * Finds which App Insights rows belong to the deployment or v1 service: the names the rows carry
   * lately, matched to it. A remembered choice wins; the names still feed "Change Scope…". A
   * failure never blocks the panel: it says so, and the ready queries run unscoped.
   */
  private async discoverScope(): Promise<void> {
    const target = this.scopeTarget();
    if (!target) return;
    const remembered = this.rememberedScope(target);
    if (remembered) this.applyRemembered(target, remembered);
    else
      this.setScope(undefined, {
        state: 'discovering',
        text: vscode.l10n.t('Finding which rows belong to {0}…', targetName(target)),
      });
    let failure: string | undefined;
    try {
      const client = await this.s.azure.getClient({ createIfNone: true });
      const answer = await client.query(
        { kind: 'appInsights', resourceId: this.binding.componentId },
        scopeDiscoveryQuery(),
        { duration: `P${DISCOVERY_DAYS}D` },
        {
          abortSignal: this.lifetime.signal,
          serverTimeoutSeconds: this.s.settings.queryServerTimeoutSeconds,
        },
      );
      const table = answer.tables[0];
      this.candidates = table
        ? candidatesOf(
            table.columns.map((c) => c.name),
            table.rows,
          )
        : [];
    } catch (e) {
      if (this.isDisposed) return;
      failure = presentError(e).summary;
      this.s.log.warn(`query panel: scope discovery failed (${logSummary(e)}); ready queries run unscoped`);
    }
    if (this.isDisposed || remembered) return;
    const unscopedText = vscode.l10n.t('Unscoped: every row of {0}', this.binding.componentName);
    if (failure !== undefined || !this.candidates) {
      this.setScope(undefined, {
        state: 'unscoped',
        text: unscopedText,
        note: vscode.l10n.t(
          'Could not find which rows belong to {0} ({1}): the ready queries run unscoped. Change Scope… tries again.',
          targetName(target),
          failure ?? '',
        ),
      });
      return;
    }
    let match = matchScope(this.candidates, target);
    // Only a match by the deployment name alone needs to know which other endpoints have a
    // deployment of that name (their rows mix in): read them then, not on every open.
    const sharers =
      match.kind === 'name' && target.kind === 'deployment'
        ? await this.endpointsWithDeploymentNamed(target.deploymentName)
        : undefined;
    if (this.isDisposed) return;
    if (sharers && target.kind === 'deployment')
      match = matchScope(this.candidates, { ...target, otherEndpoints: sharers });
    switch (match.kind) {
      case 'exact':
        this.setScope(match.scope, {
          state: 'scoped',
          text: vscode.l10n.t('Rows named "{0}" (found in the data)', match.scope.value),
        });
        return;
      case 'name':
        this.setScope(match.scope, {
          state: 'scoped',
          text: vscode.l10n.t('Rows named "{0}" (found in the data)', match.scope.value),
          note:
            target.kind === 'deployment'
              ? nameMatchNote(target.deploymentName, sharers && match.sharedWith)
              : undefined,
        });
        return;
      case 'none':
        this.setScope(undefined, {
          state: 'unscoped',
          text: unscopedText,
          note: vscode.l10n.t(
            'No role name or Service Name seen in the last {0} days matches {1}: the ready queries run unscoped. Choose the rows with Change Scope….',
            String(DISCOVERY_DAYS),
            targetName(target),
          ),
        });
        return;
    }
  }

  /**
   * The other endpoints of this deployment's workspace that have a deployment named `name` (their
   * rows carry the same name); undefined when unknown (no endpoint id in an old panel state, or
   * the lists could not be read).
   */
  private async endpointsWithDeploymentNamed(name: string): Promise<string[] | undefined> {
    const scope = this.binding.scope;
    const own = scope.kind === 'deployment' && scope.endpointId ? endpointRefOf(scope.endpointId) : undefined;
    if (!own) return undefined;
    try {
      const client = await this.s.azure.getClient({ createIfNone: true });
      const signal = this.lifetime.signal;
      const limit = pLimit(SHARER_LISTS_AT_ONCE);
      const others = (await client.listEndpoints(own, signal)).filter(
        (e) => e.endpointName.toLowerCase() !== own.endpointName.toLowerCase(),
      );
      const named = await Promise.all(
        others.map((e) =>
          limit(async () =>
            (await client.listDeployments(e, signal)).some(
              (d) => d.deploymentName.toLowerCase() === name.toLowerCase(),
            )
              ? e.endpointName
              : undefined,
          ),
        ),
      );
      return named.filter((e): e is string => e !== undefined).sort((a, b) => a.localeCompare(b));
    } catch (e) {
      this.s.log.warn(
        `query panel: could not list the endpoints that share the deployment name (${logSummary(e)})`,
      );
      return undefined;
    }
  }

  /** "Change Scope…": the names found lately and "No scope"; the choice is remembered per deployment. */
  private async changeScope(): Promise<void> {
    const target = this.scopeTarget();
    if (!target) return;
    await this.discovery;
    // Discovery failed: try again, so the pick offers what the data shows.
    if (!this.candidates) {
      this.discovery = this.discoverScope();
      await this.discovery;
    }
    if (this.isDisposed) return;
    type Item = vscode.QuickPickItem & { scope: RememberedScope };
    const current = this.telemetry?.value;
    const items: Item[] = (this.candidates ?? []).map((c) => ({
      label: c.value,
      description: vscode.l10n.t('{0} requests in the last {1} days', String(c.rows), String(DISCOVERY_DAYS)),
      detail: c.value === current ? vscode.l10n.t('In use') : undefined,
      scope: { value: c.value },
    }));
    items.push({
      label: vscode.l10n.t('No scope'),
      description: vscode.l10n.t('Every row of {0}', this.binding.componentName),
      scope: { unscoped: true },
    });
    const picked = await this.s.ui.pick(items, {
      title: vscode.l10n.t('Application Insights Scope of {0}', targetName(target)),
      placeHolder: vscode.l10n.t('Which rows belong to {0}?', targetName(target)),
      matchOnDescription: true,
    });
    if (this.isDisposed) return;
    await this.s.context.workspaceState.update(
      rememberedScopeKey(this.binding.componentId, target),
      picked.scope,
    );
    this.applyRemembered(target, picked.scope);
  }

  get active(): boolean {
    return !this.isDisposed && this.panel.active;
  }
  get lastActiveTime(): number {
    return this.lastActive;
  }

  private html(): string {
    return webviewHtml(this.panel.webview, this.s.context.extensionUri, {
      bundle: 'webview',
      images: true,
      bodyState: 'idle',
    });
  }

  /**
   * Sends a message to the page; dropped once disposed. Until the page said ready, requests are
   * queued and run progress is not: the page gets the state of the run when it is back.
   */
  post(msg: ToWebview): void {
    if (this.isDisposed) return;
    if (msg.type === 'error' || msg.type === 'cancelled') this.lastOutcome = msg;
    if (msg.type === 'running') this.lastOutcome = undefined;
    if (!this.pageReady) {
      if (msg.type === 'setQuery' || msg.type === 'runRequested') this.queue.push(msg);
      return;
    }
    void this.panel.webview.postMessage(msg).then(undefined, () => undefined);
  }

  reveal(): void {
    if (!this.isDisposed) this.panel.reveal(undefined, false);
  }

  setQuery(query: string, run: boolean, source?: PanelState['source']): void {
    this.state = { ...this.state, query, ...(source ? { source } : {}) };
    this.post({ type: 'setQuery', query, run, ...(source ? { source } : {}) });
  }

  requestRun(): void {
    this.post({ type: 'runRequested' });
  }

  private initMessage(): ToWebview {
    return {
      type: 'init',
      strings: webviewStrings(),
      binding: this.binding,
      readyQueries: this.readyQueryItems(),
      state: this.state,
      heading: vscode.l10n.t('{0} · {1}', this.binding.scopeLabel, this.binding.componentName),
      ...(this.scopeInfo ? { scope: this.scopeInfo } : {}),
    };
  }

  private async onMessage(msg: FromWebview): Promise<void> {
    switch (msg.type) {
      case 'ready': {
        this.pageReady = true;
        void this.panel.webview.postMessage(this.initMessage());
        // A page that was hidden and comes back gets its last result again (it is not retained).
        const pending = this.queue;
        this.queue = [];
        // Run progress is replayed from what the host knows now; requests still go in order.
        if (this.running) this.post({ type: 'running', runId: this.runSeq });
        const results = this.results;
        if (results && (results.runId === this.runSeq || !this.running)) {
          // Every row so far in one message, as the first chunk of the run.
          const table = results.builder.snapshot();
          this.post(
            results.final
              ? { ...results.final, table, offset: 0, totalRows: table.rowCount }
              : this.chunkMessage(results.runId, table, 0, table.rowCount, Date.now()),
          );
        }
        if (this.lastOutcome) this.post(this.lastOutcome);
        for (const m of pending) this.post(m);
        return;
      }
      case 'run':
        this.state = { ...this.state, query: msg.query, source: msg.source, timeRange: msg.timeRange };
        return this.run(msg.query, msg.source, msg.timeRange);
      case 'cancel':
        this.cancel();
        return;
      case 'changeScope':
        return this.changeScope();
      case 'copy':
        await vscode.env.clipboard.writeText(msg.text);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied to the clipboard.'), 2000);
        return;
      case 'export':
        return this.export(msg.format, msg.rows);
      case 'openInPortal':
        return this.openInPortal(msg.query, msg.source, msg.timeRange);
    }
  }

  private queryTarget(source: PanelState['source']): QueryTarget | undefined {
    if (source === 'logAnalytics') {
      return this.binding.logAnalyticsId
        ? { kind: 'logAnalytics', resourceId: this.binding.logAnalyticsId }
        : undefined;
    }
    return { kind: 'appInsights', resourceId: this.binding.componentId };
  }

  async run(query: string, source: PanelState['source'], timeRange: TimeRange): Promise<void> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    const runId = ++this.runSeq;
    this.post({ type: 'running', runId });
    const timeout = this.s.settings.queryServerTimeoutSeconds;
    const started = Date.now();
    try {
      const target = this.queryTarget(source);
      if (!target) {
        this.post({
          type: 'error',
          runId,
          error: {
            title: vscode.l10n.t(
              'This Application Insights resource is not workspace-based: it has no Log Analytics workspace.',
            ),
            hint: vscode.l10n.t('Query Application Insights instead.'),
          },
        });
        return;
      }
      if (!query.trim()) {
        this.post({ type: 'error', runId, error: { title: vscode.l10n.t('Write a query first.') } });
        return;
      }
      const client = await this.s.azure.getClient({ createIfNone: true });
      const attempt = {
        client,
        target,
        query,
        timeRange,
        runId,
        signal: controller.signal,
        started,
        timeout,
      };
      // A connection reset in the middle of the answer comes after every retry policy (rows were
      // already shown): the query runs once more from the start, its rows replacing those shown, and
      // the page says so. A second cut keeps the rows shown, marked as incomplete.
      const cut = await this.stream({ ...attempt, last: false });
      if (cut === undefined || runId !== this.runSeq) return;
      this.s.log.warn(`query answer cut short after ${cut.rows} rows (${cut.detail}); running it again`);
      this.post({
        type: 'running',
        runId,
        notice: vscode.l10n.t(
          'The connection was lost after {0} rows. Running the query again from the start; its rows replace these.',
          integerText(cut.rows),
        ),
      });
      await this.stream({
        ...attempt,
        last: true,
        notice: vscode.l10n.t(
          'The connection was lost once: the query ran again from the start, and these are all its rows.',
        ),
      });
    } catch (e) {
      if (runId !== this.runSeq) return;
      if (controller.signal.aborted || (isAzureRequestError(e) && e.kind === 'cancelled')) {
        this.post({ type: 'cancelled', runId });
        return;
      }
      if (isAzureRequestError(e)) {
        this.s.log.error(
          `query failed (${e.statusCode ?? '-'} ${e.code ?? e.kind})${e.requestId ? ` request id ${e.requestId}` : ''}`,
        );
      } else {
        this.s.log.error(`query failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.post({ type: 'error', runId, error: describeQueryError(e, timeout) });
    } finally {
      if (this.running === controller) this.running = undefined;
    }
  }

  /**
   * One reading of the query's answer, its rows posted in chunks as they arrive. Returns how far it
   * got when the connection was cut in the middle and this is not the last attempt (the caller
   * runs it again); the last attempt ends a cut answer itself, its rows marked incomplete.
   */
  private async stream({
    client,
    target,
    query,
    timeRange,
    runId,
    signal,
    started,
    timeout,
    last,
    notice,
  }: {
    client: AzureClient;
    target: QueryTarget;
    query: string;
    timeRange: TimeRange;
    runId: number;
    signal: AbortSignal;
    started: number;
    timeout: number | undefined;
    last: boolean;
    /** Said with the last chunk (an info line). */
    notice?: string;
  }): Promise<{ rows: number; detail: string } | undefined> {
    // Rows go to the page in chunks while the answer is still arriving: the first ones at once,
    // then ever larger ones (ChunkPolicy). Small results take the same path in one chunk.
    const builder = new ChunkList();
    this.results = { runId, builder };
    const policy = new ChunkPolicy(() => Date.now());
    let shaper: ChunkShaper | undefined;
    // The primary table's rows, read straight into columns and not sent yet.
    let pending: ColumnarRows | undefined;
    const sendChunk = (count: number, final?: (table: ColumnarTable, offset: number) => ResultMessage) => {
      const table =
        shaper && pending ? shaper.shapeColumns(pending.take(count)) : { rowCount: 0, columns: [] };
      const offset = builder.rowCount;
      builder.add(table);
      policy.sentRows(table.rowCount);
      const msg = final
        ? final(table, offset)
        : this.chunkMessage(runId, table, offset, builder.rowCount, started, shaper?.summary);
      if (final && this.results?.runId === runId) this.results.final = msg;
      this.post(msg);
    };
    const pendingRows = () => pending?.rowCount ?? 0;
    let result: QueryStreamResult;
    try {
      result = await client.queryStream(target, query, timespanOf(timeRange), {
        abortSignal: signal,
        serverTimeoutSeconds: timeout,
        onTable: (index, name, columns) => {
          if (index === 0) shaper = new ChunkShaper(name, columns);
        },
        // The grid's columns straight from the answer's text: no value per cell in between.
        onColumns: (index, rows) => {
          // Only the primary table is shown; a run that was replaced posts nothing more.
          if (index !== 0 || runId !== this.runSeq) return;
          pending = rows;
          while (policy.due(pendingRows())) sendChunk(policy.take(pendingRows()));
        },
      });
    } catch (e) {
      if (!isCutShort(e) || runId !== this.runSeq || signal.aborted) throw e;
      const rows = builder.rowCount + pendingRows();
      const detail = e.azureMessage ?? e.code ?? '';
      if (!last) return { rows, detail };
      // Cut again: the rows that came stay, complete as far as they go and said to be incomplete.
      this.s.log.warn(`query answer cut short again after ${rows} rows (${detail})`);
      while (pendingRows() > policy.take(pendingRows())) sendChunk(policy.take(pendingRows()));
      sendChunk(pendingRows(), (table, offset) => ({
        ...this.chunkMessage(runId, table, offset, offset + table.rowCount, started, shaper?.summary),
        complete: true,
        status: 'PartialFailure',
        partialError: {
          title: vscode.l10n.t(
            'The connection was lost twice; the {0} rows shown are only the first part of the result.',
            integerText(rows),
          ),
          detail: joinDetail(e.code, e.azureMessage),
          hint: vscode.l10n.t('Run the query again to get every row.'),
        },
        timechart: false,
        statistics: {},
      }));
      return undefined;
    }
    if (runId !== this.runSeq) return undefined;
    while (pendingRows() > policy.take(pendingRows())) sendChunk(policy.take(pendingRows()));
    sendChunk(pendingRows(), (table, offset) => ({
      ...this.chunkMessage(runId, table, offset, offset + table.rowCount, started, shaper?.summary),
      complete: true,
      status: result.status,
      partialError: result.partialError
        ? {
            title: vscode.l10n.t('Partial results: the query did not finish, the rows shown are incomplete.'),
            detail: joinDetail(result.partialError.code, result.partialError.message),
            hint: vscode.l10n.t('Query a shorter time range or filter earlier in the query.'),
          }
        : undefined,
      timechart: isTimechart(result.visualization),
      statistics: summarizeStatistics(result.statistics),
      ...(notice ? { notice } : {}),
    }));
    return undefined;
  }

  /** A chunk of a run that is still arriving: what is known so far, nothing that needs the end. */
  private chunkMessage(
    runId: number,
    table: ColumnarTable,
    offset: number,
    totalRows: number,
    started: number,
    summary: { unfolded: boolean; truncatedCount: number } = { unfolded: false, truncatedCount: 0 },
  ): ResultMessage {
    return {
      type: 'result',
      runId,
      table,
      offset,
      complete: false,
      totalRows,
      status: 'Success',
      truncatedCount: summary.truncatedCount,
      unfolded: summary.unfolded,
      timechart: false,
      statistics: {},
      elapsedMs: Date.now() - started,
    };
  }

  cancel(): void {
    if (!this.running) return;
    this.running.abort();
    this.running = undefined;
    this.post({ type: 'cancelled', runId: this.runSeq });
    // A response that still arrives belongs to no run now.
    this.runSeq++;
  }

  private async export(format: 'csv' | 'json', rows: number[] | undefined): Promise<void> {
    // Export waits for the whole result (the page disables it until then).
    const results = this.results;
    if (!results?.final) return;
    const table = results.builder.table;
    const picked = rows?.filter((r) => r < table.rowCount);
    const defaultName = `${this.binding.scopeLabel.replace(/[^\w.-]+/g, '_')}-query.${format}`;
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await this.s.ui.saveDialog({
      defaultUri: base ? vscode.Uri.joinPath(base, defaultName) : undefined,
      filters: format === 'csv' ? { [vscode.l10n.t('CSV')]: ['csv'] } : { [vscode.l10n.t('JSON')]: ['json'] },
      saveLabel: vscode.l10n.t('Export'),
      title:
        format === 'csv'
          ? vscode.l10n.t('Export Query Result as CSV')
          : vscode.l10n.t('Export Query Result as JSON'),
    });
    try {
      const text = format === 'csv' ? toCsv(table, picked) : toJson(table, picked);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      const count = picked ? picked.length : table.rowCount;
      const open = vscode.l10n.t('Open');
      const choice = await this.s.ui.notify(
        'info',
        vscode.l10n.t('Exported {0} rows to {1}.', String(count), uri.fsPath || uri.toString()),
        open,
      );
      if (choice === open) await vscode.commands.executeCommand('vscode.open', uri);
    } catch (e) {
      this.s.log.error(`query export failed: ${e instanceof Error ? e.message : String(e)}`);
      void this.s.ui.notify(
        'error',
        vscode.l10n.t('Could not export the result: {0}', e instanceof Error ? e.message : String(e)),
      );
    }
  }

  private async openInPortal(
    query: string,
    source: PanelState['source'],
    timeRange: TimeRange,
  ): Promise<void> {
    const resourceId = this.queryTarget(source)?.resourceId ?? this.binding.componentId;
    const url = portalLogsUrl({
      portalUrl: this.s.azure.cloud().portalUrl,
      tenantId: this.s.settings.tenant,
      resourceId,
      query,
      timespan: portalTimespan(timeRange),
      gzipBase64: (text) => gzipSync(Buffer.from(text, 'utf8')).toString('base64'),
    });
    // The link carries the query; the clipboard has it too in case the portal drops a long link.
    await vscode.env.clipboard.writeText(query);
    const opened = await vscode.env.openExternal(vscode.Uri.parse(url, true));
    if (opened) {
      vscode.window.setStatusBarMessage(
        vscode.l10n.t('Opened the Logs blade in the Azure portal; the query is also on the clipboard.'),
        5000,
      );
    }
  }
}

/** Creates the webview panel of a new query panel. */
export function createWebviewPanel(s: BaseServices, binding: PanelBinding): vscode.WebviewPanel {
  const dist = vscode.Uri.joinPath(s.context.extensionUri, 'dist');
  return vscode.window.createWebviewPanel(
    Views.traceQueryPanel,
    panelTitle(binding),
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
    {
      enableScripts: true,
      enableForms: false,
      enableCommandUris: false,
      retainContextWhenHidden: false,
      localResourceRoots: [dist, vscode.Uri.joinPath(s.context.extensionUri, 'media')],
    },
  );
}
