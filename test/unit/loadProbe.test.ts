// The load probe's pure parts: input limits, the documented limit, the run's in-flight bookkeeping,
// the statistics and the report's verdict on where 429s began.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  documentedLimit,
  parseProbeNumber,
  renderProbeReport,
  runProbe,
  summarizeProbe,
  type ProbeSample,
} from '../../src/core/loadProbe';

void describe('load probe inputs', () => {
  void it('accepts whole numbers within 1..max and says what is wrong otherwise', () => {
    assert.deepEqual(parseProbeNumber(' 20 ', 1000), { ok: true, value: 20 });
    assert.deepEqual(parseProbeNumber('1000', 1000), { ok: true, value: 1000 });
    for (const bad of ['', '0', '1001', '2.5', '-3', 'ten', '1e3']) {
      const r = parseProbeNumber(bad, 1000);
      assert.equal(r.ok, false, bad);
      if (!r.ok) assert.equal(r.message, 'Enter a whole number from 1 to 1000.');
    }
  });

  void it('the documented limit is 2 × max concurrent per instance × instances, unknown when either is', () => {
    assert.equal(documentedLimit(1, 1), 2);
    assert.equal(documentedLimit(4, 3), 24);
    assert.equal(documentedLimit(undefined, 3), undefined);
    assert.equal(documentedLimit(2, undefined), undefined);
    assert.equal(documentedLimit(0, 3), undefined);
    assert.equal(documentedLimit(1.5, 3), undefined);
  });
});

/** A send whose answers the test releases one by one. */
function controlledSend() {
  const pending: { index: number; resolve: (status: number) => void; reject: (e: Error) => void }[] = [];
  let active = 0;
  let mostActive = 0;
  const send = (index: number) =>
    new Promise<number>((resolve, reject) => {
      active++;
      mostActive = Math.max(mostActive, active);
      pending.push({
        index,
        resolve: (s) => {
          active--;
          resolve(s);
        },
        reject: (e) => {
          active--;
          reject(e);
        },
      });
    });
  const tick = () => new Promise((r) => setImmediate(r));
  return { send, pending, tick, mostActive: () => mostActive };
}

void describe('runProbe', () => {
  void it('keeps at most C in flight, sends N, and records the most in flight during each request', async () => {
    const c = controlledSend();
    let clock = 0;
    const run = runProbe(c.send, { requests: 5, concurrency: 3, now: () => clock });
    await c.tick();
    assert.equal(c.pending.length, 3);
    clock = 10;
    c.pending.shift()!.resolve(200); // #0 saw 3 in flight
    await c.tick();
    assert.equal(c.pending.length, 3); // #3 started
    c.pending.shift()!.resolve(429); // #1 saw 3 (itself, #2 and #3 or #0)
    await c.tick();
    clock = 30;
    while (c.pending.length) {
      c.pending.shift()!.reject(new Error('socket hang up'));
      await c.tick();
    }
    const samples = await run;
    assert.equal(samples.length, 5);
    assert.equal(c.mostActive(), 3);
    assert.deepEqual(
      samples.map((s) => s.status),
      [200, 429, undefined, undefined, undefined],
    );
    assert.ok(samples.every((s) => s.peakInFlight <= 3 && s.peakInFlight >= 1));
    assert.equal(samples[0]?.peakInFlight, 3);
    assert.equal(samples[0]?.latencyMs, 10);
    assert.equal(samples[4]?.failure, 'socket hang up');
  });

  void it('starts nothing once aborted, and drops the requests the abort itself ended', async () => {
    const c = controlledSend();
    const abort = new AbortController();
    const run = runProbe(c.send, { requests: 10, concurrency: 2, abortSignal: abort.signal });
    await c.tick();
    c.pending.shift()!.resolve(200);
    await c.tick();
    abort.abort();
    while (c.pending.length) {
      c.pending.shift()!.reject(new Error('aborted'));
      await c.tick();
    }
    const samples = await run;
    assert.deepEqual(
      samples.map((s) => s.status),
      [200],
    );
  });
});

const sample = (status: number | undefined, latencyMs: number, peakInFlight: number): ProbeSample => ({
  ...(status !== undefined ? { status } : {}),
  latencyMs,
  peakInFlight,
});

void describe('summarizeProbe and the report', () => {
  void it('nearest-rank percentiles of all answers and of the 2xx ones, and status counts', () => {
    const samples = [
      ...Array.from({ length: 98 }, (_, i) => sample(200, i + 1, 1)),
      sample(503, 500, 1),
      sample(undefined, 900, 1),
    ];
    const s = summarizeProbe(samples, 2);
    assert.equal(s.sent, 100);
    assert.equal(s.answered, 99);
    assert.equal(s.failed, 1);
    assert.deepEqual(s.statusCounts, [
      [200, 98],
      [503, 1],
    ]);
    assert.deepEqual(s.success, { count: 98, p50: 49, p95: 94, p99: 98 });
    assert.deepEqual(s.all, { count: 99, p50: 50, p95: 95, p99: 500 });
    assert.equal(s.verdict, 'no429');
    assert.equal(s.mostInFlightWithout429, 1);
  });

  void it('429s that came with more in flight than the limit are as documented, and the report says so', () => {
    const s = summarizeProbe([sample(200, 10, 2), sample(429, 2, 4), sample(429, 3, 3)], 2);
    assert.equal(s.first429InFlight, 3);
    assert.equal(s.verdict, 'aboveLimit');
    const report = renderProbeReport(s, {
      endpointName: 'credit-risk',
      deploymentName: 'green',
      requests: 3,
      concurrency: 4,
      maxConcurrentRequestsPerInstance: 1,
      instanceCount: 1,
      cancelled: false,
    });
    assert.match(
      report,
      /Documented limit: 2 requests in flight \(2 × max_concurrent_requests_per_instance 1 × instance count 1\)/,
    );
    assert.match(report, /429s began with 3 requests in flight, above the documented limit of 2/);
    assert.match(report, /- HTTP 200: 1 \(OK\)\n- HTTP 429: 2 \(Too many pending requests\)/);
    assert.match(report, /\| Successful \(2xx\) \| 1 \| 10 ms \| 10 ms \| 10 ms \|/);
  });

  void it('429s within the limit point at other traffic; an unknown limit is said to be unknown', () => {
    assert.equal(summarizeProbe([sample(429, 2, 2)], 2).verdict, 'atOrBelowLimit');
    const unknown = summarizeProbe([sample(429, 2, 5)], undefined);
    assert.equal(unknown.verdict, 'limitUnknown');
    const report = renderProbeReport(unknown, {
      endpointName: 'e',
      deploymentName: 'd',
      requests: 1,
      concurrency: 5,
      instanceCount: 3,
      cancelled: true,
    });
    assert.match(report, /max_concurrent_requests_per_instance \(unknown\) or instance count \(3\)/);
    assert.match(report, /429s began with 5 requests in flight; the documented limit is unknown/);
    assert.match(report, /Cancelled/);
  });
});
