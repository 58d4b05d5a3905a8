// The load probe through the real client against the emulator: the documented limit read from the
// deployment (requestSettings and sku.capacity), one scoring session, and 429s that begin only
// above 2 × max_concurrent_requests_per_instance × instance_count, as the report says.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ScoringSession } from '../../src/azure/api';
import { documentedLimit, renderProbeReport, runProbe, summarizeProbe } from '../../src/core/loadProbe';
import { startTestAzure, type TestAzure } from './support';

const SAMPLE = new TextEncoder().encode('{"data": [[1.0, 2.0, 3.0, 4.0]]}');
const CREDIT = {
  subscriptionId: '5f3c2a1e-8b7d-4c6e-9a0f-1d2e3f4a5b6c',
  resourceGroup: 'rg-ml-prod',
  workspaceName: 'mlw-credit-prod',
};
const GREEN = { ...CREDIT, endpointName: 'credit-risk', deploymentName: 'green' };
const SCORE_PATH = '/inference/westeurope/credit-risk/score';

void describe('Load probe against the emulator', () => {
  let t: TestAzure;
  let session: ScoringSession;
  let limit: number | undefined;
  let perInstance: number | undefined;
  let instances: number | undefined;

  before(async () => {
    t = await startTestAzure({ logIntervalMs: 0 });
    const deployment = await t.client.getDeployment(GREEN);
    perInstance = deployment.maxConcurrentRequestsPerInstance;
    instances = deployment.instanceCount;
    limit = documentedLimit(perInstance, instances);
    session = await t.client.openScoringSession(await t.client.getEndpoint(GREEN));
  });
  after(() => t.stop());
  beforeEach(() => t.emu.faults.clear());

  const probe = async (requests: number, concurrency: number) => {
    // Slow answers make the probe's requests overlap, as a model that takes a while would.
    t.emu.faults.add({ path: SCORE_PATH, kind: 'slow', delayMs: 150, times: requests });
    const samples = await runProbe(
      async (index) =>
        (
          await session.send({
            body: SAMPLE,
            clientRequestId: `probe-test-${concurrency}-${index}`,
            deployment: 'green',
            maxResponseBytes: 0,
          })
        ).status,
      { requests, concurrency },
    );
    const summary = summarizeProbe(samples, limit);
    const report = renderProbeReport(summary, {
      endpointName: 'credit-risk',
      deploymentName: 'green',
      requests,
      concurrency,
      ...(perInstance !== undefined ? { maxConcurrentRequestsPerInstance: perInstance } : {}),
      ...(instances !== undefined ? { instanceCount: instances } : {}),
      cancelled: false,
    });
    return { samples, summary, report };
  };

  void it('reads the documented limit from requestSettings and sku.capacity', () => {
    assert.equal(perInstance, 1);
    assert.equal(instances, 1);
    assert.equal(limit, 2);
  });

  void it('at the documented limit every request is accepted', async () => {
    const { summary, report } = await probe(6, limit!);
    assert.deepEqual(summary.statusCounts, [[200, 6]], report);
    assert.equal(summary.verdict, 'no429');
    assert.equal(summary.mostInFlightWithout429, 2);
    assert.match(report, /No 429: up to 2 requests in flight were all accepted/);
  });

  void it('above it 429s begin, only with more in flight than the limit, and the report says so', async () => {
    const { samples, summary, report } = await probe(12, 6);
    const count = (status: number) => summary.statusCounts.find(([s]) => s === status)?.[1] ?? 0;
    assert.ok(count(429) > 0, report);
    assert.ok(count(200) > 0, report);
    assert.equal(count(200) + count(429), 12, report);
    for (const s of samples.filter((x) => x.status === 429)) assert.ok(s.peakInFlight > limit!, report);
    assert.equal(summary.verdict, 'aboveLimit');
    assert.ok(summary.first429InFlight! > limit!);
    assert.match(
      report,
      /429s began with \d+ requests in flight, above the documented limit of 2: as documented/,
    );
    assert.ok(summary.success.p50 !== undefined && summary.success.p99! >= summary.success.p50);
  });
});
