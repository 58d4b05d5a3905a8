// x-ms-async-operation-timeout (an ISO 8601 duration in the ML specs) read into the limit the
// client follows an operation for; the default when Azure states none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_OPERATION_TIMEOUT_MS,
  deadlineSignal,
  formatLimit,
  isoDurationMs,
  operationTimedOut,
  operationTimeLimit,
} from '../../src/azure/operationDeadline';

void test('ISO 8601 durations of days, hours, minutes, seconds and weeks', () => {
  assert.equal(isoDurationMs('PT1H'), 3_600_000);
  assert.equal(isoDurationMs('PT30M'), 1_800_000);
  assert.equal(isoDurationMs('PT1S'), 1000);
  assert.equal(isoDurationMs('PT0.5S'), 500);
  assert.equal(isoDurationMs('P1DT2H'), 26 * 3_600_000);
  assert.equal(isoDurationMs('P2W'), 14 * 24 * 3_600_000);
  assert.equal(isoDurationMs(' pt1h30m '), 5_400_000, 'case and surrounding spaces are tolerated');
});

void test('what is not such a duration is no limit (the default applies)', () => {
  for (const bad of [
    undefined,
    '',
    'P',
    'PT',
    'P1Y',
    'P1M',
    '3600',
    'PT-1S',
    'PT0S',
    '1H',
    'PT1H '.repeat(20),
  ])
    assert.equal(isoDurationMs(bad), undefined, String(bad));
});

void test('the limit: Azure stated it, or the default (not stated)', () => {
  assert.deepEqual(operationTimeLimit('PT2M'), { ms: 120_000, stated: true, header: 'PT2M' });
  assert.deepEqual(operationTimeLimit(undefined), { ms: DEFAULT_OPERATION_TIMEOUT_MS, stated: false });
  assert.deepEqual(operationTimeLimit('soon'), { ms: DEFAULT_OPERATION_TIMEOUT_MS, stated: false });
  assert.equal(formatLimit(5_400_000), '1 h 30 min');
  assert.equal(formatLimit(1000), '1 s');
});

void test('the message names the time and where it came from', () => {
  const stated = operationTimedOut(operationTimeLimit('PT1H'));
  assert.equal(stated.kind, 'timedOut');
  assert.match(
    stated.message,
    /Still running after 1 h, the time Azure stated for it \(PT1H in x-ms-async-operation-timeout\)/,
  );
  const inferred = operationTimedOut(operationTimeLimit(undefined));
  assert.match(inferred.message, /Azure stated no time for it/);
});

void test('the deadline signal: expired only when the time ran out, not when the caller aborted', async () => {
  const outer = new AbortController();
  const d = deadlineSignal({ ms: 60_000, stated: true }, outer.signal);
  outer.abort();
  assert.equal(d.signal.aborted, true);
  assert.equal(d.expired(), false);
  d.dispose();
  const short = deadlineSignal({ ms: 1, stated: true }, undefined);
  await new Promise((r) => short.signal.addEventListener('abort', r, { once: true }));
  assert.equal(short.expired(), true);
  short.dispose();
});
