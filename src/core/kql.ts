// KQL text building: string-literal escaping, the ready queries of the query panel, error positions
// and the portal's Logs deep link. Pure: no vscode, no Node APIs (the webview compiles it too).
import type { TelemetryScope } from './telemetryScope';

/**
 * A KQL double-quoted string literal holding exactly `value`. Names come from Azure and from users,
 * so every interpolated name goes through here: a quote, backslash or line break cannot end the
 * literal and inject operators.
 */
export function kqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default: {
        const code = ch.codePointAt(0) ?? 0;
        // Other control characters and the Unicode line separators would be invisible or break lines.
        if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) {
          out += `\\u${code.toString(16).padStart(4, '0')}`;
        } else {
          out += ch;
        }
      }
    }
  }
  return `${out}"`;
}

/** What the ready queries are scoped to. */
export type QueryScope =
  | {
      kind: 'deployment';
      endpointName: string;
      deploymentName: string;
      /** ARM id of the online endpoint: the `_ResourceId` of its Log Analytics rows. */
      endpointId?: string;
    }
  | { kind: 'legacyService'; serviceName: string }
  | { kind: 'workspace' };

export type QuerySource = 'appInsights' | 'logAnalytics';

export const readyQueryIds = [
  'inputOutputTraces',
  'failedRequests',
  'latencyPercentiles',
  'requestRate',
  'dependencyFailures',
  'exceptions',
  'consoleLog',
  'trafficLog',
] as const;
export type ReadyQueryId = (typeof readyQueryIds)[number];

export interface ReadyQuery {
  id: ReadyQueryId;
  /** Where the query's tables live: App Insights classic tables or the Log Analytics AmlOnlineEndpoint* tables. */
  source: QuerySource;
  kql: string;
}

/**
 * The App Insights filter of a discovered scope (see telemetryScope.ts): rows whose role name or
 * "Service Name" dimension is the value. The inference server writes SERVICE_NAME into both
 * (appinsights_client.py); no row carries an endpoint or deployment name.
 */
export function telemetryScopeFilter(scope: TelemetryScope): string {
  const v = kqlString(scope.value);
  return `(cloud_RoleName == ${v} or tostring(customDimensions["Service Name"]) == ${v})`;
}

/**
 * The Log Analytics filter of a scope. Deployment names such as blue/green repeat across the
 * endpoints of a workspace, so rows are scoped by the endpoint's `_ResourceId` (compared without
 * case: Azure writes it upper-cased) and the deployment name, never the deployment name alone.
 */
export function logAnalyticsScopeFilter(scope: QueryScope): string | undefined {
  if (scope.kind !== 'deployment') return undefined;
  const endpoint = scope.endpointId
    ? `_ResourceId =~ ${kqlString(scope.endpointId)}`
    : `_ResourceId contains ${kqlString(`/onlineEndpoints/${scope.endpointName}`)}`;
  return `${endpoint} and DeploymentName == ${kqlString(scope.deploymentName)}`;
}

function pipeline(table: string, ...steps: (string | undefined | false)[]): string {
  return [table, ...steps.filter((s): s is string => typeof s === 'string').map((s) => `| ${s}`)].join('\n');
}

function where(filter: string | undefined): string | undefined {
  return filter === undefined ? undefined : `where ${filter}`;
}

/**
 * The ready queries for a scope. The time range is not in the text: the panel sends it as the
 * query's timespan. App Insights rows are scoped by `telemetry`, the scope discovered from the data
 * (undefined: unscoped, every row of the component). v1 services have no AmlOnlineEndpoint*
 * tables, so they get App Insights only.
 */
