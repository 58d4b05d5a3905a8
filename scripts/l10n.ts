// Extracts every vscode.l10n.t / l10n.t string of the extension into l10n/bundle.l10n.json (the
// English source bundle). `npm run l10n` writes it; the unit test compares it with the sources.
import { getL10nJson, type l10nJsonFormat } from '@vscode/l10n-dev';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** Extension code that may show strings (the webview gets its strings from the host). */
export function l10nSourceFiles(root = 'src'): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && path.endsWith('.ts') && !path.includes(`${join('src', 'webview')}`)) out.push(path);
  }
  return out.sort();
}

export async function extractBundle(): Promise<l10nJsonFormat> {
  return getL10nJson(
    l10nSourceFiles().map((path) => ({ contents: readFileSync(path, 'utf8'), extension: extname(path) })),
  );
}

function sortKeys(bundle: l10nJsonFormat): l10nJsonFormat {
  return Object.fromEntries(Object.entries(bundle).sort(([a], [b]) => a.localeCompare(b)));
}

if (process.argv[1]?.endsWith('l10n.ts')) {
  void extractBundle().then((bundle) => {
    writeFileSync('l10n/bundle.l10n.json', JSON.stringify(sortKeys(bundle), null, 2) + '\n');
    console.log(`l10n: ${Object.keys(bundle).length} strings written to l10n/bundle.l10n.json`);
  });
}
