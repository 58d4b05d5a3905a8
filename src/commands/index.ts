// The only place that registers commands. package.json and this table must agree (a test checks).
import * as vscode from 'vscode';
import { Commands, type CommandId } from '../constants';
import type { Services } from '../services';
import { selectSubscriptions, selectTenant, signIn } from './account';
import { withErrorHandling } from './errorHandling';
import { diagnoseDeployment } from './diagnose';
import { sendEndpointLogs } from './diagnosticSettings';
import { filterTree, goToDeployment } from './fleet';
import { loadProbe } from './loadProbe';
import { showMetrics } from './metrics';
import { getLogs, stopLogStream, streamLogs } from './logs';
import { openTraceQuery, runKqlFile, runQueryInPanel } from './query';
import { scaffoldScoreFile } from './scaffold';
import { setAppInsights } from './setAppInsights';
import { resendTestRequest, sendTestRequest, testRequestHistory, traceRequest } from './testRequest';
import {
  copyScoringUri,
  openAppInsightsInPortal,
  openInStudio,
  openSettings,
  refresh,
  refreshNode,
  showDiagnostics,
} from './treeItems';

export type CommandHandler = (...args: unknown[]) => unknown;

export function commandTable(s: Services): Record<CommandId, CommandHandler> {
  return {
    [Commands.signIn]: signIn(s),
    [Commands.selectTenant]: selectTenant(s),
    [Commands.selectSubscriptions]: selectSubscriptions(s),
    [Commands.refresh]: refresh(s),
    [Commands.refreshNode]: refreshNode(s),
    [Commands.copyScoringUri]: copyScoringUri(s),
    [Commands.openInStudio]: openInStudio(s),
    [Commands.openAppInsightsInPortal]: openAppInsightsInPortal(s),
    [Commands.enableAppInsights]: setAppInsights(s, true),
    [Commands.disableAppInsights]: setAppInsights(s, false),
    [Commands.streamLogs]: streamLogs(s),
    [Commands.stopLogStream]: stopLogStream(s),
    [Commands.getLogs]: getLogs(s),
    [Commands.openTraceQuery]: openTraceQuery(s),
    [Commands.runKqlFile]: runKqlFile(s),
    [Commands.runQueryInPanel]: runQueryInPanel(s),
    [Commands.scaffoldScoreFile]: scaffoldScoreFile(s),
    [Commands.openSettings]: openSettings(s),
    [Commands.showDiagnostics]: showDiagnostics(s),
    [Commands.sendTestRequest]: sendTestRequest(s),
    [Commands.resendTestRequest]: resendTestRequest(s),
    [Commands.testRequestHistory]: testRequestHistory(s),
    [Commands.traceRequest]: traceRequest(s),
    [Commands.loadProbe]: loadProbe(s),
    [Commands.goToDeployment]: goToDeployment(s),
    [Commands.filterTree]: filterTree(s),
    [Commands.showMetrics]: showMetrics(s),
    [Commands.diagnoseDeployment]: diagnoseDeployment(s),
    [Commands.sendEndpointLogs]: sendEndpointLogs(s),
  };
}

export function registerCommands(s: Services): vscode.Disposable {
  return vscode.Disposable.from(
    ...Object.entries(commandTable(s)).map(([id, run]) =>
      vscode.commands.registerCommand(id, withErrorHandling(id, run, s.log, s.ui)),
    ),
  );
}
