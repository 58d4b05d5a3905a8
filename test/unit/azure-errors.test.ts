import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { callAzure, toAzureRequestError } from '../../src/azure/errorMapping';
import { AzureRequestError } from '../../src/azure/errors';
import { describeUnreadableBody, MAX_SHOWN_ERROR_TEXT } from '../../src/azure/errorText';

function restError(
  status: number,
  code: string | undefined,
  message: string,
  headers: Record<string, string> = {},
) {
  const request = createPipelineRequest({
    url: 'https://127.0.0.1/x',
    headers: createHttpHeaders({ authorization: 'Bearer secret-token' }),
  });
  return new RestError(message, {
    statusCode: status,
    code,
    request,
    response: { status, headers: createHttpHeaders(headers), request },
  });
}

void test('HTTP statuses map to kinds with Azure code, message, request id and Retry-After', () => {
  const e = toAzureRequestError(
    restError(403, 'AuthorizationFailed', 'The client does not have authorization', {
      'x-ms-request-id': 'rid-1',
      'retry-after': '7',
    }),
    'List workspaces in subscription "Contoso Dev"',
  );
  assert.equal(e.kind, 'forbidden');
  assert.equal(e.statusCode, 403);
  assert.equal(e.code, 'AuthorizationFailed');
  assert.equal(e.azureMessage, 'The client does not have authorization');
  assert.equal(e.requestId, 'rid-1');
  assert.equal(e.retryAfterSeconds, 7);
  assert.equal(
    e.message,
    'List workspaces in subscription "Contoso Dev" failed: AuthorizationFailed: The client does not have authorization',
  );
  assert.doesNotMatch(e.message, /secret-token/);

  const kinds: [number, string][] = [
    [400, 'badRequest'],
    [401, 'signIn'],
    [404, 'notFound'],
    [409, 'conflict'],
    [429, 'throttled'],
    [500, 'server'],
    [503, 'server'],
    [418, 'unknown'],
  ];
  for (const [status, kind] of kinds)
    assert.equal(toAzureRequestError(restError(status, 'C', 'm'), 'op').kind, kind, String(status));
});

void test('the innermost Logs API error text is kept (syntax errors live there)', () => {
  const e = restError(400, 'BadArgumentError', 'The request had some invalid properties');
  e.details = {
    error: {
      code: 'BadArgumentError',
      message: 'x',
      innererror: { code: 'SyntaxError', message: "Query could not be parsed at 'whre'" },
    },
  };
  const mapped = toAzureRequestError(e, 'Run the query');
  assert.equal(mapped.kind, 'badRequest');
  assert.match(mapped.azureMessage ?? '', /SyntaxError: Query could not be parsed at 'whre'/);
});

void test('core-lro failures, aborts, identity and socket errors get their own kinds', () => {
  const lro = toAzureRequestError(
    new Error('The long-running operation has failed. DeploymentFailed. Image pull failed for model:3.'),
    'op',
  );
  assert.equal(lro.kind, 'operationFailed');
  assert.equal(lro.code, 'DeploymentFailed');
  assert.equal(lro.azureMessage, 'Image pull failed for model:3.');

  const abort = new Error('aborted');
  abort.name = 'AbortError';
  assert.equal(toAzureRequestError(abort, 'op').kind, 'cancelled');

  const cred = new Error('Azure CLI could not be found');
  cred.name = 'CredentialUnavailableError';
  assert.equal(toAzureRequestError(cred, 'op').kind, 'signIn');

  const reset = new RestError('socket hang up', { code: 'ECONNRESET' });
  assert.equal(toAzureRequestError(reset, 'op').kind, 'network');
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  assert.equal(toAzureRequestError(refused, 'op').kind, 'network');
});

void test('callAzure renames an inner AzureRequestError to the caller operation and logs the request id', async () => {
  const lines: string[] = [];
  await assert.rejects(
    callAzure(
      'Read deployment "blue"',
      (_level, m) => lines.push(m),
      () =>
        Promise.reject(
          toAzureRequestError(
            restError(404, 'ResourceNotFound', 'gone', { 'x-ms-request-id': 'rid-9' }),
            'inner',
          ),
        ),
    ),
    (e: unknown) =>
      e instanceof AzureRequestError &&
      e.operation === 'Read deployment "blue"' &&
      e.kind === 'notFound' &&
      e.requestId === 'rid-9',
  );
  assert.equal(lines.length, 1);
  assert.match(
    lines[0] ?? '',
    /Read deployment "blue" failed \(notFound\) · HTTP 404 · ResourceNotFound · request id rid-9/,
  );
});

void test('error text a server wrote is short, one line, without markup or secrets (issue 17)', () => {
  const e = new AzureRequestError({
    operation: 'Read workspace "w"',
    kind: 'server',
    code: '<b>Bad</b> code\n',
    azureMessage: `<html><body><h1>Oops</h1><script>alert(1)</script>[click](command:workbench.action.reloadWindow) Authorization: Bearer abc.def-ghi\n${'x'.repeat(5000)}</body></html>`,
    requestId: 'id-1\n<script>',
    detail: 'y'.repeat(10_000) + ' password=hunter2',
  });
  assert.equal(e.code, 'bBad/bcode');
  assert.equal(e.requestId, 'id-1script');
  assert.ok((e.azureMessage ?? '').length <= MAX_SHOWN_ERROR_TEXT);
  assert.doesNotMatch(e.message, /<|\n|abc\.def|\]\(/);
  assert.match(e.azureMessage ?? '', /Oops/, 'an HTML page is named by its title or heading');
  assert.ok((e.detail ?? '').length < 4200);
  assert.match(e.detail ?? '', /more characters not logged/);

  const plain = new AzureRequestError({
    operation: 'op',
    kind: 'badRequest',
    azureMessage: 'See [the docs](https://evil.example) <img src=x onerror=alert(1)> token: s3cr3t',
  });
  assert.equal(plain.azureMessage, 'See [the docs] (https://evil.example) token: ***');
});

void test('a body that is not JSON is described, never pasted', () => {
  assert.match(
    describeUnreadableBody('<!doctype html><title>502 Bad Gateway</title>', 502),
    /web page.*502 Bad Gateway/,
  );
  assert.match(
    describeUnreadableBody('{"value": [{"id": "/subs', 200),
    /cut short or malformed \(24 characters\)/,
  );
  assert.match(describeUnreadableBody('', 200), /empty body/);
  assert.match(describeUnreadableBody('upstream connect error', 503), /not JSON.*upstream connect error/);
});
