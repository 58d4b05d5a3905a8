// Send Endpoint Logs to Log Analytics: creates a diagnostic setting for the AmlOnlineEndpoint*
// log categories of an endpoint, after a confirmation that says it is billed. Categories already
// sent anywhere are left alone, so no duplicate setting is ever made.
import * as vscode from 'vscode';
import type { AzureClient } from '../azure/api';
import { parseArmId } from '../core/armId';
import { missingCategories, settingNameFor } from '../core/diagnosticSettings';
import type { Services } from '../services';
import { targetOf, type EndpointTarget } from '../targets';
import { UserCancelledError } from '../ui';
import { pickEndpoint } from './pickers';

/** The shape of the id asked for (an id, not prose: nothing to translate). */
const LOG_ANALYTICS_ID_EXAMPLE = [
  '',
  'subscriptions',
  '…',
  'resourceGroups',
  '…',
  'providers',
  'Microsoft.OperationalInsights',
  'workspaces',
  '…',
].join('/');

function endpointTargetOf(arg: unknown): EndpointTarget | undefined {
  const t = targetOf(arg);
  if (t?.kind === 'endpoint') return t;
  if (t?.kind === 'deployment') return { kind: 'endpoint', workspace: t.workspace, endpoint: t.endpoint };
  return undefined;
}

async function defaultWorkspaceOf(client: AzureClient, target: EndpointTarget): Promise<string | undefined> {
  const componentId = target.workspace.applicationInsightsId;
  if (!componentId) return undefined;
  try {
    return (await client.getAppInsightsComponent(componentId)).workspaceResourceId;
  } catch {
    // Without the component, the user names the workspace.
    return undefined;
  }
}

function isLogAnalyticsId(value: string): boolean {
  const id = parseArmId(value.trim());
  const last = id?.resources.at(-1);
  return (
    !!id &&
    id.provider?.toLowerCase() === 'microsoft.operationalinsights' &&
    last?.type.toLowerCase() === 'workspaces'
  );
}

export function sendEndpointLogs(s: Services) {
  return async (arg?: unknown): Promise<void> => {
    const target = endpointTargetOf(arg) ?? (await pickEndpoint(s));
    const endpointName = target.endpoint.endpointName;
    const client = await s.azure.getClient({ createIfNone: true });
    const settings = await client.listDiagnosticSettings(target.endpoint.armId);
    const missing = missingCategories(settings);
    if (missing.length === 0) {
      const where = [...new Set(settings.map((x) => x.workspaceId?.split('/').pop() ?? x.name))].join(', ');
      void s.ui.notify(
        'info',
        vscode.l10n.t('The endpoint {0} already sends its logs to Log Analytics ({1}).', endpointName, where),
      );
      return;
    }
    const fallback = await defaultWorkspaceOf(client, target);
    const other = vscode.l10n.t('Another Log Analytics workspace…');
    const items: (vscode.QuickPickItem & { id?: string })[] = [
      ...(fallback
        ? [
            {
              label: fallback.split('/').pop() ?? fallback,
              description: vscode.l10n.t("the workspace's own (its Application Insights sends there)"),
              id: fallback,
            },
          ]
        : []),
      { label: other },
    ];
    const choice = await s.ui.pick(items, {
      title: vscode.l10n.t('Send Endpoint Logs to Log Analytics'),
      placeHolder: vscode.l10n.t('Log Analytics workspace for the logs of {0}', endpointName),
    });
    const workspaceId =
      choice.id ??
      (
        await s.ui.input({
          title: vscode.l10n.t('Send Endpoint Logs to Log Analytics'),
          prompt: vscode.l10n.t('Resource ID of the Log Analytics workspace'),
          placeHolder: LOG_ANALYTICS_ID_EXAMPLE,
          validateInput: (v) =>
            isLogAnalyticsId(v)
              ? undefined
              : vscode.l10n.t(
                  'Enter the resource ID of a Microsoft.OperationalInsights/workspaces resource.',
                ),
        })
      ).trim();
    const workspaceName = workspaceId.split('/').pop() ?? workspaceId;
    const create = vscode.l10n.t('Create Diagnostic Setting');
    const confirmed = await s.ui.confirm(
      vscode.l10n.t('Send the logs of {0} to {1}?', endpointName, workspaceName),
      vscode.l10n.t(
        'Creates a diagnostic setting for {0}. Log Analytics bills the ingestion and retention of these logs. The first rows can take up to an hour to appear.',
        missing.join(', '),
      ),
      create,
    );
    if (!confirmed) throw new UserCancelledError();
    const name = settingNameFor(settings);
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Creating diagnostic setting {0}…', name),
      },
      () => client.createDiagnosticSetting(target.endpoint.armId, name, { workspaceId, categories: missing }),
    );
    void s.ui.notify(
      'info',
      vscode.l10n.t(
        'The endpoint {0} now sends {1} to {2}. Rows can take up to an hour to appear.',
        endpointName,
        missing.join(', '),
        workspaceName,
      ),
    );
  };
}
