// activate(): build the services, the tree view and the commands. Nothing here loads the Azure
// SDKs or calls Azure: that starts when the view first asks for its children.
import * as vscode from 'vscode';
import { configureL10n } from './azure/l10n';
import { toDisposable } from './disposable';
import { registerCommands } from './commands';
import { OUTPUT_CHANNEL_NAME, Views } from './constants';
import { LogStreamManager } from './logs/streamManager';
import { KqlCodeLensProvider } from './query/kqlCodeLens';
import { MetricsPanels } from './metrics/panel';
import { QueryPanelManager } from './query/panelManager';
import type { BaseServices, Services } from './services';
import { AzureSessionImpl } from './session/azureSession';
import { Settings } from './settings';
import { TestRequestService } from './testRequest/service';
import { isFilterActive } from './core/fleet';
import { ServicesTreeProvider } from './tree/servicesTree';
import { VsCodeUserInput } from './vscodeUserInput';

export function activate(context: vscode.ExtensionContext): void {
  // The cloud table (src/azure/clouds.ts) is part of this bundle and speaks through @vscode/l10n.
  configureL10n(vscode.l10n.bundle);
  const log = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  context.subscriptions.push(log);
  const settings = new Settings();
  const ui = new VsCodeUserInput();
  const azure = new AzureSessionImpl(settings, log, ui);
  context.subscriptions.push(azure);
  const lifetime = new AbortController();
  context.subscriptions.push(toDisposable(() => lifetime.abort()));
  const base: BaseServices = { context, log, settings, azure, ui, lifetime: lifetime.signal };

  const logStreams = new LogStreamManager(base);
  const tree = new ServicesTreeProvider(base, logStreams);
  const view = vscode.window.createTreeView(Views.services, {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  tree.attachView(view);
  const showFilter = () => {
    view.description = isFilterActive(tree.filter) ? vscode.l10n.t('Filtered') : undefined;
  };
  const queryPanels = new QueryPanelManager(base);
  const testRequests = new TestRequestService(base);
  const metricsViews = new MetricsPanels(base);
  const services: Services = { ...base, tree, logStreams, queryPanels, testRequests, metricsViews };

  context.subscriptions.push(
    logStreams,
    tree,
    view,
    tree.onDidChangeFilter(showFilter),
    queryPanels,
    testRequests,
    metricsViews,
    vscode.languages.registerCodeLensProvider({ language: 'kql' }, new KqlCodeLensProvider()),
    registerCommands(services),
  );
  log.info(`activated ${context.extension.id}`);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions and disposed by VS Code.
}
