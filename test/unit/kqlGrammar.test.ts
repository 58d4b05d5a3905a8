// The .kql TextMate grammar, tokenized by the same engine VS Code uses (vscode-textmate with the
// oniguruma wasm), on sample queries and the panel's real ready queries: the scopes of tokens, and
// the language configuration.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { before, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { readyQueries, type QueryScope } from '../../src/core/kql';

const GRAMMAR = 'syntaxes/kql.tmLanguage.json';
const CONFIGURATION = 'syntaxes/kql.language-configuration.json';
let grammar: textmate.IGrammar;

before(async () => {
  const wasm = readFileSync(createRequire(import.meta.url).resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: (scopeName: string) =>
      Promise.resolve(
        scopeName === 'source.kql' ? textmate.parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null,
      ),
  });
  const loaded = await registry.loadGrammar('source.kql');
  assert.ok(loaded, 'source.kql loads');
  grammar = loaded;
});

interface Token {
  text: string;
  scopes: string[];
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let stack = textmate.INITIAL;
  for (const line of query.split('\n')) {
    const result = grammar.tokenizeLine(line, stack);
    for (const t of result.tokens)
      tokens.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = result.ruleStack;
  }
  return tokens;
}

/** The scopes of the nth token whose text, without surrounding spaces, is `text` (innermost scope last). */
function scopesOf(tokens: Token[], text: string, nth = 0): string[] {
  const found = tokens.filter((t) => t.text.trim() === text)[nth];
  assert.ok(found, `no token "${text}" (#${nth}) in: ${tokens.map((t) => JSON.stringify(t.text)).join(' ')}`);
  return found.scopes;
}

function assertScope(tokens: Token[], text: string, scope: string, nth = 0): void {
  const scopes = scopesOf(tokens, text, nth);
  assert.ok(
    scopes.some((s) => s === scope || s.startsWith(`${scope}.`)),
    `"${text}" has ${scopes.join(' ')}, expected ${scope}`,
  );
}

const documentQuery = `// note: the document's query, with a few more operators
traces
| where customDimensions contains "input" and timestamp > ago(1h)
| where message !has 'error' or severityLevel >= 3
| extend payload = parse_json(tostring(customDimensions.Contents)), path = @'C:\\temp\\x', key = h"hidden"
| summarize count(), p95 = percentile(duration, 95) by bin(timestamp, 5m)
| project-away payload
| mv-expand items = payload.items
| order by timestamp desc
| take 10 // the last ten
| render timechart`;

void test('the document query: table, keywords, strings, comments, functions and timespans', () => {
  const tokens = tokenize(documentQuery);
  assertScope(tokens, '//', 'punctuation.definition.comment.kql');
  assertScope(
    tokens,
    "note: the document's query, with a few more operators",
    'comment.line.double-slash.kql',
  );
  assertScope(tokens, 'traces', 'entity.name.type.table.kql');
  assertScope(tokens, 'where', 'keyword.control.query.kql');
  assertScope(tokens, 'where', 'keyword', 1);
  assertScope(tokens, 'input', 'string.quoted.double.kql');
  assertScope(tokens, '"', 'punctuation.definition.string.begin.kql');
  assertScope(tokens, 'contains', 'keyword.operator.word.kql');
  assertScope(tokens, '!has', 'keyword.operator.word.kql');
  assertScope(tokens, 'and', 'keyword.operator.logical.kql');
  assertScope(tokens, 'or', 'keyword.operator.logical.kql');
  assertScope(tokens, '>', 'keyword.operator.comparison.kql');
  assertScope(tokens, '>=', 'keyword.operator.comparison.kql');
  assertScope(tokens, '|', 'keyword.operator.pipe.kql');
  assertScope(tokens, 'ago', 'support.function.kql');
  assertScope(tokens, '1h', 'constant.numeric.timespan.kql');
  assertScope(tokens, '5m', 'constant.numeric.timespan.kql');
  assertScope(tokens, '95', 'constant.numeric.kql');
  assertScope(tokens, '3', 'constant.numeric.kql');
  assertScope(tokens, 'error', 'string.quoted.single.kql');
  assertScope(tokens, 'parse_json', 'support.function.kql');
  assertScope(tokens, 'tostring', 'support.function.kql');
  assertScope(tokens, 'percentile', 'support.function.kql');
  assertScope(tokens, 'bin', 'support.function.kql');
  assertScope(tokens, 'count', 'support.function.kql');
  assertScope(tokens, 'summarize', 'keyword.control.query.kql');
  assertScope(tokens, 'by', 'keyword.other.kql');
  assertScope(tokens, 'project-away', 'keyword.control.query.kql');
  assertScope(tokens, 'mv-expand', 'keyword.control.query.kql');
  assertScope(tokens, 'desc', 'keyword.other.kql');
  assertScope(tokens, 'take', 'keyword.control.query.kql');
  assertScope(tokens, '10', 'constant.numeric.kql');
  assertScope(tokens, 'the last ten', 'comment.line.double-slash.kql');
  assertScope(tokens, 'render', 'keyword.control.query.kql');
  assertScope(tokens, 'timechart', 'support.constant.visualization.kql');
  // Verbatim strings have no escapes; h"..." is an obfuscated string.
  assertScope(tokens, 'C:\\temp\\x', 'string.quoted.single.verbatim.kql');
  assert.ok(
    !tokens.some((t) => t.scopes.includes('constant.character.escape.kql') && t.text.includes('\\t')),
  );
  assertScope(tokens, '@', 'storage.modifier.string.kql');
  assertScope(tokens, 'hidden', 'string.quoted.double.obfuscated.kql');
  // Plain identifiers are not keywords: "payload", "timestamp", "message".
  for (const name of ['payload', 'timestamp', 'message', 'items']) {
    assert.ok(!scopesOf(tokens, name).some((s) => s.startsWith('keyword')), name);
  }
});

