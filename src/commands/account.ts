// Sign-in, tenant and subscription filter: the account side of the services tree.
import * as vscode from 'vscode';
import type { Subscription } from '../azure/models';
import type { Services } from '../services';
import { UserCancelledError } from '../ui';

export function signIn(s: Services) {
  return async (): Promise<void> => {
    await s.azure.signIn();
    s.tree.refresh();
  };
}

interface TenantItem extends vscode.QuickPickItem {
  tenant?: string;
  enter?: boolean;
}

const TENANT_PATTERN =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

export function selectTenant(s: Services) {
  return async (): Promise<void> => {
    const current = s.settings.tenant;
    const items = async (): Promise<TenantItem[]> => {
      // Tenants seen through the current sign-in; without one the user types the id.
      const tenants = new Set<string>();
      try {
        const client = await s.azure.getClient({ createIfNone: false });
        for (const sub of await client.listSubscriptions()) if (sub.tenantId) tenants.add(sub.tenantId);
      } catch (e) {
        s.log.info(`selectTenant: listing tenants failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      return [
        {
          label: vscode.l10n.t('Default tenant'),
          description: vscode.l10n.t('the home tenant of the account'),
          tenant: '',
          picked: !current,
        },
        ...[...tenants].sort().map((tenant) => ({
          label: tenant,
          description: tenant === current ? vscode.l10n.t('current') : undefined,
          tenant,
        })),
        { label: vscode.l10n.t('Enter a tenant ID or domain…'), enter: true, alwaysShow: true },
      ];
    };
    const choice = await s.ui.pick(items(), {
      title: vscode.l10n.t('Choose Tenant'),
      placeHolder: current
        ? vscode.l10n.t('Current tenant: {0}', current)
        : vscode.l10n.t('Directory (tenant) to sign in to'),
    });
    let tenant = choice.tenant;
    if (choice.enter) {
      tenant = await s.ui.input({
        title: vscode.l10n.t('Choose Tenant'),
        prompt: vscode.l10n.t('Tenant ID (a GUID) or domain, e.g. contoso.onmicrosoft.com'),
        value: current ?? '',
        validateInput: (v) =>
          TENANT_PATTERN.test(v.trim()) ? undefined : vscode.l10n.t('Enter a GUID or a domain name.'),
      });
    }
    // The session and the tree follow the setting change.
    await s.settings.setTenant((tenant ?? '').trim());
  };
}

interface SubscriptionItem extends vscode.QuickPickItem {
  subscription: Subscription;
}

export function selectSubscriptions(s: Services) {
  return async (): Promise<void> => {
    const client = await s.azure.getClient({ createIfNone: true });
    const all = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Listing subscriptions…') },
      () => client.listSubscriptions(),
    );
    if (all.length === 0) {
      void s.ui.notify(
        'info',
        vscode.l10n.t(
          'This account sees no subscriptions. Choose another tenant or sign in with another account.',
        ),
      );
      throw new UserCancelledError();
    }
    const chosen = new Set(s.settings.subscriptions.map((id) => id.toLowerCase()));
    const items: SubscriptionItem[] = all
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .map((subscription) => ({
        label: subscription.displayName,
        description: subscription.subscriptionId,
        detail: subscription.state && subscription.state !== 'Enabled' ? subscription.state : undefined,
        picked: chosen.size === 0 || chosen.has(subscription.subscriptionId.toLowerCase()),
        subscription,
      }));
    const picks = await s.ui.pickMany(items, {
      title: vscode.l10n.t('Select Subscriptions'),
      placeHolder: vscode.l10n.t('Subscriptions to show in the Azure ML view'),
      matchOnDescription: true,
    });
    if (picks.length === 0) {
      void s.ui.notify(
        'warning',
        vscode.l10n.t('Select at least one subscription. The filter was not changed.'),
      );
      throw new UserCancelledError();
    }
    // All of them is stored as "no filter", so subscriptions added later show up too.
    const ids = picks.length === all.length ? [] : picks.map((p) => p.subscription.subscriptionId);
    await s.settings.setSubscriptions(ids);
  };
}
