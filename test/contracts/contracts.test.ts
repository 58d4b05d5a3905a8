// Contract tests: for each operation the client calls, (a) the request it really sends through the
// real SDKs and pipeline is checked against the operation in Microsoft's published specification,
// and (b) the specification's own example response is fed back through the client, and what the
// user would see is checked. Fixtures and sources: fixtures/*.json, listed in README.md.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { AzureClient } from '../../src/azure/api';
import type { DeploymentRef, EndpointRef, WorkspaceRef } from '../../src/azure/models';
import { assertRequestMatches, exchangeOf } from './fixtures';
import { fixture, startContractClient } from './harness';
import type { ReplayServer } from './replay';

function workspaceRef(p: Record<string, string>): WorkspaceRef {
  return {
    subscriptionId: p.subscriptionId ?? '',
    resourceGroup: p.resourceGroupName ?? '',
    workspaceName: p.workspaceName ?? '',
  };
}
function endpointRef(p: Record<string, string>): EndpointRef {
  return { ...workspaceRef(p), endpointName: p.endpointName ?? '' };
}
function deploymentRef(p: Record<string, string>): DeploymentRef {
  return { ...endpointRef(p), deploymentName: p.deploymentName ?? '' };
}

void describe('contracts: the client against Microsoft published specifications', () => {
  let replay: ReplayServer;
  let client: AzureClient;

  before(async () => {
    ({ replay, client } = await startContractClient());
  });
  beforeEach(() => {
    replay.requests.length = 0;
  });
  after(() => replay.stop());

  void it('Subscriptions_List (2022-12-01)', async () => {
    const f = fixture('subscriptions-list');
    replay.serve([exchangeOf(f)]);
    const subs = await client.listSubscriptions();
    assertRequestMatches(f, replay.requests[0]);
    assert.deepEqual(
      subs.map((s) => [s.subscriptionId, s.displayName, s.state]),
      [
        ['291bba3f-e0a5-47bc-a099-3bdcb2a50a05', 'Example Subscription', 'Enabled'],
        ['72ac930a-f34e-42d8-b06d-dc2a9e12ed71', 'Example Subscription2', 'Enabled'],
      ],
    );
  });

  void it('Workspaces_ListBySubscription (2022-10-01)', async () => {
    const f = fixture('workspaces-list-by-subscription');
    replay.serve([exchangeOf(f)]);
    const workspaces = await client.listWorkspaces(f.parameters.subscriptionId ?? '');
    assertRequestMatches(f, replay.requests[0]);
    assert.deepEqual(
      workspaces.map((w) => [w.workspaceName, w.resourceGroup, w.location, w.friendlyName]),
      [
        ['testworkspace', 'workspace-1234', 'eastus2euap', 'HelloName'],
        ['testworkspace', 'workspace-5678', 'eastus2euap', 'HelloName'],
      ],
    );
    assert.match(workspaces[0]?.applicationInsightsId ?? '', /\/components\/testinsights$/);
  });

  void it('Workspaces_Get (2022-10-01)', async () => {
    const f = fixture('workspaces-get');
    replay.serve([exchangeOf(f)]);
    const ws = await client.getWorkspace(workspaceRef(f.parameters));
    assertRequestMatches(f, replay.requests[0]);
    assert.equal(ws.workspaceName, 'testworkspace');
    assert.equal(ws.friendlyName, 'HelloName');
    assert.equal(ws.discoveryUrl, 'http://example.com');
    assert.equal(
      ws.applicationInsightsId,
      '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/workspace-1234/providers/microsoft.insights/components/testinsights',
    );
  });

  void it('OnlineEndpoints_List and OnlineEndpoints_Get (2022-10-01)', async () => {
    const list = fixture('online-endpoints-list');
    const get = fixture('online-endpoints-get');
    replay.serve([exchangeOf(list), exchangeOf(get)]);
    const endpoints = await client.listEndpoints(workspaceRef(list.parameters));
    const endpoint = await client.getEndpoint(endpointRef(get.parameters));
    assertRequestMatches(list, replay.requests[0]);
    assertRequestMatches(get, replay.requests[1]);
    for (const ep of [...endpoints, endpoint]) {
      assert.equal(ep.endpointName, 'string');
      assert.equal(ep.authMode, 'AMLToken');
      assert.equal(ep.provisioningState, 'Creating');
      assert.equal(ep.scoringUri, 'https://www.contoso.com/example');
      assert.deepEqual(ep.traffic, { string: 1 });
    }
    assert.equal(endpoints.length, 1);
  });

  void it('OnlineDeployments_List (2022-10-01)', async () => {
    const f = fixture('online-deployments-list');
    replay.serve([exchangeOf(f)]);
    const deployments = await client.listDeployments(endpointRef(f.parameters));
    assertRequestMatches(f, replay.requests[0]);
    assert.equal(deployments.length, 1);
    const [dep] = deployments;
    assert.equal(dep?.computeType, 'Kubernetes');
    assert.equal(dep?.provisioningState, 'Creating');
    assert.equal(dep?.appInsightsEnabled, false);
    assert.equal(dep?.instanceCount, 1);
    assert.equal(dep?.instanceType, 'string');
  });

  void it('OnlineDeployments_Get (2022-10-01, through the ML SDK)', async () => {
    const f = fixture('online-deployments-get');
    replay.serve([exchangeOf(f)]);
    const dep = await client.getDeployment(deploymentRef(f.parameters));
    assertRequestMatches(f, replay.requests[0]);
    assert.equal(dep.deploymentName, 'string');
    assert.equal(dep.computeType, 'Managed');
    assert.equal(dep.provisioningState, 'Creating');
    assert.equal(dep.appInsightsEnabled, false);
    assert.equal(dep.instanceCount, 1);
    assert.equal(dep.model, 'string');
  });

  void it('OnlineDeployments_GetLogs (2022-10-01)', async () => {
    const f = fixture('online-deployments-get-logs');
    replay.serve([exchangeOf(f)]);
    const text = await client.getDeploymentLogs(deploymentRef(f.parameters), 'StorageInitializer', {
      tail: 0,
    });
    assertRequestMatches(f, replay.requests[0]);
    assert.deepEqual(replay.requests[0]?.body, { containerType: 'StorageInitializer', tail: 0 });
    assert.equal(text, 'string');
  });

  void it('OnlineDeployments_Get and _CreateOrUpdate (2025-09-01): the flag changes, nothing else', async () => {
    const get = fixture('online-deployments-get-raw');
    const put = fixture('online-deployments-create-or-update');
    const status = fixture('operation-status');
    const current = get.response.body as Record<string, unknown> & { properties: Record<string, unknown> };
    // The final read after the operation: the example's body with the flag as the PUT set it.
    const final = { ...current, properties: { ...current.properties, appInsightsEnabled: true } };
    replay.serve([exchangeOf(get), exchangeOf(put), exchangeOf(status), exchangeOf(get, final)]);
    const result = await client.setDeploymentAppInsights(deploymentRef(put.parameters), true, {
      pollIntervalMs: 10,
    });
    const sent = replay.requests;
    assertRequestMatches(get, sent[0]);
    const putRequest = sent.find((r) => r.method === 'PUT');
    assertRequestMatches(put, putRequest);
    const { id: _id, name: _name, type: _type, systemData: _systemData, ...writable } = current;
    const { provisioningState: _state, ...properties } = current.properties;
    assert.deepEqual(putRequest?.body, {
      ...writable,
      properties: { ...properties, appInsightsEnabled: true },
    });
    assertRequestMatches(
      status,
      sent.find((r) => r.path.toLowerCase().includes('/mfeoperationsstatus/')),
    );
    assert.equal(result.appInsightsEnabled, true);
    assert.equal(result.computeType, 'Managed');
    assert.equal(result.instanceCount, 1);
  });

  void it('OnlineDeployments_Get (2025-09-01) for Diagnose: every property of the example, unknown ones kept', async () => {
    const get = fixture('online-deployments-get-raw');
    replay.serve([exchangeOf(get)]);
    const properties = await client.getDeploymentProperties(deploymentRef(get.parameters));
    assertRequestMatches(get, replay.requests[0]);
    const example = (get.response.body as { properties: Record<string, unknown> }).properties;
    assert.deepEqual(properties, example);
  });

  void it('Components_Get (2020-02-02)', async () => {
    const f = fixture('components-get');
    replay.serve([exchangeOf(f)]);
    const armId =
      '/subscriptions/subid/resourceGroups/my-resource-group/providers/Microsoft.Insights/components/my-component';
    const component = await client.getAppInsightsComponent(armId);
    assertRequestMatches(f, replay.requests[0]);
    assert.equal(component.name, 'my-component');
    assert.equal(component.appId, '887f4bfd-b5fd-40d7-9fc3-123456789abc');
    assert.equal(
      component.workspaceResourceId,
      '/subscriptions/subid/resourcegroups/my-resource-group/providers/microsoft.operationalinsights/workspaces/my-workspace',
    );
  });

  void it('Query_ResourceExecute (Logs v1): no doubled slash, the example table as the user sees it', async () => {
    const f = fixture('logs-query-resource');
    replay.serve([exchangeOf(f)]);
    const resourceId =
      '/subscriptions/subid/resourceGroups/my-resource-group/providers/Microsoft.Insights/components/my-component';
    const result = await client.query({ kind: 'appInsights', resourceId }, 'requests | take 1', {
      duration: 'PT24H',
    });
    assertRequestMatches(f, replay.requests[0]);
    assert.deepEqual(replay.requests[0]?.body, { query: 'requests | take 1', timespan: 'PT24H' });
    assert.equal(result.status, 'Success');
    const [table] = result.tables;
    assert.equal(table?.name, 'PrimaryResult');
    assert.deepEqual(table?.columns, [
      { name: 'OperationName', type: 'string' },
      { name: 'count_', type: 'long' },
    ]);
    assert.deepEqual(table?.rows, [['operation1', '10']]);
  });

  void it('Query_ResourceExecute (Logs v1), streamed: the same request, the rows handed over as parsed', async () => {
    const f = fixture('logs-query-resource');
    replay.serve([exchangeOf(f)]);
    const resourceId =
      '/subscriptions/subid/resourceGroups/my-resource-group/providers/Microsoft.Insights/components/my-component';
    const tables: { name: string; columns: unknown[]; rows: unknown[][] }[] = [];
    const result = await client.queryStream(
      { kind: 'appInsights', resourceId },
      'requests | take 1',
      { duration: 'PT24H' },
      {
        onTable: (index, name, columns) => (tables[index] = { name, columns, rows: [] }),
        onRows: (index, rows) => tables[index]?.rows.push(...rows),
      },
    );
    assertRequestMatches(f, replay.requests[0]);
    assert.equal(result.status, 'Success');
    assert.deepEqual(result.rowCounts, [1]);
    assert.equal(tables[0]?.name, 'PrimaryResult');
    assert.deepEqual(tables[0]?.rows, [['operation1', '10']]);
  });
});
