// The emulated Azure's mutable state, built from a scenario, and the ARM / v1 JSON shapes of each
// resource as the services answer them.
import type {
  Scenario,
  ScenarioDeployment,
  ScenarioEndpoint,
  ScenarioLegacyService,
  ScenarioSubscription,
  ScenarioWorkspace,
} from './scenario';
import { stableGuid } from './random';
import { scoringUriOf } from './scoring';

const ML = 'Microsoft.MachineLearningServices';
export const ARM_API_VERSION = '2022-10-01';

export interface WorkspaceState {
  sub: ScenarioSubscription;
  ws: ScenarioWorkspace;
  armId: string;
  guid: string;
  componentId?: string;
  logAnalyticsId?: string;
}

export interface DeploymentState {
  workspace: WorkspaceState;
  endpoint: ScenarioEndpoint;
  armId: string;
  /** The resource as GET answers it. */
  body: ArmResource;
}

export interface LegacyState {
  workspace: WorkspaceState;
  service: ScenarioLegacyService;
  body: Record<string, unknown>;
}

export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location: string;
  tags?: Record<string, string>;
  sku?: Record<string, unknown>;
  kind?: string;
  identity?: Record<string, unknown>;
  systemData?: Record<string, unknown>;
  properties: Record<string, unknown>;
}

const key = (...parts: string[]) => parts.join('/').toLowerCase();

export class EmulatedAzure {
  readonly workspaces = new Map<string, WorkspaceState>();
  readonly deployments = new Map<string, DeploymentState>();
  readonly legacy = new Map<string, LegacyState>();
  private readonly created = '2026-09-01T08:00:00.0000000Z';

  constructor(
    readonly scenario: Scenario,
    private readonly baseUrl: () => string,
  ) {
    for (const sub of scenario.subscriptions) {
      for (const ws of sub.workspaces) {
        const armId = `/subscriptions/${sub.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/${ML}/workspaces/${ws.name}`;
        const state: WorkspaceState = { sub, ws, armId, guid: stableGuid(scenario.seed, armId) };
        if (ws.appInsights) {
          state.componentId = `/subscriptions/${sub.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.Insights/components/${ws.appInsights.name}`;
          const la = ws.appInsights.logAnalyticsWorkspace;
          if (la) {
            state.logAnalyticsId = `/subscriptions/${sub.subscriptionId}/resourceGroups/${la.resourceGroup ?? ws.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${la.name}`;
          }
        }
        this.workspaces.set(key(sub.subscriptionId, ws.resourceGroup, ws.name), state);
        for (const ep of ws.endpoints) {
          for (const dep of ep.deployments) {
            const d: DeploymentState = {
              workspace: state,
              endpoint: ep,
              armId: `${armId}/onlineEndpoints/${ep.name}/deployments/${dep.name}`,
              body: this.deploymentBody(state, ep, dep),
            };
            this.deployments.set(key(sub.subscriptionId, ws.resourceGroup, ws.name, ep.name, dep.name), d);
          }
        }
        for (const svc of ws.legacyServices) {
          this.legacy.set(key(sub.subscriptionId, ws.resourceGroup, ws.name, svc.name), {
            workspace: state,
            service: svc,
            body: this.legacyBody(state, svc),
          });
        }
      }
    }
  }

