// Turning Application Insights on or off for a deployed service, without vscode: the dialog, the
// progress UI and the tree are passed in, so the whole flow runs against the emulator in plain
// Node. The update runs in Azure; cancelling the progress only stops waiting in the UI, the tree
// keeps the service busy until the operation really ends (or outruns the time Azure stated for
// it) and then re-reads it.
import type { AzureClient } from '../azure/api';
import { isAzureRequestError } from '../azure/errors';
import type { Deployment, LegacyService, Workspace } from '../azure/models';
import type { ServiceTarget, Target } from '../targets';

export interface SetAppInsightsDeps {
  client: AzureClient;
  target: ServiceTarget;
  enabled: boolean;
  /** Asks the user; false when they decline. */
  confirm(): Promise<boolean>;
  /** Shows progress while `task` runs; `uiCancelled` aborts when the user stops waiting. */
  withProgress<T>(task: (uiCancelled: AbortSignal) => Promise<T>): Promise<T>;
  /** The tree: busy → Updating; not busy → re-read from Azure. */
  setBusy(target: Target, busy: boolean): void;
  /**
   * The tree: the operation outran the time Azure stated for it and is no longer followed; the
   * node shows that rather than Updating (told just before setBusy(target, false)).
   */
  markOverdue?(target: Target): void;
  /** A failure of an update the UI stopped waiting for. */
  onBackgroundError?(error: unknown): void;
  /**
   * Stops following the operation in Azure (the extension deactivates): the update itself goes
   * on there; only the polling ends.
   */
  lifetime?: AbortSignal;
  /** Poll interval of the long-running operation when Azure gives none (tests shorten it). */
  pollIntervalMs?: number;
}

export type SetAppInsightsResult =
  /** The workspace has no Application Insights resource: nothing was changed. */
  | { outcome: 'noAppInsightsResource'; workspace: Workspace }
  /** The user declined: nothing was sent. */
  | { outcome: 'declined' }
  /** Done: the service as Azure reports it after the update. */
  | { outcome: 'updated'; appInsightsEnabled: boolean; service: Deployment | LegacyService }
  /** The user stopped waiting; `settled` resolves when the operation ends in Azure (never rejects). */
  | { outcome: 'detached'; settled: Promise<void> };

export async function runSetAppInsights(deps: SetAppInsightsDeps): Promise<SetAppInsightsResult> {
  const { client, target, enabled } = deps;
  let workspace = target.workspace;
  if (!workspace.applicationInsightsId) {
    // The tree's copy may be old: ask Azure before telling the user there is none.
    workspace = await client.getWorkspace(workspace);
    if (!workspace.applicationInsightsId) return { outcome: 'noAppInsightsResource', workspace };
  }
  if (!(await deps.confirm())) return { outcome: 'declined' };

  deps.setBusy(target, true);
  const options = { pollIntervalMs: deps.pollIntervalMs, abortSignal: deps.lifetime };
  const operation: Promise<Deployment | LegacyService> =
    target.kind === 'deployment'
      ? client.setDeploymentAppInsights(target.deployment, enabled, options)
      : client.setLegacyAppInsights(workspace, target.service, enabled, options);
  // Whoever waits, the tree stops showing Updating when Azure is done, and re-reads the truth.
  const settled = operation.then(
    () => undefined,
    (e: unknown) => e,
  );
  const untracked = settled.then((error) => {
    if (isAzureRequestError(error) && error.kind === 'timedOut') deps.markOverdue?.(target);
    deps.setBusy(target, false);
  });

  let waited: { done: true; service: Deployment | LegacyService } | { done: false };
  try {
    waited = await deps.withProgress(
      (uiCancelled) =>
        new Promise<{ done: true; service: Deployment | LegacyService } | { done: false }>(
          (resolve, reject) => {
            const onCancel = (): void => resolve({ done: false });
            if (uiCancelled.aborted) onCancel();
            uiCancelled.addEventListener('abort', onCancel, { once: true });
            operation.then(
              (service) => {
                uiCancelled.removeEventListener('abort', onCancel);
                resolve({ done: true, service });
              },
              (e: unknown) => {
                uiCancelled.removeEventListener('abort', onCancel);
                reject(e instanceof Error ? e : new Error(String(e)));
              },
            );
          },
        ),
    );
  } catch (e) {
    await untracked; // the tree re-reads the true state before the failure is reported
    throw e;
  }
  if (waited.done) {
    await untracked; // the tree is told before the caller reports success
    return {
      outcome: 'updated',
      appInsightsEnabled: waited.service.appInsightsEnabled,
      service: waited.service,
    };
  }
  return {
    outcome: 'detached',
    settled: untracked
      .then(() => settled)
      .then((error) => {
        if (error !== undefined) deps.onBackgroundError?.(error);
      }),
  };
}
