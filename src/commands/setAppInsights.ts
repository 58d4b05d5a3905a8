// amlMonitor.enableAppInsights / disableAppInsights: from a deployment or v1 service node, or the
// palette. The flow itself (src/tree/appInsightsFlow.ts) is vscode-free and tested on the emulator.
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { Services } from '../services';
import { isServiceTarget, targetDisplayName, targetOf, type ServiceTarget } from '../targets';
import { runSetAppInsights } from '../tree/appInsightsFlow';
import { UserCancelledError } from '../ui';
import { reportError } from './errorHandling';
import { pickServiceTarget } from './pickers';

export function setAppInsights(s: Services, enabled: boolean) {
  const id = enabled ? Commands.enableAppInsights : Commands.disableAppInsights;
  return async (node?: unknown): Promise<void> => {
    const fromNode = targetOf(node);
    const target = isServiceTarget(fromNode) ? fromNode : await pickServiceTarget(s);
    const name = targetDisplayName(target);
    const client = await s.azure.getClient({ createIfNone: true });
    const result = await runSetAppInsights({
      client,
      target,
      enabled,
      confirm: () => confirm(s, target, enabled),
      withProgress: <T>(task: (uiCancelled: AbortSignal) => Promise<T>): Promise<T> =>
        Promise.resolve(
          vscode.window.withProgress(
            {
              location: vscode.ProgressLocation.Notification,
              title: enabled
                ? vscode.l10n.t('Enabling Application Insights on {0}…', name)
                : vscode.l10n.t('Disabling Application Insights on {0}…', name),
              cancellable: true,
            },
            (_progress, token) => {
              const ui = new AbortController();
              const sub = token.onCancellationRequested(() => ui.abort());
              return task(ui.signal).finally(() => {
                sub.dispose();
              });
            },
          ),
        ),
      setBusy: (t, busy) => s.tree.setBusy(t, busy),
      markOverdue: (t) => s.tree.markOverdue(t),
      lifetime: s.lifetime,
      onBackgroundError: (e) => void reportError(id, e, s.log, s.ui),
    });
    switch (result.outcome) {
      case 'noAppInsightsResource':
        void s.ui.notify(
          'warning',
          vscode.l10n.t(
            'The workspace {0} has no Application Insights resource, so {1} cannot send telemetry to one. Connect an Application Insights resource to the workspace in the Azure portal first.',
            result.workspace.workspaceName,
            name,
          ),
        );
        return;
      case 'declined':
        throw new UserCancelledError();
      case 'updated':
        s.log.info(`${id}: ${name} now reports appInsightsEnabled=${String(result.appInsightsEnabled)}`);
        void s.ui.notify(
          'info',
          result.appInsightsEnabled
            ? vscode.l10n.t('Application Insights is now on for {0}.', name)
            : vscode.l10n.t('Application Insights is now off for {0}.', name),
        );
        return;
      case 'detached':
        void s.ui.notify(
          'info',
          vscode.l10n.t(
            'Stopped waiting. The update of {0} continues in Azure; the tree shows it as Updating until it ends or outruns the time Azure stated for it.',
            name,
          ),
        );
        return;
    }
  };
}

async function confirm(s: Services, target: ServiceTarget, enabled: boolean): Promise<boolean> {
  const name = targetDisplayName(target);
  const action = enabled ? vscode.l10n.t('Enable') : vscode.l10n.t('Disable');
  const message = enabled
    ? vscode.l10n.t('Enable Application Insights on {0}?', name)
    : vscode.l10n.t('Disable Application Insights on {0}?', name);
  const detail =
    target.kind === 'deployment'
      ? vscode.l10n.t(
          'The deployment will be updated with only this setting changed. Azure may roll its instances, which can take several minutes; the endpoint keeps serving meanwhile.',
        )
      : vscode.l10n.t(
          'The web service will be updated with only this setting changed. This can take a few minutes.',
        );
  return s.ui.confirm(message, detail, action);
}
