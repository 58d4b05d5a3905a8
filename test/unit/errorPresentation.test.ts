// The one error table (src/errorPresentation.ts): every kind has words and valid actions, and what
// commands, the tree and the query panel show all comes from it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AzureRequestError, type AzureErrorKind } from '../../src/azure/errors';
import {
  commandErrorMessage,
  errorAction,
  errorDetail,
  failureAction,
  logSummary,
  presentError,
  presentKind,
} from '../../src/errorPresentation';

const KINDS: AzureErrorKind[] = [
  'signIn',
  'forbidden',
  'notFound',
  'conflict',
  'throttled',
  'badRequest',
  'server',
  'network',
  'operationFailed',
  'timedOut',
  'cancelled',
  'config',
  'unknown',
];

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: { commands: { command: string }[] };
};
const declared = new Set(manifest.contributes.commands.map((c) => c.command));

void test('every error kind has a summary, a short form, and actions that are declared commands', () => {
  for (const kind of KINDS) {
    const p = presentKind(kind);
    assert.ok(p.summary.trim() && p.short.trim(), kind);
    for (const id of [...p.actions, 'retry' as const]) {
      const action = errorAction(id);
      assert.ok(declared.has(action.command), `${kind}: ${action.command} is not in package.json`);
      assert.ok(action.title && action.clickHint, `${kind}: ${id}`);
    }
  }
});

void test('a failed tree list is fixed by signing in, choosing a tenant, the settings, or a retry', () => {
  const err = (kind: AzureErrorKind) => new AzureRequestError({ operation: 'List workspaces', kind });
  assert.equal(failureAction(err('signIn')), 'signIn');
  assert.equal(failureAction(err('forbidden')), 'selectTenant');
  assert.equal(failureAction(err('config')), 'openSettings');
  for (const kind of ['notFound', 'throttled', 'network', 'server', 'unknown'] as const)
    assert.equal(failureAction(err(kind)), 'retry', kind);
  assert.equal(failureAction(new Error('boom')), 'retry');
});

void test("a command's message names the operation, what happened, what to do and Azure's words", () => {
  const e = new AzureRequestError({
    operation: 'Enable Application Insights on blue',
    kind: 'throttled',
    code: 'TooManyRequests',
    azureMessage: 'Rate limit exceeded',
    retryAfterSeconds: 17,
  });
  const message = commandErrorMessage(e);
  assert.match(message, /^Enable Application Insights on blue: /);
  assert.ok(message.includes(presentError(e).summary));
  assert.match(message, /17 seconds/);
  assert.match(message, /TooManyRequests: Rate limit exceeded/);
});

void test('errorDetail: Azure code and message, or any error message', () => {
  assert.equal(errorDetail(new AzureRequestError({ operation: 'x', kind: 'server', code: 'C' })), 'C');
  assert.equal(errorDetail(new AzureRequestError({ operation: 'x', kind: 'server' })), undefined);
  assert.equal(errorDetail(new Error('plain')), 'plain');
  // Anything else that is thrown is presented as unknown, not dropped.
  assert.equal(presentError('a string').kind, 'unknown');
});

void test('logSummary: status and Azure code of an Azure error, else the message', () => {
  assert.equal(
    logSummary(
      new AzureRequestError({
        operation: 'x',
        kind: 'forbidden',
        statusCode: 403,
        code: 'AuthorizationFailed',
      }),
    ),
    '403 AuthorizationFailed',
  );
  assert.equal(logSummary(new AzureRequestError({ operation: 'x', kind: 'network' })), '- network');
  assert.equal(logSummary(new Error('plain')), 'plain');
  assert.equal(logSummary('thrown text'), 'thrown text');
});

void test('the error words live in the table only (no kind → text switch elsewhere in src/)', () => {
  const offenders: string[] = [];
  for (const file of [
    'src/commands/errorHandling.ts',
    'src/tree/strings.ts',
    'src/tree/nodes.ts',
    'src/tree/model.ts',
  ])
    if (/case 'signIn':|case 'forbidden':/.test(readFileSync(file, 'utf8'))) offenders.push(file);
  assert.deepEqual(offenders, []);
});
