import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  armIdName,
  isAtOrBelow,
  buildArmId,
  endpointRefOf,
  parseArmId,
  portalResourceUrl,
  sameArmId,
  studioEndpointUrl,
  studioWorkspaceUrl,
  workspaceArmId,
} from '../../src/core/armId';

const SUB = '00000000-1111-2222-3333-444444444444';
const COMPONENT = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.Insights/components/appi-ml`;

void test('parses a nested ARM id', () => {
  const id = parseArmId(
    `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep/deployments/blue`,
  );
  assert.deepEqual(id, {
    subscriptionId: SUB,
    resourceGroup: 'rg',
    provider: 'Microsoft.MachineLearningServices',
    resources: [
      { type: 'workspaces', name: 'ws' },
      { type: 'onlineEndpoints', name: 'ep' },
      { type: 'deployments', name: 'blue' },
    ],
  });
});

void test('segment names are case-insensitive; subscription-only and resource-group ids parse', () => {
  assert.equal(parseArmId(`/SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/rg`)?.resourceGroup, 'rg');
  assert.deepEqual(parseArmId(`/subscriptions/${SUB}`), {
    subscriptionId: SUB,
    resourceGroup: undefined,
    provider: undefined,
    resources: [],
  });
});

void test('rejects what is not an ARM id', () => {
  for (const bad of [
    '',
    'foo',
    '/tenants/x',
    `/subscriptions/${SUB}/resourceGroups`,
    `/subscriptions/${SUB}/bogus/x`,
    `${COMPONENT}/extra`,
  ]) {
    assert.equal(parseArmId(bad), undefined, bad);
  }
});

void test('build round-trips, encoding names with spaces and unicode', () => {
  const id = workspaceArmId(SUB, 'rg ü', 'my ws');
  assert.equal(
    id,
    `/subscriptions/${SUB}/resourceGroups/rg%20%C3%BC/providers/Microsoft.MachineLearningServices/workspaces/my%20ws`,
  );
  const parsed = parseArmId(id);
  assert.equal(parsed?.resourceGroup, 'rg ü');
  assert.equal(parsed?.resources[0]?.name, 'my ws');
  assert.ok(parsed && buildArmId(parsed) === id);
});

void test('sameArmId ignores case; armIdName gives the last name', () => {
  assert.ok(sameArmId(COMPONENT, COMPONENT.toUpperCase().replace(SUB.toUpperCase(), SUB)));
  assert.ok(!sameArmId(COMPONENT, COMPONENT.replace('appi-ml', 'other')));
  assert.equal(armIdName(COMPONENT), 'appi-ml');
});

void test('Studio deep link to an endpoint carries the workspace id and tenant', () => {
  const ws = { subscriptionId: SUB, resourceGroup: 'rg', workspaceName: 'ws' };
  assert.equal(
    studioEndpointUrl('https://ml.azure.com/', ws, 'my-ep', 'tenant-1'),
    `https://ml.azure.com/endpoints/realtime/my-ep/detail?wsid=/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws&tid=tenant-1`,
  );
  assert.equal(
    studioWorkspaceUrl('https://ml.azure.com', ws),
    `https://ml.azure.com/home?wsid=/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws`,
  );
  // A name with markup cannot break out of its path segment.
  assert.ok(
    studioEndpointUrl('https://ml.azure.com', ws, '<img src=x>').includes(
      '/realtime/%3Cimg%20src%3Dx%3E/detail',
    ),
  );
});

void test('portal link to a resource overview, with and without tenant', () => {
  assert.equal(
    portalResourceUrl('https://portal.azure.com', COMPONENT, 'contoso.onmicrosoft.com'),
    `https://portal.azure.com/#@contoso.onmicrosoft.com/resource${COMPONENT}/overview`,
  );
  assert.equal(
    portalResourceUrl('https://portal.azure.com/', COMPONENT),
    `https://portal.azure.com/#resource${COMPONENT}/overview`,
  );
});

void test('endpointRefOf reads an online endpoint id, whatever its case, and refuses anything else', () => {
  const ws =
    '/subscriptions/s-1/resourceGroups/rg%201/providers/Microsoft.MachineLearningServices/workspaces/w';
  assert.deepEqual(endpointRefOf(`${ws}/onlineEndpoints/credit-risk`), {
    subscriptionId: 's-1',
    resourceGroup: 'rg 1',
    workspaceName: 'w',
    endpointName: 'credit-risk',
  });
  assert.equal(endpointRefOf(`${ws.toLowerCase()}/onlineendpoints/e`)?.endpointName, 'e');
  assert.equal(endpointRefOf(ws), undefined);
  assert.equal(endpointRefOf(`${ws}/onlineEndpoints/e/deployments/blue`), undefined);
  assert.equal(endpointRefOf(`${ws}/batchEndpoints/e`), undefined);
  assert.equal(
    endpointRefOf(
      '/subscriptions/s/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e',
    ),
    undefined,
  );
  assert.equal(endpointRefOf('not an id'), undefined);
});

void test('isAtOrBelow: the id itself, its children and ids built on it, never a sibling that starts the same', () => {
  const ep =
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/ep';
  assert.equal(isAtOrBelow(ep, ep), true);
  assert.equal(isAtOrBelow(`${ep}/deployments/blue`, ep), true);
  assert.equal(isAtOrBelow(`${ep.toUpperCase()}#self`, ep), true);
  assert.equal(isAtOrBelow(`${ep}2`, ep), false);
  assert.equal(isAtOrBelow(`${ep}2/deployments/blue`, ep), false);
  assert.equal(isAtOrBelow(ep, `${ep}/deployments/blue`), false);
});
