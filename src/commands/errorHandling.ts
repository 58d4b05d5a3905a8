// Turns every failure of a command into one clear message (what failed, why, what to do) and a
// diagnostic log line. A cancelled pick or dialog is not an error.
import * as vscode from 'vscode';
import { isAzureRequestError, type AzureRequestError } from '../azure/errors';
import { Commands } from '../constants';

/** Thrown when the user dismisses a pick or a confirmation: ends the command quietly. */
export class UserCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'UserCancelledError';
  }
}

export function withErrorHandling(
  id: string,
  run: (...args: unknown[]) => unknown,
  log: vscode.LogOutputChannel,
): (...args: unknown[]) => Promise<unknown> {
  return async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (e) {
      await reportError(id, e, log);
      return undefined;
    }
  };
}

export async function reportError(id: string, e: unknown, log: vscode.LogOutputChannel): Promise<void> {
  if (e instanceof UserCancelledError || (isAzureRequestError(e) && e.kind === 'cancelled')) return;
  if (isAzureRequestError(e)) {
    log.error(
      `${id}: ${e.operation} failed (${e.statusCode ?? '-'} ${e.code ?? e.kind})` +
        (e.requestId ? ` request id ${e.requestId}` : '') +
        (e.azureMessage ? `: ${e.azureMessage}` : ''),
    );
    const { message, actions } = describeAzureError(e);
    const choice = await vscode.window.showErrorMessage(message, ...actions.map((a) => a.title));
    const action = actions.find((a) => a.title === choice);
    if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
    return;
  }
  const text = e instanceof Error ? e.message : String(e);
  log.error(`${id}: ${e instanceof Error && e.stack ? e.stack : text}`);
  void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', id, text));
}

export interface ErrorAction {
  title: string;
  command: string;
  args?: unknown[];
}

/** The user's terms for an Azure failure, and the actions that can fix it. */
export function describeAzureError(e: AzureRequestError): { message: string; actions: ErrorAction[] } {
  const signIn = { title: vscode.l10n.t('Sign In'), command: Commands.signIn };
  const tenant = { title: vscode.l10n.t('Choose Tenant'), command: Commands.selectTenant };
  const settings = { title: vscode.l10n.t('Open Settings'), command: Commands.openSettings };
  const diagnostics = { title: vscode.l10n.t('Show Diagnostics'), command: Commands.showDiagnostics };
  const detail = e.azureMessage ? ` ${e.azureMessage}` : '';
  switch (e.kind) {
    case 'signIn':
      return {
        message: vscode.l10n.t('{0}: you are not signed in to Azure, or your sign-in expired.', e.operation),
        actions: [signIn, tenant],
      };
    case 'forbidden':
      return {
        message: vscode.l10n.t(
          '{0}: your account lacks the role this needs (for example Reader, or AzureML Data Scientist to change deployments).{1}',
          e.operation,
          detail,
        ),
        actions: [tenant, diagnostics],
      };
    case 'notFound':
      return {
        message: vscode.l10n.t(
          '{0}: it no longer exists in Azure. Refresh the view.{1}',
          e.operation,
          detail,
        ),
        actions: [{ title: vscode.l10n.t('Refresh'), command: Commands.refresh }],
      };
    case 'conflict':
      return {
        message: vscode.l10n.t(
          '{0}: another update is in progress. Wait for it to finish and try again.{1}',
          e.operation,
          detail,
        ),
        actions: [],
      };
    case 'throttled':
      return {
        message: vscode.l10n.t(
          '{0}: Azure is throttling requests. Try again in {1} seconds.',
          e.operation,
          String(e.retryAfterSeconds ?? 60),
        ),
        actions: [],
      };
    case 'operationFailed':
      return {
        message: vscode.l10n.t(
          '{0}: the operation failed in Azure: {1}',
          e.operation,
          [e.code, e.azureMessage].filter(Boolean).join(': '),
        ),
        actions: [diagnostics],
      };
    case 'config':
      return {
        message: vscode.l10n.t('{0}: {1}', e.operation, e.azureMessage ?? e.message),
        actions: [settings],
      };
    case 'network':
      return {
        message: vscode.l10n.t(
          '{0}: Azure could not be reached. Check your network or proxy.{1}',
          e.operation,
          detail,
        ),
        actions: [diagnostics],
      };
    default:
      return {
        message: vscode.l10n.t(
          '{0}: {1}',
          e.operation,
          [e.code, e.azureMessage].filter(Boolean).join(': ') || e.message,
        ),
        actions: [diagnostics],
      };
  }
}
