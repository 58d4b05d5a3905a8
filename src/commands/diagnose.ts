// Diagnose Deployment: gathers in parallel (with progress) what Azure knows about a deployment,
// classifies it against the troubleshooting guide and opens the report beside the editor.
import * as vscode from 'vscode';
import { Commands } from '../constants';
import { gatherAndDiagnose, SOURCES, type DiagnoseResult } from '../diagnose/gather';
import { failureTitle, renderReport } from '../diagnose/report';
import { describeFailure } from '../metrics/panel';
import type { Services } from '../services';
import { targetOf, type DeploymentTarget } from '../targets';
import { pickDeployment } from './pickers';

export function diagnoseDeployment(s: Services) {
  return async (arg?: unknown): Promise<void> => {
    const fromNode = targetOf(arg);
    const target: DeploymentTarget = fromNode?.kind === 'deployment' ? fromNode : await pickDeployment(s);
    const name = `${target.endpoint.endpointName}/${target.deployment.deploymentName}`;
    const client = await s.azure.getClient({ createIfNone: true });
    const result = await vscode.window.withProgress<DiagnoseResult>(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Diagnosing {0}', name),
        cancellable: true,
      },
      (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let done = 0;
        return gatherAndDiagnose(client, target.endpoint, target.deployment, {
          abortSignal: abort.signal,
          describeError: describeFailure,
          onSource: () => {
            done++;
            progress.report({
              increment: 100 / SOURCES.length,
              message: vscode.l10n.t('{0} of {1} sources read', String(done), String(SOURCES.length)),
            });
          },
        }).finally(() => {
          sub.dispose();
        });
      },
    );
    const report = renderReport(result, {
      endpoint: target.endpoint.endpointName,
      deployment: target.deployment.deploymentName,
      deploymentArmId: target.deployment.armId,
      portalUrl: s.azure.cloud().portalUrl,
    });
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: report });
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    s.log.info(
      `diagnose ${name}: ${result.diagnosis.verdict === 'healthy' || result.diagnosis.verdict === 'unknown' ? result.diagnosis.verdict : failureTitle(result.diagnosis.verdict)}`,
    );
    // Without the event log, a crash is harder to explain: offer to send the endpoint's logs.
    if (
      result.sources.some((x) => x.source === 'eventLog' && x.notConfigured) &&
      result.diagnosis.verdict !== 'healthy'
    ) {
      const send = vscode.l10n.t('Send Endpoint Logs…');
      const choice = await s.ui.notify(
        'info',
        vscode.l10n.t(
          'The endpoint {0} does not send its container events to Log Analytics; they explain crashes and restarts.',
          target.endpoint.endpointName,
        ),
        send,
      );
      if (choice === send)
        await vscode.commands.executeCommand(Commands.sendEndpointLogs, {
          target: { kind: 'endpoint', workspace: target.workspace, endpoint: target.endpoint },
        });
    }
  };
}
