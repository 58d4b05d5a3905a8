// The Metrics view of an endpoint or deployment: a webview with uPlot charts of its golden signals.
// It reads while visible (every minute: the metrics' own grain) and stops when hidden or closed.
import * as vscode from 'vscode';
import type { MetricRange } from '../core/metrics';
import { Disposable, toDisposable } from '../disposable';
import { errorDetail, presentError } from '../errorPresentation';
import type { BaseServices } from '../services';
import type { DeploymentTarget, EndpointTarget } from '../targets';
import { webviewHtml } from '../webviewHtml';
import { loadMetrics, type MetricsSubject } from './load';
import { parseFromMetricsView, type MetricsStrings, type ToMetricsView } from './protocol';

export const METRICS_VIEW_TYPE = 'amlMonitor.metrics';
const REFRESH_SECONDS = 60;

export type MetricsTarget = EndpointTarget | DeploymentTarget;

export function subjectOf(target: MetricsTarget): MetricsSubject {
  if (target.kind === 'deployment')
    return { scope: 'deployment', resourceId: target.deployment.armId, deployments: [] };
  return {
    scope: 'endpoint',
    resourceId: target.endpoint.armId,
    // Live deployments first, by traffic, so the main one stands left.
    deployments: Object.entries(target.endpoint.traffic)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([name]) => name),
  };
}

function headingOf(target: MetricsTarget): string {
  return target.kind === 'deployment'
    ? `${target.endpoint.endpointName}/${target.deployment.deploymentName}`
    : target.endpoint.endpointName;
}

/** What failed and Azure's own words for it. */
export function describeFailure(e: unknown): string {
  return [presentError(e).summary, errorDetail(e)].filter(Boolean).join(' ');
}

export function metricsStrings(): MetricsStrings {
  return {
    ranges: {
      PT30M: vscode.l10n.t('Last 30 minutes'),
      PT1H: vscode.l10n.t('Last hour'),
      PT6H: vscode.l10n.t('Last 6 hours'),
      PT24H: vscode.l10n.t('Last 24 hours'),
      P7D: vscode.l10n.t('Last 7 days'),
    },
    refresh: vscode.l10n.t('Refresh'),
    autoRefresh: vscode.l10n.t('Refreshes every minute while visible.'),
    updatedAt: vscode.l10n.t('Updated {0}'),
    loading: vscode.l10n.t('Loading metrics…'),
    noData: vscode.l10n.t('No data'),
    noDataDetail: vscode.l10n.t('Azure Monitor has no values for this metric in the chosen range.'),
    panelTitles: {
      requests: vscode.l10n.t('Requests per minute'),
      latency: vscode.l10n.t('Request latency (ms)'),
      connections: vscode.l10n.t('Active connections'),
      network: vscode.l10n.t('Network bytes per second'),
      cpu: vscode.l10n.t('CPU and memory utilization (%)'),
      gpu: vscode.l10n.t('GPU and GPU memory utilization (%)'),
      disk: vscode.l10n.t('Disk utilization (%)'),
      capacity: vscode.l10n.t('Deployment capacity (instances)'),
    },
    perDeployment: vscode.l10n.t('{0} · {1}'),
    units: {
      Count: '',
      Milliseconds: vscode.l10n.t('ms'),
      Percent: '%',
      BytesPerSecond: vscode.l10n.t('B/s'),
      CountPerSecond: vscode.l10n.t('/s'),
    },
    failed: vscode.l10n.t('Could not read this metric: {0}'),
  };
}

export class MetricsPanel extends Disposable {
  private pageReady = false;
  private timer: NodeJS.Timeout | undefined;
  private loading: AbortController | undefined;
  private lastData: ToMetricsView | undefined;
  private lastLoadedAt = 0;

