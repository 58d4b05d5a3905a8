// Commands of the trace query panel: open it for a tree node or a picked target, send a .kql file
// to it, and run its query from the keybinding.
import * as vscode from 'vscode';
import { isAzureRequestError } from '../azure/errors';
import type { QueryScope } from '../core/kql';
import { logSummary } from '../errorPresentation';
import type { PanelBinding } from '../query/protocol';
import type { BaseServices, Services } from '../services';
import { targetDisplayName, targetOf, type Target } from '../targets';
import { UserCancelledError } from '../ui';
import { pickServiceTarget, pickWorkspace } from './pickers';

function scopeOf(target: Target): QueryScope {
  switch (target.kind) {
    case 'deployment':
      return {
        kind: 'deployment',
        endpointName: target.endpoint.endpointName,
        deploymentName: target.deployment.deploymentName,
        endpointId: target.endpoint.armId,
      };
    case 'legacyService':
      return { kind: 'legacyService', serviceName: target.service.serviceName };
    default:
      return { kind: 'workspace' };
  }
}

function lastSegment(armId: string): string {
  return armId.split('/').filter(Boolean).pop() ?? armId;
}

/**
 * What a panel for this target queries: the workspace's Application Insights component and, for a
 * workspace-based component, its Log Analytics workspace. Undefined (after telling the user) when
 * the workspace has no component.
 */
export async function bindingFor(s: BaseServices, target: Target): Promise<PanelBinding | undefined> {
  if (target.kind === 'subscription') return undefined;
  const workspace = target.workspace;
  const componentId = workspace.applicationInsightsId;
  if (!componentId) {
    void s.ui.notify(
      'info',
      vscode.l10n.t(
        'The workspace {0} has no Application Insights resource, so there are no traces to query. Create one for the workspace in the Azure portal.',
        workspace.friendlyName ?? workspace.workspaceName,
      ),
    );
    return undefined;
  }
  const binding: PanelBinding = {
    componentId,
    componentName: lastSegment(componentId),
    scopeLabel: target.kind === 'endpoint' ? workspace.workspaceName : targetDisplayName(target),
    scope: scopeOf(target),
  };
  try {
    const client = await s.azure.getClient({ createIfNone: true });
    const component = await client.getAppInsightsComponent(componentId);
    binding.componentName = component.name;
    if (component.workspaceResourceId) binding.logAnalyticsId = component.workspaceResourceId;
  } catch (e) {
    // The panel still works against App Insights; only the Log Analytics switch stays off.
    if (isAzureRequestError(e) && e.kind === 'signIn') throw e;
    s.log.warn(
      `query panel: could not read the Application Insights component (${logSummary(e)}); Log Analytics stays unavailable`,
    );
  }
  return binding;
}

export function openTraceQuery(s: Services) {
  return async (node?: unknown): Promise<void> => {
    let target = targetOf(node);
    if (!target || target.kind === 'subscription') {
      target = await pickServiceTarget(s);
    }
    const binding = await bindingFor(s, target);
    if (!binding) return;
    s.queryPanels.open(binding);
  };
}

/** Sends the active .kql editor's selection (or whole text) to a panel bound to a chosen resource, and runs it. */
export function runKqlFile(s: Services) {
  // Running the same file again goes to the resource chosen for it last time, without asking.
  const bindingOfDocument = new Map<string, PanelBinding>();
  // From the editor title or the palette: the selection or the whole file; from a code lens: its block.
  return async (uri?: unknown, range?: unknown): Promise<void> => {
    const editor =
      uri instanceof vscode.Uri
        ? vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())
        : vscode.window.activeTextEditor;
    const document =
      editor?.document ??
      (uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : undefined);
    if (!document) {
      void s.ui.notify('info', vscode.l10n.t('Open a .kql file to run it.'));
      return;
    }
    const selection =
      range instanceof vscode.Range
        ? document.getText(range)
        : editor && !editor.selection.isEmpty
          ? editor.document.getText(editor.selection)
          : undefined;
    const query = (selection ?? document.getText()).trim();
    if (!query) {
      void s.ui.notify('info', vscode.l10n.t('The file has no query to run.'));
      return;
    }
    const key = document.uri.toString();
    let binding = bindingOfDocument.get(key);
    if (!binding) {
      binding = await bindingFor(s, await pickWorkspace(s));
      if (!binding) throw new UserCancelledError();
      bindingOfDocument.set(key, binding);
    }
    const panel = s.queryPanels.open(binding, { query });
    panel.setQuery(query, true);
  };
}

export function runQueryInPanel(s: Services) {
  return (): void => {
    if (!s.queryPanels.runInActivePanel()) {
      void s.ui.notify('info', vscode.l10n.t('Open a trace query panel first.'));
    }
  };
}
