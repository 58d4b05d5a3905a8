// Every string the extension shows goes through l10n, and both languages have every string.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { extractBundle, l10nSourceFiles } from '../../scripts/l10n';

type Bundle = Record<string, string | { message: string; comment: string[] }>;
const english = JSON.parse(readFileSync('l10n/bundle.l10n.json', 'utf8')) as Bundle;
const spanish = JSON.parse(readFileSync('l10n/bundle.l10n.es.json', 'utf8')) as Bundle;

const placeholders = (s: string): string[] => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
const text = (v: Bundle[string] | undefined): string | undefined => (typeof v === 'object' ? v.message : v);

void test('l10n/bundle.l10n.json matches the strings in the sources (run `npm run l10n`)', async () => {
  const fresh = await extractBundle();
  assert.deepEqual(Object.keys(english).sort(), Object.keys(fresh).sort());
});

void test('the Spanish bundle translates every string, keeping its placeholders', () => {
  for (const key of Object.keys(english)) {
    const es = text(spanish[key]);
    if (!es?.trim()) assert.fail(`bundle.l10n.es.json lacks: ${key}`);
    assert.deepEqual(placeholders(es), placeholders(key), `placeholders differ for: ${key}`);
  }
  for (const key of Object.keys(spanish))
    assert.ok(key in english, `bundle.l10n.es.json has a stale key: ${key}`);
});

// User-facing APIs called with a literal string instead of vscode.l10n.t(...). A line may opt out
// with a trailing `// l10n-ignore` comment saying why (a product name, a file name).
const literalUiString = [
  /\bshow(Information|Warning|Error)Message\(\s*['"`]/,
  /\bsetStatusBarMessage\(\s*['"`]/,
  /\b(placeHolder|prompt|title|tooltip|detail|openLabel|saveLabel)\s*[:=]\s*['"`][^'"`]*[A-Za-z]{2}/,
  /\bnew (vscode\.)?TreeItem\(\s*['"`]/,
  /\.text\s*=\s*['"`][^'"`]*[A-Za-z]{2}/,
  /\bappendLine\(\s*['"`][^'"`]*[A-Za-z]{2}/,
  // src/azure/ describes failures for the user through @vscode/l10n.
  /\b(operation|azureMessage)\s*:\s*['"`][A-Za-z]/,
  /\bcallAzure\(\s*['"`]/,
];

void test('no user-facing string in extension code bypasses l10n', () => {
  const offenders: string[] = [];
  for (const file of l10nSourceFiles()) {
    if (/src\/core\//.test(file)) continue; // pure: its callers pass the localized strings in
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (
          line.includes('l10n-ignore') ||
          line.trimStart().startsWith('//') ||
          line.trimStart().startsWith('*')
        )
          return;
        if (literalUiString.some((re) => re.test(line))) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(offenders, []);
});
