// Go to Deployment… (one quick pick across the fleet that reveals the choice in the tree) and
// Filter Tree… (failed or updating only, App Insights off, by subscription or workspace).
import * as vscode from 'vscode';
import { fleetPicks, isFilterActive, type FleetEntry, type TreeFilter } from '../core/fleet';
import type { Services } from '../services';
import { UserCancelledError } from '../ui';

export function goToDeployment(s: Services) {
  return async (): Promise<void> => {
    const title = vscode.l10n.t('Go to Deployment');
    const entries = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loading the deployments…') },
      () => s.tree.fleet(),
    );
    if (entries.length === 0) {
      void s.ui.notify('info', vscode.l10n.t('No deployments in the selected subscriptions.'));
      throw new UserCancelledError();
    }
    const names = await subscriptionNames(s);
    const items = fleetPicks(entries, {
      subscriptionName: (id) => names.get(id.toLowerCase()) ?? id,
      appInsights: (on) => (on ? vscode.l10n.t('App Insights on') : vscode.l10n.t('App Insights off')),
      instances: (type, count) => vscode.l10n.t('{0} × {1}', type, count),
    });
    const choice = await s.ui.pick(items, {
      title,
      placeHolder: vscode.l10n.t('Search by deployment, endpoint, workspace, instance type or state'),
      matchOnDescription: true,
      matchOnDetail: true,
    });
    const { workspace, endpoint, deployment } = choice.entry;
    if (!(await s.tree.reveal({ kind: 'deployment', workspace, endpoint, deployment })))
      void s.ui.notify(
        'info',
        vscode.l10n.t('{0} is not in the tree any more. Refresh the tree to see the latest.', choice.label),
      );
  };
}

async function subscriptionNames(s: Services): Promise<Map<string, string>> {
  try {
    const client = await s.azure.getClient({ createIfNone: false });
    return new Map(
      (await client.listSubscriptions()).map((sub) => [sub.subscriptionId.toLowerCase(), sub.displayName]),
    );
  } catch {
    // Names are a nicety: ids still identify the subscription.
    return new Map();
  }
}

type FilterItem = vscode.QuickPickItem & { apply: (f: TreeFilter) => TreeFilter };

export function filterTree(s: Services) {
  return async (): Promise<void> => {
    const current = s.tree.filter;
    const entries: FleetEntry[] = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loading the deployments…') },
      () => s.tree.fleet(),
    );
    const names = await subscriptionNames(s);
    const subscriptions = new Map<string, string>();
    const workspaces = new Map<string, { label: string; subscription: string }>();
    for (const { workspace: ws } of entries) {
      subscriptions.set(
        ws.subscriptionId.toLowerCase(),
        names.get(ws.subscriptionId.toLowerCase()) ?? ws.subscriptionId,
      );
      workspaces.set(ws.armId.toLowerCase(), {
        label: ws.friendlyName ?? ws.workspaceName,
        subscription: names.get(ws.subscriptionId.toLowerCase()) ?? ws.subscriptionId,
      });
    }
    const has = (list: readonly string[] | undefined, id: string) =>
      !!list?.some((x) => x.toLowerCase() === id);
    const items: FilterItem[] = [
      {
        label: vscode.l10n.t('Failed or updating only'),
        picked: !!current.problemsOnly,
        apply: (f) => ({ ...f, problemsOnly: true }),
      },
      {
        label: vscode.l10n.t('Application Insights off only'),
        picked: !!current.appInsightsOff,
        apply: (f) => ({ ...f, appInsightsOff: true }),
      },
      ...[...subscriptions].map(([id, name]) => ({
        label: name,
        description: vscode.l10n.t('subscription'),
        picked: has(current.subscriptions, id),
        apply: (f: TreeFilter) => ({ ...f, subscriptions: [...(f.subscriptions ?? []), id] }),
      })),
      ...[...workspaces].map(([id, w]) => ({
        label: w.label,
        description: vscode.l10n.t('workspace in {0}', w.subscription),
        picked: has(current.workspaces, id),
        apply: (f: TreeFilter) => ({ ...f, workspaces: [...(f.workspaces ?? []), id] }),
      })),
    ];
    const chosen = await s.ui.pickMany(items, {
      title: vscode.l10n.t('Filter Tree'),
      placeHolder: vscode.l10n.t('Choose what to show; choose nothing to show everything'),
      matchOnDescription: true,
    });
    const next = chosen.reduce<TreeFilter>((f, item) => item.apply(f), {});
    s.tree.filter = next;
    if (isFilterActive(next)) s.log.info(`tree filter: ${JSON.stringify(next)}`);
  };
}
