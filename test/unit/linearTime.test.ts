// Every regular expression and text scan that runs on Azure-supplied text (log lines, error bodies,
// query cells) is timed here on adversarial inputs at sizes n and 4n, and fails when the cost grows
// clearly faster than linear (see test/support/linearTime.ts for why this cannot flake). A new
// pattern on Azure text gets a row here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeUnreadableBody, loggedBody, shownErrorText, stripTags } from '../../src/azure/errorText';
import { toAzureRequestError } from '../../src/azure/errorMapping';
import { isoDurationMs } from '../../src/azure/operationDeadline';
import { errorPosition } from '../../src/core/kql';
import { scrubSecrets } from '../../src/core/scrubSecrets';
import { confirmedGrowth, SUPERLINEAR_RATIO } from '../support/linearTime';

interface Row {
  /** What runs, on which text. */
  name: string;
  run: (input: string) => unknown;
  /** The adversarial input of size ~n units. */
  make: (n: number) => string;
}

// The scrubber is timed without its line cap: the cap is a second defence, not the reason it is fast.
const uncapped = (text: string) => scrubSecrets(text, { maxLineLength: Infinity });

export const linearTimeRows: Row[] = [
  // x-ms-async-operation-timeout (capped before the pattern runs).
  { name: 'isoDurationMs: long digit runs', run: isoDurationMs, make: (n) => 'P1DT' + '1'.repeat(n) + '.' },
  // Issue 17: a 64 KB line of this froze the extension host for 4.9 s.
  {
    name: 'scrubSecrets: eyJ- repeated (JWT starts everywhere)',
    run: uncapped,
    make: (n) => 'eyJ-'.repeat(n),
  },
  { name: 'scrubSecrets: eyJ headers without payload', run: uncapped, make: (n) => 'eyJabcd.'.repeat(n) },
  { name: 'scrubSecrets: JWT-like runs', run: uncapped, make: (n) => 'eyJabcd.efgh.'.repeat(n) },
  { name: 'scrubSecrets: one long base64url run', run: uncapped, make: (n) => 'eyJ' + 'A'.repeat(4 * n) },
  { name: 'scrubSecrets: bearer without token', run: uncapped, make: (n) => 'Bearer  \t '.repeat(n) },
  { name: 'scrubSecrets: key names without values', run: uncapped, make: (n) => 'token \t '.repeat(n) },
  {
    name: 'scrubSecrets: key names with backslashes',
    run: uncapped,
    make: (n) => 'password\\\\\\\\\\"'.repeat(n),
  },
  { name: 'scrubSecrets: percent escapes before names', run: uncapped, make: (n) => '%3Bsig%3'.repeat(n) },
  { name: 'scrubSecrets: URL-encoded values', run: uncapped, make: (n) => 'AccountKey%3D' + '%2B'.repeat(n) },
  {
    name: 'scrubSecrets: escaped JSON keys',
    run: uncapped,
    make: (n) => '{\\"client_secret\\":\\"x\\"}'.repeat(n),
  },
  {
    name: 'scrubSecrets: ordinary log lines',
    run: scrubSecrets,
    make: (n) => '2026-11-23 22:00:00,000 I [12] azmlinfsrv - POST /score 200 12.3ms\n'.repeat(n),
  },
  {
    name: 'scrubSecrets with its cap: one huge line',
    run: scrubSecrets,
    make: (n) => 'eyJ-'.repeat(n) + '\n',
  },
  // Error bodies: shown text (capped at 64 KB before any scan, so sizes stay below that here).
  {
    name: 'shownErrorText: unclosed tags',
    run: (s) => shownErrorText(s),
    make: (n) => '<a'.repeat(Math.min(n, 8000)),
  },
  {
    name: 'shownErrorText: tags',
    run: (s) => shownErrorText(s),
    make: (n) => '<b>x</b>&amp;'.repeat(Math.min(n, 4000)),
  },
  {
    name: 'shownErrorText: markdown links',
    run: (s) => shownErrorText(s),
    make: (n) => '[a](b)'.repeat(Math.min(n, 8000)),
  },
  {
    name: 'shownErrorText: whitespace runs',
    run: (s) => shownErrorText(s),
    make: (n) => ' \t\n'.repeat(Math.min(n, 16000)) + 'x',
  },
  { name: 'stripTags: < without >', run: stripTags, make: (n) => '<x'.repeat(n) },
  { name: 'stripTags: many tags', run: stripTags, make: (n) => '<p>a</p>'.repeat(n) },
  {
    name: 'describeUnreadableBody: HTML without a closing title',
    run: (s) => describeUnreadableBody(s, 502),
    make: (n) => '<html><title>' + 'x'.repeat(Math.min(4 * n, 60000)),
  },
  { name: 'loggedBody: long body', run: loggedBody, make: (n) => 'eyJ-'.repeat(n) },
  {
    name: 'toAzureRequestError: long-running failure message',
    run: (m) => toAzureRequestError(new Error(m), 'op'),
    make: (n) => 'The long-running operation has failed. X. ' + '. '.repeat(n),
  },
  {
    name: 'errorPosition: KQL error text',
    run: errorPosition,
    make: (n) => 'line [ 1 '.repeat(n) + 'line:  1 ,'.repeat(n),
  },
];

void describe('linear-time text handling on Azure-supplied text', () => {
  const table: string[] = [];
  for (const row of linearTimeRows) {
    void it(row.name, () => {
      const m = confirmedGrowth(row.run, row.make);
      table.push(
        `${row.name.padEnd(60)} n=${String(m.n).padStart(7)} ${m.small.toFixed(2).padStart(8)} ms -> ${m.large.toFixed(2).padStart(8)} ms  x${m.ratio.toFixed(1)}`,
      );
      assert.ok(
        m.ratio <= SUPERLINEAR_RATIO,
        `${row.name}: 4x the input took ${m.ratio.toFixed(1)}x the time (${m.small.toFixed(2)} ms -> ${m.large.toFixed(2)} ms at n=${m.n}); linear is about 4`,
      );
    });
  }
  void it('prints the growth table', () => {
    console.log(`growth from n to 4n (linear ~4, limit ${SUPERLINEAR_RATIO}):\n${table.join('\n')}`);
  });
});
