// The query panel page. It gets its strings, binding and ready queries from the host after `ready`,
// builds its DOM with createElement/textContent only, and keeps its query, time range, scroll, sort
// and filter in vscode.setState so a hidden or reloaded panel comes back as it was.
import './styles.css';
import { readyQueries as unscopedReadyQueries } from '../core/kql';
import type { ColumnarTable } from '../core/queryResult';
import { TableBuilder } from '../core/resultStream';
import {
  isToWebview,
  parsePanelState,
  type FromWebview,
  type PanelBinding,
  type PanelState,
  type QueryErrorInfo,
  type ReadyQueryItem,
  type ScopeInfo,
  type Strings,
  type TimeRange,
  type ToWebview,
} from '../query/protocol';
import { looksLikeSeries, MAX_CHART_ROWS, planChart, TimeChart } from './chart';
import { Grid } from './grid';
import { FILTER_DEBOUNCE_MS } from './gridView';
import { buildLayout, renderBanners, type Banner } from './layout';
import { customRange, initialCustomInputs, presetOf, toLocalInput } from './timeRange';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

type BodyState = 'idle' | 'running' | 'done' | 'error';

function setBodyState(state: BodyState): void {
  document.body.dataset.state = state;
}

/** Fills a "{0}" template (the host's localized strings keep their placeholders for us). */
function fill(template: string, ...args: string[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => args[Number(i)] ?? m);
}

const integer = new Intl.NumberFormat();

/** How long typing pauses before the page saves its state. */
const SAVE_DELAY_MS = 150;

class QueryPage {
  private state: PanelState;
  private runId = -1;
  /** The rows of the run shown, grown chunk by chunk while its answer arrives. */
  private rows: { runId: number; builder: TableBuilder; complete: boolean } | undefined;
  private lastLocalRun = -Infinity;
  private restoreScroll: number | undefined;
  private saveTimer: number | undefined;
  private chartVisible = true;
  /** Set once the user shows or hides the chart: their choice then holds for later results. */
  private chartChosen = false;
  private lastTable: ColumnarTable | undefined;

  private readonly source: HTMLSelectElement;
  private readonly range: HTMLSelectElement;
  private readonly start: HTMLInputElement;
  private readonly end: HTMLInputElement;
  private readonly ready: HTMLSelectElement;
  private readonly runButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly exportButtons: HTMLButtonElement[];
  private readonly portalButton: HTMLButtonElement;
  private readonly editor: HTMLTextAreaElement;
  private readonly banners: HTMLDivElement;
  private readonly rowCount: HTMLSpanElement;
  private readonly stats: HTMLSpanElement;
  private readonly chartToggle: HTMLButtonElement;
  private readonly filter: HTMLInputElement;
  private readonly chartBox: HTMLDivElement;
  private readonly scopeBar: HTMLDivElement;
  private readonly scopeText: HTMLSpanElement;
  private readonly scopeNote: HTMLSpanElement;
  private readonly changeScope: HTMLButtonElement;
  private readonly chart: TimeChart;
  private readonly grid: Grid;

  constructor(
    private readonly strings: Strings,
    private readonly binding: PanelBinding,
    private readyQueries: ReadyQueryItem[],
    initial: PanelState,
    heading: string,
    scope: ScopeInfo | undefined,
  ) {
    this.state = initial;
    const s = strings;

    const page = buildLayout(s, binding, readyQueries, heading);
    this.source = page.source;
    this.range = page.range;
    this.start = page.start;
    this.end = page.end;
    this.ready = page.ready;
    this.runButton = page.runButton;
    this.cancelButton = page.cancelButton;
    this.exportButtons = page.exportButtons;
    this.portalButton = page.portalButton;
    this.editor = page.editor;
    this.banners = page.banners;
    this.rowCount = page.rowCount;
    this.stats = page.stats;
    this.chartToggle = page.chartToggle;
    this.filter = page.filter;
    this.chartBox = page.chartBox;
    this.scopeBar = page.scopeBar;
    this.scopeText = page.scopeText;
    this.scopeNote = page.scopeNote;
    this.changeScope = page.changeScope;
    this.chart = new TimeChart(this.chartBox);
    this.grid = new Grid(page.results, s, {
      copy: (text) => vscode.postMessage({ type: 'copy', text }),
      changed: () => this.save(),
    });
    this.wire();
    this.applyState(initial);
    this.showScope(scope, readyQueries);
    setBodyState('idle');
  }

