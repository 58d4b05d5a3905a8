// Turning Application Insights on must not lose what the extension does not know about a
// deployment: newer settings (dataCollector, startupProbe) and properties no API version has yet.
// The SDK path (@azure/arm-machinelearning 2.1.1, 2022-10-01 models) dropped them on the PUT.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeploymentRef } from '../../src/azure/models';
import { DEPLOYMENT_API_VERSION } from '../../src/azure/rawDeployment';
import { rawArmGet, scenarioOf, startTestAzure, type TestAzure } from './support';

const FAST = { pollIntervalMs: 20 };

interface Body {
  properties: Record<string, unknown>;
  [member: string]: unknown;
}

void describe('Application Insights on a deployment: raw JSON round trip', () => {
  let t: TestAzure;
  before(async () => {
    t = await startTestAzure({ lroPolls: 2 });
  });
  after(() => t.stop());

  void it('keeps every property the SDK does not know, and changes only the flag', async () => {
    const { ref, path } = deploymentWithNewerSettings(t);
    // A property of a future API version and an unknown top-level member, on top of the scenario's
    // dataCollector and startupProbe.
    const state = t.emu.azure.deployment(
      t.emu.azure.workspace(ref.subscriptionId, ref.resourceGroup, ref.workspaceName)!,
      ref.endpointName,
      ref.deploymentName,
    );
    assert.ok(state);
    state.body.properties.futureSetting = { mode: 'Adaptive', levels: [1, 2, 3], nested: { on: true } };
    (state.body as unknown as Record<string, unknown>).futureTopLevel = { any: 'thing' };

    const before = (await rawArmGet(t, path, DEPLOYMENT_API_VERSION)) as Body;
    assert.ok(before.properties.dataCollector && before.properties.startupProbe);
    const from = t.emu.requests.length;
    const result = await t.client.setDeploymentAppInsights(ref, true, FAST);
    assert.equal(result.appInsightsEnabled, true);
    const sent = t.emu.requests.slice(from);

    // What Azure now holds is what it held, but for the flag.
    const after = (await rawArmGet(t, path, DEPLOYMENT_API_VERSION)) as Body;
    const strip = (b: Body) => {
      const { systemData: _sd, ...rest } = b;
      const { appInsightsEnabled: _a, provisioningState: _ps, ...props } = b.properties;
      return { ...rest, properties: props };
    };
    assert.deepEqual(strip(after), strip(before));
    assert.equal(after.properties.appInsightsEnabled, true);
    assert.equal(after.properties.provisioningState, 'Succeeded');

    // GET and PUT with the one api-version chosen for the round trip.
    const put = sent.find((r) => r.method === 'PUT');
    assert.ok(put);
    assert.equal(put.query['api-version'], DEPLOYMENT_API_VERSION);
    const get = sent.find((r) => r.method === 'GET' && r.path.toLowerCase() === path.toLowerCase());
    assert.equal(get?.query['api-version'], DEPLOYMENT_API_VERSION);

    // The PUT body is the GET body with only the flag changed (read-only members left out).
    const { id: _i, name: _n, type: _t, systemData: _s, ...writable } = before;
    const { provisioningState: _p, ...properties } = before.properties;
    assert.deepEqual(put.body, { ...writable, properties: { ...properties, appInsightsEnabled: true } });
  });
});

function deploymentWithNewerSettings(t: TestAzure): { ref: DeploymentRef; path: string } {
  for (const s of scenarioOf(t.emu).subscriptions)
    for (const w of s.workspaces)
      for (const e of w.endpoints)
        for (const d of e.deployments)
          if (
            d.extraProperties?.dataCollector &&
            !d.appInsightsEnabled &&
            d.provisioningState === 'Succeeded'
          ) {
            const ref = {
              subscriptionId: s.subscriptionId,
              resourceGroup: w.resourceGroup,
              workspaceName: w.name,
              endpointName: e.name,
              deploymentName: d.name,
            };
            const path = `/subscriptions/${s.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${w.name}/onlineEndpoints/${e.name}/deployments/${d.name}`;
            return { ref, path };
          }
  throw new Error('the scenario has no deployment with newer settings and Application Insights off');
}