  subscription(id: string): ScenarioSubscription | undefined {
    return this.scenario.subscriptions.find((s) => s.subscriptionId.toLowerCase() === id.toLowerCase());
  }
  workspace(sub: string, rg: string, ws: string): WorkspaceState | undefined {
    return this.workspaces.get(key(sub, rg, ws));
  }
  workspacesOf(sub: string, rg?: string): WorkspaceState[] {
    return [...this.workspaces.values()].filter(
      (w) =>
        w.sub.subscriptionId.toLowerCase() === sub.toLowerCase() &&
        (!rg || w.ws.resourceGroup.toLowerCase() === rg.toLowerCase()),
    );
  }
  endpoint(w: WorkspaceState, name: string): ScenarioEndpoint | undefined {
    return w.ws.endpoints.find((e) => e.name.toLowerCase() === name.toLowerCase());
  }
  deployment(w: WorkspaceState, ep: string, dep: string): DeploymentState | undefined {
    return this.deployments.get(key(w.sub.subscriptionId, w.ws.resourceGroup, w.ws.name, ep, dep));
  }
  deploymentsOf(w: WorkspaceState, ep: string): DeploymentState[] {
    const prefix = key(w.sub.subscriptionId, w.ws.resourceGroup, w.ws.name, ep) + '/';
    return [...this.deployments.entries()]
      .filter(([k]) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
      .map(([, d]) => d);
  }
  addDeployment(w: WorkspaceState, ep: ScenarioEndpoint, name: string, body: ArmResource): DeploymentState {
    const d: DeploymentState = {
      workspace: w,
      endpoint: ep,
      armId: `${w.armId}/onlineEndpoints/${ep.name}/deployments/${name}`,
      body,
    };
    this.deployments.set(key(w.sub.subscriptionId, w.ws.resourceGroup, w.ws.name, ep.name, name), d);
    return d;
  }
  legacyService(w: WorkspaceState, name: string): LegacyState | undefined {
    return this.legacy.get(key(w.sub.subscriptionId, w.ws.resourceGroup, w.ws.name, name));
  }
  legacyOf(w: WorkspaceState): LegacyState[] {
    return w.ws.legacyServices.map((s) => this.legacyService(w, s.name)).filter((s): s is LegacyState => !!s);
  }

  /** Regions of the scenario's workspaces, as ARM lists a provider's supported locations. */
  locations(): string[] {
    return [...new Set([...this.workspaces.values()].map((w) => w.ws.location))];
  }

  systemData(): Record<string, unknown> {
    return {
      createdAt: this.created,
      createdBy: 'mlops@contoso.com',
      createdByType: 'User',
      lastModifiedAt: this.created,
      lastModifiedBy: 'mlops@contoso.com',
      lastModifiedByType: 'User',
    };
  }

  workspaceBody(w: WorkspaceState): ArmResource {
    const { sub, ws } = w;
    const rgId = `/subscriptions/${sub.subscriptionId}/resourceGroups/${ws.resourceGroup}`;
    const compact = ws.name
      .replace(/[^a-z0-9]/gi, '')
      .toLowerCase()
      .slice(0, 16);
    return {
      id: w.armId,
      name: ws.name,
      type: `${ML}/workspaces`,
      location: ws.location,
      tags: {},
      sku: { name: 'Basic', tier: 'Basic' },
      identity: {
        type: 'SystemAssigned',
        principalId: stableGuid(this.scenario.seed, `${w.armId}#principal`),
        tenantId: this.scenario.tenantId,
      },
      systemData: this.systemData(),
      properties: {
        workspaceId: w.guid,
        friendlyName: ws.friendlyName ?? ws.name,
        description: '',
        ...(w.componentId ? { applicationInsights: w.componentId } : {}),
        keyVault: `${rgId}/providers/Microsoft.KeyVault/vaults/kv${compact}`,
        storageAccount: `${rgId}/providers/Microsoft.Storage/storageAccounts/st${compact}`,
        containerRegistry: `${rgId}/providers/Microsoft.ContainerRegistry/registries/cr${compact}`,
        discoveryUrl: `${this.baseUrl()}/discovery/${ws.location}`,
        mlFlowTrackingUri: `azureml://${ws.location}.api.azureml.ms/mlflow/v1.0${w.armId}`,
        provisioningState: 'Succeeded',
        publicNetworkAccess: 'Enabled',
        v1LegacyMode: false,
        hbiWorkspace: false,
      },
    };
  }

  endpointBody(w: WorkspaceState, ep: ScenarioEndpoint): ArmResource {
    const id = `${w.armId}/onlineEndpoints/${ep.name}`;
    const scoringUri = scoringUriOf(this.baseUrl(), w.ws.location, ep.name);
    return {
      id,
      name: ep.name,
      type: `${ML}/workspaces/onlineEndpoints`,
      location: w.ws.location,
      tags: {},
      kind: 'Managed',
      identity: {
        type: 'SystemAssigned',
        principalId: stableGuid(this.scenario.seed, `${id}#principal`),
        tenantId: this.scenario.tenantId,
      },
      systemData: this.systemData(),
      properties: {
        authMode: ep.authMode,
        description: ep.description ?? '',
        scoringUri,
        swaggerUri: scoringUri.replace(/\/score$/, '/swagger.json'),
        traffic: { ...ep.traffic },
        mirrorTraffic: {},
        publicNetworkAccess: 'Enabled',
        provisioningState: ep.provisioningState,
        properties: { AzureAsyncOperationUri: '', azureml$: 'online-endpoint' },
      },
    };
  }

  private deploymentBody(w: WorkspaceState, ep: ScenarioEndpoint, dep: ScenarioDeployment): ArmResource {
    const id = `${w.armId}/onlineEndpoints/${ep.name}/deployments/${dep.name}`;
    const [modelName, modelVersion = '1'] = dep.model.split(':');
    return {
      id,
      name: dep.name,
      type: `${ML}/workspaces/onlineEndpoints/deployments`,
      location: w.ws.location,
      tags: { team: 'risk-models' },
      kind: dep.computeType === 'Kubernetes' ? 'Kubernetes' : 'Managed',
      sku: { name: 'Default', tier: 'Standard', capacity: dep.instanceCount },
      systemData: this.systemData(),
      properties: {
        description: '',
        endpointComputeType: dep.computeType,
        appInsightsEnabled: dep.appInsightsEnabled,
        model: `${w.armId}/models/${modelName}/versions/${modelVersion}`,
        codeConfiguration: {
          codeId: `${w.armId}/codes/${stableGuid(this.scenario.seed, `${id}#code`)}/versions/1`,
          scoringScript: 'score.py',
        },
        environmentId: `${w.armId}/environments/sklearn-1.5/versions/3`,
        environmentVariables: { AZUREML_ENTRY_SCRIPT: 'score.py', WORKER_COUNT: '1' },
        instanceType: dep.instanceType,
        livenessProbe: {
          initialDelay: 'PT10M',
          period: 'PT10S',
          timeout: 'PT2S',
          successThreshold: 1,
          failureThreshold: 30,
        },
        readinessProbe: {
          initialDelay: 'PT10S',
          period: 'PT10S',
          timeout: 'PT2S',
          successThreshold: 1,
          failureThreshold: 30,
        },
        requestSettings: {
          maxConcurrentRequestsPerInstance: 1,
          requestTimeout: 'PT5S',
          maxQueueWait: 'PT0.5S',
        },
        scaleSettings: { scaleType: 'Default' },
        egressPublicNetworkAccess: 'Enabled',
        properties: {},
        ...dep.extraProperties,
        provisioningState: dep.provisioningState,
      },
    };
  }

  private legacyBody(w: WorkspaceState, svc: ScenarioLegacyService): Record<string, unknown> {
    const host =
      svc.computeType === 'ACI'
        ? `http://${stableGuid(this.scenario.seed, svc.name).slice(0, 8)}.${w.ws.location}.azurecontainer.io`
        : `http://${w.ws.name.slice(0, 12)}-aks.${w.ws.location}.cloudapp.azure.com/api/v1/service/${svc.name}`;
    return {
      id: svc.name,
      name: svc.name,
      description: '',
      kvTags: {},
      properties: { hasInferenceSchema: 'False', hasHttps: 'False' },
      state: svc.state,
      createdTime: '2024-03-14T09:26:53.000Z',
      updatedTime: '2025-01-20T16:02:11.000Z',
      error: null,
      computeType: svc.computeType,
      scoringUri: svc.computeType === 'ACI' ? `${host}/score` : `${host}/score`,
      swaggerUri: `${host}/swagger.json`,
      appInsightsEnabled: svc.appInsightsEnabled,
      authEnabled: svc.authEnabled,
      aadAuthEnabled: false,
      containerResourceRequirements: { cpu: 0.1, memoryInGB: 0.5, gpu: null },
      ...(svc.computeType === 'AKS'
        ? { numReplicas: 2, computeName: 'aks-prod' }
        : { location: w.ws.location }),
      createdBy: { userName: 'mlops@contoso.com' },
    };
  }
}
