// Trace This Request: the queries that find one request in Application Insights and Log Analytics
// by its ids, and the timeline (received → model → answered) built from what they return.
//
// Which column holds which id differs between readings of the inference server's telemetry
// (microsoft/azureml-inference-server appinsights_client.py): the request span carries
// ai.operation.id (x-request-id) and ai.operation.parentId (x-ms-client-request-id) as attributes,
// which the exporter may map to operation_Id or keep in customDimensions; exceptions and
// model_data_collection traces carry "Request Id" and "Client Request Id". Every reading is asked.
import { kqlString } from './kql';

export interface TraceIds {
  /** x-request-id (Request Id). */
  requestId?: string;
  /** x-ms-client-request-id (Client Request Id). */
  clientRequestId?: string;
}

/**
 * Where Application Insights rows are read: the component itself (`classic`: requests, traces…
 * with operation_Id, customDimensions, cloud_RoleInstance) or, for a workspace-based component, its
 * Log Analytics workspace (`workspace`: AppRequests, AppTraces… with OperationId, Properties,
 * AppRoleInstance, TimeGenerated). Names from Azure Monitor's "Workspace-based resource changes"
 * page and table reference. Workspace queries project the classic names, so rows read the same.
 */
export type TelemetryForm =
  | { kind: 'classic' }
  | {
      kind: 'workspace';
      /** The component's ARM id: a workspace can hold the rows of several components. */
      componentId: string;
    };

const CLASSIC: TelemetryForm = { kind: 'classic' };

interface FormNames {
  table: Record<'requests' | 'traces' | 'exceptions' | 'dependencies', string>;
  time: string;
  operationId: string;
  dims: string;
  instance: string;
  message: string;
}

const NAMES: Record<TelemetryForm['kind'], FormNames> = {
  classic: {
    table: { requests: 'requests', traces: 'traces', exceptions: 'exceptions', dependencies: 'dependencies' },
    time: 'timestamp',
    operationId: 'operation_Id',
    dims: 'customDimensions',
    instance: 'cloud_RoleInstance',
    message: 'message',
  },
  workspace: {
    table: {
      requests: 'AppRequests',
      traces: 'AppTraces',
      exceptions: 'AppExceptions',
      dependencies: 'AppDependencies',
    },
    time: 'TimeGenerated',
    operationId: 'OperationId',
    dims: 'Properties',
    instance: 'AppRoleInstance',
    message: 'Message',
  },
};

/** The classic column each workspace-based column stands for, per table (projected as `classic = Workspace`). */
const WORKSPACE_PROJECTIONS: Record<keyof FormNames['table'], [string, string][]> = {
  requests: [
    ['timestamp', 'TimeGenerated'],
    ['name', 'Name'],
    ['resultCode', 'ResultCode'],
    ['duration', 'DurationMs'],
    ['success', 'Success'],
    ['operation_Id', 'OperationId'],
    ['cloud_RoleName', 'AppRoleName'],
    ['cloud_RoleInstance', 'AppRoleInstance'],
  ],
  traces: [
    ['timestamp', 'TimeGenerated'],
    ['message', 'Message'],
    ['severityLevel', 'SeverityLevel'],
    ['operation_Id', 'OperationId'],
    ['cloud_RoleInstance', 'AppRoleInstance'],
    ['customDimensions', 'Properties'],
  ],
  exceptions: [
    ['timestamp', 'TimeGenerated'],
    ['type', 'ExceptionType'],
    ['outerMessage', 'OuterMessage'],
    ['operation_Id', 'OperationId'],
    ['cloud_RoleInstance', 'AppRoleInstance'],
    ['customDimensions', 'Properties'],
  ],
  dependencies: [
    ['timestamp', 'TimeGenerated'],
    ['type', 'DependencyType'],
    ['target', 'Target'],
    ['name', 'Name'],
    ['resultCode', 'ResultCode'],
    ['duration', 'DurationMs'],
    ['success', 'Success'],
    ['operation_Id', 'OperationId'],
  ],
};

