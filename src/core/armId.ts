// Parse and build Azure Resource Manager ids. ARM ids are case-insensitive in their segment names;
// values keep their case as given.

export interface ArmId {
  subscriptionId: string;
  resourceGroup?: string;
  /** e.g. Microsoft.MachineLearningServices */
  provider?: string;
  /** Type/name pairs after the provider: [{ type: 'workspaces', name: 'ws' }, …]. */
  resources: { type: string; name: string }[];
}

/** Parses an ARM id; undefined when it is not one. */
export function parseArmId(id: string): ArmId | undefined {
  const parts = id.split('/').filter((p) => p.length > 0);
  if (parts.length < 2 || parts[0]?.toLowerCase() !== 'subscriptions') return undefined;
  const subscriptionId = decodeURIComponent(parts[1] ?? '');
  if (!subscriptionId) return undefined;
  let i = 2;
  let resourceGroup: string | undefined;
  if (parts[i]?.toLowerCase() === 'resourcegroups') {
    const rg = parts[i + 1];
    if (rg === undefined) return undefined;
    resourceGroup = decodeURIComponent(rg);
    i += 2;
  }
  let provider: string | undefined;
  const resources: { type: string; name: string }[] = [];
  if (i < parts.length) {
    if (parts[i]?.toLowerCase() !== 'providers') return undefined;
    provider = parts[i + 1];
    if (provider === undefined) return undefined;
    i += 2;
    for (; i < parts.length; i += 2) {
      const type = parts[i];
      const name = parts[i + 1];
      if (type === undefined || name === undefined) return undefined;
      resources.push({ type, name: decodeURIComponent(name) });
    }
  }
  return { subscriptionId, resourceGroup, provider, resources };
}

/** Builds an ARM id from its parts, encoding names that need it. */
export function buildArmId(id: ArmId): string {
  let out = `/subscriptions/${encodeURIComponent(id.subscriptionId)}`;
  if (id.resourceGroup !== undefined) out += `/resourceGroups/${encodeURIComponent(id.resourceGroup)}`;
  if (id.provider !== undefined) {
    out += `/providers/${id.provider}`;
    for (const r of id.resources) out += `/${r.type}/${encodeURIComponent(r.name)}`;
  }
  return out;
}

const ML = 'Microsoft.MachineLearningServices';

export function workspaceArmId(subscriptionId: string, resourceGroup: string, workspaceName: string): string {
  return buildArmId({
    subscriptionId,
    resourceGroup,
    provider: ML,
    resources: [{ type: 'workspaces', name: workspaceName }],
  });
}

/** The parts of an online endpoint's id (…/workspaces/{w}/onlineEndpoints/{e}); undefined for any other id. */
export function endpointRefOf(
  id: string,
):
  { subscriptionId: string; resourceGroup: string; workspaceName: string; endpointName: string } | undefined {
  const parsed = parseArmId(id);
  const [workspace, endpoint, ...rest] = parsed?.resources ?? [];
  if (
    !parsed?.resourceGroup ||
    parsed.provider?.toLowerCase() !== ML.toLowerCase() ||
    workspace?.type.toLowerCase() !== 'workspaces' ||
    endpoint?.type.toLowerCase() !== 'onlineendpoints' ||
    rest.length > 0
  )
    return undefined;
  return {
    subscriptionId: parsed.subscriptionId,
    resourceGroup: parsed.resourceGroup,
    workspaceName: workspace.name,
    endpointName: endpoint.name,
  };
}

/** Case-insensitive comparison of two ARM ids. */
export function sameArmId(a: string, b: string): boolean {
  const pa = parseArmId(a);
  const pb = parseArmId(b);
  if (!pa || !pb) return a.toLowerCase() === b.toLowerCase();
  return buildArmId(pa).toLowerCase() === buildArmId(pb).toLowerCase();
}

/**
 * Whether id is ancestor itself or lies below it: a child resource (`/…`) or an id built on it
 * (`#…`, as the tree's groups and markers are). Case-insensitive, as ARM ids are. A sibling whose
 * name merely starts the same (`…/ep2` against `…/ep`) is not below.
 */
export function isAtOrBelow(id: string, ancestor: string): boolean {
  const own = ancestor.toLowerCase();
  const other = id.toLowerCase();
  return other === own || other.startsWith(`${own}/`) || other.startsWith(`${own}#`);
}

/** The last resource name of an id (e.g. the component name of an App Insights id). */
export function armIdName(id: string): string | undefined {
  return parseArmId(id)?.resources.at(-1)?.name;
}

/** Azure ML Studio deep link to a real-time endpoint (managed or v1) of a workspace. */
export function studioEndpointUrl(
  studioUrl: string,
  workspace: { subscriptionId: string; resourceGroup: string; workspaceName: string },
  endpointName: string,
  tenantId?: string,
): string {
  const base = studioUrl.replace(/\/+$/, '');
  return `${base}/endpoints/realtime/${encodeURIComponent(endpointName)}/detail?${studioQuery(workspace, tenantId)}`;
}

/** Azure ML Studio deep link to a workspace's home page. */
export function studioWorkspaceUrl(
  studioUrl: string,
  workspace: { subscriptionId: string; resourceGroup: string; workspaceName: string },
  tenantId?: string,
): string {
  const base = studioUrl.replace(/\/+$/, '');
  return `${base}/home?${studioQuery(workspace, tenantId)}`;
}

function studioQuery(
  workspace: { subscriptionId: string; resourceGroup: string; workspaceName: string },
  tenantId?: string,
): string {
  // Studio reads wsid verbatim: slashes stay unencoded, names are encoded.
  const wsid = workspaceArmId(workspace.subscriptionId, workspace.resourceGroup, workspace.workspaceName);
  return `wsid=${wsid}` + (tenantId ? `&tid=${encodeURIComponent(tenantId)}` : '');
}

/** Azure portal link to a resource's overview blade. */
export function portalResourceUrl(portalUrl: string, armId: string, tenantId?: string): string {
  const base = portalUrl.replace(/\/+$/, '');
  const parsed = parseArmId(armId);
  const id = parsed ? buildArmId(parsed) : armId;
  return `${base}/#${tenantId ? `@${encodeURIComponent(tenantId)}/` : ''}resource${id}/overview`;
}
