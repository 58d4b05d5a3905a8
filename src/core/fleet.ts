// The fleet as Azure Resource Graph indexes it: the one query the extension sends, and the pure
// shaping of its rows into the tree's models. Which types the index holds, and under which table:
// MicrosoftDocs/azure-docs articles/governance/resource-graph/reference/supported-tables-resources.md,
// table `resources`: microsoft.machinelearningservices/workspaces, …/workspaces/onlineEndpoints and
// …/workspaces/onlineEndpoints/deployments. v1 web services are no ARM resources: never indexed.
// A row lags a write by seconds to minutes (Resource Graph overview, "how Resource Graph is kept
// current"), so every shaped model says it came from the index, and fresh ARM reads win over it.
import type { Deployment, Endpoint, LegacyService, Workspace } from '../azure/models';
import { parseArmId } from './armId';
import { provisioningVisualState } from './treePresentation';

export const FLEET_TYPES = {
  workspace: 'microsoft.machinelearningservices/workspaces',
  endpoint: 'microsoft.machinelearningservices/workspaces/onlineendpoints',
  deployment: 'microsoft.machinelearningservices/workspaces/onlineendpoints/deployments',
} as const;

/** Columns the query projects: each one a field the tree shows. */
const COLUMNS: [name: string, expression: string][] = [
  ['provisioningState', 'tostring(properties.provisioningState)'],
  ['friendlyName', 'tostring(properties.friendlyName)'],
  ['applicationInsights', 'tostring(properties.applicationInsights)'],
  ['discoveryUrl', 'tostring(properties.discoveryUrl)'],
  ['workspaceGuid', 'tostring(properties.workspaceId)'],
  ['authMode', 'tostring(properties.authMode)'],
  ['scoringUri', 'tostring(properties.scoringUri)'],
  ['description', 'tostring(properties.description)'],
  ['traffic', 'properties.traffic'],
  ['computeType', 'tostring(properties.endpointComputeType)'],
  ['appInsightsEnabled', 'tobool(properties.appInsightsEnabled)'],
  ['instanceType', 'tostring(properties.instanceType)'],
  ['instanceCount', 'toint(sku.capacity)'],
  ['model', 'tostring(properties.model)'],
];

/**
 * The query, the same for every page (a skip token is valid only with the query and scopes that
 * made it). `id` is projected and ordered on: paging needs it for a stable order (spec example
 * ResourcesFirstPageQuery.json, 2024-04-01), and no `limit`/`take` (they disable paging).
 */
export function fleetQuery(): string {
  const types = Object.values(FLEET_TYPES)
    .map((t) => `'${t}'`)
    .join(', ');
  const projected = COLUMNS.map(([name, expr]) => `${name} = ${expr}`).join(', ');
  return [
    'resources',
    `| where type in~ (${types})`,
    `| project id, type, name, location, ${projected}`,
    '| order by id asc',
  ].join('\n');
}

interface Row {
  id: string;
  type: string;
  name: string;
  location: string;
  [column: string]: unknown;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function asRow(raw: unknown): Row | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const id = text(r.id);
  const type = text(r.type)?.toLowerCase();
  if (!id || !type) return undefined;
  return { ...r, id, type, name: text(r.name) ?? '', location: text(r.location) ?? '' };
}

function trafficOf(v: unknown): Record<string, number> | undefined {
  // A dynamic column arrives as an object; a client asking for the table format could get a string.
  const parsed: unknown = typeof v === 'string' ? safeJson(v) : v;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(parsed)) if (typeof n === 'number') out[k] = n;
  return out;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

const key = (id: string): string => id.toLowerCase();

/** The index's view of the fleet. A lookup answers undefined when the index cannot tell. */
export interface FleetSnapshot {
  /** Workspaces of a subscription; undefined when the index holds none (ask ARM). */
  workspacesOf(subscriptionId: string): Workspace[] | undefined;
  /** Online endpoints of a workspace; undefined when the index holds none (ask ARM). */
  endpointsOf(workspaceArmId: string): Endpoint[] | undefined;
  /**
   * Deployments of an endpoint; undefined when the index holds none, holds rows without the
   * fields the tree shows, or misses one that the endpoint sends traffic to (ask ARM).
   */
  deploymentsOf(endpoint: Endpoint): Deployment[] | undefined;
  /** Every deployment with its endpoint and workspace (Go to Deployment, filters). */
  entries(): FleetEntry[];
  readonly rows: number;
}

export interface FleetEntry {
  workspace: Workspace;
  endpoint: Endpoint;
  deployment: Deployment;
}

