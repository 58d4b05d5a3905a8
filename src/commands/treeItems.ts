// Commands on tree items: refresh, copy the scoring URI, open in Studio or the portal, settings
// and diagnostics. From the palette they ask for their target with quick picks.
import * as vscode from 'vscode';
import { portalResourceUrl, studioEndpointUrl, studioWorkspaceUrl } from '../core/armId';
import { escapeIcons } from '../core/iconText';
import type { Services } from '../services';
import { targetDisplayName, targetOf, type Target } from '../targets';
import { pickServiceTarget, pickWorkspace } from './pickers';

export function refresh(s: Services) {
  return (): void => s.tree.refresh();
}

export function refreshNode(s: Services) {
  return (item?: unknown): Promise<void> => s.tree.refreshItem(item);
}

function scoringUriOf(t: Target): string | undefined {
  switch (t.kind) {
    case 'endpoint':
    case 'deployment':
      return t.endpoint.scoringUri;
    case 'legacyService':
      return t.service.scoringUri;
    default:
      return undefined;
  }
}

export function copyScoringUri(s: Services) {
  return async (node?: unknown): Promise<void> => {
    const target = targetOf(node) ?? (await pickServiceTarget(s));
    const uri = scoringUriOf(target);
    const name = targetDisplayName(target);
    if (!uri) {
      void s.ui.notify('info', vscode.l10n.t('{0} has no scoring URI yet.', name));
      return;
    }
    await vscode.env.clipboard.writeText(uri);
    vscode.window.setStatusBarMessage(
      vscode.l10n.t('$(check) Copied the scoring URI of {0}', escapeIcons(name)),
      4000,
    );
  };
}

export function openInStudio(s: Services) {
  return async (node?: unknown): Promise<void> => {
    const target = targetOf(node) ?? (await pickServiceTarget(s));
    const studio = s.azure.cloud().studioUrl;
    const tenant = s.settings.tenant ?? tenantOf(target);
    let url: string;
    switch (target.kind) {
      case 'endpoint':
      case 'deployment':
        url = studioEndpointUrl(studio, target.workspace, target.endpoint.endpointName, tenant);
        break;
      case 'legacyService':
        url = studioEndpointUrl(studio, target.workspace, target.service.serviceName, tenant);
        break;
      case 'workspace':
        url = studioWorkspaceUrl(studio, target.workspace, tenant);
        break;
      case 'subscription':
        url = studio;
        break;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
  };
}

export function openAppInsightsInPortal(s: Services) {
  return async (node?: unknown): Promise<void> => {
    const target = targetOf(node) ?? (await pickWorkspace(s));
    if (target.kind === 'subscription') return;
    const componentId = target.workspace.applicationInsightsId;
    if (!componentId) {
      void s.ui.notify(
        'info',
        vscode.l10n.t(
          'The workspace {0} has no Application Insights resource.',
          target.workspace.workspaceName,
        ),
      );
      return;
    }
    const url = portalResourceUrl(
      s.azure.cloud().portalUrl,
      componentId,
      s.settings.tenant ?? tenantOf(target),
    );
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
  };
}

function tenantOf(t: Target): string | undefined {
  return t.kind === 'subscription' ? t.subscription.tenantId : undefined;
}

export function openSettings(s: Services) {
  return async (): Promise<void> => {
    await vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${s.context.extension.id}`);
  };
}

export function showDiagnostics(s: Services) {
  return (): void => s.log.show(true);
}