/** `<table> | where <scope>` for the form: a workspace query keeps to the component's rows. */
function from(table: keyof FormNames['table'], form: TelemetryForm): string {
  const name = NAMES[form.kind].table[table];
  return form.kind === 'workspace' ? `${name} | where _ResourceId =~ ${kqlString(form.componentId)}` : name;
}

/** `| project …` of the classic columns, renamed from the workspace-based ones when needed. */
function project(table: keyof FormNames['table'], classicColumns: string[], form: TelemetryForm): string {
  if (form.kind === 'classic') return `project ${classicColumns.join(', ')}`;
  const renamed = new Map(WORKSPACE_PROJECTIONS[table]);
  return `project ${classicColumns.map((c) => `${c} = ${renamed.get(c) ?? c}`).join(', ')}`;
}

function idFilter(ids: TraceIds, columns: { requestId: string[]; clientRequestId: string[] }): string {
  const parts: string[] = [];
  if (ids.requestId) for (const c of columns.requestId) parts.push(`${c} == ${kqlString(ids.requestId)}`);
  if (ids.clientRequestId)
    for (const c of columns.clientRequestId) parts.push(`${c} == ${kqlString(ids.clientRequestId)}`);
  return parts.length ? parts.join(' or ') : 'false';
}

const datetime = (d: Date) => `datetime(${d.toISOString()})`;

/** Queries of the App Insights tables, by every column an id may live in. */
export function appInsightsTraceQueries(
  ids: TraceIds,
  form: TelemetryForm = CLASSIC,
): Record<'requests' | 'traces' | 'exceptions', string> {
  const n = NAMES[form.kind];
  const dim = (name: string) => `tostring(${n.dims}[${kqlString(name)}])`;
  const byIds = idFilter(ids, {
    requestId: [n.operationId, dim('ai.operation.id'), dim('Request Id')],
    clientRequestId: [dim('ai.operation.parentId'), dim('Client Request Id')],
  });
  return {
    requests: `${from('requests', form)} | where ${byIds} | ${project(
      'requests',
      [
        'timestamp',
        'name',
        'resultCode',
        'duration',
        'success',
        'operation_Id',
        'cloud_RoleName',
        'cloud_RoleInstance',
      ],
      form,
    )} | take 20`,
    traces: `${from('traces', form)} | where ${byIds} | ${project(
      'traces',
      ['timestamp', 'message', 'severityLevel', 'operation_Id', 'cloud_RoleInstance', 'customDimensions'],
      form,
    )} | take 100`,
    exceptions: `${from('exceptions', form)} | where ${byIds} | ${project(
      'exceptions',
      ['timestamp', 'type', 'outerMessage', 'operation_Id', 'cloud_RoleInstance', 'customDimensions'],
      form,
    )} | take 20`,
  };
}

/** A second either side of the request: clocks of the gateway and the container differ a little. */
function window(start: Date, end: Date): [string, string] {
  return [datetime(new Date(start.getTime() - 1000)), datetime(new Date(end.getTime() + 1000))];
}

/**
 * What score.py printed while the request ran: print() traces carry no request id, so they are
 * matched by instance and time (the request's window), and marked as such.
 */
export function printedDuringQuery(
  instance: string,
  start: Date,
  end: Date,
  form: TelemetryForm = CLASSIC,
): string {
  const n = NAMES[form.kind];
  const [lo, hi] = window(start, end);
  return `${from('traces', form)} | where ${n.instance} == ${kqlString(instance)} and ${n.time} >= ${lo} and ${n.time} <= ${hi} and ${n.message} != "model_data_collection" | ${project(
    'traces',
    ['timestamp', 'message', 'severityLevel'],
    form,
  )} | take 20`;
}

