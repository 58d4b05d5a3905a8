// Diagnose Deployment, the gathering: everything Diagnose looks at, read in parallel. Each source
// that fails is recorded as unavailable (with why) instead of failing the whole diagnosis. No
// vscode import: integration tests run it against the emulator as the command does.
import type { AzureClient } from '../azure/api';
import type { DeploymentRef, Endpoint } from '../azure/models';
import { diagnose, requestSettingsOf, type Diagnosis, type Evidence } from '../core/diagnose';
import { statusMixOf, windowOf } from '../core/metrics';

export type SourceId =
  'deployment' | 'operation' | 'storageInitializerLog' | 'inferenceServerLog' | 'eventLog' | 'metrics';

export const SOURCES: readonly SourceId[] = [
  'deployment',
  'operation',
  'storageInitializerLog',
  'inferenceServerLog',
  'eventLog',
  'metrics',
];

export interface SourceOutcome {
  source: SourceId;
  /** Why it could not be read; undefined when read. 'notConfigured' for the event log without a diagnostic setting. */
  failure?: string;
  notConfigured?: boolean;
}

export interface DiagnoseResult {
  diagnosis: Diagnosis;
  evidence: Evidence;
  sources: SourceOutcome[];
  /** Where the event log came from, when it was read. */
  logAnalyticsId?: string;
}

const LOG_LINES = 400;
const EVENT_LOG_CATEGORY = 'AmlOnlineEndpointEventLog';

/** KQL for the deployment's container events of the last day (rows scoped by the resource id and deployment). */
export function eventLogQuery(endpointArmId: string, deploymentName: string): string {
  const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return [
    'AmlOnlineEndpointEventLog',
    `| where _ResourceId =~ ${quote(endpointArmId)} and DeploymentName == ${quote(deploymentName)}`,
    '| project TimeGenerated, Name, Message',
    '| order by TimeGenerated desc',
    '| take 200',
  ].join('\n');
}

function cellText(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v);
}

export async function gatherAndDiagnose(
  client: AzureClient,
  endpoint: Endpoint,
  ref: DeploymentRef,
  options: {
    abortSignal?: AbortSignal;
    nowMs?: number;
    onSource?: (outcome: SourceOutcome) => void;
    describeError?: (e: unknown) => string;
  } = {},
): Promise<DiagnoseResult> {
  const { abortSignal } = options;
  const describe = options.describeError ?? ((e: unknown) => (e instanceof Error ? e.message : String(e)));
  const nowMs = options.nowMs ?? Date.now();
  const evidence: Evidence = {};
  const sources: SourceOutcome[] = [];
  const deploymentId = `${endpoint.armId}/deployments/${ref.deploymentName}`;
  let logAnalyticsId: string | undefined;

  const run = async (source: SourceId, read: () => Promise<boolean | void>) => {
    let outcome: SourceOutcome;
    try {
      const configured = await read();
      outcome = configured === false ? { source, notConfigured: true } : { source };
    } catch (e) {
      if (abortSignal?.aborted) throw e;
      outcome = { source, failure: describe(e) };
    }
    sources.push(outcome);
    options.onSource?.(outcome);
  };

  await Promise.all([
    run('deployment', async () => {
      const [deployment, properties] = await Promise.all([
        client.getDeployment(ref, abortSignal),
        client.getDeploymentProperties(ref, abortSignal),
      ]);
      evidence.provisioningState = deployment.provisioningState;
      if (deployment.instanceCount !== undefined) evidence.instanceCount = deployment.instanceCount;
      Object.assign(evidence, requestSettingsOf(properties));
    }),
    run('operation', async () => {
      const failures = await client.listFailedOperations(deploymentId, nowMs - 7 * 86_400_000, abortSignal);
      const last = failures[0];
      if (last)
        evidence.failedOperation = {
          ...(last.code ? { code: last.code } : {}),
          ...(last.message ? { message: last.message } : {}),
        };
    }),
    run('storageInitializerLog', async () => {
      evidence.storageInitializerLog = await client.getDeploymentLogs(ref, 'StorageInitializer', {
        tail: LOG_LINES,
        ...(abortSignal ? { abortSignal } : {}),
      });
    }),
    run('inferenceServerLog', async () => {
      evidence.inferenceServerLog = await client.getDeploymentLogs(ref, 'InferenceServer', {
        tail: LOG_LINES,
        ...(abortSignal ? { abortSignal } : {}),
      });
    }),
    run('eventLog', async () => {
      // Only when the endpoint sends its event log to a Log Analytics workspace.
      const settings = await client.listDiagnosticSettings(endpoint.armId, abortSignal);
      const setting = settings.find(
        (s) =>
          s.workspaceId &&
          (s.categories.includes(EVENT_LOG_CATEGORY) || s.categoryGroups.includes('allLogs')),
      );
      if (!setting?.workspaceId) return false;
      logAnalyticsId = setting.workspaceId;
      const result = await client.query(
        { kind: 'logAnalytics', resourceId: setting.workspaceId },
        eventLogQuery(endpoint.armId, ref.deploymentName),
        { duration: 'P1D' },
        { ...(abortSignal ? { abortSignal } : {}) },
      );
      const table = result.tables[0];
      const name = table?.columns.findIndex((c) => c.name === 'Name') ?? -1;
      const message = table?.columns.findIndex((c) => c.name === 'Message') ?? -1;
      evidence.events = (table?.rows ?? []).map((r) => ({
        name: name >= 0 ? cellText(r[name]) : '',
        message: message >= 0 ? cellText(r[message]) : '',
      }));
    }),
    run('metrics', async () => {
      const w = windowOf('PT1H', nowMs);
      const answer = await client.queryMetrics(
        deploymentId,
        {
          metricNames: ['RequestsPerMinute'],
          aggregation: 'Average',
          timespan: w.timespan,
          interval: w.interval,
          filter: "envoy_response_code eq '*'",
          top: 50,
        },
        abortSignal,
      );
      evidence.statusMix = statusMixOf(answer, 'envoy_response_code');
    }),
  ]);
  sources.sort((a, b) => SOURCES.indexOf(a.source) - SOURCES.indexOf(b.source));
  return { diagnosis: diagnose(evidence), evidence, sources, ...(logAnalyticsId ? { logAnalyticsId } : {}) };
}
