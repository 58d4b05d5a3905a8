// Diagnose Deployment against the emulator's diagnose scenario: one endpoint per failure class of
// the troubleshooting guide, each gathered with the real clients and named by the verdict.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FailureClass } from '../../src/core/diagnose';
import { gatherAndDiagnose } from '../../src/diagnose/gather';
import { HEALTH_PROFILES, type HealthProfile } from '../emulator/health';
import { DIAGNOSE_SUBSCRIPTION, diagnoseEndpointOf } from '../emulator/scenarios/diagnose';
import { startTestAzure, type TestAzure } from './support';

const expected: Record<HealthProfile, FailureClass | 'healthy'> = {
  healthy: 'healthy',
  slow: 'timeout408',
  throttled: 'throttled429',
  crashLoop: 'crashLoop',
  imageBuildFailure: 'imageBuild',
  outOfQuota: 'outOfQuota',
  modelDownloadFailure: 'modelDownload',
  initError: 'initError',
  outOfMemory: 'outOfMemory',
  modelError: 'modelError424',
  scaleOut: 'scaleOut503',
  serverErrors: 'serverError500',
};

const workspace = {
  subscriptionId: DIAGNOSE_SUBSCRIPTION,
  resourceGroup: 'rg-diagnose',
  workspaceName: 'mlw-diagnose',
};

void describe('Diagnose Deployment (diagnose scenario)', () => {
  let t: TestAzure;
  before(async () => {
    t = await startTestAzure({ scenario: 'diagnose' });
  });
  after(() => t.stop());

  for (const profile of HEALTH_PROFILES) {
    void it(`names ${profile} as ${expected[profile]}`, async () => {
      const endpointName = diagnoseEndpointOf(profile);
      const endpoint = await t.client.getEndpoint({ ...workspace, endpointName });
      const result = await gatherAndDiagnose(t.client, endpoint, {
        ...workspace,
        endpointName,
        deploymentName: 'blue',
      });
      assert.equal(
        result.diagnosis.verdict,
        expected[profile],
        JSON.stringify(result.diagnosis.findings, null, 1),
      );
      assert.deepEqual(
        result.sources.filter((s) => s.failure),
        [],
        'every source was read',
      );
      if (profile === 'healthy') assert.deepEqual(result.diagnosis.findings, []);
      else assert.ok(result.diagnosis.findings[0]!.evidence.length > 0, 'the verdict shows its evidence');
    });
  }

  void it('shows the init() traceback, and the 429 limit from the request settings', async () => {
    const init = await gatherAndDiagnose(
      t.client,
      await t.client.getEndpoint({ ...workspace, endpointName: diagnoseEndpointOf('initError') }),
      { ...workspace, endpointName: diagnoseEndpointOf('initError'), deploymentName: 'blue' },
    );
    const lines = init.diagnosis.findings[0]!.evidence.map((l) => l.text);
    assert.ok(lines.some((l) => /Traceback/.test(l)));
    assert.ok(lines.some((l) => /^FileNotFoundError/.test(l)));
    assert.ok(lines.some((l) => /, in init$/.test(l)));

    const throttled = await gatherAndDiagnose(
      t.client,
      await t.client.getEndpoint({ ...workspace, endpointName: diagnoseEndpointOf('throttled') }),
      { ...workspace, endpointName: diagnoseEndpointOf('throttled'), deploymentName: 'blue' },
    );
    // 2 × maxConcurrentRequestsPerInstance (1) × instances (2).
    assert.equal(throttled.diagnosis.findings[0]!.figures.limit, 4);
  });

  void it('a source that cannot be read is reported, and the rest still diagnose', async () => {
    t.emu.faults.add({ path: '/getLogs', kind: '403', times: 2 });
    const endpointName = diagnoseEndpointOf('throttled');
    const result = await gatherAndDiagnose(
      t.client,
      await t.client.getEndpoint({ ...workspace, endpointName }),
      {
        ...workspace,
        endpointName,
        deploymentName: 'blue',
      },
    );
    assert.deepEqual(
      result.sources.filter((s) => s.failure).map((s) => s.source),
      ['storageInitializerLog', 'inferenceServerLog'],
    );
    assert.equal(result.diagnosis.verdict, 'throttled429');
  });
});
