// How long to follow a long-running operation before giving up on it. Azure ML states it in the
// `x-ms-async-operation-timeout` response header: Azure/azure-rest-api-specs,
// specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/
// 2025-09-01/mfe.json declares it ("Timeout for the client to use when polling the asynchronous
// operation", type string, format duration, i.e. ISO 8601 such as PT1H) on the 201 of
// OnlineDeployments_CreateOrUpdate and OnlineEndpoints_CreateOrUpdate, and on the 202 of
// OnlineDeployments_Update/_Delete and OnlineEndpoints_Update. The v1 model-management API has no
// published spec: the same header is honoured there when present.
import * as l10n from '@vscode/l10n';
import { AzureRequestError } from './errors';

/**
 * The limit when Azure states none (inferred): no source gives a default; the ARM async contract
 * only says that a client gives up "after maximum time". One hour covers a deployment's roll.
 */
export const DEFAULT_OPERATION_TIMEOUT_MS = 60 * 60_000;

/** Longer values are not durations Azure sends; they are ignored (and the scan stays short). */
const MAX_HEADER_LENGTH = 64;

/**
 * Milliseconds of an ISO 8601 duration with days, hours, minutes and seconds (`P1D`, `PT1H`,
 * `PT30M`, `PT0.5S`, `P1DT2H`), or weeks (`P2W`). Years and months have no fixed length: undefined,
 * as for anything that is not such a duration. A hand-written parser: one anchored pattern on a
 * capped header is smaller than a dependency in the Azure bundle, and Temporal is not in Node yet.
 */
export function isoDurationMs(text: string | undefined): number | undefined {
  if (!text || text.length > MAX_HEADER_LENGTH) return undefined;
  const m =
    /^P(?:(\d+(?:\.\d+)?)W|(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?)$/i.exec(
      text.trim(),
    );
  if (!m || /T$/i.test(text.trim()) || text.trim().length === 1) return undefined;
  const [, weeks, days, hours, minutes, seconds] = m.map((v) => (v === undefined ? 0 : Number(v)));
  const ms =
    ((((weeks ?? 0) * 7 + (days ?? 0)) * 24 + (hours ?? 0)) * 60 + (minutes ?? 0)) * 60_000 +
    (seconds ?? 0) * 1000;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** How long to follow an operation: Azure's stated time, or the default (then `stated` is false). */
export interface OperationTimeLimit {
  ms: number;
  stated: boolean;
  /** The header as Azure sent it, when it was usable. */
  header?: string;
}

export function operationTimeLimit(header: string | undefined): OperationTimeLimit {
  const ms = isoDurationMs(header);
  return ms === undefined
    ? { ms: DEFAULT_OPERATION_TIMEOUT_MS, stated: false }
    : { ms, stated: true, header: header?.trim() };
}

/** "1 h 30 min", "45 s": the limit in words a user reads. */
export function formatLimit(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const min = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const parts = [h ? `${h} h` : '', min ? `${min} min` : '', s || totalSeconds === 0 ? `${s} s` : ''];
  return parts.filter(Boolean).join(' ');
}

/**
 * Stops at the deadline: an AbortSignal that fires when the limit passes (or `outer` aborts), and
 * whether it was the deadline. `dispose()` clears the timer.
 */
export function deadlineSignal(
  limit: OperationTimeLimit,
  outer: AbortSignal | undefined,
): { signal: AbortSignal; expired: () => boolean; dispose: () => void } {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), limit.ms);
  timer.unref?.();
  return {
    signal: outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal,
    expired: () => deadline.signal.aborted && !outer?.aborted,
    dispose: () => clearTimeout(timer),
  };
}

/** The operation is still running in Azure when the time it stated ran out: the client stops following it. */
export function operationTimedOut(limit: OperationTimeLimit): AzureRequestError {
  const time = formatLimit(limit.ms);
  return new AzureRequestError({
    // The client's wrapper (callAzure) names the operation in the user's terms.
    operation: l10n.t('Wait for the update'),
    kind: 'timedOut',
    code: 'OperationTimedOut',
    azureMessage: limit.stated
      ? l10n.t(
          'Still running after {0}, the time Azure stated for it ({1} in x-ms-async-operation-timeout).',
          time,
          limit.header ?? '',
        )
      : l10n.t(
          'Still running after {0}; Azure stated no time for it, and this is the longest the extension follows an update.',
          time,
        ),
  });
}
