// Property tests of the scrubber over generated lines: planted secrets in every shape it must
// catch (headers, JSON, escaped JSON-in-JSON, connection strings plain and URL-encoded, SAS
// signatures, JWTs) mixed with noise that looks like them (eyJ- runs, percent escapes,
// backslashes, quotes, over-long lines). Seeded, so a failure names the seed that reproduces it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SCRUBBED_LINE, scrubSecrets } from '../../src/core/scrubSecrets';
import { seededDraws } from '../emulator/random';

const rng = seededDraws;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

type Shape = (secret: string, urlSafe: string) => string;
/** Every shape puts the whole secret in the line; the scrubber must leave none of it whole. */
const SHAPES: Shape[] = [
  (s) => `Authorization: Bearer ${s}`,
  (s) => `headers={'authorization': 'Bearer ${s}'}`,
  (s) => `"AccountKey":"${s}"`,
  (s) => `{\\"AccountKey\\":\\"${s}\\",\\"x\\":1}`,
  (s) => `{\\"client_secret\\": \\"${s}\\"}`,
  (s) => `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${s};EndpointSuffix=core.windows.net`,
  (s) => `conn=DefaultEndpointsProtocol%3Dhttps%3BAccountKey%3D${encodeURIComponent(s)}%3BEndpointSuffix%3Dx`,
  (s) => `https://a.blob.core.windows.net/c?sv=2022&sig=${encodeURIComponent(s)}&sp=r`,
  (s) => `client_secret=${s}&grant_type=client_credentials`,
  (_s, u) => `token eyJhbGciOiJSUzI1NiJ9.${u}.${u.split('').reverse().join('')} expired`,
  (_s, u) => `x-eyJhbGciOiJSUzI1NiJ9.${u}.sig.json`,
  (s) => `password: ${s}`,
  (s) => `echo: "x-api-key: ${s}"`,
];

const NOISE: ((r: ReturnType<typeof rng>) => string)[] = [
  () => '2026-11-23 22:00:00,000 I [12] azmlinfsrv - POST /score 200 12.3ms',
  () => 'tokens generated: 42',
  (r) => 'eyJ-'.repeat(r.int(1, 50)),
  (r) => '%3B%26%3D'.repeat(r.int(1, 20)),
  (r) => '\\\\"'.repeat(r.int(1, 20)),
  (r) => 'Bearer'.padEnd(r.int(6, 40), ' '),
  (r) => 'eyJabcd.'.repeat(r.int(1, 30)),
  (r) => 'x'.repeat(r.int(0, 300)),
  () => '{"input": [1, 2, 3], "output": {"label": "ok"}}',
];
const JOINERS = [' ', '\t', '; ', ' & ', ', ', ' | '];

function randomSecret(r: ReturnType<typeof rng>, alphabet: string): string {
  let s = '';
  for (let i = r.int(16, 40); i > 0; i--) s += alphabet[r.int(0, alphabet.length - 1)];
  return s;
}

function generate(seed: number, maxLine: number) {
  const r = rng(seed);
  const secrets: string[] = [];
  const lines: string[] = [];
  for (let l = r.int(1, 12); l > 0; l--) {
    const parts: string[] = [];
    for (let p = r.int(1, 6); p > 0; p--) {
      if (r.chance(0.4)) {
        const secret = randomSecret(r, BASE64);
        const urlSafe = randomSecret(r, BASE64URL);
        const shape = r.pick(SHAPES);
        const text = shape(secret, urlSafe);
        secrets.push(
          ...[secret, urlSafe].filter((x) => text.includes(x) || text.includes(encodeURIComponent(x))),
        );
        parts.push(text);
      } else parts.push(r.pick(NOISE)(r));
    }
    let line = parts.join(r.pick(JOINERS));
    if (r.chance(0.05)) line += ' ' + 'eyJ-'.repeat(Math.ceil(maxLine / 4) + r.int(1, 100));
    lines.push(line);
  }
  return { text: lines.join(r.chance(0.3) ? '\r\n' : '\n') + (r.chance(0.5) ? '\n' : ''), secrets };
}

void describe('scrubSecrets over generated lines', () => {
  const SEEDS = 400;

  void it('leaves no planted secret whole, in any shape (uncapped and capped)', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { text, secrets } = generate(seed, 2000);
      for (const maxLineLength of [Infinity, 2000]) {
        const out = scrubSecrets(text, { maxLineLength });
        for (const secret of secrets) {
          assert.ok(!out.includes(secret), `seed ${seed}: ${secret} survived in ${out.slice(0, 4000)}`);
          assert.ok(
            !out.includes(encodeURIComponent(secret)),
            `seed ${seed}: encoded ${secret} survived in ${out.slice(0, 400)}`,
          );
        }
      }
    }
  });

  void it('keeps every line: same line ends, in order', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { text } = generate(seed, MAX_SCRUBBED_LINE);
      const out = scrubSecrets(text, { maxLineLength: 2000 });
      const ends = (s: string) => s.replace(/[^\n\r]/g, '');
      assert.equal(ends(out), ends(text), `seed ${seed}`);
    }
  });

  void it('cuts no line below the cap, and every cut line says so', () => {
    const note = (n: number) => ` [cut ${n}]`;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { text } = generate(seed, 2000);
      const out = scrubSecrets(text, { maxLineLength: 2000, cutNote: note }).split('\n');
      text.split('\n').forEach((line, i) => {
        const content = line.replace(/\r$/, '');
        const got = out[i] ?? '';
        if (content.length > 2000) {
          assert.ok(got.replace(/\r$/, '').endsWith(note(content.length - 2000)), `seed ${seed} line ${i}`);
          assert.ok(got.length <= 2000 + note(content.length).length + 1, `seed ${seed} line ${i}`);
        } else {
          assert.ok(!got.includes('[cut '), `seed ${seed} line ${i} was cut at ${content.length}`);
        }
      });
    }
  });

  void it('is idempotent: scrubbing scrubbed text changes nothing', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { text } = generate(seed, 2000);
      const once = scrubSecrets(text, { maxLineLength: Infinity });
      assert.equal(scrubSecrets(once, { maxLineLength: Infinity }), once, `seed ${seed}`);
    }
  });
});
