// Trace This Request: looks one request up in the workspace's Application Insights and, where the
// endpoint sends logs there, in Log Analytics; polls while telemetry is still being ingested (it
// arrives minutes late) and renders one timeline: received → model → answered.
import * as vscode from 'vscode';
import type { AzureClient } from '../azure/api';
import { isAzureRequestError } from '../azure/errors';
import type { QueryResult, QueryTarget } from '../azure/models';
import { workspaceArmId } from '../core/armId';
import { fenceFor } from '../core/scoring';
import { markdownCell, type EndpointCoordinates } from '../core/testRequestHistory';
import {
  appInsightsTraceQueries,
  consoleLogQuery,
  dependenciesQuery,
  latencySplit,
  orderTimeline,
  printedDuringQuery,
  trafficLogQuery,
  type TelemetryForm,
  type TimelineStep,
  type TraceIds,
  type TrafficRow,
} from '../core/traceLookup';

export interface TraceFound {
  requests: Record<string, unknown>[];
  traces: Record<string, unknown>[];
  exceptions: Record<string, unknown>[];
  /** Calls the model made while it ran (App Insights dependencies). */
  dependencies: Record<string, unknown>[];
  traffic: TrafficRow[];
  /** Lines the deployment's containers printed while the request ran (AmlOnlineEndpointConsoleLog). */
  console: Record<string, unknown>[];
  /** Where nothing could be asked, and why (no App Insights, no Log Analytics). */
  notes: string[];
}

function rowsOf(result: QueryResult): Record<string, unknown>[] {
  const table = result.tables[0];
  if (!table) return [];
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c.name, row[i]])));
}

const asDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
/** A cell as text: strings as they are, anything else as JSON. */
const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
const asNumber = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));

/**
 * Runs the App Insights queries on the component (classic tables). A workspace-based component's
 * rows are also in its Log Analytics workspace (App* tables): when the component refuses the query
 * (a role on the workspace only) or is not found, they are read there.
 */
async function appInsightsRows(
  client: AzureClient,
  component: { armId: string; workspaceResourceId?: string },
  build: (form: TelemetryForm) => string[],
  timespan: { duration: string },
  abortSignal: AbortSignal | undefined,
  notes: string[],
): Promise<{ rows: Record<string, unknown>[][]; form: TelemetryForm; target: QueryTarget }> {
  const run = (target: QueryTarget, form: TelemetryForm) =>
    Promise.all(build(form).map((q) => client.query(target, q, timespan, { abortSignal })));
  const classic: QueryTarget = { kind: 'appInsights', resourceId: component.armId };
  try {
    return {
      rows: (await run(classic, { kind: 'classic' })).map(rowsOf),
      form: { kind: 'classic' },
      target: classic,
    };
  } catch (e) {
    const refused = isAzureRequestError(e) && (e.kind === 'forbidden' || e.kind === 'notFound');
    if (!refused || !component.workspaceResourceId) throw e;
    const form: TelemetryForm = { kind: 'workspace', componentId: component.armId };
    const target: QueryTarget = { kind: 'logAnalytics', resourceId: component.workspaceResourceId };
    const rows = (await run(target, form)).map(rowsOf);
    notes.push(
      vscode.l10n.t(
        'Application Insights refused the query ({0}); its rows were read from its Log Analytics workspace (App* tables).',
        e.message,
      ),
    );
    return { rows, form, target };
  }
}

