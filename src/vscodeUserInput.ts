// The product's UserInput (src/ui.ts): VS Code's own pickers, dialogs and notifications.
import * as vscode from 'vscode';
import { escapeIcons } from './core/iconText';
import { UserCancelledError, type Severity, type UserInput } from './ui';

async function listOf<T>(items: readonly T[] | Promise<readonly T[]>): Promise<T[]> {
  return [...(await items)];
}

/**
 * The items as VS Code shows them: label, description and detail are text (names from Azure and
 * telemetry among them), so `$(` in them is escaped; an item's icon is its iconPath. The list may
 * still be loading (VS Code shows the pick busy meanwhile). `original` gives back the caller's own
 * item for one VS Code returns.
 */
function shownItems<T extends vscode.QuickPickItem>(
  items: readonly T[] | Promise<readonly T[]>,
): { shown: Promise<T[]>; original: (shown: T) => T } {
  const back = new Map<T, T>();
  const shown = listOf(items).then((list) =>
    list.map((item) => {
      const copy: T = { ...item, label: escapeIcons(item.label) };
      if (item.description !== undefined) copy.description = escapeIcons(item.description);
      if (item.detail !== undefined) copy.detail = escapeIcons(item.detail);
      back.set(copy, item);
      return copy;
    }),
  );
  return { shown, original: (s) => back.get(s) ?? s };
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
    const { shown, original } = shownItems(items);
    return original(answered(await vscode.window.showQuickPick(shown, options)));
  }

  async pickMany<T extends vscode.QuickPickItem>(
    items: readonly T[] | Promise<readonly T[]>,
    options: vscode.QuickPickOptions,
  ): Promise<T[]> {
    const { shown, original } = shownItems(items);
    return answered(await vscode.window.showQuickPick(shown, { ...options, canPickMany: true })).map(
      original,
    );
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
