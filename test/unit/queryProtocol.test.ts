// The query panel's message validation: what the webview sends (untrusted) and the state it saves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_QUERY_LENGTH,
  parseBinding,
  parseFromWebview,
  parsePanelState,
  parseTimeRange,
} from '../../src/query/protocol';

const binding = {
  componentId: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Insights/components/ai',
  componentName: 'ai',
  scopeLabel: 'ep/blue',
  scope: { kind: 'deployment', endpointName: 'ep', deploymentName: 'blue' },
  logAnalyticsId: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/la',
};

void describe('parseFromWebview', () => {
  void it('accepts the well-formed messages', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromWebview({ type: 'cancel', extra: 1 }), { type: 'cancel' });
    assert.deepEqual(
      parseFromWebview({
        type: 'run',
        query: 'traces',
        source: 'logAnalytics',
        timeRange: { kind: 'preset', duration: 'PT1H' },
        x: 'dropped',
      }),
      {
        type: 'run',
        query: 'traces',
        source: 'logAnalytics',
        timeRange: { kind: 'preset', duration: 'PT1H' },
      },
    );
    assert.deepEqual(
      parseFromWebview({
        type: 'openInPortal',
        query: 'q',
        source: 'appInsights',
        timeRange: { kind: 'custom', start: '2026-11-23T10:00:00.000Z', end: '2026-11-23T11:00:00Z' },
      }),
      {
        type: 'openInPortal',
        query: 'q',
        source: 'appInsights',
        timeRange: { kind: 'custom', start: '2026-11-23T10:00:00.000Z', end: '2026-11-23T11:00:00Z' },
      },
    );
    assert.deepEqual(parseFromWebview({ type: 'copy', text: '<b>x</b>' }), {
      type: 'copy',
      text: '<b>x</b>',
    });
    assert.deepEqual(parseFromWebview({ type: 'export', format: 'csv', rows: [3, 1] }), {
      type: 'export',
      format: 'csv',
      rows: [3, 1],
    });
    assert.deepEqual(parseFromWebview({ type: 'export', format: 'json' }), {
      type: 'export',
      format: 'json',
    });
  });

  void it('rejects anything else', () => {
    const bad: unknown[] = [
      null,
      'ready',
      [],
      { type: 'eval', code: 'x' },
      { type: 'run', query: 1, source: 'appInsights', timeRange: { kind: 'preset', duration: 'PT1H' } },
      { type: 'run', query: 'q', source: 'somewhere', timeRange: { kind: 'preset', duration: 'PT1H' } },
      { type: 'run', query: 'q', source: 'appInsights', timeRange: { kind: 'preset', duration: 'P99D' } },
      {
        type: 'run',
        query: 'q',
        source: 'appInsights',
        timeRange: { kind: 'custom', start: 'yesterday', end: 'now' },
      },
      {
        type: 'run',
        query: 'x'.repeat(MAX_QUERY_LENGTH + 1),
        source: 'appInsights',
        timeRange: { kind: 'preset', duration: 'PT1H' },
      },
      { type: 'copy', text: 5 },
      { type: 'export', format: 'xlsx' },
      { type: 'export', format: 'csv', rows: [-1] },
      { type: 'export', format: 'csv', rows: [1.5] },
      { type: 'export', format: 'csv', rows: 'all' },
    ];
    for (const msg of bad) assert.equal(parseFromWebview(msg), undefined, JSON.stringify(msg)?.slice(0, 80));
  });
});

void describe('parsePanelState', () => {
  const state = {
    binding,
    query: 'traces | take 1',
    source: 'logAnalytics',
    timeRange: { kind: 'preset', duration: 'P7D' },
    scrollTop: 1234,
    sort: { column: 'timestamp', descending: true },
    filter: 'err',
  };

  void it('restores a saved state', () => {
    assert.deepEqual(parsePanelState(state), state);
    const { sort: _sort, ...unsorted } = state;
    assert.deepEqual(parsePanelState({ ...state, scrollTop: -5, sort: { column: 1 } }), {
      ...unsorted,
      scrollTop: 0,
    });
  });

  void it('refuses a damaged state or a binding to something that is not an App Insights component', () => {
    assert.equal(parsePanelState(undefined), undefined);
    assert.equal(parsePanelState({ ...state, timeRange: { kind: 'preset', duration: 'PT5M' } }), undefined);
    assert.equal(parseBinding({ ...binding, componentId: 'https://evil.example/x' }), undefined);
    assert.equal(parseBinding({ ...binding, scope: { kind: 'deployment', endpointName: 'ep' } }), undefined);
    const noLa = parseBinding({
      ...binding,
      logAnalyticsId: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x',
    });
    assert.ok(noLa);
    assert.equal(noLa.logAnalyticsId, undefined);
  });

  void it('reads time ranges', () => {
    assert.deepEqual(parseTimeRange({ kind: 'preset', duration: 'PT30M' }), {
      kind: 'preset',
      duration: 'PT30M',
    });
    assert.equal(
      parseTimeRange({ kind: 'custom', start: '2026-13-45T99:99Z', end: '2026-11-23T10:00Z' }),
      undefined,
    );
  });
});
