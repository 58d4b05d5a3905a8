// The tree's at-a-glance cache (src/tree/glance.ts) with a counting client: lazy, bounded, kept
// for its TTL, and a failure neither shows nor retries until the entry is stale.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricsRequest } from '../../src/azure/monitor';
import type { MetricsAnswer } from '../../src/core/metrics';
import { DeploymentGlances, GLANCE_CONCURRENCY, GLANCE_TTL_MS } from '../../src/tree/glance';

function answerOf(request: MetricsRequest): MetricsAnswer {
  const name = request.metricNames[0]!;
  const dimensions: Record<string, string> =
    name === 'RequestsPerMinute' ? { envoy_response_code: '200' } : {};
  return {
    metrics: [
      {
        name,
        unit: 'Count',
        series: [{ metric: name, unit: 'Count', dimensions, points: [{ time: 0, value: 40 }] }],
      },
    ],
  };
}

function harness(fail = false) {
  let clock = 1_000_000;
  let running = 0;
  let peak = 0;
  const asked: string[] = [];
  const arrived: string[] = [];
  const glances = new DeploymentGlances({
    getClient: () =>
      Promise.resolve({
        queryMetrics: async (id: string, request: MetricsRequest) => {
          asked.push(id);
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 1));
          running--;
          if (fail) throw new Error('403 Forbidden');
          return answerOf(request);
        },
      }),
    onDidArrive: (id) => arrived.push(id),
    log: () => undefined,
    now: () => clock,
  });
  return { glances, asked, arrived, peak: () => peak, advance: (ms: number) => (clock += ms) };
}

void test('figures are read on first sight, in the background, a few at a time, then kept', async () => {
  const h = harness();
  const ids = Array.from({ length: 6 }, (_, i) => `/d/${i}`);
  for (const id of ids) assert.equal(h.glances.peek(id), undefined);
  assert.equal(h.asked.length, 0, 'nothing is asked before the paint ends');
  await h.glances.idle();
  assert.equal(h.asked.length, 12, 'two requests per deployment');
  assert.ok(h.peak() <= GLANCE_CONCURRENCY * 2, `at most ${GLANCE_CONCURRENCY} deployments at once`);
  assert.deepEqual([...h.arrived].sort(), ids);
  assert.deepEqual(h.glances.peek('/D/0'), { p95Ms: 40, requestsPerMinute: 40, serverErrorShare: 0 });
  await h.glances.idle();
  assert.equal(h.asked.length, 12, 'kept: no second read');
  h.advance(GLANCE_TTL_MS + 1);
  assert.ok(h.glances.peek('/d/0'), 'stale figures stay while they are read again');
  await h.glances.idle();
  assert.equal(h.asked.length, 14);
});

void test('a failed read shows nothing, says nothing changed, and waits for the TTL to retry', async () => {
  const h = harness(true);
  assert.equal(h.glances.peek('/d/0'), undefined);
  await h.glances.idle();
  assert.equal(h.asked.length, 2);
  assert.deepEqual(h.arrived, []);
  assert.equal(h.glances.peek('/d/0'), undefined);
  await h.glances.idle();
  assert.equal(h.asked.length, 2, 'no retry storm');
  h.advance(GLANCE_TTL_MS + 1);
  h.glances.peek('/d/0');
  await h.glances.idle();
  assert.equal(h.asked.length, 4);
});