export function shapeFleet(rawRows: readonly unknown[]): FleetSnapshot {
  const workspaces = new Map<string, Workspace[]>();
  const workspaceById = new Map<string, Workspace>();
  const endpoints = new Map<string, Endpoint[]>();
  const endpointById = new Map<string, Endpoint>();
  const deployments = new Map<string, Deployment[]>();
  /** Endpoints whose deployment rows lack what the tree shows: the index cannot answer for them. */
  const incomplete = new Set<string>();
  let rows = 0;

  const push = <T>(map: Map<string, T[]>, k: string, v: T) => {
    const list = map.get(k);
    if (list) list.push(v);
    else map.set(k, [v]);
  };

  for (const raw of rawRows) {
    const row = asRow(raw);
    if (!row) continue;
    rows++;
    const id = parseArmId(row.id);
    if (!id?.resourceGroup) continue;
    const names = id.resources.map((r) => r.name);
    const state = text(row.provisioningState);
    const base = {
      subscriptionId: id.subscriptionId,
      resourceGroup: id.resourceGroup,
      workspaceName: names[0] ?? '',
    };
    if (row.type === FLEET_TYPES.workspace && names.length === 1) {
      const ws: Workspace = {
        ...base,
        armId: row.id,
        friendlyName: text(row.friendlyName),
        location: row.location,
        workspaceGuid: text(row.workspaceGuid),
        applicationInsightsId: text(row.applicationInsights),
        discoveryUrl: text(row.discoveryUrl),
        provisioningState: state,
        source: 'index',
      };
      push(workspaces, key(id.subscriptionId), ws);
      workspaceById.set(key(row.id), ws);
    } else if (row.type === FLEET_TYPES.endpoint && names.length === 2) {
      const ep: Endpoint = {
        ...base,
        endpointName: names[1] ?? '',
        armId: row.id,
        location: row.location,
        authMode: text(row.authMode) ?? 'Key',
        provisioningState: state ?? 'Succeeded',
        scoringUri: text(row.scoringUri),
        description: text(row.description),
        traffic: trafficOf(row.traffic) ?? {},
        source: 'index',
      };
      push(endpoints, key(parentId(row.id)), ep);
      endpointById.set(key(row.id), ep);
    } else if (row.type === FLEET_TYPES.deployment && names.length === 3) {
      const parent = key(parentId(row.id));
      // Without its state and App Insights flag the row cannot paint the tree: ARM must.
      if (!state || typeof row.appInsightsEnabled !== 'boolean') {
        incomplete.add(parent);
        continue;
      }
      const dep: Deployment = {
        ...base,
        endpointName: names[1] ?? '',
        deploymentName: names[2] ?? '',
        armId: row.id,
        location: row.location,
        computeType: text(row.computeType) ?? 'Managed',
        provisioningState: state,
        appInsightsEnabled: row.appInsightsEnabled,
        instanceType: text(row.instanceType),
        instanceCount: typeof row.instanceCount === 'number' ? row.instanceCount : undefined,
        model: text(row.model),
        description: text(row.description),
        source: 'index',
      };
      push(deployments, parent, dep);
    }
  }

  return {
    rows,
    workspacesOf: (subscriptionId) => workspaces.get(key(subscriptionId)),
    endpointsOf: (workspaceArmId) => endpoints.get(key(workspaceArmId)),
    deploymentsOf: (endpoint) => {
      const k = key(endpoint.armId);
      const list = deployments.get(k);
      if (!list || incomplete.has(k)) return undefined;
      // A deployment that takes traffic but has no row: not indexed yet (or at all).
      const indexed = new Set(list.map((d) => d.deploymentName.toLowerCase()));
      for (const [name, share] of Object.entries(endpoint.traffic))
        if (share > 0 && !indexed.has(name.toLowerCase())) return undefined;
      return list;
    },
    entries: () => {
      const out: FleetEntry[] = [];
      for (const [epKey, list] of deployments) {
        const endpoint = endpointById.get(epKey);
        const workspace = endpoint && workspaceById.get(key(parentId(endpoint.armId)));
        if (!endpoint || !workspace) continue;
        for (const deployment of list) out.push({ workspace, endpoint, deployment });
      }
      return out;
    },
  };
}

/** The id of the parent resource: drops the last type/name pair. */
function parentId(id: string): string {
  return id.replace(/\/[^/]+\/[^/]+\/?$/, '');
}

/**
 * ARM reads made after a change, which win over index rows until the index has caught up or the
 * read is older than `ttlMs` (an index row lags a write by seconds to minutes).
 */
