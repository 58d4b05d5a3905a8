// Load Probe: N requests at concurrency C to one deployment (pinned, so the documented limit of
// that deployment is what the 429s are compared with), after a modal that says it costs money and
// can disturb production. One scoring session for the whole run: one credential, in memory only.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { Deployment, Endpoint } from '../azure/models';
import {
  PROBE_DEFAULT_CONCURRENCY,
  PROBE_DEFAULT_REQUESTS,
  PROBE_MAX_CONCURRENCY,
  PROBE_MAX_REQUESTS,
  documentedLimit,
  parseProbeNumber,
  renderProbeReport,
  runProbe,
  summarizeProbe,
} from '../core/loadProbe';
import type { Services } from '../services';
import { UserCancelledError } from '../ui';
import { endpointTargetOrPick } from './pickers';
import { confirmJson, pickSource } from './testRequest';

async function pickDeployment(s: Services, endpoint: Endpoint): Promise<Deployment> {
  const client = await s.azure.getClient({ createIfNone: true });
  const deployments = await client.listDeployments(endpoint);
  if (deployments.length === 0) {
    void s.ui.notify('warning', vscode.l10n.t('{0} has no deployment to probe.', endpoint.endpointName));
    throw new UserCancelledError();
  }
  if (deployments.length === 1) return deployments[0]!;
  const choice = await s.ui.pick(
    deployments.map((d) => ({
      label: d.deploymentName,
      description: `${endpoint.traffic[d.deploymentName] ?? 0}% · ${d.provisioningState}`,
      deployment: d,
    })),
    {
      title: vscode.l10n.t('Load Probe: Deployment'),
      placeHolder: vscode.l10n.t('The deployment to probe (pinned with the azureml-model-deployment header)'),
    },
  );
  return choice.deployment;
}

async function askNumber(s: Services, title: string, prompt: string, value: number, max: number) {
  const text = await s.ui.input({
    title,
    prompt,
    value: String(value),
    validateInput: (v) => {
      const parsed = parseProbeNumber(v, max);
      return parsed.ok ? undefined : parsed.message;
    },
  });
  const parsed = parseProbeNumber(text, max);
  if (!parsed.ok) throw new UserCancelledError();
  return parsed.value;
}

export function loadProbe(s: Services) {
  return async (node?: unknown): Promise<void> => {
    const chosen = await endpointTargetOrPick(s, node);
    const client = await s.azure.getClient({ createIfNone: true });
    // The tree's copies may be old: the scoring URI, auth mode and request settings are read again.
    const endpoint = await client.getEndpoint(chosen.endpoint);
    const deployment =
      chosen.kind === 'deployment'
        ? await client.getDeployment(chosen.deployment)
        : await pickDeployment(s, endpoint);
    const source = await pickSource(s.ui);
    await confirmJson(s.ui, source);
    const requests = await askNumber(
      s,
      vscode.l10n.t('Load Probe: Requests'),
      vscode.l10n.t('How many requests to send (1 to {0})', String(PROBE_MAX_REQUESTS)),
      PROBE_DEFAULT_REQUESTS,
      PROBE_MAX_REQUESTS,
    );
    const concurrency = await askNumber(
      s,
      vscode.l10n.t('Load Probe: Concurrency'),
      vscode.l10n.t('How many requests in flight at once (1 to {0})', String(PROBE_MAX_CONCURRENCY)),
      Math.min(PROBE_DEFAULT_CONCURRENCY, requests),
      PROBE_MAX_CONCURRENCY,
    );
    const go = await s.ui.confirm(
      vscode.l10n.t(
        'Send {0} requests at concurrency {1} to {2} › {3}?',
        String(requests),
        String(concurrency),
        endpoint.endpointName,
        deployment.deploymentName,
      ),
      vscode.l10n.t(
        'Every request is scored and billed like real traffic, and a burst can slow down or reject the requests of real users if this is a production deployment.',
      ),
      vscode.l10n.t('Send Requests'),
    );
    if (!go) throw new UserCancelledError();

    const body = await s.testRequests.bodyOf(source);
    const limit = documentedLimit(deployment.maxConcurrentRequestsPerInstance, deployment.instanceCount);
    let cancelled = false;
    const samples = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Load probe of {0} › {1}', endpoint.endpointName, deployment.deploymentName),
        cancellable: true,
      },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => {
          cancelled = true;
          abort.abort();
        });
        const session = await client.openScoringSession(endpoint, abort.signal);
        const runId = randomUUID().slice(0, 8);
        return runProbe(
          async (index) =>
            (
              await session.send({
                body,
                clientRequestId: `probe-${runId}-${index}`,
                deployment: deployment.deploymentName,
                abortSignal: abort.signal,
                maxResponseBytes: 0,
              })
            ).status,
          {
            requests,
            concurrency,
            abortSignal: abort.signal,
            onSample: (_sample, done) =>
              progress.report({
                increment: 100 / requests,
                message: vscode.l10n.t('{0} of {1} answered', String(done), String(requests)),
              }),
          },
        );
      },
    );
    const summary = summarizeProbe(samples, limit);
    s.log.info(
      `load probe of ${endpoint.endpointName}/${deployment.deploymentName}: ${summary.sent} sent, ` +
        summary.statusCounts.map(([status, count]) => `HTTP ${status} ×${count}`).join(', '),
    );
    const doc = await vscode.workspace.openTextDocument({
      language: 'markdown',
      content: renderProbeReport(summary, {
        endpointName: endpoint.endpointName,
        deploymentName: deployment.deploymentName,
        requests,
        concurrency,
        ...(deployment.maxConcurrentRequestsPerInstance !== undefined
          ? { maxConcurrentRequestsPerInstance: deployment.maxConcurrentRequestsPerInstance }
          : {}),
        ...(deployment.instanceCount !== undefined ? { instanceCount: deployment.instanceCount } : {}),
        cancelled,
      }),
    });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  };
}
