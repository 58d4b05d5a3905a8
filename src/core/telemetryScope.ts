// Which Application Insights rows belong to a deployment or v1 service, decided by what the data
// shows. The inference server names its rows with SERVICE_NAME (→ cloud_RoleName) and a
// "Service Name" dimension (microsoft/azureml-inference-server, appinsights_client.py); no row
// carries an endpoint or deployment name, and what SERVICE_NAME holds on a managed deployment is not
// documented. So the scope is discovered from the names seen lately, matched to the target, shown
// to the user and changeable. Pure: no vscode.

/** A name the rows of a component carry: a cloud_RoleName or a "Service Name" value. */
export interface ScopeCandidate {
  value: string;
  /** Rows that carried it in the discovery window. */
  rows: number;
}

/** The App Insights scope the ready queries use: rows whose role name or Service Name is `value`. */
export interface TelemetryScope {
  value: string;
}

export type ScopeTarget =
  | { kind: 'deployment'; endpointName: string; deploymentName: string; otherEndpoints?: string[] }
  | { kind: 'legacyService'; serviceName: string };

export type ScopeMatch =
  /** A name holding both the endpoint and the deployment name. */
  | { kind: 'exact'; scope: TelemetryScope }
  /** The deployment's (or v1 service's) own name; for a deployment, other endpoints may share it. */
  | { kind: 'name'; scope: TelemetryScope; sharedWith: string[] }
  /** Nothing seen matches: the ready queries run unscoped. */
  | { kind: 'none' };

/** Days the discovery query looks back: names seen "lately". */
export const DISCOVERY_DAYS = 3;

/**
 * A cheap query for the names seen lately: one row per role name and Service Name with its count.
 * `requests` under its classic name (the component's resource-centric query): every scored request
 * of either server generation leaves one.
 */
export function scopeDiscoveryQuery(): string {
  return [
    'requests',
    `| where timestamp > ago(${DISCOVERY_DAYS}d)`,
    '| extend service = tostring(customDimensions["Service Name"])',
    '| summarize rows = count() by cloud_RoleName, service',
    '| order by rows desc',
    '| take 200',
  ].join('\n');
}

/** The candidates of a discovery answer (columns cloud_RoleName, service, rows), merged by value. */
export function candidatesOf(columns: string[], rows: unknown[][]): ScopeCandidate[] {
  const role = columns.indexOf('cloud_RoleName');
  const service = columns.indexOf('service');
  const count = columns.indexOf('rows');
  const byValue = new Map<string, number>();
  for (const row of rows) {
    const n = Number(row[count] ?? 0) || 0;
    const names = new Set<string>();
    for (const at of [role, service]) {
      const v = at >= 0 ? row[at] : undefined;
      if (typeof v === 'string' && v.trim()) names.add(v.trim());
    }
    for (const name of names) byValue.set(name, (byValue.get(name) ?? 0) + n);
  }
  return [...byValue.entries()]
    .map(([value, n]) => ({ value, rows: n }))
    .sort((a, b) => b.rows - a.rows || a.value.localeCompare(b.value));
}

const norm = (s: string) => s.toLowerCase();

/**
 * The candidate that names the target. For a deployment: a name holding both the endpoint and the
 * deployment name (e.g. "credit-risk-blue") first, then the deployment name alone, which other
 * endpoints of the workspace may share (their rows then mix in, and the match says so).
 */
export function matchScope(candidates: ScopeCandidate[], target: ScopeTarget): ScopeMatch {
  if (target.kind === 'legacyService') {
    const hit = candidates.find((c) => norm(c.value) === norm(target.serviceName));
    return hit ? { kind: 'name', scope: { value: hit.value }, sharedWith: [] } : { kind: 'none' };
  }
  const ep = norm(target.endpointName);
  const dep = norm(target.deploymentName);
  const tokens = (v: string) =>
    norm(v)
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
  const exact = candidates.find((c) => {
    const v = norm(c.value);
    if (v === `${ep}-${dep}` || v === `${ep}/${dep}` || v === `${ep}.${dep}` || v === `${ep}_${dep}`)
      return true;
    const t = tokens(c.value);
    const epT = tokens(target.endpointName);
    const depT = tokens(target.deploymentName);
    return containsRun(t, epT) && containsRun(t, depT) && t.length === epT.length + depT.length;
  });
  if (exact) return { kind: 'exact', scope: { value: exact.value } };
  const byName = candidates.find((c) => norm(c.value) === dep);
  if (byName) {
    const sharedWith = (target.otherEndpoints ?? []).filter((e) => norm(e) !== ep);
    return { kind: 'name', scope: { value: byName.value }, sharedWith };
  }
  return { kind: 'none' };
}

function containsRun(haystack: string[], needle: string[]): boolean {
  if (needle.length === 0) return false;
  for (let i = 0; i + needle.length <= haystack.length; i++)
    if (needle.every((n, k) => haystack[i + k] === n)) return true;
  return false;
}

/** A scope remembered for a target: the value, or "unscoped" chosen on purpose. */
export type RememberedScope = { value: string } | { unscoped: true };

export function parseRememberedScope(v: unknown): RememberedScope | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (r.unscoped === true) return { unscoped: true };
  if (typeof r.value === 'string' && r.value.length > 0 && r.value.length <= 256) return { value: r.value };
  return undefined;
}
