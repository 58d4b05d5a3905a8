// Quick picks for commands run from the palette: subscription → workspace → endpoint →
// deployment or v1 service. Each level is skipped when it has a single choice. Dismissing any
// pick throws UserCancelledError, which ends the command quietly.
import * as vscode from 'vscode';
import type { AzureClient } from '../azure/api';
import type { Endpoint, LegacyService, Subscription, Workspace } from '../azure/models';
import type { BaseServices } from '../services';
import type {
  DeploymentTarget,
  EndpointTarget,
  LegacyServiceTarget,
  ServiceTarget,
  SubscriptionTarget,
  WorkspaceTarget,
} from '../targets';
import { targetOf } from '../targets';
import { UserCancelledError, type UserInput } from '../ui';

type PickerServices = Pick<BaseServices, 'azure' | 'settings' | 'ui'>;

interface Item<T> extends vscode.QuickPickItem {
  value?: T;
}

/** Shows a pick over items that load asynchronously; one item is chosen without asking. */
async function pickOne<T>(
  ui: UserInput,
  title: string,
  placeHolder: string,
  load: () => Promise<Item<T>[]>,
  emptyMessage: string,
): Promise<T> {
  const items = await withLoading(title, load);
  const values = items.filter((i) => i.value !== undefined);
  if (values.length === 0) {
    void ui.notify('info', emptyMessage);
    throw new UserCancelledError();
  }
  if (values.length === 1 && values[0]?.value !== undefined) return values[0].value;
  const choice = await ui.pick(items, { title, placeHolder, matchOnDescription: true, matchOnDetail: true });
  // A separator has no value.
  if (choice.value === undefined) throw new UserCancelledError();
  return choice.value;
}

/** Loading happens in the window's progress so a slow list shows that something happens. */
function withLoading<T>(title: string, load: () => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => load()),
  );
}

async function client(s: PickerServices): Promise<AzureClient> {
  return s.azure.getClient({ createIfNone: true });
}

/** The subscriptions the user chose in settings (all when the setting is empty). */
export async function listVisibleSubscriptions(s: PickerServices): Promise<Subscription[]> {
  const all = await (await client(s)).listSubscriptions();
  const filter = new Set(s.settings.subscriptions.map((id) => id.toLowerCase()));
  return filter.size === 0 ? all : all.filter((sub) => filter.has(sub.subscriptionId.toLowerCase()));
}

export async function pickSubscription(s: PickerServices): Promise<SubscriptionTarget> {
  const subscription = await pickOne<Subscription>(
    s.ui,
    vscode.l10n.t('Select Subscription'),
    vscode.l10n.t('Subscription'),
    async () =>
      (await listVisibleSubscriptions(s)).map((sub) => ({
        label: sub.displayName,
        description: sub.subscriptionId,
        value: sub,
      })),
    vscode.l10n.t(
      'No Azure subscriptions are available. Sign in, choose a tenant or change the subscriptions filter.',
    ),
  );
  return { kind: 'subscription', subscription };
}

export async function pickWorkspace(s: PickerServices): Promise<WorkspaceTarget> {
  const { subscription } = await pickSubscription(s);
  const workspace = await pickOne<Workspace>(
    s.ui,
    vscode.l10n.t('Select Workspace'),
    vscode.l10n.t('Azure Machine Learning workspace in {0}', subscription.displayName),
    async () =>
      (await (await client(s)).listWorkspaces(subscription.subscriptionId))
        .sort((a, b) => a.workspaceName.localeCompare(b.workspaceName))
        .map((ws) => ({
          label: ws.workspaceName,
          description: [ws.friendlyName !== ws.workspaceName ? ws.friendlyName : undefined, ws.location]
            .filter(Boolean)
            .join(' · '),
          detail: ws.resourceGroup,
          value: ws,
        })),
    vscode.l10n.t('The subscription {0} has no Azure Machine Learning workspaces.', subscription.displayName),
  );
  return { kind: 'workspace', workspace };
}

