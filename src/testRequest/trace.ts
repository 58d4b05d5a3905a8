// Trace This Request: looks one request up in the workspace's Application Insights and, where the
// endpoint sends logs there, in Log Analytics; polls while telemetry is still being ingested (it
// arrives minutes late) and renders one timeline: received → model → answered.
import * as vscode from 'vscode';
import type { AzureClient } from '../azure/api';
import type { QueryResult } from '../azure/models';
import { fenceFor } from '../core/scoring';
import { markdownCell, type EndpointCoordinates } from '../core/testRequestHistory';
import {
  appInsightsTraceQueries,
  latencySplit,
  orderTimeline,
  printedDuringQuery,
  trafficLogQuery,
  type TimelineStep,
  type TraceIds,
  type TrafficRow,
} from '../core/traceLookup';

export interface TraceFound {
  requests: Record<string, unknown>[];
  traces: Record<string, unknown>[];
  exceptions: Record<string, unknown>[];
  traffic: TrafficRow[];
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

/** One pass over every table that may hold the request. */
export async function lookUpOnce(
  client: AzureClient,
  endpoint: EndpointCoordinates,
  ids: TraceIds,
  abortSignal?: AbortSignal,
): Promise<TraceFound> {
  const found: TraceFound = { requests: [], traces: [], exceptions: [], traffic: [], notes: [] };
  const workspace = await client.getWorkspace(endpoint, abortSignal);
  const timespan = { duration: 'P1D' };
  if (!workspace.applicationInsightsId) {
    found.notes.push(vscode.l10n.t('The workspace has no Application Insights resource.'));
    return found;
  }
  const target = { kind: 'appInsights' as const, resourceId: workspace.applicationInsightsId };
  const queries = appInsightsTraceQueries(ids);
  const [requests, traces, exceptions] = await Promise.all([
    client.query(target, queries.requests, timespan, { abortSignal }),
    client.query(target, queries.traces, timespan, { abortSignal }),
    client.query(target, queries.exceptions, timespan, { abortSignal }),
  ]);
  found.requests = rowsOf(requests);
  found.traces = rowsOf(traces);
  found.exceptions = rowsOf(exceptions);
  // print() lines carry no id: those of the same instance during the request are added.
  const request = found.requests[0];
  if (request && typeof request.cloud_RoleInstance === 'string' && request.cloud_RoleInstance) {
    const start = asDate(request.timestamp);
    const end = new Date(start.getTime() + asNumber(request.duration));
    const printed = rowsOf(
      await client.query(target, printedDuringQuery(request.cloud_RoleInstance, start, end), timespan, {
        abortSignal,
      }),
    );
    const seen = new Set(found.traces.map((t) => text(t.message)));
    found.traces.push(...printed.filter((p) => !seen.has(text(p.message))));
  }
  const component = await client.getAppInsightsComponent(workspace.applicationInsightsId, abortSignal);
  if (component.workspaceResourceId) {
    const traffic = await client.query(
      { kind: 'logAnalytics', resourceId: component.workspaceResourceId },
      trafficLogQuery(ids),
      timespan,
      { abortSignal },
    );
    found.traffic = rowsOf(traffic).map((r) => ({
      time: asDate(r.TimeGenerated),
      deployment: text(r.DeploymentName),
      responseCode: asNumber(r.ResponseCode),
      modelStatusCode: asNumber(r.ModelStatusCode),
      requestMs: asNumber(r.RequestDurationMs),
      responseMs: asNumber(r.ResponseDurationMs),
      totalMs: asNumber(r.TotalDurationMs),
    }));
  } else {
    found.notes.push(
      vscode.l10n.t(
        'The Application Insights resource is not workspace-based: no endpoint traffic log to read.',
      ),
    );
  }
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
  return found.requests.length + found.traces.length + found.exceptions.length + found.traffic.length;
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
      text: vscode.l10n.t('Model answered {0} in {1} ms', String(t.modelStatusCode), String(split.modelMs)),
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
