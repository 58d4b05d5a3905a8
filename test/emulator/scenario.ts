// The data model of an emulated Azure: what subscriptions, workspaces, endpoints, deployments and
// v1 services exist. Scenarios are JSON files in scenarios/ or built by code (the scale scenario).
import type { HealthProfile } from './health';

export interface Scenario {
  name: string;
  /** Seeds every generated value (log lines, query rows): same seed, same answers. */
  seed: number;
  tenantId: string;
  subscriptions: ScenarioSubscription[];
  /**
   * Regions whose discovery document names a model-management host of its own (v1 services are
   * served there only, not on the api host).
   */
  separateModelManagementHost?: string[];
}

export interface ScenarioSubscription {
  subscriptionId: string;
  displayName: string;
  state?: 'Enabled' | 'Disabled' | 'Warned';
  workspaces: ScenarioWorkspace[];
}

export interface ScenarioWorkspace {
  name: string;
  resourceGroup: string;
  location: string;
  friendlyName?: string;
  /** The workspace's Application Insights component; absent = the workspace has none. */
  appInsights?: {
    name: string;
    /** Workspace-based components also expose the Log Analytics workspace below. */
    logAnalyticsWorkspace?: { name: string; resourceGroup?: string; customerId: string };
  };
  endpoints: ScenarioEndpoint[];
  legacyServices: ScenarioLegacyService[];
}

export interface ScenarioEndpoint {
  name: string;
  authMode: 'AMLToken' | 'Key' | 'AADToken';
  provisioningState: string;
  description?: string;
  traffic: Record<string, number>;
  deployments: ScenarioDeployment[];
  /** A diagnostic setting the endpoint already has, to the workspace's Log Analytics workspace. */
  diagnosticSetting?: { name: string; categoryGroup?: 'allLogs'; categories?: string[] };
}

export interface ScenarioDeployment {
  name: string;
  computeType: 'Managed' | 'Kubernetes';
  instanceType: string;
  instanceCount: number;
  appInsightsEnabled: boolean;
  provisioningState: string;
  model: string;
  /** Mean requests per minute in generated telemetry (default 20). */
  requestsPerMinute?: number;
  /**
   * SERVICE_NAME in the container: what its telemetry carries as cloud_RoleName and "Service Name".
   * Its value on a managed deployment is not documented; default the deployment name (inferred).
   */
  serviceName?: string;
  /** What its metrics, logs and last operation show (default healthy); see health.ts. */
  health?: HealthProfile;
  /**
   * More members of `properties`, as deployments made with newer API versions carry them (for
   * example `dataCollector` and `startupProbe`, defined by stable/2025-09-01/mfe.json).
   */
  extraProperties?: Record<string, unknown>;
}

export interface ScenarioLegacyService {
  name: string;
  computeType: 'ACI' | 'AKS';
  state: 'Healthy' | 'Unhealthy' | 'Transitioning' | 'Failed';
  appInsightsEnabled: boolean;
  authEnabled: boolean;
}
