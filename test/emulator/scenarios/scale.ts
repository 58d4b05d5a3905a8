// The scale scenario for benchmarks: one subscription with 20 workspaces × 10 endpoints × 3
// deployments (first, so "the first subscription" is the big one), then the default scenario's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario, ScenarioWorkspace } from '../scenario';

export function buildScaleScenario(workspaces = 20, endpoints = 10, deployments = 3): Scenario {
  const base = JSON.parse(readFileSync(join(__dirname, 'default.json'), 'utf8')) as Scenario;
  const locations = ['westeurope', 'eastus', 'westus2', 'northeurope'];
  const ws: ScenarioWorkspace[] = Array.from({ length: workspaces }, (_, w) => ({
    name: `mlw-scale-${String(w + 1).padStart(2, '0')}`,
    resourceGroup: `rg-scale-${Math.floor(w / 5) + 1}`,
    location: locations[w % locations.length]!,
    appInsights: { name: `appi-scale-${String(w + 1).padStart(2, '0')}` },
    endpoints: Array.from({ length: endpoints }, (_, e) => ({
      name: `ep-${String(w + 1).padStart(2, '0')}-${String(e + 1).padStart(2, '0')}`,
      authMode: e % 2 ? 'AMLToken' : 'Key',
      provisioningState: 'Succeeded',
      traffic: Object.fromEntries(
        Array.from({ length: deployments }, (_, d) => [`d${d + 1}`, d === 0 ? 100 : 0]),
      ),
      deployments: Array.from({ length: deployments }, (_, d) => ({
        name: `d${d + 1}`,
        computeType: 'Managed' as const,
        instanceType: 'Standard_DS3_v2',
        instanceCount: 1 + (d % 3),
        appInsightsEnabled: (w + e + d) % 2 === 0,
        provisioningState: (w + e + d) % 17 === 0 ? 'Failed' : 'Succeeded',
        model: `model-${e + 1}:${d + 1}`,
        requestsPerMinute: 2,
      })),
    })),
    legacyServices: [],
  }));
  return {
    ...base,
    name: 'scale',
    subscriptions: [
      {
        subscriptionId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
        displayName: 'Contoso ML Scale Test',
        state: 'Enabled',
        workspaces: ws,
      },
      ...base.subscriptions,
    ],
  };
}
