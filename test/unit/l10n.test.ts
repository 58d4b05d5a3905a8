// Every string the extension shows goes through l10n, and both languages have every string.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import ts from 'typescript';
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

// User-facing APIs given literal text instead of vscode.l10n.t(...), found through the TypeScript
// AST (as scripts/l10n.ts reads the sources), so calls over several lines are seen too. A literal
// may opt out with a `// l10n-ignore` comment on its line saying why (a product name, a file name).
/** Calls whose arguments the user reads. */
const UI_CALLS = new Set([
  'showInformationMessage',
  'showWarningMessage',
  'showErrorMessage',
  'setStatusBarMessage',
  'appendLine',
  'notify',
  'confirm',
  'callAzure',
  'TreeItem',
]);
/** Properties whose value the user reads (options of picks, inputs, dialogs; tree items; errors). */
const UI_PROPERTIES = new Set([
  'placeHolder',
  'prompt',
  'title',
  'tooltip',
  'detail',
  'openLabel',
  'saveLabel',
  'text',
  // src/azure/ describes failures for the user through @vscode/l10n.
  'operation',
  'azureMessage',
]);

/** Text with words in it (two letters in a row), outside any l10n.t call. */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return /[A-Za-z]{2}/.test(node.text) ? node.text : undefined;
  if (ts.isTemplateExpression(node)) {
    // Codicons ($(sync~spin)) are not words.
    const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)]
      .join(' ')
      .replace(/\$\([\w~-]+\)/g, '');
    return /[A-Za-z]{2}/.test(parts) ? node.getText() : undefined;
  }
  if (ts.isConditionalExpression(node)) return literalText(node.whenTrue) ?? literalText(node.whenFalse);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken)
    return literalText(node.left) ?? literalText(node.right);
  return undefined;
}

function calleeName(e: ts.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

export function literalUiStrings(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const lines = source.split('\n');
  const found: string[] = [];
  const report = (node: ts.Node, text: string): void => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
    if (lines[line]?.includes('l10n-ignore')) return;
    found.push(`${file}:${line + 1}: ${text}`);
  };
  const visit = (node: ts.Node): void => {
    if (
      (ts.isCallExpression(node) || ts.isNewExpression(node)) &&
      UI_CALLS.has(calleeName(node.expression) ?? '')
    ) {
      // notify's first argument is its severity, not text.
      const args = [...(node.arguments ?? [])].slice(calleeName(node.expression) === 'notify' ? 1 : 0);
      for (const arg of args) {
        const text = literalText(arg);
        if (text !== undefined) report(arg, text);
      }
    }
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && UI_PROPERTIES.has(node.name.text)) {
      const text = literalText(node.initializer);
      if (text !== undefined) report(node.initializer, text);
    }
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      UI_PROPERTIES.has(node.left.name.text)
    ) {
      const text = literalText(node.right);
      if (text !== undefined) report(node.right, text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

void test('no user-facing string in extension code bypasses l10n', () => {
  const offenders: string[] = [];
  for (const file of l10nSourceFiles()) {
    if (/src\/core\//.test(file)) continue; // pure: its callers pass the localized strings in
    offenders.push(...literalUiStrings(file, readFileSync(file, 'utf8')));
  }
  assert.deepEqual(offenders, []);
});

void test('the literal-string check sees calls over several lines, templates and assignments', () => {
  const source = [
    'void ui.notify(',
    "  'info',",
    "  'Plain English over two lines',",
    ');',
    'callAzure(`Get logs of ${name}`, log, run);',
    "item.tooltip = 'A tooltip';",
    "const o = { title: cond ? l10n.t('ok') : 'Not localized' };",
    "void ui.notify('info', l10n.t('Localized'));",
    "item.tooltip = 'score.py'; // l10n-ignore: a file name",
  ].join('\n');
  assert.deepEqual(
    literalUiStrings('x.ts', source).map((f) => f.replace(/^x\.ts:/, '')),
    ['3: Plain English over two lines', '5: `Get logs of ${name}`', '6: A tooltip', '7: Not localized'],
  );
});