  /**
   * Shows the scope, and takes the ready queries that go with it. A query still exactly as a ready
   * query left it (this scope's, the last one's, or the unscoped one) follows the new scope; a query
   * the user wrote is never touched.
   */
  private showScope(scope: ScopeInfo | undefined, items: ReadyQueryItem[]): void {
    const known = [...this.readyQueries, ...unscopedReadyQueries(this.binding.scope)];
    const was = known.find((q) => q.kql === this.editor.value);
    const next = was && items.find((q) => q.id === was.id);
    this.readyQueries = items;
    if (next && next.kql !== this.editor.value) {
      this.editor.value = next.kql;
      this.save();
    }
    this.scopeBar.hidden = !scope;
    if (!scope) return;
    this.scopeBar.dataset.state = scope.state;
    this.scopeText.textContent = scope.text;
    this.scopeNote.textContent = scope.note ?? '';
    this.scopeNote.hidden = !scope.note;
    this.changeScope.disabled = scope.state === 'discovering';
  }

  private applyState(st: PanelState): void {
    this.editor.value = st.query;
    this.source.value =
      st.source === 'logAnalytics' && this.binding.logAnalyticsId ? 'logAnalytics' : 'appInsights';
    if (st.timeRange.kind === 'preset') {
      this.range.value = st.timeRange.duration;
    } else {
      this.range.value = 'custom';
      this.start.value = toLocalInput(st.timeRange.start);
      this.end.value = toLocalInput(st.timeRange.end);
    }
    this.filter.value = st.filter;
    this.restoreScroll = st.scrollTop;
    this.updateCustomInputs();
  }

  private updateCustomInputs(): void {
    const custom = this.range.value === 'custom';
    this.start.hidden = !custom;
    this.end.hidden = !custom;
    if (custom && !this.start.value) {
      const initial = initialCustomInputs(Date.now());
      this.start.value = initial.start;
      this.end.value = initial.end;
    }
  }

