import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, Endpoint, LegacyService, Workspace } from '../../src/azure/models';
import {
  glanceText,
  modelDisplayName,
  presentDeployment,
  presentEndpoint,
  presentLegacyService,
  presentSubscription,
  presentWorkspace,
  provisioningVisualState,
  trafficSplit,
  type PresentationStrings,
} from '../../src/core/treePresentation';

const strings: PresentationStrings = {
  appInsightsOn: 'AI on',
  appInsightsOff: 'AI off',
  updating: 'Updating…',
  noTraffic: 'no traffic',
  trafficPercent: (p) => `${p}% traffic`,
  instances: (t, n) => `${t} × ${n}`,
  legacyGroup: 'Web services (v1)',
  labels: {
    subscriptionId: 'Subscription ID',
    tenantId: 'Tenant ID',
    state: 'State',
    location: 'Location',
    resourceGroup: 'Resource group',
    appInsightsResource: 'App Insights resource',
    none: 'none',
    authMode: 'Auth',
    scoringUri: 'Scoring URI',
    traffic: 'Traffic',
    instanceType: 'Instance type',
    instanceCount: 'Instances',
    model: 'Model',
    computeType: 'Compute',
    appInsights: 'App Insights',
    description: 'Description',
  },
};

const SUB = '00000000-1111-2222-3333-444444444444';
const wsRef = { subscriptionId: SUB, resourceGroup: 'rg', workspaceName: 'ws' };
const workspace: Workspace = {
  ...wsRef,
  armId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws`,
  location: 'westeurope',
  applicationInsightsId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Insights/components/appi`,
};
const endpoint: Endpoint = {
  ...wsRef,
  endpointName: 'ep',
  armId: `${workspace.armId}/onlineEndpoints/ep`,
  location: 'westeurope',
  authMode: 'Key',
  provisioningState: 'Succeeded',
  scoringUri: 'https://ep.westeurope.inference.ml.azure.com/score',
  traffic: { blue: 90, green: 10, red: 0 },
};
const deployment: Deployment = {
  ...endpoint,
  deploymentName: 'blue',
  armId: `${endpoint.armId}/deployments/blue`,
  computeType: 'Managed',
  provisioningState: 'Succeeded',
  appInsightsEnabled: false,
  instanceType: 'Standard_DS3_v2',
  instanceCount: 2,
};
const service: LegacyService = {
  ...wsRef,
  serviceName: 'aks-svc',
  computeType: 'AKS',
  state: 'Healthy',
  appInsightsEnabled: true,
  scoringUri: 'http://1.2.3.4/api/v1/service/aks-svc/score',
};

const tokens = (cv: string): string[] => cv.split(' ');

void test('provisioning states map to a visual state', () => {
  assert.equal(provisioningVisualState('Failed'), 'failed');
  assert.equal(provisioningVisualState('Canceled'), 'failed');
  assert.equal(provisioningVisualState('Updating'), 'updating');
  assert.equal(provisioningVisualState('Transitioning'), 'updating');
  assert.equal(provisioningVisualState('Unhealthy'), 'warning');
  assert.equal(provisioningVisualState('Succeeded'), 'ok');
  assert.equal(provisioningVisualState(undefined), 'ok');
});

void test('traffic split sorts by share and leaves out 0%', () => {
  assert.equal(trafficSplit({ green: 10, blue: 90, red: 0 }, strings), 'blue 90%, green 10%');
  assert.equal(trafficSplit({}, strings), 'no traffic');
});

void test('endpoint shows auth mode, state and traffic; tooltip has the scoring URI', () => {
  const p = presentEndpoint(workspace, endpoint, strings);
  assert.equal(p.description, 'Key · Succeeded · blue 90%, green 10%');
  assert.ok(p.tooltip.includes('Scoring URI: https://ep.westeurope.inference.ml.azure.com/score'));
  assert.deepEqual(tokens(p.contextValue), [
    'endpoint',
    'refreshable',
    'studio',
    'scoringUri',
    'hasAppInsightsResource',
  ]);
  assert.equal(p.icon.id, 'globe');
});

void test('deployment shows traffic, instances, state and App Insights; tokens say what applies', () => {
  const p = presentDeployment(workspace, endpoint, deployment, strings);
  assert.equal(p.description, '90% traffic · Standard_DS3_v2 × 2 · Succeeded · AI off');
  const t = tokens(p.contextValue);
  assert.equal(t[0], 'deployment');
  for (const k of [
    'appInsights-off',
    'logs',
    'queryable',
    'scoringUri',
    'studio',
    'refreshable',
    'hasAppInsightsResource',
  ]) {
    assert.ok(t.includes(k), k);
  }
  assert.ok(!t.includes('appInsights-on') && !t.includes('busy') && !t.includes('streaming'));
  const on = presentDeployment(workspace, endpoint, { ...deployment, appInsightsEnabled: true }, strings, {
    streaming: true,
  });
  assert.ok(tokens(on.contextValue).includes('appInsights-on'));
  assert.ok(tokens(on.contextValue).includes('streaming'));
  assert.notDeepEqual(on.icon, p.icon);
});

void test('Failed and Updating deployments look distinct; busy shows Updating and hides enable/disable', () => {
  const failed = presentDeployment(
    workspace,
    endpoint,
    { ...deployment, provisioningState: 'Failed' },
    strings,
  );
  assert.deepEqual(failed.icon, { id: 'error', color: 'errorForeground' });
  const updating = presentDeployment(
    workspace,
    endpoint,
    { ...deployment, provisioningState: 'Updating' },
    strings,
  );
  assert.equal(updating.icon.id, 'sync~spin');
  const busy = presentDeployment(workspace, endpoint, deployment, strings, { busy: true });
  assert.equal(busy.icon.id, 'sync~spin');
  assert.ok(busy.description.includes('Updating…'));
  assert.ok(tokens(busy.contextValue).includes('busy'));
});

