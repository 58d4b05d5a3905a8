// Request building and answer interpretation of test requests (src/core/scoring.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkScoringUri,
  fenceFor,
  interpretAnswer,
  percentile,
  sameScoringHost,
  scoringRequestHeaders,
  toClientRequestId,
  viewBody,
} from '../../src/core/scoring';

void test('a key or token only goes to an HTTPS scoring URI without user info', () => {
  assert.equal(checkScoringUri('https://ep.westeurope.inference.ml.azure.com/score').ok, true);
  assert.deepEqual(checkScoringUri(undefined), { ok: false, problem: 'missing' });
  assert.deepEqual(checkScoringUri('  '), { ok: false, problem: 'missing' });
  assert.deepEqual(checkScoringUri('not a url'), { ok: false, problem: 'invalid' });
  assert.deepEqual(checkScoringUri('http://10.0.0.4/api/v1/endpoint/x/score'), {
    ok: false,
    problem: 'insecure',
  });
  assert.deepEqual(checkScoringUri('https://a:b@ep.inference.ml.azure.com/score'), {
    ok: false,
    problem: 'credentials',
  });
});

void test('same scoring host means same scheme, host and port', () => {
  const uri = 'https://ep.westeurope.inference.ml.azure.com/score';
  assert.ok(sameScoringHost(uri, 'https://EP.westeurope.inference.ml.azure.com/other'));
  assert.ok(!sameScoringHost(uri, 'https://evil.example/score'));
  assert.ok(!sameScoringHost(uri, 'http://ep.westeurope.inference.ml.azure.com/score'));
  assert.ok(!sameScoringHost(uri, 'https://ep.westeurope.inference.ml.azure.com:8443/score'));
  assert.ok(!sameScoringHost(uri, 'https://ep.westeurope.inference.ml.azure.com.evil.example/score'));
  assert.ok(!sameScoringHost(uri, 'garbage'));
});

void test('client request ids keep only what Azure ML keeps: [A-Za-z0-9_-], 40 characters', () => {
  assert.equal(toClientRequestId('a b/c_d-e'), 'abc_d-e');
  assert.equal(toClientRequestId('x'.repeat(50)).length, 40);
  const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
  assert.equal(toClientRequestId(uuid), uuid);
});

void test('request headers: bearer auth, JSON, the client id, the pin only when given', () => {
  const h = scoringRequestHeaders({ authorization: 'Bearer k', clientRequestId: 'id-1' });
  assert.equal(h.authorization, 'Bearer k');
  assert.equal(h['content-type'], 'application/json');
  assert.equal(h['x-ms-client-request-id'], 'id-1');
  assert.ok(!('azureml-model-deployment' in h));
  const pinned = scoringRequestHeaders({
    authorization: 'Bearer k',
    clientRequestId: 'id 2',
    deployment: ' green ',
    contentLength: 12,
  });
  assert.equal(pinned['azureml-model-deployment'], 'green');
  assert.equal(pinned['x-ms-client-request-id'], 'id2');
  assert.equal(pinned['content-length'], '12');
  assert.ok(
    !(
      'azureml-model-deployment' in
      scoringRequestHeaders({ authorization: '', clientRequestId: '', deployment: ' ' })
    ),
  );
});

void test('answer headers: ids, the serving deployment, the model error behind a 424, in display order', () => {
  const facts = interpretAnswer({
    'Content-Type': 'application/json',
    'X-Request-Id': 'r-1',
    'x-ms-client-request-id': 'c-1',
    'azureml-model-deployment': 'blue',
    'ms-azureml-model-error-statuscode': '500',
    'ms-azureml-model-error-reason': 'model_error',
    'x-ms-run-fn-exec-ms': '12.500',
    'set-cookie': 'ignored',
  });
  assert.equal(facts.requestId, 'r-1');
  assert.equal(facts.clientRequestId, 'c-1');
  assert.equal(facts.servedBy, 'blue');
  assert.deepEqual(facts.modelError, { statusCode: 500, reason: 'model_error' });
  assert.equal(facts.runMs, 12.5);
  assert.deepEqual(
    facts.notable.map((n) => n.name),
    [
      'x-request-id',
      'x-ms-client-request-id',
      'azureml-model-deployment',
      'ms-azureml-model-error-statuscode',
      'ms-azureml-model-error-reason',
      'x-ms-run-fn-exec-ms',
      'content-type',
    ],
  );
  const plain = interpretAnswer({ 'retry-after': 'soon', 'x-request-id': '  ' });
  assert.equal(plain.modelError, undefined);
  assert.equal(plain.retryAfterSeconds, undefined);
  assert.equal(plain.requestId, undefined);
});

void test('bodies: pretty JSON, text, binary, cut bodies stay text', () => {
  const enc = new TextEncoder();
  assert.deepEqual(viewBody(enc.encode('[1,2]'), 'application/json', true), {
    kind: 'json',
    text: '[\n  1,\n  2\n]',
  });
  assert.deepEqual(viewBody(enc.encode('{"a":1}'), undefined, true), {
    kind: 'json',
    text: '{\n  "a": 1\n}',
  });
  assert.deepEqual(viewBody(enc.encode('Healthy'), 'text/plain', true), { kind: 'text', text: 'Healthy' });
  assert.deepEqual(viewBody(enc.encode('{"a": nope'), 'application/json', true), {
    kind: 'text',
    text: '{"a": nope',
  });
  assert.deepEqual(viewBody(new Uint8Array([0, 1, 2, 255]), undefined, true), { kind: 'binary', bytes: 4 });
  assert.deepEqual(viewBody(new Uint8Array(), undefined, true), { kind: 'empty' });
  // Cut in the middle of "é" (0xC3 0xA9): not an error, the half character is dropped.
  const cut = enc.encode('{"name": "é').subarray(0, -1);
  assert.deepEqual(viewBody(cut, 'application/json', false), { kind: 'text', text: '{"name": "' });
});

void test('a fence is longer than any backtick run of the body', () => {
  assert.equal(fenceFor('plain'), '```');
  assert.equal(fenceFor('a ```` b'), '`````');
});

void test('nearest-rank percentiles', () => {
  const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(v, 50), 5);
  assert.equal(percentile(v, 95), 10);
  assert.equal(percentile(v, 99), 10);
  assert.equal(percentile([7], 50), 7);
  assert.equal(percentile([], 50), undefined);
});
