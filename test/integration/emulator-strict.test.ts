// The emulator refuses what Azure refuses, with Azure's status, code and error body: a token for
// another service, an api-version the provider never published, a deployment PUT without its
// required members, a getLogs tail outside the spec's type. The sources are cited in
// test/emulator/server.ts and test/emulator/apiVersions.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { createAzureClient } from '../../src/azure/client';
import { resolveCloud } from '../../src/azure/clouds';
import { createCredential } from '../../src/azure/credentials';
import { isAzureRequestError } from '../../src/azure/errors';
import type { DeploymentRef } from '../../src/azure/models';
import { ML_API_VERSIONS } from '../emulator/apiVersions';
import { rawRequest as send, scenarioOf, startTestAzure, type TestAzure } from './support';

void describe('strict emulator: what Azure refuses', () => {
  let t: TestAzure;
  let deployment: DeploymentRef;
  let deploymentPath: string;
  let workspacePath: string;
  let customerId: string;

  before(async () => {
    t = await startTestAzure({ retryDelayMs: 20 });
    const sub = scenarioOf(t.emu).subscriptions[0];
    const ws = sub?.workspaces.find((w) => w.appInsights?.logAnalyticsWorkspace);
    const ep = ws?.endpoints[0];
    const dep = ep?.deployments[0];
    assert.ok(sub && ws && ep && dep && ws.appInsights?.logAnalyticsWorkspace);
    customerId = ws.appInsights.logAnalyticsWorkspace.customerId;
    deployment = {
      subscriptionId: sub.subscriptionId,
      resourceGroup: ws.resourceGroup,
      workspaceName: ws.name,
      endpointName: ep.name,
      deploymentName: dep.name,
    };
    workspacePath = `/subscriptions/${sub.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.name}`;
    deploymentPath = `${workspacePath}/onlineEndpoints/${ep.name}/deployments/${dep.name}`;
  });
  after(() => t.stop());

  void describe('token audience', () => {
    void it('the Logs API answers an ARM token with 403 InvalidTokenError', async () => {
      const query = { query: 'AmlOnlineEndpointConsoleLog | take 1', timespan: 'PT1H' };
      const url = `${t.emu.logsUrl}/workspaces/${customerId}/query`;
      const wrong = await send('POST', url, t.emu.token, query);
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body.error?.code, 'InvalidTokenError');
      assert.equal(wrong.body.error?.message, 'The provided authentication is not valid for this resource');
      const right = await send('POST', url, t.emu.logsToken, query);
      assert.equal(right.status, 200);
    });

    void it('ARM answers a Logs token with 401 InvalidAuthenticationTokenAudience naming both audiences', async () => {
      const url = `${t.emu.url}/subscriptions?api-version=2022-12-01`;
      const wrong = await send('GET', url, t.emu.logsToken);
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error?.code, 'InvalidAuthenticationTokenAudience');
      assert.match(
        wrong.body.error?.message ?? '',
        /obtained for wrong audience or resource 'https:\/\/localhost:/,
      );
      assert.match(String(wrong.headers['www-authenticate']), /error="invalid_token"/);
      assert.equal((await send('GET', url, t.emu.token)).status, 200);
    });

    void it('a client whose Logs endpoint shares the ARM origin gets the 403 from the real SDK', async () => {
      // The Logs scope is derived from the Logs endpoint: the same origin as ARM means the ARM audience.
      const cloud = resolveCloud('Custom', {
        resourceManagerEndpoint: t.emu.url,
        logAnalyticsEndpoint: `${t.emu.url}/v1`,
      });
      const client = createAzureClient({
        cloud,
        credential: createCredential({ kind: 'emulator', cloud }),
        retryDelayMs: 20,
      });
      const ws = await client.getWorkspace(deployment);
      await assert.rejects(
        client.query({ kind: 'appInsights', resourceId: ws.applicationInsightsId ?? '' }, 'traces | take 1', {
          duration: 'PT1H',
        }),
        (e: unknown) =>
          isAzureRequestError(e) &&
          e.statusCode === 403 &&
          e.code === 'InvalidTokenError' &&
          e.kind === 'config',
      );
    });

    void it('a client whose ARM endpoint has the Logs origin gets the 401 from the real SDK', async () => {
      const cloud = resolveCloud('Custom', {
        resourceManagerEndpoint: t.emu.logsUrl.replace(/\/v1$/, ''),
        logAnalyticsEndpoint: t.emu.logsUrl,
      });
      const client = createAzureClient({
        cloud,
        credential: createCredential({ kind: 'emulator', cloud }),
        retryDelayMs: 20,
      });
      await assert.rejects(
        client.listWorkspaces(deployment.subscriptionId),
        (e: unknown) =>
          isAzureRequestError(e) &&
          e.statusCode === 401 &&
          e.code === 'InvalidAuthenticationTokenAudience' &&
          e.kind === 'config',
      );
    });
  });

  void describe('api-version', () => {
    void it('a provider answers an unpublished version with 400 NoRegisteredProviderFound and its list', async () => {
      const answer = await send('GET', `${t.emu.url}${workspacePath}?api-version=2099-01-01`, t.emu.token);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error?.code, 'NoRegisteredProviderFound');
      const message = answer.body.error?.message ?? '';
      assert.match(message, /API version '2099-01-01' for type 'workspaces'\./);
      assert.match(message, /The supported api-versions are '[^']*2022-10-01[^']*'/);

      const nested = await send('GET', `${t.emu.url}${deploymentPath}?api-version=2022-10-02`, t.emu.token);
      assert.equal(nested.status, 400);
      assert.match(nested.body.error?.message ?? '', /for type 'workspaces\/onlineEndpoints\/deployments'/);
    });

    void it('Azure Monitor extension types answer an unpublished version too (metrics, diagnostic settings)', async () => {
      const endpointPath = deploymentPath.replace(/\/deployments\/[^/]+$/, '');
      const metrics = await send(
        'GET',
        `${t.emu.url}${endpointPath}/providers/Microsoft.Insights/metrics?api-version=2024-01-01&metricnames=RequestsPerMinute`,
        t.emu.token,
      );
      assert.equal(metrics.status, 400);
      assert.match(
        metrics.body.error?.message ?? '',
        /for type 'metrics'\. The supported api-versions are '[^']*2024-02-01/,
      );
      const settings = await send(
        'GET',
        `${t.emu.url}${endpointPath}/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01`,
        t.emu.token,
      );
      assert.equal(settings.status, 400);
      assert.equal(settings.body.error?.code, 'NoRegisteredProviderFound');
    });

    void it('subscriptions answer an unpublished version with 400 InvalidApiVersionParameter', async () => {
      const answer = await send('GET', `${t.emu.url}/subscriptions?api-version=2023-01-01`, t.emu.token);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error?.code, 'InvalidApiVersionParameter');
      assert.match(
        answer.body.error?.message ?? '',
        /^The api-version '2023-01-01' is invalid\. The supported versions are '.*2022-12-01/,
      );
    });

    void it('the real ML SDK told to use an unpublished version fails; every published one is served', async () => {
      const cloud = t.cloud;
      const credential = createCredential({ kind: 'emulator', cloud });
      const sdk = (apiVersion: string) =>
        new AzureMachineLearningWorkspaces(credential, deployment.subscriptionId, {
          endpoint: cloud.resourceManagerEndpoint,
          credentialScopes: cloud.resourceManagerScope,
          apiVersion,
          retryOptions: { maxRetries: 0 },
        });
      await assert.rejects(
        sdk('2021-01-01-preview').onlineDeployments.get(
          deployment.resourceGroup,
          deployment.workspaceName,
          deployment.endpointName,
          deployment.deploymentName,
        ),
        (e: unknown) => (e as { code?: string; statusCode?: number }).code === 'NoRegisteredProviderFound',
      );
      for (const version of ML_API_VERSIONS) {
        const got = await sdk(version).onlineDeployments.get(
          deployment.resourceGroup,
          deployment.workspaceName,
          deployment.endpointName,
          deployment.deploymentName,
        );
        assert.equal(got.name, deployment.deploymentName, version);
      }
    });
  });

  void describe('deployment PUT without required members', () => {
    const cases: [string, (body: Record<string, unknown>) => void, string][] = [
      ['location', (b) => delete b.location, 'LocationRequired'],
      ['properties', (b) => delete b.properties, 'UserError'],
      [
        'properties.endpointComputeType',
        (b) => delete (b.properties as Record<string, unknown>).endpointComputeType,
        'UserError',
      ],
    ];
    for (const [member, drop, code] of cases) {
      void it(`is refused with 400 ${code} when ${member} is missing, and changes nothing`, async () => {
        const url = `${t.emu.url}${deploymentPath}?api-version=2022-10-01`;
        const before = await send('GET', url, t.emu.token);
        assert.equal(before.status, 200);
        const body = structuredClone(before.body);
        drop(body);
        const answer = await send('PUT', url, t.emu.token, body);
        assert.equal(answer.status, 400);
        assert.equal(answer.body.error?.code, code);
        assert.match(answer.body.error?.message ?? '', new RegExp(member.split('.').at(-1) ?? member));
        assert.deepEqual((await send('GET', url, t.emu.token)).body, before.body);
      });
    }
  });

  void describe('getLogs tail', () => {
    for (const tail of [-1, 2 ** 31, 2.5]) {
      void it(`refuses tail ${tail} (the spec's tail is an int32) with 400, through the real SDK`, async () => {
        await assert.rejects(
          t.client.getDeploymentLogs(deployment, 'InferenceServer', { tail }),
          (e: unknown) => isAzureRequestError(e) && e.statusCode === 400 && e.code === 'UserError',
        );
      });
    }
    void it('takes any tail in the int32 range: the spec sets no maximum', async () => {
      const text = await t.client.getDeploymentLogs(deployment, 'InferenceServer', { tail: 20_000 });
      assert.ok(text.length > 0);
      const none = await t.client.getDeploymentLogs(deployment, 'InferenceServer', { tail: 0 });
      assert.equal(none, '');
    });
  });
});
