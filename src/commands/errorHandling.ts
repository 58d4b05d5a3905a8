// Turns every failure of a command into one clear message (what failed, why, what to do) and a
// diagnostic log line. A cancelled pick or dialog is not an error. The words come from the one
// error table (src/errorPresentation.ts).
import * as vscode from 'vscode';
import { isAzureRequestError } from '../azure/errors';
import { commandErrorMessage, errorAction, presentError } from '../errorPresentation';
import { isUserCancelledError, type UserInput } from '../ui';

export function withErrorHandling(
  id: string,
  run: (...args: unknown[]) => unknown,
  log: vscode.LogOutputChannel,
  ui: UserInput,
): (...args: unknown[]) => Promise<unknown> {
  return async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (e) {
      await reportError(id, e, log, ui);
      return undefined;
    }
  };
}

export async function reportError(
  id: string,
  e: unknown,
  log: vscode.LogOutputChannel,
  ui: UserInput,
): Promise<void> {
  if (isUserCancelledError(e) || (isAzureRequestError(e) && e.kind === 'cancelled')) return;
  if (isAzureRequestError(e)) {
    log.error(
      `${id}: ${e.operation} failed (${e.statusCode ?? '-'} ${e.code ?? e.kind})` +
        (e.requestId ? ` request id ${e.requestId}` : '') +
        (e.azureMessage ? `: ${e.azureMessage}` : ''),
    );
    const actions = presentError(e).actions.map(errorAction);
    const choice = await ui.notify('error', commandErrorMessage(e), ...actions.map((a) => a.title));
    const action = actions.find((a) => a.title === choice);
    if (action) await vscode.commands.executeCommand(action.command);
    return;
  }
  const text = e instanceof Error ? e.message : String(e);
  log.error(`${id}: ${e instanceof Error && e.stack ? e.stack : text}`);
  void ui.notify('error', vscode.l10n.t('{0} failed: {1}', id, text));
}
