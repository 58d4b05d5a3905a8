// A small scenario for the query engine's unit tests: one workspace-based component (with a Log
// Analytics workspace) holding a deployment with App Insights on, one off, a Kubernetes deployment
// and a v1 service; a second classic component; and a workspace without App Insights.
import type { Scenario } from '../scenario';

export const testCustomerId = '6a1f3b2c-0d4e-4f5a-8b9c-0d1e2f3a4b5c';

export const kqlTestScenario: Scenario = {
  name: 'kql-test',
  seed: 42,
  tenantId: '00000000-0000-0000-0000-00000000aaaa',
  subscriptions: [
    {
      subscriptionId: '11111111-1111-1111-1111-111111111111',
      displayName: 'Test subscription',
      workspaces: [
        {
          name: 'ws-prod',
          resourceGroup: 'rg-prod',
          location: 'westeurope',
          appInsights: {
            name: 'ai-prod',
            logAnalyticsWorkspace: { name: 'la-prod', customerId: testCustomerId },
          },
          endpoints: [
            {
              name: 'credit-ep',
              authMode: 'Key',
              provisioningState: 'Succeeded',
              traffic: { blue: 90, green: 10 },
              deployments: [
                {
                  name: 'blue',
                  computeType: 'Managed',
                  instanceType: 'Standard_DS3_v2',
                  instanceCount: 2,
                  appInsightsEnabled: true,
                  provisioningState: 'Succeeded',
                  model: 'credit:3',
                  requestsPerMinute: 30,
                },
                {
                  name: 'green',
                  computeType: 'Managed',
                  instanceType: 'Standard_DS3_v2',
                  instanceCount: 1,
                  appInsightsEnabled: false,
                  provisioningState: 'Succeeded',
                  model: 'credit:4',
                },
                {
                  name: 'k8s',
                  computeType: 'Kubernetes',
                  instanceType: 'defaultinstancetype',
                  instanceCount: 1,
                  appInsightsEnabled: true,
                  provisioningState: 'Failed',
                  model: 'credit:2',
                  requestsPerMinute: 5,
                },
              ],
            },
          ],
          legacyServices: [
            {
              name: 'legacy-aci',
              computeType: 'ACI',
              state: 'Healthy',
              appInsightsEnabled: true,
              authEnabled: true,
            },
            {
              name: 'legacy-off',
              computeType: 'AKS',
              state: 'Healthy',
              appInsightsEnabled: false,
              authEnabled: true,
            },
          ],
        },
        {
          name: 'ws-dev',
          resourceGroup: 'rg-dev',
          location: 'eastus',
          appInsights: { name: 'ai-dev' },
          endpoints: [
            {
              name: 'dev-ep',
              authMode: 'AMLToken',
              provisioningState: 'Succeeded',
              traffic: { main: 100 },
              deployments: [
                {
                  name: 'main',
                  computeType: 'Managed',
                  instanceType: 'Standard_DS2_v2',
                  instanceCount: 1,
                  appInsightsEnabled: true,
                  provisioningState: 'Succeeded',
                  model: 'dev:1',
                  requestsPerMinute: 2,
                },
              ],
            },
          ],
          legacyServices: [],
        },
        { name: 'ws-bare', resourceGroup: 'rg-bare', location: 'eastus', endpoints: [], legacyServices: [] },
      ],
    },
  ],
};

export const prodComponentId =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-prod/providers/Microsoft.Insights/components/ai-prod';
export const devComponentId =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-dev/providers/Microsoft.Insights/components/ai-dev';
export const prodLogAnalyticsId =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-prod/providers/Microsoft.OperationalInsights/workspaces/la-prod';
