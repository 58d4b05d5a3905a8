// Each service gets a token for its own audience: ARM calls (ML, subscriptions, v1, components)
// ask for the cloud's ARM scope, queries for its Logs scope. The emulator answers on both
// 127.0.0.1 and localhost, so the two scopes differ here as they do in Azure.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TokenCredential } from '@azure/core-auth';
import { createAzureClient } from '../../src/azure/client';
import { resolveCloud } from '../../src/azure/clouds';
import { createCredential } from '../../src/azure/credentials';
import { scenarioOf, startTestAzure, type TestAzure } from './support';

void describe('token scopes per service', () => {
  let t: TestAzure;
  before(async () => {
    t = await startTestAzure();
  });
  after(() => t.stop());

  void it('asks for the ARM scope for ARM calls and the Logs scope for queries, once each while cached', async () => {
    const port = new URL(t.emu.url).port;
    const cloud = resolveCloud('Custom', {
      resourceManagerEndpoint: `https://127.0.0.1:${port}`,
      logAnalyticsEndpoint: `https://localhost:${port}/v1`,
    });
    const emulator = createCredential({ kind: 'emulator', cloud });
    const asked: string[][] = [];
    const recording: TokenCredential = {
      getToken: (scopes, options) => {
        asked.push(Array.isArray(scopes) ? scopes : [scopes]);
        return emulator.getToken(scopes, options);
      },
    };
    const client = createAzureClient({ cloud, credential: recording, retryDelayMs: 50 });

    const scenario = scenarioOf(t.emu);
    const sub = scenario.subscriptions[0];
    const w = sub?.workspaces.find((x) => x.appInsights);
    assert.ok(sub && w);
    await client.listSubscriptions();
    const ws = await client.getWorkspace({
      subscriptionId: sub.subscriptionId,
      resourceGroup: w.resourceGroup,
      workspaceName: w.name,
    });
    await client.listEndpoints(ws);
    const component = await client.getAppInsightsComponent(ws.applicationInsightsId ?? '');
    await client.query({ kind: 'appInsights', resourceId: component.armId }, 'traces | take 1', {
      duration: 'PT1H',
    });
    await client.query({ kind: 'appInsights', resourceId: component.armId }, 'requests | take 1', {
      duration: 'PT1H',
    });

    assert.deepEqual(asked, [[`https://127.0.0.1:${port}/.default`], [`https://localhost:${port}/.default`]]);
  });
});
