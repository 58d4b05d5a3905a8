// Contract tests of the v1 (ACI/AKS) web-service API as azureml-core drives it: no OpenAPI
// specification is published for it, so the requests are checked against what azureml-core sends
// and the answers carry the fields azureml-core reads. Fixtures: fixtures/v1-*.json.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { AzureClient } from '../../src/azure/api';
import type { Workspace } from '../../src/azure/models';
import { assertRequestMatches, exchangeOf } from './fixtures';
import { fixture, startContractClient } from './harness';
import type { ReplayServer } from './replay';

void describe('contracts: v1 web services as azureml-core drives them', () => {
  let replay: ReplayServer;
  let client: AzureClient;
  let workspace: Workspace;
  const discovery = fixture('v1-discovery');
  const p = discovery.parameters;

  before(async () => {
    ({ replay, client } = await startContractClient());
    workspace = {
      subscriptionId: p.subscriptionId ?? '',
      resourceGroup: p.resourceGroupName ?? '',
      workspaceName: p.workspaceName ?? '',
      armId: `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/${p.workspaceName}`,
      location: 'eastus',
      discoveryUrl: `${replay.url}/discovery/eastus`,
    };
    // The discovery document answers every time it is asked (the client may cache it or not).
    replay.serve([exchangeOf(discovery)], { repeat: true });
  });
  beforeEach(() => {
    replay.requests.length = 0;
  });
  after(() => replay.stop());

  const serviceRequests = () => replay.requests.filter((r) => !r.path.startsWith('/discovery/'));

  void it('Webservice.list: GET {mms}/services with expand=true', async () => {
    const f = fixture('v1-services-list');
    replay.serve([exchangeOf(f)]);
    const services = await client.listLegacyServices(workspace);
    assertRequestMatches(f, serviceRequests()[0]);
    assert.equal(serviceRequests()[0]?.query.expand, 'true');
    assert.deepEqual(
      services.map((s) => [s.serviceName, s.computeType, s.state, s.appInsightsEnabled]),
      [['loan-aci', 'ACI', 'Healthy', false]],
    );
  });

  void it('Webservice._get: GET {mms}/services/{name}?expand=true', async () => {
    const f = fixture('v1-services-get');
    replay.serve([exchangeOf(f)]);
    const service = await client.getLegacyService(workspace, 'loan-aci');
    assertRequestMatches(f, serviceRequests()[0]);
    assert.equal(serviceRequests()[0]?.query.expand, 'true');
    assert.equal(service.scoringUri, 'https://loan-aci.eastus.azurecontainer.io/score');
  });

  void it('Webservice.get_logs: GET {mms}/services/{name}/logs?tail&init', async () => {
    const f = fixture('v1-services-logs');
    replay.serve([exchangeOf(f)]);
    const text = await client.getLegacyLogs(
      workspace,
      { ...workspace, serviceName: 'loan-aci' },
      { tail: 5000, init: false },
    );
    assertRequestMatches(f, serviceRequests()[0]);
    assert.deepEqual(serviceRequests()[0]?.query, { tail: '5000', init: 'false' });
    assert.equal(text, '2024-03-14 09:20:00 INFO Booting worker\n');
  });

  void it('Webservice.update: JSON-patch, then {mms}/operations/{last segment of Operation-Location}', async () => {
    const patch = fixture('v1-services-update');
    const operation = fixture('v1-operations-get');
    const get = fixture('v1-services-get');
    const updated = { ...(get.response.body as Record<string, unknown>), appInsightsEnabled: true };
    replay.serve([exchangeOf(patch), exchangeOf(operation), exchangeOf(get, updated)]);
    const service = await client.setLegacyAppInsights(
      workspace,
      { ...workspace, serviceName: 'loan-aci' },
      true,
      {
        pollIntervalMs: 10,
      },
    );
    const sent = serviceRequests();
    assertRequestMatches(patch, sent[0]);
    assert.match(sent[0]?.headers['content-type'] ?? '', /^application\/json-patch\+json/);
    assert.deepEqual(sent[0]?.body, [{ op: 'replace', path: '/appInsightsEnabled', value: true }]);
    assertRequestMatches(operation, sent[1]);
    assert.equal(service.appInsightsEnabled, true);
  });
});
