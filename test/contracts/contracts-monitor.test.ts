// Contract tests of the operations the newer features call: Resource Graph (fleet), metrics,
// diagnostic settings and the activity log (metrics and Diagnose), endpoint keys and tokens (Send
// Test Request). Same method as contracts.test.ts: the request the client sends is checked against
// the spec, the spec's example answer is fed back. Fixtures: fixtures/*.json.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { AzureClient } from '../../src/azure/api';
import type { Endpoint } from '../../src/azure/models';
import { assertRequestMatches, exchangeOf } from './fixtures';
import { fixture, startContractClient } from './harness';
import type { ReplayServer } from './replay';

void describe('contracts: Resource Graph, Azure Monitor, endpoint credentials', () => {
  let replay: ReplayServer;
  let client: AzureClient;

  before(async () => {
    ({ replay, client } = await startContractClient());
  });
  beforeEach(() => {
    replay.requests.length = 0;
  });
  after(() => replay.stop());

  void it('Resources (Resource Graph, 2024-04-01)', async () => {
    const f = fixture('resource-graph-resources');
    replay.serve([exchangeOf(f)]);
    const result = await client.queryResourceGraph(
      'Resources | project id, name, type, location, tags | limit 3',
      ['cfbbd179-59d2-4052-aa06-9270a38aa9d6'],
    );
    assertRequestMatches(f, replay.requests[0]);
    // QueryRequestOptions members (resourcegraph.json 2024-04-01).
    const options = (replay.requests[0]?.body as { options?: Record<string, unknown> }).options ?? {};
    for (const name of Object.keys(options))
      assert.ok(
        [
          '$skipToken',
          '$top',
          '$skip',
          'resultFormat',
          'allowPartialScopes',
          'authorizationScopeFilter',
        ].includes(name),
        `options.${name} is not in QueryRequestOptions`,
      );
    assert.deepEqual(
      result.rows.map((r) => (r as { name?: string }).name),
      ['myNetworkInterface', 'myVnet', 'myPublicIp'],
    );
    assert.equal(result.pages, 1);
  });

  void it('Metrics_List (2024-02-01)', async () => {
    const f = fixture('metrics-list');
    replay.serve([exchangeOf(f)]);
    const answer = await client.queryMetrics(`/${f.parameters.resourceUri}`, {
      metricNames: ['BlobCount'],
      aggregation: 'average',
      timespan: '2021-04-20T09:00:00.000Z/2021-04-20T14:00:00.000Z',
      interval: 'PT1H',
      filter: "Tier eq '*'",
      top: 5,
    });
    assertRequestMatches(f, replay.requests[0]);
    assert.equal(replay.requests[0]?.query.metricnames, 'BlobCount');
    assert.equal(answer.interval, 'PT1H');
    const [metric] = answer.metrics;
    assert.equal(metric?.name, 'BlobCount');
    assert.equal(metric?.unit, 'Count');
    assert.deepEqual(
      metric?.series.map((s) => [s.dimensions, s.points.length, s.points[0]?.value]),
      [
        [{ tier: 'Hot' }, 5, 7],
        [{ tier: 'Standard' }, 5, 2],
        [{ tier: 'Cool' }, 5, 0],
        [{ tier: 'Archive' }, 5, 0],
        [{ tier: 'Untiered' }, 5, 0],
      ],
    );
    assert.equal(metric?.series[0]?.points[0]?.time, Date.parse('2021-04-20T09:00:00Z'));
  });

  void it('DiagnosticSettings_List and _CreateOrUpdate (2021-05-01-preview)', async () => {
    const list = fixture('diagnostic-settings-list');
    const put = fixture('diagnostic-settings-create-or-update');
    replay.serve([exchangeOf(list), exchangeOf(put)]);
    const resourceId =
      '/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/viruela1/providers/microsoft.logic/workflows/viruela6';
    const settings = await client.listDiagnosticSettings(resourceId);
    const created = await client.createDiagnosticSetting(resourceId, 'mysetting', {
      workspaceId:
        '/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law',
      categories: ['AmlOnlineEndpointConsoleLog'],
    });
    assertRequestMatches(list, replay.requests[0]);
    assertRequestMatches(put, replay.requests[1]);
    // The example sends to no workspace ("") and enables a category group, no named category.
    for (const setting of [...settings, created]) {
      assert.equal(setting.name, 'mysetting');
      assert.equal(setting.workspaceId, undefined);
      assert.deepEqual(setting.categories, []);
      assert.deepEqual(setting.categoryGroups, ['allLogs']);
    }
    const sent = (replay.requests[1]?.body as { properties: Record<string, unknown> }).properties;
    for (const name of Object.keys(sent))
      assert.ok(
        [
          'storageAccountId',
          'serviceBusRuleId',
          'eventHubAuthorizationRuleId',
          'eventHubName',
          'metrics',
          'logs',
          'workspaceId',
          'marketplacePartnerId',
          'logAnalyticsDestinationType',
        ].includes(name),
        `properties.${name} is not in DiagnosticSettings`,
      );
  });

  void it('ActivityLogs_List (2015-04-01)', async () => {
    const f = fixture('activity-logs-list');
    replay.serve([exchangeOf(f)]);
    const failures = await client.listFailedOperations(
      '/subscriptions/089bd33f-d4ec-47fe-8ba5-0753aa5c5b33/resourceGroups/MSSupportGroup/providers/microsoft.support/supporttickets/115012112305841',
      Date.parse('2015-01-21T20:00:00Z'),
    );
    assertRequestMatches(f, replay.requests[0]);
    assert.match(
      replay.requests[0]?.query.$filter ?? '',
      /^eventTimestamp ge '2015-01-21T20:00:00.000Z' and resourceUri eq '\//,
    );
    assert.deepEqual(failures, []);
  });

  void it('OnlineEndpoints_ListKeys and _GetToken (2022-10-01)', async () => {
    const keys = fixture('online-endpoints-list-keys');
    const token = fixture('online-endpoints-get-token');
    replay.serve([exchangeOf(keys), exchangeOf(token)]);
    const p = keys.parameters;
    const endpoint = (authMode: string): Endpoint =>
      ({
        subscriptionId: p.subscriptionId ?? '',
        resourceGroup: p.resourceGroupName ?? '',
        workspaceName: p.workspaceName ?? '',
        endpointName: p.endpointName ?? '',
        armId: '',
        authMode,
        provisioningState: 'Succeeded',
        scoringUri: `${replay.url}/score`,
        traffic: {},
      }) as Endpoint;
    const keySession = await client.openScoringSession(endpoint('Key'));
    const tokenSession = await client.openScoringSession(endpoint('AMLToken'));
    assertRequestMatches(keys, replay.requests[0]);
    assertRequestMatches(token, replay.requests[1]);
    assert.equal(keySession.scoringUri, `${replay.url}/score`);
    assert.equal(tokenSession.scoringUri, `${replay.url}/score`);
  });
});