/**
 * Calls the model made while it ran: by the request's operation ids and, because the inference
 * server starts the request span only after answering (its dependencies then get a trace of their
 * own), by instance and time as well.
 */
export function dependenciesQuery(
  operationIds: string[],
  during?: { instance: string; start: Date; end: Date },
  form: TelemetryForm = CLASSIC,
): string {
  const n = NAMES[form.kind];
  const parts: string[] = [];
  if (operationIds.length) parts.push(`${n.operationId} in (${operationIds.map(kqlString).join(', ')})`);
  if (during) {
    const [lo, hi] = window(during.start, during.end);
    parts.push(
      `(${n.instance} == ${kqlString(during.instance)} and ${n.time} >= ${lo} and ${n.time} <= ${hi})`,
    );
  }
  return `${from('dependencies', form)} | where ${parts.length ? parts.join(' or ') : 'false'} | ${project(
    'dependencies',
    ['timestamp', 'type', 'target', 'name', 'resultCode', 'duration', 'success', 'operation_Id'],
    form,
  )} | take 50`;
}

/**
 * Lines the deployment's containers printed while the request ran (AmlOnlineEndpointConsoleLog: a
 * console line carries no request id), scoped by the endpoint's resource id and the deployment:
 * deployment names repeat across endpoints of one workspace.
 */
export function consoleLogQuery(endpointId: string, deployment: string, start: Date, end: Date): string {
  const [lo, hi] = window(start, end);
  return `AmlOnlineEndpointConsoleLog | where _ResourceId =~ ${kqlString(endpointId)} and DeploymentName == ${kqlString(deployment)} and TimeGenerated >= ${lo} and TimeGenerated <= ${hi} | project TimeGenerated, InstanceId, ContainerName, Message | order by TimeGenerated asc | take 100`;
}

/** AmlOnlineEndpointTrafficLog of the endpoint (diagnostic settings to Log Analytics). */
export function trafficLogQuery(ids: TraceIds): string {
  return `AmlOnlineEndpointTrafficLog | where ${idFilter(ids, {
    requestId: ['XRequestId'],
    clientRequestId: ['XMSClientRequestId'],
  })} | project TimeGenerated, DeploymentName, ResponseCode, ModelStatusCode, RequestDurationMs, ResponseDurationMs, TotalDurationMs, XRequestId, XMSClientRequestId | take 5`;
}

export interface TrafficRow {
  time: Date;
  deployment: string;
  responseCode: number;
  modelStatusCode: number;
  requestMs: number;
  responseMs: number;
  totalMs: number;
}

export interface TimelineStep {
  time: Date;
  kind: 'received' | 'model' | 'printed' | 'console' | 'collected' | 'exception' | 'dependency' | 'answered';
  text: string;
}

/**
 * The latency split of a traffic-log row: receiving the request, the model, sending the answer.
 * The table reference measures all three columns from the request's start: RequestDurationMs to
 * the last request byte received, ResponseDurationMs to the first response byte from the model,
 * TotalDurationMs to the last byte sent back.
 */
export function latencySplit(row: TrafficRow): { requestMs: number; modelMs: number; responseMs: number } {
  const requestMs = Math.max(0, row.requestMs);
  const firstByte = Math.max(requestMs, row.responseMs);
  return {
    requestMs,
    modelMs: firstByte - requestMs,
    responseMs: Math.max(0, row.totalMs - firstByte),
  };
}

/** Steps in time order; equal times keep the order received → model → … → answered. */
export function orderTimeline(steps: TimelineStep[]): TimelineStep[] {
  const rank: Record<TimelineStep['kind'], number> = {
    received: 0,
    model: 1,
    dependency: 2,
    printed: 3,
    console: 4,
    collected: 5,
    exception: 6,
    answered: 7,
  };
  return [...steps].sort((a, b) => a.time.getTime() - b.time.getTime() || rank[a.kind] - rank[b.kind]);
}
