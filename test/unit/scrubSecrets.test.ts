import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capLines, MAX_SCRUBBED_LINE, scrubSecrets } from '../../src/core/scrubSecrets';

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

void test('masks secrets in escaped JSON inside JSON (issue 17)', () => {
  assert.equal(
    scrubSecrets('{"body":"{\\"AccountKey\\":\\"abc+/def==\\",\\"name\\":\\"acct\\"}"}'),
    '{"body":"{\\"AccountKey\\":\\"***\\",\\"name\\":\\"acct\\"}"}',
  );
  assert.equal(
    scrubSecrets('payload="{\\"client_secret\\": \\"s3cr3t\\"}"'),
    'payload="{\\"client_secret\\": \\"***\\"}"',
  );
  // Escaped twice (JSON in JSON in JSON).
  assert.equal(
    scrubSecrets('{\\\\\\"password\\\\\\":\\\\\\"hunter2\\\\\\"}'),
    '{\\\\\\"password\\\\\\":\\\\\\"***\\\\\\"}',
  );
});

void test('masks URL-encoded connection strings (issue 17)', () => {
  assert.equal(
    scrubSecrets(
      'GET /x?conn=DefaultEndpointsProtocol%3Dhttps%3BAccountName%3Dacct%3BAccountKey%3Dabc%2B%2Fdef%3D%3D%3BEndpointSuffix%3Dcore.windows.net&x=1',
    ),
    'GET /x?conn=DefaultEndpointsProtocol%3Dhttps%3BAccountName%3Dacct%3BAccountKey%3D***%3BEndpointSuffix%3Dcore.windows.net&x=1',
  );
  assert.equal(scrubSecrets('conn=AccountKey%253Dabc%253B'), 'conn=AccountKey%253D***%253B');
  assert.equal(scrubSecrets('q=client_secret%3As3cr3t%26a=1'), 'q=client_secret%3A***%26a=1');
});

void test('masks a token a server echoes in an error body', () => {
  assert.equal(
    scrubSecrets('{"error":{"message":"bad header Authorization: Bearer amlmonitor-emulator-token"}}'),
    '{"error":{"message":"bad header Authorization: Bearer ***"}}',
  );
});

void test('masks JWTs inside runs of dots and dashes, and only them', () => {
  const jwt2 = 'eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.sig-nat_ure';
  assert.equal(scrubSecrets(`x-${jwt2}.json`), 'x-***.json');
  assert.equal(scrubSecrets(`a.${jwt2}`), 'a.***');
  assert.equal(scrubSecrets(`${jwt2} ${jwt2}`), '*** ***');
  assert.equal(scrubSecrets('keyeyJabcdefg.hijklmn.op'), 'keyeyJabcdefg.hijklmn.op', 'no word boundary');
  assert.equal(scrubSecrets('eyJab.cdefgh.ij'), 'eyJab.cdefgh.ij', 'header too short');
  assert.equal(scrubSecrets('eyJ-'.repeat(8)), 'eyJ-'.repeat(8));
});

void test('cuts a line longer than the cap and says how much was cut', () => {
  const long = 'x'.repeat(MAX_SCRUBBED_LINE + 1234);
  const out = scrubSecrets(`short\n${long}\r\nnext\n`);
  const lines = out.split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[0], 'short');
  assert.ok(lines[1]?.startsWith('x'.repeat(MAX_SCRUBBED_LINE)));
  assert.match(lines[1] ?? '', /line cut: 1234 more characters\]\r$/);
  assert.equal(lines[2], 'next');
  assert.equal(
    scrubSecrets('password=abcdefgh', { maxLineLength: 12, cutNote: (n) => ` <${n}>` }),
    'password=*** <5>',
  );
  // A surrogate pair is never split.
  assert.equal(
    capLines('ab😀cd', 3, (n) => `<${n}>`),
    'ab<4>',
  );
});