/** One pass over every table that may hold the request. */
export async function lookUpOnce(
  client: AzureClient,
  endpoint: EndpointCoordinates,
  ids: TraceIds,
  abortSignal?: AbortSignal,
): Promise<TraceFound> {
  const found: TraceFound = {
    requests: [],
    traces: [],
    exceptions: [],
    dependencies: [],
    traffic: [],
    console: [],
    notes: [],
  };
  const workspace = await client.getWorkspace(endpoint, abortSignal);
  const timespan = { duration: 'P1D' };
  if (!workspace.applicationInsightsId) {
    found.notes.push(vscode.l10n.t('The workspace has no Application Insights resource.'));
    return found;
  }
  const component = await client.getAppInsightsComponent(workspace.applicationInsightsId, abortSignal);
  const logAnalytics: QueryTarget | undefined = component.workspaceResourceId
    ? { kind: 'logAnalytics', resourceId: component.workspaceResourceId }
    : undefined;
  const [app, traffic] = await Promise.all([
    appInsightsRows(
      client,
      { armId: workspace.applicationInsightsId, workspaceResourceId: component.workspaceResourceId },
      (form) => {
        const q = appInsightsTraceQueries(ids, form);
        return [q.requests, q.traces, q.exceptions];
      },
      timespan,
      abortSignal,
      found.notes,
    ),
    logAnalytics
      ? client.query(logAnalytics, trafficLogQuery(ids), timespan, { abortSignal }).then(rowsOf)
      : Promise.resolve([]),
  ]);
  [found.requests = [], found.traces = [], found.exceptions = []] = app.rows;
  found.traffic = traffic.map((r) => ({
    time: asDate(r.TimeGenerated),
    deployment: text(r.DeploymentName),
    responseCode: asNumber(r.ResponseCode),
    modelStatusCode: asNumber(r.ModelStatusCode),
    requestMs: asNumber(r.RequestDurationMs),
    responseMs: asNumber(r.ResponseDurationMs),
    totalMs: asNumber(r.TotalDurationMs),
  }));
  if (!logAnalytics)
    found.notes.push(
      vscode.l10n.t(
        'The Application Insights resource is not workspace-based: no endpoint traffic log to read.',
      ),
    );

  // What carries no request id is matched by where and when the request ran: print() lines and the
  // model's calls by the instance and the request's span, console lines by the traffic log's window.
  const request = found.requests[0];
  const instance =
    request && typeof request.cloud_RoleInstance === 'string' ? request.cloud_RoleInstance : '';
  const start = request ? asDate(request.timestamp) : undefined;
  const during =
    request && instance && start
      ? { instance, start, end: new Date(start.getTime() + asNumber(request.duration)) }
      : undefined;
  const operationIds = [...new Set(found.requests.map((r) => text(r.operation_Id)).filter(Boolean))];
  const run = (target: QueryTarget, kql: string) =>
    client.query(target, kql, timespan, { abortSignal }).then(rowsOf);
  const row = found.traffic[0];
  const endpointId = `${workspaceArmId(endpoint.subscriptionId, endpoint.resourceGroup, endpoint.workspaceName)}/onlineEndpoints/${endpoint.endpointName}`;
  const [printed, dependencies, consoleLines] = await Promise.all([
    during ? run(app.target, printedDuringQuery(during.instance, during.start, during.end, app.form)) : [],
    operationIds.length || during ? run(app.target, dependenciesQuery(operationIds, during, app.form)) : [],
    logAnalytics && row
      ? run(
          logAnalytics,
          consoleLogQuery(endpointId, row.deployment, row.time, new Date(row.time.getTime() + row.totalMs)),
        )
      : [],
  ]);
  const seen = new Set(found.traces.map((t) => text(t.message)));
  found.traces.push(...printed.filter((p) => !seen.has(text(p.message))));
  found.dependencies = dependencies;
  found.console = consoleLines;
  return found;
}

export function foundAnything(found: TraceFound): boolean {
  return rowCount(found) > 0;
}

/**
 * Polls until the request shows up or `maxWaitMs` passes: ingestion takes minutes, so an empty
 * first answer means "not yet", not "not there".
 */
export async function lookUp(
  client: AzureClient,
  endpoint: EndpointCoordinates,
  ids: TraceIds,
  options: {
    pollMs: number;
    maxWaitMs: number;
    onWaiting?: (attempt: number) => void;
    abortSignal?: AbortSignal;
  },
): Promise<{ found: TraceFound; attempts: number }> {
  const started = Date.now();
  let previous = -1;
  for (let attempt = 1; ; attempt++) {
    const found = await lookUpOnce(client, endpoint, ids, options.abortSignal);
    const count = rowCount(found);
    // Tables fill at different times: once rows show up, one more pass must add nothing.
    const settled = count > 0 && count === previous;
    if (settled || Date.now() - started + options.pollMs > options.maxWaitMs || options.abortSignal?.aborted)
      return { found, attempts: attempt };
    previous = count;
    options.onWaiting?.(attempt);
    await new Promise<void>((resolve) => setTimeout(resolve, options.pollMs));
  }
}

function rowCount(found: TraceFound): number {
  return (
    found.requests.length +
    found.traces.length +
    found.exceptions.length +
    found.dependencies.length +
    found.traffic.length +
    found.console.length
  );
}

