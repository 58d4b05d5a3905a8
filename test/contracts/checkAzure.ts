// The read-only checks of `npm run check:azure`, shared by the script (against a real subscription
// or the emulator) and by the test that replays its recording through the client. Each check
// says what it asked, whether it answered as expected, and what it found (no names or ids).
import type { AzureClient } from '../../src/azure/api';
import { isAzureRequestError } from '../../src/azure/errors';
import type { Deployment, Endpoint, Workspace } from '../../src/azure/models';

export type CheckStatus = 'ok' | 'failed' | 'skipped';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** Counts and shapes only: safe to print and to keep in a recording. */
  detail: string;
}

export const CHECK_NAMES = [
  'subscriptions',
  'workspaces',
  'online endpoints',
  'deployments',
  'getLogs',
  'App Insights component',
  'query on App Insights',
  'query on Log Analytics',
] as const;

export interface CheckOptions {
  /** Only this subscription (id); default: the first that has an online deployment. */
  subscriptionId?: string;
  /** How many subscriptions to search for a deployment (default 5). */
  maxSubscriptions?: number;
  logTail?: number;
}

function describeError(e: unknown): string {
  if (isAzureRequestError(e))
    return [e.statusCode ? `HTTP ${e.statusCode}` : '', e.code ?? e.kind].filter(Boolean).join(' ');
  return e instanceof Error ? e.name : 'error';
}

/** Runs every check in order; a check that needs what an earlier one did not find is skipped. */
export async function runChecks(client: AzureClient, options: CheckOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const record = (name: (typeof CHECK_NAMES)[number], status: CheckStatus, detail: string) =>
    results.push({ name, status, detail });
  const attempt = async <T>(
    name: (typeof CHECK_NAMES)[number],
    run: () => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await run();
    } catch (e) {
      record(name, 'failed', describeError(e));
      return undefined;
    }
  };

  const subscriptions = await attempt('subscriptions', () => client.listSubscriptions());
  if (!subscriptions) return skipRest(results);
  record('subscriptions', subscriptions.length > 0 ? 'ok' : 'failed', `${subscriptions.length} listed`);
  const candidates = subscriptions
    .filter((s) => !options.subscriptionId || s.subscriptionId === options.subscriptionId)
    .slice(0, options.maxSubscriptions ?? 5);

  // The first workspace › endpoint › deployment found, searching in list order.
  let workspaceCount = 0;
  let endpointCount = 0;
  let deploymentCount = 0;
  let chosen: { workspace: Workspace; endpoint: Endpoint; deployment: Deployment } | undefined;
  let firstWorkspace: Workspace | undefined;
  let failedAt: (typeof CHECK_NAMES)[number] | undefined;
  search: for (const sub of candidates) {
    const workspaces = await attempt('workspaces', () => client.listWorkspaces(sub.subscriptionId));
    if (!workspaces) {
      failedAt = 'workspaces';
      break;
    }
    workspaceCount += workspaces.length;
    for (const workspace of workspaces) {
      firstWorkspace ??= workspace;
      const endpoints = await attempt('online endpoints', () => client.listEndpoints(workspace));
      if (!endpoints) {
        failedAt = 'online endpoints';
        break search;
      }
      endpointCount += endpoints.length;
      for (const endpoint of endpoints) {
        const deployments = await attempt('deployments', () => client.listDeployments(endpoint));
        if (!deployments) {
          failedAt = 'deployments';
          break search;
        }
        deploymentCount += deployments.length;
        const deployment = deployments[0];
        if (deployment) {
          chosen = { workspace, endpoint, deployment };
          break search;
        }
      }
    }
  }
  const searched: [(typeof CHECK_NAMES)[number], number][] = [
    ['workspaces', workspaceCount],
    ['online endpoints', endpointCount],
    ['deployments', deploymentCount],
  ];
  for (const [name, count] of searched) {
    if (results.some((r) => r.name === name)) continue;
    if (failedAt && CHECK_NAMES.indexOf(name) > CHECK_NAMES.indexOf(failedAt)) {
      record(name, 'skipped', `not reached: ${failedAt} failed`);
      continue;
    }
    record(name, count > 0 ? 'ok' : 'skipped', count > 0 ? `${count} listed` : 'none found');
  }

  if (chosen) {
    const { deployment } = chosen;
    const text = await attempt('getLogs', () =>
      client.getDeploymentLogs(deployment, 'InferenceServer', { tail: options.logTail ?? 20 }),
    );
    if (text !== undefined) record('getLogs', 'ok', `${text.split('\n').filter(Boolean).length} lines`);
  } else record('getLogs', 'skipped', 'no deployment found');

  const workspace = chosen?.workspace.applicationInsightsId ? chosen.workspace : firstWorkspace;
  const componentId = workspace?.applicationInsightsId;
  if (!componentId) {
    for (const name of ['App Insights component', 'query on App Insights', 'query on Log Analytics'] as const)
      record(name, 'skipped', 'no workspace with Application Insights');
    return results;
  }
  const component = await attempt('App Insights component', () =>
    client.getAppInsightsComponent(componentId),
  );
  if (component)
    record(
      'App Insights component',
      'ok',
      component.workspaceResourceId ? 'workspace-based' : 'classic (no Log Analytics workspace)',
    );

  const hour = { duration: 'PT1H' };
  const appInsights = await attempt('query on App Insights', () =>
    client.query(
      { kind: 'appInsights', resourceId: component?.armId ?? componentId },
      'requests | take 5',
      hour,
    ),
  );
  if (appInsights)
    record(
      'query on App Insights',
      'ok',
      `${appInsights.status}, ${appInsights.tables[0]?.rows.length ?? 0} rows`,
    );

  const logAnalyticsId = component?.workspaceResourceId;
  if (!logAnalyticsId) {
    record('query on Log Analytics', 'skipped', 'the component is not workspace-based');
    return results;
  }
  const logAnalytics = await attempt('query on Log Analytics', () =>
    client.query(
      { kind: 'logAnalytics', resourceId: logAnalyticsId },
      'AmlOnlineEndpointConsoleLog | take 5',
      hour,
    ),
  );
  if (logAnalytics)
    record(
      'query on Log Analytics',
      'ok',
      `${logAnalytics.status}, ${logAnalytics.tables[0]?.rows.length ?? 0} rows`,
    );
  return results;
}

function skipRest(results: CheckResult[]): CheckResult[] {
  for (const name of CHECK_NAMES)
    if (!results.some((r) => r.name === name))
      results.push({ name, status: 'skipped', detail: 'not reached' });
  return results;
}

/** A fixed-width table of the results, for a terminal. */
export function formatResults(results: CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const mark: Record<CheckStatus, string> = { ok: 'ok     ', failed: 'FAILED ', skipped: 'skipped' };
  return results.map((r) => `${r.name.padEnd(width)}  ${mark[r.status]}  ${r.detail}`).join('\n');
}
