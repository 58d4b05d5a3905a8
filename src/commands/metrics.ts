// Show Metrics: the golden-signal Metrics view of an endpoint (its deployments side by side) or of
// one deployment, from the tree or through quick picks.
import * as vscode from 'vscode';
import type { MetricsTarget } from '../metrics/panel';
import type { Services } from '../services';
import { targetOf } from '../targets';
import { UserCancelledError } from '../ui';
import { pickEndpoint } from './pickers';

/** An endpoint or a deployment from a tree node, else picked: endpoint first, then which of its parts. */
export async function metricsTargetOf(s: Services, arg: unknown): Promise<MetricsTarget> {
  const target = targetOf(arg);
  if (target?.kind === 'endpoint' || target?.kind === 'deployment') return target;
  const endpointTarget = await pickEndpoint(s);
  const client = await s.azure.getClient({ createIfNone: true });
  const deployments = await client.listDeployments(endpointTarget.endpoint);
  if (deployments.length === 0) return endpointTarget;
  const items: (vscode.QuickPickItem & { target: MetricsTarget })[] = [
    {
      label: endpointTarget.endpoint.endpointName,
      description: vscode.l10n.t('the endpoint, its deployments side by side'),
      iconPath: new vscode.ThemeIcon('globe'),
      target: endpointTarget,
    },
    ...deployments.map((deployment) => ({
      label: deployment.deploymentName,
      description: `${endpointTarget.endpoint.traffic[deployment.deploymentName] ?? 0}% · ${deployment.provisioningState}`,
      iconPath: new vscode.ThemeIcon('server-process'),
      target: { ...endpointTarget, kind: 'deployment' as const, deployment },
    })),
  ];
  const choice = await s.ui.pick(items, {
    title: vscode.l10n.t('Show Metrics'),
    placeHolder: vscode.l10n.t('Metrics of the endpoint or of one deployment'),
  });
  if (!choice) throw new UserCancelledError();
  return choice.target;
}

export function showMetrics(s: Services) {
  return async (arg?: unknown): Promise<void> => {
    s.metricsViews.open(await metricsTargetOf(s, arg));
  };
}