  constructor(
    private readonly s: BaseServices,
    readonly panel: vscode.WebviewPanel,
    readonly target: MetricsTarget,
    private range: MetricRange,
    onDispose: () => void,
  ) {
    super();
    // Last registered, first disposed: the refresh stops, the listeners go, the owner forgets
    // the view, and the webview panel closes last.
    this.register(panel);
    this.register(toDisposable(onDispose));
    const dist = vscode.Uri.joinPath(s.context.extensionUri, 'dist');
    panel.webview.options = {
      enableScripts: true,
      enableForms: false,
      enableCommandUris: false,
      localResourceRoots: [dist],
    };
    panel.title = vscode.l10n.t('Metrics: {0}', headingOf(target));
    panel.webview.html = this.html();
    this.register(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const msg = parseFromMetricsView(raw);
        if (!msg) {
          s.log.warn('metrics view: ignored a malformed message from the webview');
          return;
        }
        switch (msg.type) {
          case 'ready':
            this.pageReady = true;
            this.post({
              type: 'init',
              strings: metricsStrings(),
              heading: headingOf(target),
              scope: subjectOf(target).scope,
              range: this.range,
              refreshSeconds: REFRESH_SECONDS,
            });
            if (this.lastData) this.post(this.lastData);
            if (!this.lastData || Date.now() - this.lastLoadedAt > REFRESH_SECONDS * 1000) this.load();
            return;
          case 'refresh':
            this.load();
            return;
          case 'setRange':
            this.range = msg.range;
            this.load();
            return;
        }
      }),
    );
    this.register(panel.onDidChangeViewState(() => this.schedule()));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(
      toDisposable(() => {
        if (this.timer) clearInterval(this.timer);
        this.timer = undefined;
        this.loading?.abort();
      }),
    );
    this.schedule();
  }

  get key(): string {
    return subjectOf(this.target).resourceId.toLowerCase();
  }

  reveal(): void {
    if (!this.isDisposed) this.panel.reveal(undefined, false);
  }

  /** Auto-refresh only while the view is visible: a hidden view costs no requests. */
  private schedule(): void {
    if (this.isDisposed) return;
    if (!this.panel.visible) {
      // A hidden webview is torn down; it says ready again when shown.
      this.pageReady = false;
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      this.loading?.abort();
      return;
    }
    this.timer ??= setInterval(() => this.load(), REFRESH_SECONDS * 1000);
  }

  private load(): void {
    if (this.isDisposed) return;
    this.loading?.abort();
    const controller = new AbortController();
    this.loading = controller;
    const range = this.range;
    this.post({ type: 'loading', range });
    void (async () => {
      const client = await this.s.azure.getClient({ createIfNone: true });
      const charts = await loadMetrics(
        client,
        subjectOf(this.target),
        range,
        Date.now(),
        controller.signal,
        describeFailure,
      );
      if (controller.signal.aborted) return;
      this.lastLoadedAt = Date.now();
      this.lastData = { type: 'data', range, fetchedAt: this.lastLoadedAt, charts };
      this.post(this.lastData);
    })().catch((e: unknown) => {
      if (controller.signal.aborted) return;
      const message = describeFailure(e);
      this.s.log.warn(`metrics view: ${message}`);
      this.lastData = {
        type: 'data',
        range,
        fetchedAt: Date.now(),
        charts: [{ panelId: 'requests', unit: 'Count', noData: true, error: message, xs: [], series: [] }],
      };
      this.post(this.lastData);
    });
  }

  private post(msg: ToMetricsView): void {
    if (this.isDisposed || !this.pageReady) return;
    void this.panel.webview.postMessage(msg).then(undefined, () => undefined);
  }

  private html(): string {
    return webviewHtml(this.panel.webview, this.s.context.extensionUri, { bundle: 'metrics' });
  }
}

/** One Metrics view per resource: opening it again reveals it. */
export class MetricsPanels extends Disposable {
  private readonly panels = new Map<string, MetricsPanel>();

  constructor(private readonly s: BaseServices) {
    super();
    this.register(
      toDisposable(() => {
        for (const p of [...this.panels.values()]) p.dispose();
        this.panels.clear();
      }),
    );
  }

  open(target: MetricsTarget): MetricsPanel {
    const key = subjectOf(target).resourceId.toLowerCase();
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const webview = vscode.window.createWebviewPanel(
      METRICS_VIEW_TYPE,
      headingOf(target),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { retainContextWhenHidden: false },
    );
    const panel = new MetricsPanel(this.s, webview, target, 'PT1H', () => this.panels.delete(key));
    this.panels.set(key, panel);
    return panel;
  }
}
