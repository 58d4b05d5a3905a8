// src/azure/ cannot use vscode.l10n: it runs in plain Node too. It uses @vscode/l10n, the same
// strings and bundle format, given VS Code's bundle by the extension when the code loads.
import * as l10n from '@vscode/l10n';

/** Hands VS Code's runtime bundle (vscode.l10n.bundle) to this copy of @vscode/l10n; undefined = English. */
export function configureL10n(contents: Record<string, string> | undefined): void {
  if (contents) l10n.config({ contents });
}
