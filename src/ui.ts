// Every question the extension asks the user (picks, inputs, confirmations, file dialogs) and
// every notification goes through one interface, as the Azure extensions' IAzureUserInput does:
// VS Code answers in the product, and tests queue answers (test/support/testUserInput.ts) and fail
// on any question they did not expect. Dismissing a question throws UserCancelledError, which
// ends a command quietly. No runtime `vscode` import: tests use this file in plain Node; VS Code's
// side is src/vscodeUserInput.ts.
import type * as vscode from 'vscode';

/** Thrown when the user dismisses a pick, an input or a dialog: ends the command quietly. */
export class UserCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'UserCancelledError';
  }
}

export function isUserCancelledError(e: unknown): e is UserCancelledError {
  return e instanceof Error && e.name === 'UserCancelledError';
}

export type Severity = 'info' | 'warning' | 'error';

export interface UserInput {
  /**
   * One item of `items`. Labels, descriptions and details are shown as text: they carry names
   * from Azure and telemetry, so `$(name)` in them is not an icon. An item's icon is its iconPath.
   */
  pick<T extends vscode.QuickPickItem>(
    items: readonly T[] | Promise<readonly T[]>,
    options: vscode.QuickPickOptions & { canPickMany?: false },
  ): Promise<T>;
  /** Several items of `items` (possibly none). */
  pickMany<T extends vscode.QuickPickItem>(
    items: readonly T[] | Promise<readonly T[]>,
    options: vscode.QuickPickOptions,
  ): Promise<T[]>;
  /** A line of text that passes `options.validateInput`. */
  input(options: vscode.InputBoxOptions): Promise<string>;
  /** A modal question with one action: true when the user chose it. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  /** Files or folders to open. */
  openDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[]>;
  /** Where to save. */
  saveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri>;
  /** One folder of the open workspace. */
  pickWorkspaceFolder(options: vscode.WorkspaceFolderPickOptions): Promise<vscode.WorkspaceFolder>;
  /**
   * A notification. Not a question: nothing waits for it. Resolves the action the user clicked, or
   * undefined when they close or ignore it.
   */
  notify(severity: Severity, message: string, ...actions: string[]): Promise<string | undefined>;
}