  private wire(): void {
    // A hidden panel's page is torn down: what the last pause did not save yet would be lost.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden' && this.saveTimer !== undefined) this.saveNow();
    });
    this.runButton.addEventListener('click', () => this.run());
    this.cancelButton.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
    this.changeScope.addEventListener('click', () => vscode.postMessage({ type: 'changeScope' }));
    this.exportButtons[0]?.addEventListener('click', () => this.export('csv'));
    this.exportButtons[1]?.addEventListener('click', () => this.export('json'));
    this.portalButton.addEventListener('click', () => {
      const timeRange = this.timeRange();
      if (timeRange)
        vscode.postMessage({
          type: 'openInPortal',
          query: this.editor.value,
          source: this.currentSource(),
          timeRange,
        });
    });
    this.range.addEventListener('change', () => {
      this.updateCustomInputs();
      this.save();
    });
    for (const input of [this.start, this.end, this.source])
      input.addEventListener('change', () => this.save());
    this.ready.addEventListener('change', () => {
      const q = this.readyQueries[Number(this.ready.value)];
      if (!q || this.ready.value === '') return;
      this.editor.value = q.kql;
      this.source.value = q.source;
      this.save();
      this.editor.focus();
    });
    this.editor.addEventListener('input', () => this.save());
    this.editor.addEventListener('keydown', (e) => {
      // Tab indents (two spaces) instead of leaving the editor; Shift+Tab still moves focus.
      if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        this.editor.setRangeText('  ', this.editor.selectionStart, this.editor.selectionEnd, 'end');
        this.save();
      }
    });
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        this.lastLocalRun = performance.now();
        this.run();
      }
    });
    let filterTimer: number | undefined;
    this.filter.addEventListener('input', () => {
      window.clearTimeout(filterTimer);
      filterTimer = window.setTimeout(() => {
        this.grid.setFilter(this.filter.value);
        this.updateRowCount();
      }, FILTER_DEBOUNCE_MS);
    });
    this.chartToggle.addEventListener('click', () => {
      this.chartVisible = !this.chartVisible;
      this.chartChosen = true;
      this.showChart();
    });
  }

  private currentSource(): 'appInsights' | 'logAnalytics' {
    return this.source.value === 'logAnalytics' ? 'logAnalytics' : 'appInsights';
  }

  private timeRange(): TimeRange | undefined {
    const v = this.range.value;
    if (v === 'custom') {
      const range = customRange(this.start.value, this.end.value);
      if (!range) {
        this.showBanners([
          {
            level: 'error',
            title: this.strings.rangeCustom,
            detail: `${this.strings.customStart} < ${this.strings.customEnd}`,
          },
        ]);
        this.start.focus();
        return undefined;
      }
      return range;
    }
    return { kind: 'preset', duration: presetOf(v) };
  }

  run(): void {
    const timeRange = this.timeRange();
    if (!timeRange) return;
    this.save();
    vscode.postMessage({ type: 'run', query: this.editor.value, source: this.currentSource(), timeRange });
  }

  private export(format: 'csv' | 'json'): void {
    const rows = this.grid.viewRows();
    vscode.postMessage(
      rows ? { type: 'export', format, rows: Array.from(rows) } : { type: 'export', format },
    );
  }

  /** Saves soon (typing saves once per pause); a hide saves at once (see wire()). */
  private save(): void {
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.saveNow(), SAVE_DELAY_MS);
  }

  private saveNow(): void {
    window.clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const timeRange: TimeRange | undefined =
      this.range.value === 'custom'
        ? customRange(this.start.value, this.end.value, false)
        : { kind: 'preset', duration: presetOf(this.range.value) };
    this.state = {
      binding: this.binding,
      query: this.editor.value,
      source: this.currentSource(),
      timeRange: timeRange ?? this.state.timeRange,
      scrollTop: this.grid.scrollTop,
      // While rows arrive the grid is unsorted: the user's sort waits in the state for the end.
      sort: this.rows && !this.rows.complete ? this.state.sort : this.grid.sort,
      filter: this.filter.value,
    };
    vscode.setState(this.state);
  }

  private showBanners(items: readonly Banner[]): void {
    renderBanners(this.banners, items);
  }

  private errorBanner(error: QueryErrorInfo, level: 'error' | 'warning'): Banner {
    const where = error.position
      ? fill(this.strings.errorPosition, String(error.position.line), String(error.position.column))
      : '';
    const detail = [error.detail, where].filter(Boolean).join('\n');
    return { level, title: error.title, detail: detail || undefined, hint: error.hint };
  }

  private selectPosition(position: { line: number; column: number }): void {
    const lines = this.editor.value.split('\n');
    let offset = 0;
    for (let i = 0; i < position.line - 1 && i < lines.length; i++) offset += (lines[i]?.length ?? 0) + 1;
    offset += Math.max(0, position.column - 1);
    offset = Math.min(offset, this.editor.value.length);
    this.editor.focus();
    this.editor.setSelectionRange(offset, Math.min(offset + 1, this.editor.value.length));
  }

  /** While rows are still arriving, sort, filter and export are off and say why. */
  private setWaitingForRows(waiting: boolean): void {
    const why = waiting ? this.strings.waitsForWholeResult : '';
    this.grid.setSortDisabled(waiting ? why : undefined);
    this.filter.disabled = waiting;
    this.filter.title = why;
    for (const b of this.exportButtons) b.title = why;
  }

  private setRunning(running: boolean): void {
    this.runButton.disabled = running;
    this.cancelButton.disabled = !running;
  }

  private updateRowCount(): void {
    const total = this.grid.rowCount;
    const shown = this.grid.visibleRowCount;
    this.rowCount.textContent =
      total === 0
        ? this.strings.noRows
        : shown === total
          ? fill(this.strings.rowCount, integer.format(total))
          : fill(this.strings.rowCountFiltered, integer.format(shown), integer.format(total));
    this.grid.root.dataset.rows = String(shown);
  }

  private showChart(): void {
    const table = this.lastTable;
    const plan = table ? planChart(table) : undefined;
    const chartable = !!table && !!plan && table.rowCount <= MAX_CHART_ROWS;
    this.chartToggle.hidden = !plan;
    this.chartToggle.textContent = this.chartVisible ? this.strings.table : this.strings.chart;
    this.chartToggle.title =
      plan && table && table.rowCount > MAX_CHART_ROWS
        ? fill(this.strings.chartTooManyRows, integer.format(MAX_CHART_ROWS))
        : '';
    this.chartToggle.disabled = !chartable;
    const visible = chartable && this.chartVisible;
    this.chartBox.hidden = !visible;
    if (visible && table && plan) this.chart.render(table, plan);
    else this.chart.destroy();
  }

  handle(msg: ToWebview): void {
    switch (msg.type) {
      case 'running':
        this.runId = msg.runId;
        this.setRunning(true);
        // A run that starts again (the connection was lost) says why; its rows replace those shown.
        this.showBanners(msg.notice ? [{ level: 'info', title: msg.notice }] : []);
        this.rowCount.textContent = this.strings.running;
        setBodyState('running');
        return;
      case 'result': {
        if (msg.runId !== this.runId && this.runId !== -1) return;
        this.runId = msg.runId;
        // A run's first chunk starts its table; the next ones must follow on exactly.
        const follows =
          msg.offset > 0 && this.rows?.runId === msg.runId && this.rows.builder.rowCount === msg.offset;
        if (msg.offset > 0 && !follows) return;
        if (!follows) this.rows = { runId: msg.runId, builder: new TableBuilder(), complete: false };
        const rows = this.rows!;
        rows.builder.append(msg.table);
        rows.complete = msg.complete;
        const table = rows.builder.table;
        this.lastTable = table;
        const restoring = this.restoreScroll !== undefined;
        const keepSort =
          this.state.sort && table.columns.some((c) => c.name === this.state.sort?.column)
            ? this.state.sort
            : undefined;
        const scrollTop = restoring ? this.restoreScroll : follows ? this.grid.scrollTop : 0;
        this.grid.setData(table, {
          sort: msg.complete ? keepSort : undefined,
          filter: msg.complete ? this.filter.value : '',
          scrollTop,
        });
        this.restoreScroll = undefined;
        // Sort, filter and export need every row: until the last chunk they say so and wait.
        this.setWaitingForRows(!msg.complete);
        for (const b of this.exportButtons) b.disabled = !msg.complete || table.rowCount === 0;
        if (!msg.complete) {
          this.rowCount.textContent = fill(this.strings.rowCountLoading, integer.format(table.rowCount));
          return;
        }
        this.setRunning(false);
        this.updateRowCount();
        const st = msg.statistics;
        const parts: string[] = [];
        if (st.executionTimeSeconds !== undefined)
          parts.push(fill(this.strings.executionTime, st.executionTimeSeconds.toFixed(2)));
        if (st.cpuSeconds !== undefined) parts.push(fill(this.strings.cpuTime, st.cpuSeconds.toFixed(2)));
        if (st.scannedRows !== undefined)
          parts.push(fill(this.strings.scannedRows, integer.format(st.scannedRows)));
        this.stats.textContent = parts.join(' · ');
        const banners: Banner[] = [];
        if (msg.partialError) banners.push(this.errorBanner(msg.partialError, 'warning'));
        if (msg.truncatedCount > 0)
          banners.push({
            level: 'warning',
            title: fill(this.strings.truncatedRows, integer.format(msg.truncatedCount)),
          });
        if (msg.unfolded) banners.push({ level: 'info', title: this.strings.unfoldedNote });
        if (msg.notice) banners.push({ level: 'info', title: msg.notice });
        this.showBanners(banners);
        this.chartVisible =
          msg.timechart ||
          (this.chartChosen ? this.chartVisible : !!this.lastTable && looksLikeSeries(this.lastTable));
        this.showChart();
        setBodyState('done');
        return;
      }
      case 'error':
        if (msg.runId !== this.runId && this.runId !== -1) return;
        this.setRunning(false);
        // Rows that arrived before the failure stay, and can be sorted and filtered.
        this.setWaitingForRows(false);
        this.showBanners([this.errorBanner(msg.error, 'error')]);
        this.rowCount.textContent = '';
        this.stats.textContent = '';
        if (msg.error.position) this.selectPosition(msg.error.position);
        setBodyState('error');
        return;
      case 'cancelled':
        if (msg.runId !== this.runId) return;
        this.setRunning(false);
        this.setWaitingForRows(false);
        this.showBanners([{ level: 'info', title: this.strings.cancelled }]);
        this.rowCount.textContent = '';
        setBodyState('idle');
        return;
      case 'setQuery':
        this.editor.value = msg.query;
        if (msg.source && (msg.source === 'appInsights' || this.binding.logAnalyticsId))
          this.source.value = msg.source;
        this.save();
        if (msg.run) this.run();
        return;
      case 'runRequested':
        // The keybinding reaches VS Code too when the page already ran on Ctrl/Cmd+Enter: run once.
        if (performance.now() - this.lastLocalRun > 750) this.run();
        return;
      case 'scope':
        this.showScope(msg.scope, msg.readyQueries);
        return;
      case 'init':
        return;
    }
  }
}

let page: QueryPage | undefined;

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = event.data;
  if (!isToWebview(msg)) return;
  if (msg.type === 'init') {
    const saved = parsePanelState(vscode.getState());
    const state =
      saved && saved.binding.componentId === msg.binding.componentId
        ? { ...saved, binding: msg.binding }
        : msg.state;
    page = new QueryPage(msg.strings, msg.binding, msg.readyQueries, state, msg.heading, msg.scope);
    vscode.setState(state);
    return;
  }
  page?.handle(msg);
});

setBodyState('idle');
vscode.postMessage({ type: 'ready' });