export async function pickEndpoint(s: PickerServices): Promise<EndpointTarget> {
  const { workspace } = await pickWorkspace(s);
  const endpoint = await pickOne<Endpoint>(
    s.ui,
    vscode.l10n.t('Select Endpoint'),
    vscode.l10n.t('Online endpoint in {0}', workspace.workspaceName),
    async () => (await (await client(s)).listEndpoints(workspace)).map(endpointItem),
    vscode.l10n.t('The workspace {0} has no online endpoints.', workspace.workspaceName),
  );
  return { kind: 'endpoint', workspace, endpoint };
}

/** The endpoint (or deployment) a command was invoked on, or one the user picks. */
export async function endpointTargetOrPick(
  s: PickerServices,
  node: unknown,
): Promise<EndpointTarget | DeploymentTarget> {
  const target = targetOf(node);
  return target?.kind === 'endpoint' || target?.kind === 'deployment' ? target : pickEndpoint(s);
}

function endpointItem(ep: Endpoint): Item<Endpoint> {
  return {
    label: ep.endpointName,
    description: `${ep.authMode} · ${ep.provisioningState}`,
    iconPath: new vscode.ThemeIcon('globe'),
    value: ep,
  };
}

async function pickDeploymentOf(s: PickerServices, target: EndpointTarget): Promise<DeploymentTarget> {
  const { workspace, endpoint } = target;
  const deployment = await pickOne(
    s.ui,
    vscode.l10n.t('Select Deployment'),
    vscode.l10n.t('Deployment of {0}', endpoint.endpointName),
    async () =>
      (await (await client(s)).listDeployments(endpoint)).map((dep) => ({
        label: dep.deploymentName,
        description: [
          `${endpoint.traffic[dep.deploymentName] ?? 0}%`,
          dep.provisioningState,
          dep.appInsightsEnabled ? vscode.l10n.t('App Insights on') : vscode.l10n.t('App Insights off'),
        ].join(' · '),
        value: dep,
      })),
    vscode.l10n.t('The endpoint {0} has no deployments.', endpoint.endpointName),
  );
  return { kind: 'deployment', workspace, endpoint, deployment };
}

export async function pickDeployment(s: PickerServices): Promise<DeploymentTarget> {
  return pickDeploymentOf(s, await pickEndpoint(s));
}

type ServiceChoice = { kind: 'endpoint'; endpoint: Endpoint } | { kind: 'legacy'; service: LegacyService };

/** A deployment or a v1 web service, as the kinds allow. */
export async function pickServiceTarget(
  s: PickerServices,
  options: { kinds?: ServiceTarget['kind'][] } = {},
): Promise<ServiceTarget> {
  const kinds = new Set(options.kinds ?? ['deployment', 'legacyService']);
  if (!kinds.has('legacyService')) return pickDeployment(s);
  const { workspace } = await pickWorkspace(s);
  const choice = await pickOne<ServiceChoice>(
    s.ui,
    vscode.l10n.t('Select Service'),
    vscode.l10n.t('Online endpoint or web service (v1) in {0}', workspace.workspaceName),
    async () => {
      const c = await client(s);
      const [endpoints, services] = await Promise.all([
        kinds.has('deployment') ? c.listEndpoints(workspace) : Promise.resolve([]),
        c.listLegacyServices(workspace),
      ]);
      const items: Item<ServiceChoice>[] = [];
      if (endpoints.length > 0) {
        items.push({ label: vscode.l10n.t('Online endpoints'), kind: vscode.QuickPickItemKind.Separator });
        for (const ep of endpoints) {
          const { value: _value, ...rest } = endpointItem(ep);
          items.push({ ...rest, value: { kind: 'endpoint', endpoint: ep } });
        }
      }
      if (services.length > 0) {
        items.push({ label: vscode.l10n.t('Web services (v1)'), kind: vscode.QuickPickItemKind.Separator });
        for (const svc of services) {
          items.push({
            label: svc.serviceName,
            description: `${svc.computeType} · ${svc.state}`,
            iconPath: new vscode.ThemeIcon('server-environment'),
            value: { kind: 'legacy', service: svc },
          });
        }
      }
      return items;
    },
    vscode.l10n.t('The workspace {0} has no deployed services.', workspace.workspaceName),
  );
  if (choice.kind === 'legacy') {
    const target: LegacyServiceTarget = { kind: 'legacyService', workspace, service: choice.service };
    return target;
  }
  return pickDeploymentOf(s, { kind: 'endpoint', workspace, endpoint: choice.endpoint });
}
