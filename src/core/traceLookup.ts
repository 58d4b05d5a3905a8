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

function idFilter(ids: TraceIds, columns: { requestId: string[]; clientRequestId: string[] }): string {
  const parts: string[] = [];
  if (ids.requestId) for (const c of columns.requestId) parts.push(`${c} == ${kqlString(ids.requestId)}`);
  if (ids.clientRequestId)
    for (const c of columns.clientRequestId) parts.push(`${c} == ${kqlString(ids.clientRequestId)}`);
  return parts.length ? parts.join(' or ') : 'false';
}

const dim = (name: string) => `tostring(customDimensions[${kqlString(name)}])`;

/** Queries of the classic App Insights tables, by every column an id may live in. */
export function appInsightsTraceQueries(ids: TraceIds): Record<'requests' | 'traces' | 'exceptions', string> {
  const byIds = idFilter(ids, {
    requestId: ['operation_Id', dim('ai.operation.id'), dim('Request Id')],
    clientRequestId: [dim('ai.operation.parentId'), dim('Client Request Id')],
  });
  return {
    requests: `requests | where ${byIds} | project timestamp, name, resultCode, duration, success, operation_Id, cloud_RoleName, cloud_RoleInstance | take 20`,
    traces: `traces | where ${byIds} | project timestamp, message, severityLevel, operation_Id, cloud_RoleInstance, customDimensions | take 100`,
    exceptions: `exceptions | where ${byIds} | project timestamp, type, outerMessage, operation_Id, cloud_RoleInstance, customDimensions | take 20`,
  };
}

/**
 * What score.py printed while the request ran: print() traces carry no request id, so they are
 * matched by instance and time (the request's window), and marked as such.
 */
export function printedDuringQuery(instance: string, start: Date, end: Date): string {
  const from = new Date(start.getTime() - 1000).toISOString();
  const to = new Date(end.getTime() + 1000).toISOString();
  return `traces | where cloud_RoleInstance == ${kqlString(instance)} and timestamp >= datetime(${from}) and timestamp <= datetime(${to}) and message != "model_data_collection" | project timestamp, message, severityLevel | take 20`;
}

export function dependenciesQuery(operationIds: string[]): string {
  const list = operationIds.map(kqlString).join(', ');
  return `dependencies | where operation_Id in (${list}) | project timestamp, type, target, name, resultCode, duration, success | take 50`;
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
  kind: 'received' | 'model' | 'printed' | 'collected' | 'exception' | 'dependency' | 'answered';
  text: string;
}

/** The latency split of a traffic-log row: receiving the request, the model, sending the answer. */
export function latencySplit(row: TrafficRow): { requestMs: number; modelMs: number; responseMs: number } {
  const modelMs = Math.max(0, row.totalMs - row.requestMs - row.responseMs);
  return { requestMs: row.requestMs, modelMs, responseMs: row.responseMs };
}

/** Steps in time order; equal times keep the order received → model → … → answered. */
export function orderTimeline(steps: TimelineStep[]): TimelineStep[] {
  const rank: Record<TimelineStep['kind'], number> = {
    received: 0,
    model: 1,
    dependency: 2,
    printed: 3,
    collected: 4,
    exception: 5,
    answered: 6,
  };
  return [...steps].sort((a, b) => a.time.getTime() - b.time.getTime() || rank[a.kind] - rank[b.kind]);
}
