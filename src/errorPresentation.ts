// The one table from a failure's kind to what the user reads (what happened, what to do) and the
// commands that can fix it. Commands, the services tree and the query panel all present failures
// through it. No `vscode` import: tree/model.ts and plain-Node tests use it too (the strings go
// through @vscode/l10n, which activate() points at VS Code's bundle).
import * as l10n from '@vscode/l10n';
import { isAzureRequestError, type AzureErrorKind, type AzureRequestError } from './azure/errors';
import { Commands } from './constants';

/** A command that can fix a failure. */
export type ErrorActionId = 'signIn' | 'selectTenant' | 'openSettings' | 'refresh' | 'showDiagnostics';

/** What clicking a failed tree item does: run the fix, or read the list again. */
export type FailureAction = 'signIn' | 'selectTenant' | 'openSettings' | 'retry';

export interface ErrorPresentation {
  kind: AzureErrorKind;
  /** What happened, one sentence. */
  summary: string;
  /** The same in a few words, for a tree item's description. */
  short: string;
  /** What the user can do about it. */
  hint?: string;
  /** Commands that can fix it, the most useful first. */
  actions: readonly ErrorActionId[];
}

type Entry = Omit<ErrorPresentation, 'kind'>;

function entry(kind: AzureErrorKind, retryAfterSeconds: number | undefined): Entry {
  switch (kind) {
    case 'signIn':
      return {
        summary: l10n.t('You are not signed in to Azure, or your sign-in expired.'),
        short: l10n.t('Not signed in.'),
        hint: l10n.t('Sign in, or choose the tenant that holds the resource.'),
        actions: ['signIn', 'selectTenant'],
      };
    case 'forbidden':
      return {
        summary: l10n.t('Your account lacks the role this needs.'),
        short: l10n.t('No permission.'),
        hint: l10n.t(
          'Ask for the Reader role (AzureML Data Scientist to change deployments, Log Analytics Reader to query logs), or choose the tenant that holds the resource.',
        ),
        actions: ['selectTenant', 'showDiagnostics'],
      };
    case 'notFound':
      return {
        summary: l10n.t('It no longer exists in Azure.'),
        short: l10n.t('Not found.'),
        hint: l10n.t('Refresh the view.'),
        actions: ['refresh'],
      };
    case 'conflict':
      return {
        summary: l10n.t('Another update is in progress.'),
        short: l10n.t('Another update is in progress.'),
        hint: l10n.t('Wait for it to finish and try again.'),
        actions: [],
      };
    case 'throttled':
      return {
        summary: l10n.t('Azure is throttling requests.'),
        short: l10n.t('Azure is throttling requests.'),
        hint: l10n.t('Try again in {0} seconds.', String(retryAfterSeconds ?? 60)),
        actions: [],
      };
    case 'badRequest':
      return {
        summary: l10n.t('Azure rejected the request.'),
        short: l10n.t('Rejected by Azure.'),
        actions: ['showDiagnostics'],
      };
    case 'server':
      return {
        summary: l10n.t('Azure failed to handle the request.'),
        short: l10n.t('Azure failed.'),
        hint: l10n.t('Try again in a moment.'),
        actions: ['showDiagnostics'],
      };
    case 'network':
      return {
        summary: l10n.t('Azure could not be reached.'),
        short: l10n.t('Azure could not be reached.'),
        hint: l10n.t('Check your network or proxy.'),
        actions: ['showDiagnostics'],
      };
    case 'operationFailed':
      return {
        summary: l10n.t('The operation failed in Azure.'),
        short: l10n.t('Failed in Azure.'),
        actions: ['showDiagnostics'],
      };
    case 'timedOut':
      return {
        summary: l10n.t(
          'Azure did not finish it within the time it stated, so the extension stopped waiting.',
        ),
        short: l10n.t('Not finished in time.'),
        hint: l10n.t(
          'It may still be running in Azure. The tree shows the state Azure reports now: check it in Azure ML studio or run Diagnose, and refresh it later. Try again only once it has settled.',
        ),
        actions: ['refresh', 'showDiagnostics'],
      };
    case 'config':
      return {
        summary: l10n.t('A setting prevents this.'),
        short: l10n.t('Check the settings.'),
        actions: ['openSettings'],
      };
    case 'cancelled':
      return { summary: l10n.t('Cancelled.'), short: l10n.t('Cancelled.'), actions: [] };
    case 'unknown':
      return { summary: l10n.t('It failed.'), short: l10n.t('Failed.'), actions: ['showDiagnostics'] };
  }
}

