// The product's UserInput (src/ui.ts): VS Code's own pickers, dialogs and notifications.
import * as vscode from 'vscode';
import { UserCancelledError, type Severity, type UserInput } from './ui';

async function listOf<T>(items: readonly T[] | Promise<readonly T[]>): Promise<T[]> {
  return [...(await items)];
}

function answered<T>(value: T | undefined): T {
  if (value === undefined) throw new UserCancelledError();
  return value;
}

export class VsCodeUserInput implements UserInput {
  async pick<T extends vscode.QuickPickItem>(
    items: readonly T[] | Promise<readonly T[]>,
    options: vscode.QuickPickOptions & { canPickMany?: false },
  ): Promise<T> {
    return answered(await vscode.window.showQuickPick(listOf(items), options));
  }

  async pickMany<T extends vscode.QuickPickItem>(
    items: readonly T[] | Promise<readonly T[]>,
    options: vscode.QuickPickOptions,
  ): Promise<T[]> {
    return answered(await vscode.window.showQuickPick(listOf(items), { ...options, canPickMany: true }));
  }

  async input(options: vscode.InputBoxOptions): Promise<string> {
    return answered(await vscode.window.showInputBox(options));
  }

  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  }

  async openDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[]> {
    const chosen = await vscode.window.showOpenDialog(options);
    return answered(chosen?.length ? chosen : undefined);
  }

  async saveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri> {
    return answered(await vscode.window.showSaveDialog(options));
  }

  async pickWorkspaceFolder(options: vscode.WorkspaceFolderPickOptions): Promise<vscode.WorkspaceFolder> {
    return answered(await vscode.window.showWorkspaceFolderPick(options));
  }

  async notify(severity: Severity, message: string, ...actions: string[]): Promise<string | undefined> {
    switch (severity) {
      case 'info':
        return vscode.window.showInformationMessage(message, ...actions);
      case 'warning':
        return vscode.window.showWarningMessage(message, ...actions);
      case 'error':
        return vscode.window.showErrorMessage(message, ...actions);
    }
  }
}
