// VS Code renders `$(name)` in quick-pick labels, descriptions and details (and in status bar
// text) as a product icon, and `\$(name)` as the text `$(name)` ("Icons in labels",
// code.visualstudio.com/api/references/icons-in-labels; the pattern is renderLabelWithIcons' in
// microsoft/vscode src/vs/base/browser/ui/iconLabel/iconLabels.ts). Names from Azure or from
// telemetry (a role name, a file name, a workspace's friendly name) are text, never icons.

/** What VS Code reads as an icon: `$(name)` or `$(name~modifier)`. */
const ICON = /\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g;

/**
 * `text` as it should read where `$(name)` would be an icon. Unlike VS Code's own escapeIcons, a
 * backslash already in front is the name's own character, so it stays and the icon is escaped too.
 */
export function escapeIcons(text: string): string {
  return text.replace(ICON, (icon) => `\\${icon}`);
}