void test('let statements, escapes, datetime literals, the count operator and verbatim doubled quotes', () => {
  const tokens = tokenize(
    [
      'let threshold = 100ms;',
      'let since = datetime(2024-01-31 10:00);',
      'requests',
      '| where timestamp between (since .. now()) and duration > threshold and name in~ ("a", "b")',
      '| where url !startswith_cs "http" and resultCode !in ("200") and name matches regex @"^a""b$"',
      '| extend note = "say \\"hi\\"", big = 1.5e3, span = 2.5d',
      '| count',
    ].join('\n'),
  );
  assertScope(tokens, 'let', 'keyword.control.query.kql');
  assertScope(tokens, '100ms', 'constant.numeric.timespan.kql');
  assertScope(tokens, ';', 'punctuation.terminator.statement.kql');
  assertScope(tokens, 'datetime', 'support.function.literal.kql');
  assertScope(tokens, '2024-01-31 10:00', 'constant.other.datetime.kql');
  assertScope(tokens, 'requests', 'entity.name.type.table.kql');
  assertScope(tokens, 'between', 'keyword.operator.word.kql');
  assertScope(tokens, '..', 'keyword.operator.range.kql');
  assertScope(tokens, 'now', 'support.function.kql');
  assertScope(tokens, 'in~', 'keyword.operator.word.kql');
  assertScope(tokens, '!startswith_cs', 'keyword.operator.word.kql');
  assertScope(tokens, '!in', 'keyword.operator.word.kql');
  assertScope(tokens, 'matches regex', 'keyword.operator.word.kql');
  assertScope(tokens, '""', 'constant.character.escape.quote.kql');
  assertScope(tokens, '\\"', 'constant.character.escape.kql');
  assertScope(tokens, '1.5e3', 'constant.numeric.kql');
  assertScope(tokens, '2.5d', 'constant.numeric.timespan.kql');
  assertScope(tokens, 'count', 'keyword.control.query.kql');
  // The escaped quote did not end the string early.
  assertScope(tokens, 'hi', 'string.quoted.double.kql');
  assert.deepEqual(scopesOf(tokens, 'big'), ['source.kql']);
});

void test("the panel's real ready queries tokenize with no unknown token, for every scope", () => {
  // Judged from the query text, not from the grammar: the word after a pipe is an operator, a word
  // before "(" a function, the first word a table; anything the grammar leaves unscoped must be a
  // plain identifier (a column), never an operator, a symbol or a broken string.
  const scopes: QueryScope[] = [
    { kind: 'workspace' },
    { kind: 'deployment', endpointName: 'ep-1', deploymentName: 'blue' },
    { kind: 'legacyService', serviceName: 'svc "quoted"' },
  ];
  const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
  const problems: string[] = [];
  for (const scope of scopes) {
    for (const q of readyQueries(scope)) {
      const tokens = tokenize(q.kql).filter((t) => t.text.trim() !== '');
      tokens.forEach((t, i) => {
        const text = t.text.trim();
        const innermost = t.scopes.at(-1) ?? '';
        const where = `${q.id} (${scope.kind}): "${text}"`;
        if (t.scopes.length === 1 && !identifier.test(text))
          problems.push(`${where} is unscoped and no identifier`);
        if (tokens[i - 1]?.text.trim() === '|' && !innermost.startsWith('keyword.'))
          problems.push(`${where} follows a pipe but is ${innermost}`);
        if (
          tokens[i + 1]?.text.trim() === '(' &&
          identifier.test(text) &&
          !innermost.startsWith('support.function')
        )
          problems.push(`${where} is called but is ${innermost}`);
        if (i === 0 && !innermost.startsWith('entity.name.type.table'))
          problems.push(`${where} starts the query but is ${innermost}`);
      });
    }
  }
  assert.deepEqual(problems, []);
});

void test('the language configuration: line comments, brackets, auto-closing quotes outside strings', () => {
  const config = JSON.parse(readFileSync(CONFIGURATION, 'utf8')) as {
    comments: { lineComment: string };
    brackets: [string, string][];
    autoClosingPairs: { open: string; close: string; notIn?: string[] }[];
    wordPattern: string;
  };
  assert.equal(config.comments.lineComment, '//');
  assert.deepEqual(config.brackets, [
    ['{', '}'],
    ['[', ']'],
    ['(', ')'],
  ]);
  const quote = config.autoClosingPairs.find((p) => p.open === '"');
  assert.deepEqual(quote?.notIn, ['string', 'comment']);
  for (const [open] of config.brackets) assert.ok(config.autoClosingPairs.some((p) => p.open === open));
  const word = new RegExp(config.wordPattern);
  assert.equal(word.exec('mv-expand')?.[0], 'mv-expand', 'hyphenated operators are one word');
});