export function presentKind(kind: AzureErrorKind, retryAfterSeconds?: number): ErrorPresentation {
  return { kind, ...entry(kind, retryAfterSeconds) };
}

/** Any failure: an AzureRequestError by its kind, anything else as 'unknown'. */
export function presentError(e: unknown): ErrorPresentation {
  return isAzureRequestError(e) ? presentKind(e.kind, e.retryAfterSeconds) : presentKind('unknown');
}

/** Azure's own words for a failure (its code and message), or the error's message. */
export function errorDetail(e: unknown): string | undefined {
  if (isAzureRequestError(e)) return joinDetail(e.code, e.azureMessage);
  return e instanceof Error ? e.message : typeof e === 'string' ? e : undefined;
}

/** A failure in a log line: the status and Azure's code of an Azure error, else its message. */
export function logSummary(e: unknown): string {
  if (isAzureRequestError(e)) return `${e.statusCode ?? '-'} ${e.code ?? e.kind}`;
  return e instanceof Error ? e.message : String(e);
}

/** "Code: message", leaving out what is missing. */
export function joinDetail(code: string | undefined, message: string | undefined): string | undefined {
  return [code, message].filter(Boolean).join(': ') || undefined;
}

/** What a click on a failed item does: the first fix that needs no other context, else a retry. */
export function failureAction(e: unknown): FailureAction {
  const fix = presentError(e).actions.find(
    (a): a is Exclude<FailureAction, 'retry'> =>
      a === 'signIn' || a === 'selectTenant' || a === 'openSettings',
  );
  return fix ?? 'retry';
}

export interface ErrorActionView {
  id: ErrorActionId | 'retry';
  /** A button or command title. */
  title: string;
  /** The end of a tree item's description: what clicking it does. */
  clickHint: string;
  command: string;
}

export function errorAction(id: ErrorActionId | 'retry'): ErrorActionView {
  switch (id) {
    case 'signIn':
      return {
        id,
        title: l10n.t('Sign In'),
        clickHint: l10n.t('Click to sign in.'),
        command: Commands.signIn,
      };
    case 'selectTenant':
      return {
        id,
        title: l10n.t('Choose Tenant'),
        clickHint: l10n.t('Click to choose another tenant.'),
        command: Commands.selectTenant,
      };
    case 'openSettings':
      return {
        id,
        title: l10n.t('Open Settings'),
        clickHint: l10n.t('Click to open the settings.'),
        command: Commands.openSettings,
      };
    case 'refresh':
      return {
        id,
        title: l10n.t('Refresh'),
        clickHint: l10n.t('Click to refresh.'),
        command: Commands.refresh,
      };
    case 'showDiagnostics':
      return {
        id,
        title: l10n.t('Show Diagnostics'),
        clickHint: l10n.t('Click to show the diagnostics.'),
        command: Commands.showDiagnostics,
      };
    case 'retry':
      return {
        id,
        title: l10n.t('Retry'),
        clickHint: l10n.t('Click to retry.'),
        command: Commands.refreshNode,
      };
  }
}

/** The notification text of a failed command: what it was doing, what happened, what to do, Azure's words. */
export function commandErrorMessage(e: AzureRequestError): string {
  const p = presentError(e);
  const parts = [p.summary, p.hint, errorDetail(e)].filter(Boolean).join(' ');
  return l10n.t('{0}: {1}', e.operation, parts);
}
