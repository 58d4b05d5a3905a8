// The query panel's time range inputs (src/webview/timeRange.ts): local datetime-local values to
// ISO instants and back, presets, and a custom range that must run forward to be run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  customRange,
  fromLocalInput,
  initialCustomInputs,
  presetOf,
  toLocalInput,
} from '../../src/webview/timeRange';

void test('a datetime-local value round-trips through ISO to the minute', () => {
  const local = '2026-03-29T02:30';
  const iso = fromLocalInput(local);
  assert.ok(iso);
  assert.equal(toLocalInput(iso), toLocalInput(new Date(local).toISOString()));
  assert.equal(toLocalInput('not a date'), '');
  assert.equal(fromLocalInput(''), undefined);
  assert.equal(fromLocalInput('2026-13-45T99:99'), undefined);
});

void test('an unknown or custom range value falls back to the 24-hour preset', () => {
  assert.equal(presetOf('PT1H'), 'PT1H');
  assert.equal(presetOf('custom'), 'PT24H');
  assert.equal(presetOf('P99D'), 'PT24H');
});

void test('a run needs start before end; saving keeps what was typed', () => {
  assert.deepEqual(customRange('2026-01-01T10:00', '2026-01-01T11:00'), {
    kind: 'custom',
    start: new Date('2026-01-01T10:00').toISOString(),
    end: new Date('2026-01-01T11:00').toISOString(),
  });
  assert.equal(customRange('2026-01-01T11:00', '2026-01-01T10:00'), undefined);
  assert.equal(customRange('2026-01-01T10:00', '2026-01-01T10:00'), undefined);
  assert.equal(customRange('', '2026-01-01T10:00'), undefined);
  assert.equal(customRange('2026-01-01T11:00', '2026-01-01T10:00', false)?.kind, 'custom');
});

void test('a new custom range starts as the last hour', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const { start, end } = initialCustomInputs(now);
  assert.equal(Date.parse(fromLocalInput(end)!) - Date.parse(fromLocalInput(start)!), 3600_000);
});