void test('overdue: a warning instead of a spinner while Azure still reports a transition, then Azure’s state', () => {
  const s = { ...strings, overdue: 'Past Azure’s time' };
  const stuck = { ...deployment, provisioningState: 'Updating' };
  const overdue = presentDeployment(workspace, endpoint, stuck, s, { overdue: true });
  assert.equal(overdue.icon.id, 'warning');
  assert.equal(overdue.state, 'warning');
  assert.ok(overdue.description.includes('Past Azure’s time') && !overdue.description.includes('Updating'));
  assert.ok(overdue.tooltip.includes('Updating'), 'the tooltip keeps what Azure reports');
  // Busy wins (a new update runs); a settled state shows as Azure reports it.
  assert.equal(
    presentDeployment(workspace, endpoint, stuck, s, { overdue: true, busy: true }).icon.id,
    'sync~spin',
  );
  assert.equal(presentDeployment(workspace, endpoint, deployment, s, { overdue: true }).state, 'ok');
  const v1 = presentLegacyService(workspace, { ...service, state: 'Transitioning' }, s, { overdue: true });
  assert.equal(v1.icon.id, 'warning');
  assert.ok(v1.description.includes('Past Azure’s time'));
});

void test('a workspace without App Insights yields no queryable/hasAppInsightsResource tokens', () => {
  const bare = { ...workspace, applicationInsightsId: undefined };
  const t = tokens(presentDeployment(bare, endpoint, deployment, strings).contextValue);
  assert.ok(!t.includes('queryable') && !t.includes('hasAppInsightsResource'));
  assert.ok(presentWorkspace(bare, strings).tooltip.includes('App Insights resource: none'));
});

void test('v1 service shows compute type, state, App Insights', () => {
  const p = presentLegacyService(workspace, service, strings);
  assert.equal(p.description, 'AKS · Healthy · AI on');
  assert.ok(tokens(p.contextValue).includes('legacyService'));
  assert.ok(tokens(p.contextValue).includes('appInsights-on'));
  assert.equal(presentLegacyService(workspace, { ...service, state: 'Unhealthy' }, strings).state, 'warning');
});

void test('names with markup stay plain text in labels and tooltips', () => {
  const evil = '<img src=x onerror=alert(1)> **bold** [link](command:x)';
  const p = presentDeployment(
    workspace,
    { ...endpoint, endpointName: evil },
    { ...deployment, deploymentName: evil },
    strings,
  );
  assert.equal(p.label, evil);
  assert.equal(typeof p.tooltip, 'string');
  assert.ok(p.tooltip.startsWith(`${evil}/${evil}`));
  assert.equal(
    presentSubscription({ subscriptionId: SUB, displayName: 'Ünïcode sub' }, strings).label,
    'Ünïcode sub',
  );
});

void test('a deployment tooltip names its model as name:version, not an ARM id', () => {
  assert.equal(
    modelDisplayName(
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/models/credit-risk-model/versions/7',
    ),
    'credit-risk-model:7',
  );
  assert.equal(modelDisplayName('azureml:credit-risk-model:7'), 'credit-risk-model:7');
  assert.equal(modelDisplayName('azureml://registries/r/models/m/versions/2'), 'm:2');
});

void test('a row painted from the Resource Graph index says so in its tooltip; an ARM read does not', () => {
  const withNote: PresentationStrings = { ...strings, fromIndex: 'From the index.' };
  const fromIndex = presentDeployment(workspace, endpoint, { ...deployment, source: 'index' }, withNote);
  assert.match(fromIndex.tooltip, /\nFrom the index\.$/);
  assert.doesNotMatch(presentDeployment(workspace, endpoint, deployment, withNote).tooltip, /From the index/);
  assert.match(
    presentEndpoint(workspace, { ...endpoint, source: 'index' }, withNote).tooltip,
    /From the index\.$/,
  );
});

const glanceStrings = {
  p95: (d: string) => `p95 ${d}`,
  perMinute: (c: string) => `${c}/min`,
  serverErrors: (p: string) => `5xx ${p}%`,
  lastHour: 'Last hour',
  noData: 'no metrics data',
};

void test('at a glance: figures that exist are shown, missing ones are left out, never zero', () => {
  assert.equal(
    glanceText({ p95Ms: 4812, requestsPerMinute: 41.26, serverErrorShare: 0.031 }, glanceStrings),
    'p95 4.81 s · 41.3/min · 5xx 3.1%',
  );
  assert.equal(glanceText({ p95Ms: 62.4, serverErrorShare: 0 }, glanceStrings), 'p95 62.4 ms · 5xx 0%');
  assert.equal(glanceText({}, glanceStrings), '');
  const s: PresentationStrings = { ...strings, glance: glanceStrings };
  const dep = presentDeployment(workspace, endpoint, deployment, s, { glance: { requestsPerMinute: 1200 } });
  assert.match(dep.description, / · 1200\/min$/);
  assert.match(dep.tooltip, /^Last hour: 1200\/min$/m);
  const none = presentDeployment(workspace, endpoint, deployment, s, { glance: {} });
  assert.doesNotMatch(none.description, /\/min|p95|5xx/);
  assert.match(none.tooltip, /^Last hour: no metrics data$/m);
  // Not read yet: no line at all.
  assert.doesNotMatch(presentDeployment(workspace, endpoint, deployment, s).tooltip, /Last hour/);
});