export class FreshReads<T extends { armId: string }> {
  private readonly reads = new Map<string, { value: T; at: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  remember(value: T): void {
    this.reads.set(key(value.armId), { value, at: this.now() });
  }

  forget(armId: string): void {
    this.reads.delete(key(armId));
  }

  /** Each item, replaced by a fresh ARM read of the same resource when there is one. */
  apply(items: readonly T[]): T[] {
    const now = this.now();
    return items.map((item) => {
      const read = this.reads.get(key(item.armId));
      if (!read) return item;
      if (now - read.at > this.ttlMs) {
        this.reads.delete(key(item.armId));
        return item;
      }
      return read.value;
    });
  }
}

// ── Filters on the tree ──────────────────────────────────────────────────────────────────────

export interface TreeFilter {
  /** Only deployments that failed or are being changed. */
  problemsOnly?: boolean;
  /** Only deployments with Application Insights off. */
  appInsightsOff?: boolean;
  /** Only these subscriptions (ids, any case); empty or absent: all. */
  subscriptions?: readonly string[];
  /** Only these workspaces (ARM ids, any case); empty or absent: all. */
  workspaces?: readonly string[];
}

export function isFilterActive(f: TreeFilter): boolean {
  return !!(f.problemsOnly || f.appInsightsOff || f.subscriptions?.length || f.workspaces?.length);
}

/** Whether a filter narrows deployments (then endpoints and workspaces without a match hide). */
export function filtersDeployments(f: TreeFilter): boolean {
  return !!(f.problemsOnly || f.appInsightsOff);
}

export function subscriptionMatches(subscriptionId: string, f: TreeFilter): boolean {
  return !f.subscriptions?.length || f.subscriptions.some((s) => s.toLowerCase() === key(subscriptionId));
}

export function workspaceMatches(ws: Workspace, f: TreeFilter): boolean {
  return !f.workspaces?.length || f.workspaces.some((w) => key(w) === key(ws.armId));
}

export function deploymentMatches(dep: Deployment, f: TreeFilter): boolean {
  if (f.appInsightsOff && dep.appInsightsEnabled) return false;
  if (f.problemsOnly) {
    const visual = provisioningVisualState(dep.provisioningState);
    if (visual !== 'failed' && visual !== 'updating') return false;
  }
  return true;
}

/** v1 services pass the same filters: their state and App Insights flag. */
export function legacyServiceMatches(svc: LegacyService, f: TreeFilter): boolean {
  if (f.appInsightsOff && svc.appInsightsEnabled) return false;
  if (f.problemsOnly && provisioningVisualState(svc.state) === 'ok') return false;
  return true;
}

// ── Go to Deployment ─────────────────────────────────────────────────────────────────────────

export interface FleetPick {
  label: string;
  description: string;
  detail: string;
  entry: FleetEntry;
}

/**
 * Quick-pick items for every deployment: the label names endpoint and deployment, the description
 * the workspace and subscription, the detail instance type, count, state and App Insights, so
 * that typing any of them finds it.
 */
export function fleetPicks(
  entries: readonly FleetEntry[],
  s: {
    subscriptionName(id: string): string;
    appInsights(on: boolean): string;
    instances(type: string, count: number): string;
  },
): FleetPick[] {
  return entries
    .map((entry) => {
      const { workspace: ws, endpoint: ep, deployment: dep } = entry;
      return {
        label: `${ep.endpointName}/${dep.deploymentName}`,
        description: [ws.friendlyName ?? ws.workspaceName, s.subscriptionName(ws.subscriptionId)].join(' · '),
        detail: [
          dep.instanceType ? s.instances(dep.instanceType, dep.instanceCount ?? 1) : undefined,
          dep.provisioningState,
          s.appInsights(dep.appInsightsEnabled),
        ]
          .filter(Boolean)
          .join(' · '),
        entry,
      };
    })
    .sort((a, b) => a.label.localeCompare(b.label, undefined, { sensitivity: 'base' }));
}

// ── Throttling headers ───────────────────────────────────────────────────────────────────────

/**
 * x-ms-user-quota-resets-after is "hh:mm:ss" (guidance-for-throttled-requests): milliseconds, or
 * undefined when absent or malformed.
 */
export function parseQuotaResetsAfter(value: string | undefined): number | undefined {
  const m = /^\s*(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)\s*$/.exec(value ?? '');
  if (!m) return undefined;
  const [h, min, sec] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return Math.round(((h * 60 + min) * 60 + sec) * 1000);
}
