import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scrubSecrets } from '../../src/core/scrubSecrets';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl';

void test('masks bearer tokens, JWTs and authorization headers', () => {
  assert.equal(scrubSecrets(`Authorization: Bearer ${jwt}`), 'Authorization: Bearer ***');
  assert.equal(
    scrubSecrets(`headers={'authorization': 'Bearer abc.def-ghi'}`),
    `headers={'authorization': 'Bearer ***'}`,
  );
  assert.equal(scrubSecrets(`token ${jwt} expired`), 'token *** expired');
  assert.equal(scrubSecrets('sent Bearer amlmonitor-emulator-token'), 'sent Bearer ***');
  assert.equal(scrubSecrets('Authorization: Basic dXNlcjpwYXNz'), 'Authorization: Basic ***');
});

void test('masks keys in connection strings, SAS URLs and headers', () => {
  assert.equal(
    scrubSecrets(
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=abc+/def==;EndpointSuffix=core.windows.net',
    ),
    'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=***;EndpointSuffix=core.windows.net',
  );
  assert.equal(
    scrubSecrets(
      'GET https://acct.blob.core.windows.net/c/model.pkl?sv=2022-11-02&se=2026-11-24&sig=AbC%2Bdef%3D&sp=r',
    ),
    'GET https://acct.blob.core.windows.net/c/model.pkl?sv=2022-11-02&se=2026-11-24&sig=***&sp=r',
  );
  assert.equal(scrubSecrets('api-key: 0123456789abcdef'), 'api-key: ***');
  assert.equal(
    scrubSecrets('{"primaryKey": "k1", "secondaryKey":"k2"}'),
    '{"primaryKey": "***", "secondaryKey":"***"}',
  );
  assert.equal(
    scrubSecrets('Endpoint=sb://x/;SharedAccessKeyName=root;SharedAccessKey=zzz'),
    'Endpoint=sb://x/;SharedAccessKeyName=root;SharedAccessKey=***',
  );
  assert.equal(
    scrubSecrets('client_secret=s3cr3t&grant_type=client_credentials'),
    'client_secret=***&grant_type=client_credentials',
  );
  assert.equal(scrubSecrets('password=hunter2 user=bob'), 'password=*** user=bob');
});

void test('leaves ordinary log lines alone', () => {
  for (const line of [
    '2026-11-23 22:00:00,000 I [12] azmlinfsrv - POST /score 200 12.3ms',
    'tokens generated: 42',
    'Scoring timeout is set to 60000',
    'keyboard layout us',
    '',
  ]) {
    assert.equal(scrubSecrets(line), line);
  }
});

void test('never reaches across a line end', () => {
  assert.equal(scrubSecrets('password:\nnext line\n'), 'password:\nnext line\n');
  assert.equal(scrubSecrets('a Bearer\nxyz\n'), 'a Bearer\nxyz\n');
});
