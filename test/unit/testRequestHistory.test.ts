// The per-endpoint history of test requests and the Markdown cells of the answer document.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  keptSource,
  markdownCell,
  MAX_KEPT_BODY_CHARS,
  pushHistory,
  validEntries,
  type HistoryEntry,
} from '../../src/core/testRequestHistory';

const entry = (id: string, endpointId: string): HistoryEntry => ({
  id,
  endpointId,
  endpoint: { subscriptionId: 's', resourceGroup: 'rg', workspaceName: 'ws', endpointName: endpointId },
  source: { kind: 'file', uri: 'file:///a.json', label: 'a.json' },
  sentAt: '2026-11-29T10:00:00Z',
  clientRequestId: `c-${id}`,
});

void test('the newest entry comes first and each endpoint keeps at most max entries', () => {
  let list: HistoryEntry[] = [];
  for (let i = 0; i < 5; i++) list = pushHistory(list, entry(`a${i}`, 'a'), 3);
  list = pushHistory(list, entry('b0', 'b'), 3);
  assert.deepEqual(
    list.map((e) => e.id),
    ['b0', 'a4', 'a3', 'a2'],
  );
  // The same id again replaces the old entry instead of duplicating it.
  list = pushHistory(list, { ...entry('a3', 'a'), status: 200 }, 3);
  assert.deepEqual(
    list.map((e) => e.id),
    ['a3', 'b0', 'a4', 'a2'],
  );
});

void test('editor text is kept only while small', () => {
  const small = { kind: 'text' as const, label: 'x', text: '{}' };
  assert.deepEqual(keptSource(small), small);
  assert.deepEqual(keptSource({ kind: 'text', label: 'big', text: 'x'.repeat(MAX_KEPT_BODY_CHARS + 1) }), {
    kind: 'text',
    label: 'big',
  });
});

void test('stored entries of another shape are dropped', () => {
  assert.deepEqual(validEntries(undefined), []);
  assert.deepEqual(validEntries([{ id: 1 }, null, 'x', entry('ok', 'a')]), [entry('ok', 'a')]);
});

void test('a table cell cannot be broken out of by the data it shows', () => {
  assert.equal(markdownCell('a|b\nc'), 'a\\|b c');
  assert.equal(markdownCell('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert(1)>');
  assert.equal(markdownCell('`code`'), '\\`code\\`');
  assert.equal(markdownCell('back\\slash|'), 'back\\\\slash\\|');
});
