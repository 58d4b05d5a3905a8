// The diagnose scenario: one workspace whose endpoints each hold one deployment in one health
// profile (health.ts): a healthy one and one per failure class of Azure ML's troubleshooting guide.
// Tests derive their expectations from it; `npm run emulator -- --scenario diagnose` serves it.
import { HEALTH_PROFILES, provisioningStateOf, type HealthProfile } from '../health';
import type { Scenario } from '../scenario';

export const DIAGNOSE_SUBSCRIPTION = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

/** Endpoint name of a profile: 'ep-crash-loop' for crashLoop. */
export function diagnoseEndpointOf(profile: HealthProfile): string {
  return `ep-${profile.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export function buildDiagnoseScenario(): Scenario {
  return {
    name: 'diagnose',
    seed: 14,
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    subscriptions: [
      {
        subscriptionId: DIAGNOSE_SUBSCRIPTION,
        displayName: 'Contoso ML Diagnose',
        state: 'Enabled',
        workspaces: [
          {
            name: 'mlw-diagnose',
            resourceGroup: 'rg-diagnose',
            location: 'westeurope',
            appInsights: {
              name: 'appi-diagnose',
              logAnalyticsWorkspace: {
                name: 'log-diagnose',
                customerId: '0d9c8b7a-6f5e-4d3c-8b2a-19f8e7d6c5b4',
              },
            },
            endpoints: HEALTH_PROFILES.map((health) => ({
              name: diagnoseEndpointOf(health),
              authMode: 'Key' as const,
              provisioningState: 'Succeeded',
              traffic: { blue: 100 },
              deployments: [
                {
                  name: 'blue',
                  computeType: 'Managed' as const,
                  instanceType: 'Standard_DS3_v2',
                  instanceCount: 2,
                  appInsightsEnabled: false,
                  provisioningState: provisioningStateOf(health) ?? 'Succeeded',
                  model: 'credit-risk-model:8',
                  requestsPerMinute: 60,
                  health,
                },
              ],
            })),
            legacyServices: [],
          },
        ],
      },
    ],
  };
}
