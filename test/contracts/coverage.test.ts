// The contract corpus covers every operation the client calls: each method of the AzureClient
// interface (src/azure/api.ts) is named here with the contract tests that hold it to Microsoft's
// published material. A new method fails this test until its contract is written (README.md says how).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadFixtures } from './fixtures';

/** Client method → the fixtures (fixtures/<name>.json) its contract tests replay. */
const COVERED: Record<string, string[]> = {
  listSubscriptions: ['subscriptions-list'],
  queryResourceGraph: ['resource-graph-resources'],
  listWorkspaces: ['workspaces-list-by-subscription'],
  getWorkspace: ['workspaces-get'],
  listEndpoints: ['online-endpoints-list'],
  getEndpoint: ['online-endpoints-get'],
  listDeployments: ['online-deployments-list'],
  getDeployment: ['online-deployments-get'],
  setDeploymentAppInsights: [
    'online-deployments-get-raw',
    'online-deployments-create-or-update',
    'operation-status',
  ],
  getDeploymentProperties: ['online-deployments-get-raw'],
  getDeploymentLogs: ['online-deployments-get-logs'],
  listLegacyServices: ['v1-discovery', 'v1-services-list'],
  getLegacyService: ['v1-services-get'],
  setLegacyAppInsights: ['v1-services-update', 'v1-operations-get'],
  getLegacyLogs: ['v1-services-logs'],
  getAppInsightsComponent: ['components-get'],
  openScoringSession: ['online-endpoints-list-keys', 'online-endpoints-get-token'],
  query: ['logs-query-resource'],
  queryStream: ['logs-query-resource'],
  queryMetrics: ['metrics-list'],

  listDiagnosticSettings: ['diagnostic-settings-list'],
  createDiagnosticSetting: ['diagnostic-settings-create-or-update'],
  listFailedOperations: ['activity-logs-list'],
};

function clientMethods(): string[] {
  const api = readFileSync(join(__dirname, '../../src/azure/api.ts'), 'utf8');
  const body = /export interface AzureClient \{([\s\S]*?)\n\}/.exec(api)?.[1] ?? '';
  return [...body.matchAll(/^ {2}([a-zA-Z]+)\(/gm)].map((m) => m[1] ?? '');
}

void test('every AzureClient method has a contract, and every named fixture exists', () => {
  const methods = clientMethods();
  assert.ok(methods.length > 10, 'the AzureClient interface was found');
  const missing = methods.filter((m) => !(m in COVERED));
  assert.deepEqual(
    missing,
    [],
    'these client methods have no contract: add a fixture from azure-rest-api-specs and a test (test/contracts/README.md), then list them in coverage.test.ts',
  );
  const fixtures = loadFixtures();
  for (const [method, names] of Object.entries(COVERED)) {
    assert.ok(methods.includes(method), `${method} is no longer a client method: drop it here`);
    for (const name of names) assert.ok(fixtures.has(name), `${method}: fixture ${name} is missing`);
  }
});