export function renderTrace(
  endpointName: string,
  ids: TraceIds,
  found: TraceFound,
  waitedMs: number,
): string {
  const lines = [
    `# ${vscode.l10n.t('Trace of a request to {0}', markdownCell(endpointName))}`,
    '',
    `- x-request-id: ${markdownCell(ids.requestId ?? '-')}`,
    `- x-ms-client-request-id: ${markdownCell(ids.clientRequestId ?? '-')}`,
    '',
  ];
  for (const note of found.notes) lines.push(`> ${note}`, '');
  if (!foundAnything(found)) {
    lines.push(
      vscode.l10n.t(
        'Nothing found after {0} s. Telemetry reaches Application Insights and Log Analytics minutes after a request; trace it again later. Application Insights must be on for the deployment.',
        String(Math.round(waitedMs / 1000)),
      ),
      '',
    );
    return lines.join('\n');
  }
  const steps: TimelineStep[] = [];
  for (const t of found.traffic) {
    const split = latencySplit(t);
    const received = new Date(t.time.getTime());
    steps.push({
      time: received,
      kind: 'received',
      text: vscode.l10n.t('Received by the endpoint (deployment {0})', t.deployment || '-'),
    });
    steps.push({
      time: new Date(received.getTime() + split.requestMs),
      kind: 'model',
      // ModelStatusCode 0: the endpoint answered without the model (429, 503, a timeout, a crash).
      text: t.modelStatusCode
        ? vscode.l10n.t('Model answered {0} in {1} ms', String(t.modelStatusCode), String(split.modelMs))
        : vscode.l10n.t('No answer from the model: the endpoint answered for it'),
    });
    steps.push({
      time: new Date(received.getTime() + t.totalMs),
      kind: 'answered',
      text: vscode.l10n.t(
        'Answered {0}: {1} ms in total (request {2} ms · model {3} ms · response {4} ms)',
        String(t.responseCode),
        String(t.totalMs),
        String(split.requestMs),
        String(split.modelMs),
        String(split.responseMs),
      ),
    });
  }
  for (const r of found.requests) {
    steps.push({
      time: asDate(r.timestamp),
      kind: 'model',
      text: vscode.l10n.t(
        'Inference server: {0} {1} in {2} ms on {3}',
        text(r.name),
        text(r.resultCode),
        String(Math.round(asNumber(r.duration))),
        text(r.cloud_RoleInstance),
      ),
    });
  }
  for (const t of found.traces) {
    const dims = (t.customDimensions ?? {}) as Record<string, unknown>;
    const collected = t.message === 'model_data_collection';
    steps.push({
      time: asDate(t.timestamp),
      kind: collected ? 'collected' : 'printed',
      text: collected
        ? vscode.l10n.t('Input {0} → prediction {1}', text(dims.Input), text(dims.Prediction))
        : text(t.message),
    });
  }
  for (const d of found.dependencies) {
    const args = [text(d.name), text(d.target), text(d.resultCode), String(Math.round(asNumber(d.duration)))];
    steps.push({
      time: asDate(d.timestamp),
      kind: 'dependency',
      text:
        d.success === false || d.success === 'False' || d.success === 'false'
          ? vscode.l10n.t('Call {0} to {1} failed: {2} in {3} ms', ...args)
          : vscode.l10n.t('Call {0} to {1}: {2} in {3} ms', ...args),
    });
  }
  for (const c of found.console) {
    steps.push({
      time: asDate(c.TimeGenerated),
      kind: 'console',
      text: `[${text(c.InstanceId)}] ${text(c.Message)}`,
    });
  }
  for (const e of found.exceptions) {
    steps.push({
      time: asDate(e.timestamp),
      kind: 'exception',
      text: vscode.l10n.t('Exception {0}: {1}', text(e.type), text(e.outerMessage)),
    });
  }
  lines.push(`## ${vscode.l10n.t('Timeline')}`, '');
  for (const step of orderTimeline(steps)) {
    const text = step.text.length > 2000 ? `${step.text.slice(0, 2000)}…` : step.text;
    const fence = fenceFor(text);
    lines.push(
      `- ${step.time.toISOString()} · **${step.kind}**`,
      '',
      `  ${fence}text`,
      `  ${text.replace(/\n/g, '\n  ')}`,
      `  ${fence}`,
      '',
    );
  }
  return lines.join('\n');
}
