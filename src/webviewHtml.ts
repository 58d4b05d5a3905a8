// The one HTML shell of the extension's webviews (query panel, metrics): no data in it, a strict
// CSP with a fresh nonce for the one script, the bundle's stylesheet, the UI language.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewShell {
  /** The bundle's base name in dist/: `<bundle>.js` and `<bundle>.css`. */
  bundle: string;
  /** Whether the page may show images from the bundle or data: URLs (charts). */
  images?: boolean;
  /** The body's data-state before the script runs (styles key off it). */
  bodyState?: string;
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, shell: WebviewShell): string {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, `${shell.bundle}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, `${shell.bundle}.css`));
  const nonce = randomBytes(18).toString('base64');
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    ...(shell.images ? [`img-src ${webview.cspSource} data:`] : []),
    `font-src ${webview.cspSource}`,
  ].join('; ');
  const lang = vscode.env.language.replace(/[^A-Za-z0-9-]/g, '') || 'en';
  const body = shell.bodyState ? `<body data-state="${shell.bodyState.replace(/[^\w-]/g, '')}">` : '<body>';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style.toString()}">
</head>
${body}
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