export function readyQueries(scope: QueryScope, telemetry?: TelemetryScope): ReadyQuery[] {
  const ai = where(telemetry && scope.kind !== 'workspace' ? telemetryScopeFilter(telemetry) : undefined);
  const la = where(logAnalyticsScopeFilter(scope));
  const queries: ReadyQuery[] = [
    {
      id: 'inputOutputTraces',
      source: 'appInsights',
      kql: pipeline(
        'traces',
        // The current inference server puts print() output in message; the older one (and the
        // document's query) has it under customDimensions; model-data traces carry "Input" there.
        'where message contains "input" or customDimensions contains "input"',
        ai,
        'order by timestamp desc',
        'limit 10',
      ),
    },
    {
      id: 'failedRequests',
      source: 'appInsights',
      kql: pipeline(
        'requests',
        'where success == false',
        ai,
        'project timestamp, name, resultCode, duration, operation_Id, customDimensions',
        'order by timestamp desc',
      ),
    },
    {
      id: 'latencyPercentiles',
      source: 'appInsights',
      kql: pipeline(
        'requests',
        ai,
        'summarize percentiles(duration, 50, 95, 99) by bin(timestamp, 5m)',
        'order by timestamp asc',
        'render timechart',
      ),
    },
    {
      id: 'requestRate',
      source: 'appInsights',
      kql: pipeline(
        'requests',
        ai,
        'summarize requests = count() by bin(timestamp, 1m)',
        'order by timestamp asc',
        'render timechart',
      ),
    },
    {
      id: 'dependencyFailures',
      source: 'appInsights',
      kql: pipeline(
        'dependencies',
        'where success == false',
        ai,
        'project timestamp, target, name, resultCode, duration, operation_Id',
        'order by timestamp desc',
      ),
    },
    {
      id: 'exceptions',
      source: 'appInsights',
      kql: pipeline(
        'exceptions',
        ai,
        'project timestamp, type, outerMessage, problemId, operation_Id',
        'order by timestamp desc',
      ),
    },
  ];
  if (scope.kind !== 'legacyService') {
    queries.push(
      {
        id: 'consoleLog',
        source: 'logAnalytics',
        kql: pipeline(
          'AmlOnlineEndpointConsoleLog',
          la,
          'project TimeGenerated, DeploymentName, InstanceId, ContainerName, Message',
          'order by TimeGenerated desc',
        ),
      },
      {
        id: 'trafficLog',
        source: 'logAnalytics',
        kql: pipeline(
          'AmlOnlineEndpointTrafficLog',
          la,
          'project TimeGenerated, DeploymentName, Method, Path, ResponseCode, ModelStatusCode, TotalDurationMs, XRequestId',
          'order by TimeGenerated desc',
        ),
      },
    );
  }
  return queries;
}

/** The query the panel opens with: the document's input/output traces for the scope. */
export function defaultQuery(scope: QueryScope, telemetry?: TelemetryScope): string {
  return readyQueries(scope, telemetry)[0]?.kql ?? 'traces\n| limit 10';
}

/** Whether the query's last operator is `render timechart` (the chart is then shown first). */
export function endsWithRenderTimechart(query: string): boolean {
  const stripped = query.replace(/\/\/[^\n]*/g, '').trim();
  return /\|\s*render\s+timechart\b[^|]*$/i.test(stripped);
}

/**
 * Line and column (1-based) that a Logs syntax error points at. The service words it as
 * "... on line [2,15]" or "Line 2, Position 15" depending on the parser stage.
 */
export function errorPosition(message: string | undefined): { line: number; column: number } | undefined {
  if (!message) return undefined;
  const bracket = /line\s*\[\s*(\d+)\s*,\s*(\d+)\s*\]/i.exec(message);
  const words = bracket ?? /line:?\s*(\d+)\s*,\s*(?:position|column|pos|col):?\s*(\d+)/i.exec(message);
  if (!words) return undefined;
  const line = Number(words[1]);
  const column = Number(words[2]);
  return line > 0 && column >= 0 ? { line, column: Math.max(1, column) } : undefined;
}

/** ISO 8601 duration or "<start>/<end>" of a time range, as the portal link wants it. */
export type PortalTimespan = string;

/**
 * Deep link to the portal's Logs blade for a resource with the query filled in: the query is
 * gzipped and base64 encoded in the `q` segment (the format of the portal's "Share link to query").
 * The caller passes the gzip+base64 step (node:zlib on the host) so this file stays platform-free.
 */
export function portalLogsUrl(options: {
  portalUrl: string;
  tenantId?: string;
  resourceId: string;
  query: string;
  timespan?: PortalTimespan;
  gzipBase64: (text: string) => string;
}): string {
  const portal = options.portalUrl.replace(/\/+$/, '');
  const tenant = options.tenantId ? `@${encodeURIComponent(options.tenantId)}/` : '';
  const q = encodeURIComponent(options.gzipBase64(options.query));
  const timespan = options.timespan ? `/timespan/${encodeURIComponent(options.timespan)}` : '';
  return (
    `${portal}/#${tenant}blade/Microsoft_Azure_Monitoring_Logs/LogsBlade/resourceId/` +
    `${encodeURIComponent(options.resourceId)}/source/LogsBlade.AnalyticsShareLinkToQuery/q/${q}${timespan}`
  );
}
