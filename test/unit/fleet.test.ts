// Pure shaping of the Resource Graph fleet: rows → models, when the index cannot answer a level,
// fresh ARM reads over lagging rows, filters, Go to Deployment items, the throttling header.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deployment } from '../../src/azure/models';
import {
  deploymentMatches,
  FLEET_TYPES,
  fleetPicks,
  fleetQuery,
  FreshReads,
  parseQuotaResetsAfter,
  shapeFleet,
  subscriptionMatches,
  workspaceMatches,
} from '../../src/core/fleet';
import { parseGraphQuery } from '../../test/emulator/resourceGraph';

const SUB = '00000000-0000-0000-0000-00000000000a';
const WS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws`;
const EP = `${WS}/onlineEndpoints/ep`;

const wsRow = {
  id: WS,
  type: FLEET_TYPES.workspace,
  name: 'ws',
  location: 'westeurope',
  provisioningState: 'Succeeded',
  friendlyName: 'My WS',
  discoveryUrl: '',
  applicationInsights: '',
};
const epRow = (traffic: Record<string, number>) => ({
  id: EP,
  type: FLEET_TYPES.endpoint,
  name: 'ep',
  location: 'westeurope',
  provisioningState: 'Succeeded',
  authMode: 'Key',
  traffic,
  scoringUri: 'https://x/score',
  description: '',
});
const depRow = (name: string, extra: Record<string, unknown> = {}) => ({
  id: `${EP}/deployments/${name}`,
  type: FLEET_TYPES.deployment,
  name,
  location: 'westeurope',
  provisioningState: 'Succeeded',
  appInsightsEnabled: false,
  instanceType: 'Standard_DS3_v2',
  instanceCount: 2,
  computeType: 'Managed',
  model: '',
  description: '',
  ...extra,
});

void describe('fleet: shaping Resource Graph rows', () => {
  void it('builds workspaces, endpoints and deployments, each marked as from the index', () => {
    const fleet = shapeFleet([wsRow, epRow({ blue: 100 }), depRow('blue', { appInsightsEnabled: true })]);
    const [ws] = fleet.workspacesOf(SUB.toUpperCase()) ?? [];
    assert.equal(ws?.workspaceName, 'ws');
    assert.equal(ws?.friendlyName, 'My WS');
    assert.equal(ws?.discoveryUrl, undefined, 'an empty string from tostring() means absent');
    assert.equal(ws?.source, 'index');
    const [ep] = fleet.endpointsOf(WS.toLowerCase()) ?? [];
    assert.deepEqual(ep?.traffic, { blue: 100 });
    assert.ok(ep);
    const deps = fleet.deploymentsOf(ep);
    assert.equal(deps?.[0]?.appInsightsEnabled, true);
    assert.equal(deps?.[0]?.instanceCount, 2);
    assert.equal(deps?.[0]?.source, 'index');
    assert.equal(fleet.entries().length, 1);
  });

  void it('cannot answer a level it holds nothing of: the caller asks ARM', () => {
    const fleet = shapeFleet([wsRow]);
    assert.equal(fleet.workspacesOf('another-sub'), undefined);
    assert.equal(fleet.endpointsOf(WS), undefined);
  });

  void it('cannot answer for an endpoint whose traffic names a deployment it lacks', () => {
    const fleet = shapeFleet([wsRow, epRow({ blue: 90, green: 10 }), depRow('blue')]);
    const [ep] = fleet.endpointsOf(WS) ?? [];
    assert.equal(fleet.deploymentsOf(ep!), undefined);
    // A deployment without traffic may simply not exist: no reason to distrust the index.
    const ok = shapeFleet([wsRow, epRow({ blue: 100, green: 0 }), depRow('blue')]);
    assert.equal(ok.deploymentsOf(ok.endpointsOf(WS)![0]!)?.length, 1);
  });

  void it('cannot answer for an endpoint whose deployment rows lack the state or App Insights flag', () => {
    const fleet = shapeFleet([wsRow, epRow({ blue: 100 }), depRow('blue', { appInsightsEnabled: null })]);
    assert.equal(fleet.deploymentsOf(fleet.endpointsOf(WS)![0]!), undefined);
    assert.equal(fleet.entries().length, 0);
  });

  void it('ignores rows that are not objects or have no id', () => {
    const fleet = shapeFleet([null, 'x', { type: FLEET_TYPES.workspace }, wsRow]);
    assert.equal(fleet.rows, 1);
  });
});

void describe('fleet: fresh ARM reads over lagging rows', () => {
  void it('replaces an index row with the ARM read until the read is older than the ttl', () => {
    let now = 1000;
    const reads = new FreshReads<Deployment>(60_000, () => now);
    const fleet = shapeFleet([wsRow, epRow({ blue: 100 }), depRow('blue')]);
    const fromIndex = fleet.entries()[0]!.deployment;
    const fromArm: Deployment = { ...fromIndex, appInsightsEnabled: true, source: undefined };
    reads.remember(fromArm);
    assert.equal(reads.apply([fromIndex])[0]?.appInsightsEnabled, true);
    now += 60_001;
    assert.equal(reads.apply([fromIndex])[0]?.appInsightsEnabled, false);
  });
});

void describe('fleet: filters and Go to Deployment', () => {
  const dep = (state: string, ai: boolean) =>
    shapeFleet([
      wsRow,
      epRow({ d: 100 }),
      depRow('d', { provisioningState: state, appInsightsEnabled: ai }),
    ]).entries()[0]!.deployment;

  void it('problems only keeps failed and changing deployments', () => {
    assert.equal(deploymentMatches(dep('Failed', true), { problemsOnly: true }), true);
    assert.equal(deploymentMatches(dep('Updating', true), { problemsOnly: true }), true);
    assert.equal(deploymentMatches(dep('Succeeded', true), { problemsOnly: true }), false);
  });

  void it('App Insights off keeps only deployments without it', () => {
    assert.equal(deploymentMatches(dep('Succeeded', false), { appInsightsOff: true }), true);
    assert.equal(deploymentMatches(dep('Succeeded', true), { appInsightsOff: true }), false);
  });

  void it('subscription and workspace filters compare ids case-insensitively', () => {
    assert.equal(subscriptionMatches(SUB, { subscriptions: [SUB.toUpperCase()] }), true);
    assert.equal(subscriptionMatches(SUB, { subscriptions: ['other'] }), false);
    const ws = shapeFleet([wsRow]).workspacesOf(SUB)![0]!;
    assert.equal(workspaceMatches(ws, { workspaces: [WS.toUpperCase()] }), true);
    assert.equal(workspaceMatches(ws, {}), true);
  });

  void it('pick items carry every searchable field', () => {
    const fleet = shapeFleet([wsRow, epRow({ blue: 100 }), depRow('blue', { provisioningState: 'Failed' })]);
    const [pick] = fleetPicks(fleet.entries(), {
      subscriptionName: () => 'Contoso',
      appInsights: (on) => (on ? 'AI on' : 'AI off'),
      instances: (t, n) => `${t} × ${n}`,
    });
    assert.equal(pick?.label, 'ep/blue');
    assert.equal(pick?.description, 'My WS · Contoso');
    assert.equal(pick?.detail, 'Standard_DS3_v2 × 2 · Failed · AI off');
  });
});

void describe('fleet: query and throttling header', () => {
  void it('the emulator understands exactly the query the client sends', () => {
    const parsed = parseGraphQuery(fleetQuery());
    assert.deepEqual(parsed.types, Object.values(FLEET_TYPES));
    assert.ok(
      parsed.project?.some((c) => c.name === 'id'),
      'id is projected: paging needs it',
    );
    assert.deepEqual(parsed.order, { column: 'id', desc: false });
    assert.throws(() => parseGraphQuery('resources | summarize count() by type'));
    assert.throws(() => parseGraphQuery('resources | project id | limit 5'));
  });

  void it('reads hh:mm:ss as milliseconds', () => {
    assert.equal(parseQuotaResetsAfter('00:00:03'), 3000);
    assert.equal(parseQuotaResetsAfter('01:02:03'), 3_723_000);
    assert.equal(parseQuotaResetsAfter(undefined), undefined);
    assert.equal(parseQuotaResetsAfter('3'), undefined);
  });
});
