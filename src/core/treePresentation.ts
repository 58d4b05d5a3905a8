// How each model shows in the services tree: label, description, tooltip, contextValue tokens and
// icon. Pure: the words come in through `PresentationStrings` (localized by the tree layer), so
// this file is tested in plain Node and never needs vscode.
import type { Deployment, Endpoint, LegacyService, Subscription, Workspace } from '../azure/models';
import { ContextTokens as T } from '../constants';
import type { Glance } from './metrics';

export interface PresentationStrings {
  appInsightsOn: string;
  appInsightsOff: string;
  updating: string;
  /** A service whose update outran the time Azure stated for it, still reported in transition. */
  overdue?: string;
  noTraffic: string;
  /** "{0}% traffic" */
  trafficPercent(percent: number): string;
  /** "{0} × {1}" */
  instances(instanceType: string, count: number): string;
  /** "Web services (v1)" */
  legacyGroup: string;
  /** Tooltip line of a row painted from the Resource Graph index (it may lag recent changes). */
  fromIndex?: string;
  /** A deployment's last-hour figures (absent: the tree shows none). */
  glance?: GlanceStrings;
  /** Tooltip labels. */
  labels: {
    subscriptionId: string;
    tenantId: string;
    state: string;
    location: string;
    resourceGroup: string;
    appInsightsResource: string;
    none: string;
    authMode: string;
    scoringUri: string;
    traffic: string;
    instanceType: string;
    instanceCount: string;
    model: string;
    computeType: string;
    appInsights: string;
    description: string;
  };
}

/** A codicon id (may carry ~spin) and an optional theme color id. */
export interface IconSpec {
  id: string;
  color?: string;
}

export type VisualState = 'ok' | 'failed' | 'updating' | 'warning';

export interface ItemPresentation {
  label: string;
  description: string;
  /** Plain text: names are never interpreted as markup. */
  tooltip: string;
  contextValue: string;
  icon: IconSpec;
  state: VisualState;
}

export interface GlanceStrings {
  /** "p95 {0}" with {0} a formatted duration */
  p95(duration: string): string;
  /** "{0}/min" */
  perMinute(count: string): string;
  /** "5xx {0}%" */
  serverErrors(percent: string): string;
  /** Tooltip label of the figures: "Last hour" */
  lastHour: string;
  /** The metrics answered but hold no figure: "no data" (never shown as zero). */
  noData: string;
}

export interface NodeFlags {
  /** A long-running operation started here is still running. */
  busy?: boolean;
  /** An update of this service outran the time Azure stated for it and is no longer followed. */
  overdue?: boolean;
  /** A log stream is open for this service. */
  streaming?: boolean;
  /** Last-hour metrics of a deployment, once they have arrived. */
  glance?: Glance;
}

const SEP = ' · ';

/**
 * The state a service row shows: Updating while an operation started here runs; a warning when an
 * update outran Azure's stated time and Azure still reports a transition (no spinner forever);
 * otherwise what Azure reports.
 */
function serviceState(
  state: string | undefined,
  s: PresentationStrings,
  flags: NodeFlags,
): { visual: VisualState; text: string | undefined } {
  if (flags.busy) return { visual: 'updating', text: s.updating };
  const visual = provisioningVisualState(state);
  if (flags.overdue && visual === 'updating' && s.overdue) return { visual: 'warning', text: s.overdue };
  return { visual, text: state };
}
const FAILED_ICON: IconSpec = { id: 'error', color: 'errorForeground' };
const UPDATING_ICON: IconSpec = { id: 'sync~spin', color: 'charts.yellow' };

export function provisioningVisualState(state: string | undefined): VisualState {
  switch ((state ?? '').toLowerCase()) {
    case 'failed':
    case 'canceled':
    case 'cancelled':
      return 'failed';
    case 'creating':
    case 'updating':
    case 'scaling':
    case 'deleting':
    case 'transitioning':
      return 'updating';
    case 'unhealthy':
      return 'warning';
    default:
      return 'ok';
  }
}

/** Tokens joined with spaces; menus match them with /\btoken\b/. */
/** "name:version" of a model reference (ARM id, azureml:name:version, or anything else as is). */
export function modelDisplayName(model: string): string {
  const arm = /\/models\/([^/]+)\/versions\/([^/]+)\/?$/i.exec(model);
  if (arm) return `${arm[1]}:${arm[2]}`;
  return model.replace(/^azureml:(?!\/\/)/i, '');
}

export function contextValue(tokens: (string | false | undefined)[]): string {
  return tokens.filter((t): t is string => typeof t === 'string' && t.length > 0).join(' ');
}

/** Few digits: figures are for scanning, the Metrics view has the detail. */
function figure(n: number): string {
  if (n === 0) return '0';
  if (Math.abs(n) >= 100) return String(Math.round(n));
  if (Math.abs(n) >= 10) return (Math.round(n * 10) / 10).toString();
  return (Math.round(n * 100) / 100).toString();
}

function duration(ms: number): string {
  return ms >= 1000 ? `${figure(ms / 1000)} s` : `${figure(ms)} ms`;
}

/**
 * "p95 2.4 s · 41/min · 5xx 3%" from the figures that exist; '' when none does (a missing figure
 * is left out, never shown as 0).
 */
export function glanceText(g: Glance, s: GlanceStrings): string {
  return [
    g.p95Ms !== undefined ? s.p95(duration(g.p95Ms)) : undefined,
    g.requestsPerMinute !== undefined ? s.perMinute(figure(g.requestsPerMinute)) : undefined,
    g.serverErrorShare !== undefined ? s.serverErrors(figure(g.serverErrorShare * 100)) : undefined,
  ]
    .filter(Boolean)
    .join(SEP);
}

function tooltip(lines: [string, string | number | undefined][], title: string, note?: string): string {
  return [
    title,
    ...lines.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}: ${String(v)}`),
    ...(note ? [note] : []),
  ].join('\n');
}

/** Says that a row was painted from the index, which can lag a change by minutes. */
function indexNote(model: { source?: 'index' }, s: PresentationStrings): string | undefined {
  return model.source === 'index' ? s.fromIndex : undefined;
}

export function presentSubscription(sub: Subscription, s: PresentationStrings): ItemPresentation {
  const state = sub.state && sub.state !== 'Enabled' ? 'warning' : 'ok';
  return {
    label: sub.displayName || sub.subscriptionId,
    description: sub.state && sub.state !== 'Enabled' ? sub.state : '',
    tooltip: tooltip(
      [
        [s.labels.subscriptionId, sub.subscriptionId],
        [s.labels.tenantId, sub.tenantId],
        [s.labels.state, sub.state],
      ],
      sub.displayName,
    ),
    contextValue: contextValue([T.subscription, T.refreshable]),
    icon: state === 'warning' ? { id: 'warning', color: 'problemsWarningIcon.foreground' } : { id: 'azure' },
    state,
  };
}

export function presentWorkspace(ws: Workspace, s: PresentationStrings): ItemPresentation {
  const visual = provisioningVisualState(ws.provisioningState);
  const friendly = ws.friendlyName && ws.friendlyName !== ws.workspaceName ? ws.friendlyName : undefined;
  return {
    label: ws.workspaceName,
    description: [friendly, ws.location].filter(Boolean).join(SEP),
    tooltip: tooltip(
      [
        [s.labels.resourceGroup, ws.resourceGroup],
        [s.labels.location, ws.location],
        [s.labels.state, ws.provisioningState],
        [s.labels.appInsightsResource, ws.applicationInsightsId ?? s.labels.none],
      ],
      friendly ? `${friendly} (${ws.workspaceName})` : ws.workspaceName,
    ),
    contextValue: contextValue([
      T.workspace,
      T.refreshable,
      T.studio,
      ws.applicationInsightsId ? T.hasAppInsightsResource : undefined,
    ]),
    icon: iconFor(visual, { id: 'beaker' }),
    state: visual,
  };
}

/** "blue 90%, green 10%", or the no-traffic word. Sorted by share, then name. */
export function trafficSplit(traffic: Record<string, number>, s: PresentationStrings): string {
  const entries = Object.entries(traffic).filter(([, p]) => p > 0);
  if (entries.length === 0) return s.noTraffic;
  entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.map(([name, p]) => `${name} ${p}%`).join(', ');
}

export function presentEndpoint(
  ws: Workspace,
  ep: Endpoint,
  s: PresentationStrings,
  flags: NodeFlags = {},
): ItemPresentation {
  const visual = flags.busy ? 'updating' : provisioningVisualState(ep.provisioningState);
  const split = trafficSplit(ep.traffic, s);
  return {
    label: ep.endpointName,
    description: [ep.authMode, flags.busy ? s.updating : ep.provisioningState, split].join(SEP),
    tooltip: tooltip(
      [
        [s.labels.authMode, ep.authMode],
        [s.labels.state, ep.provisioningState],
        [s.labels.traffic, split],
        [s.labels.scoringUri, ep.scoringUri],
        [s.labels.description, ep.description],
        [s.labels.location, ep.location],
      ],
      ep.endpointName,
      indexNote(ep, s),
    ),
    contextValue: contextValue([
      T.endpoint,
      T.refreshable,
      T.studio,
      ep.scoringUri ? T.scoringUri : undefined,
      ws.applicationInsightsId ? T.hasAppInsightsResource : undefined,
      flags.busy ? T.busy : undefined,
    ]),
    icon: iconFor(visual, { id: 'globe' }),
    state: visual,
  };
}

export function presentDeployment(
  ws: Workspace,
  ep: Endpoint,
  dep: Deployment,
  s: PresentationStrings,
  flags: NodeFlags = {},
): ItemPresentation {
  const { visual, text: stateText } = serviceState(dep.provisioningState, s, flags);
  const percent = ep.traffic[dep.deploymentName] ?? 0;
  const instances =
    dep.instanceType !== undefined ? s.instances(dep.instanceType, dep.instanceCount ?? 1) : undefined;
  const insights = dep.appInsightsEnabled ? s.appInsightsOn : s.appInsightsOff;
  const figures = flags.glance && s.glance ? glanceText(flags.glance, s.glance) : undefined;
  const figuresLine = flags.glance && s.glance ? figures || s.glance.noData : undefined;
  return {
    label: dep.deploymentName,
    description: [s.trafficPercent(percent), instances, stateText, insights, figures]
      .filter(Boolean)
      .join(SEP),
    tooltip: tooltip(
      [
        [s.labels.traffic, `${percent}%`],
        [s.labels.instanceType, dep.instanceType],
        [s.labels.instanceCount, dep.instanceCount],
        [s.labels.computeType, dep.computeType],
        [s.labels.state, dep.provisioningState],
        [s.labels.appInsights, insights],
        [s.labels.model, dep.model && modelDisplayName(dep.model)],
        [s.labels.scoringUri, ep.scoringUri],
        [s.labels.description, dep.description],
        [s.glance?.lastHour ?? '', figuresLine],
      ],
      `${ep.endpointName}/${dep.deploymentName}`,
      indexNote(dep, s),
    ),
    contextValue: contextValue([
      T.deployment,
      dep.appInsightsEnabled ? T.appInsightsOn : T.appInsightsOff,
      T.logs,
      ws.applicationInsightsId ? T.queryable : undefined,
      ep.scoringUri ? T.scoringUri : undefined,
      T.studio,
      T.refreshable,
      ws.applicationInsightsId ? T.hasAppInsightsResource : undefined,
      flags.busy ? T.busy : undefined,
      flags.streaming ? T.streaming : undefined,
    ]),
    icon: iconFor(visual, dep.appInsightsEnabled ? { id: 'pulse', color: 'charts.green' } : { id: 'vm' }),
    state: visual,
  };
}

export function presentLegacyGroup(ws: Workspace, count: number, s: PresentationStrings): ItemPresentation {
  return {
    label: s.legacyGroup,
    description: String(count),
    tooltip: `${s.legacyGroup}\n${ws.workspaceName}`,
    contextValue: contextValue([T.legacyGroup, T.refreshable]),
    icon: { id: 'history' },
    state: 'ok',
  };
}

export function presentLegacyService(
  ws: Workspace,
  svc: LegacyService,
  s: PresentationStrings,
  flags: NodeFlags = {},
): ItemPresentation {
  const { visual, text: stateText } = serviceState(svc.state, s, flags);
  const insights = svc.appInsightsEnabled ? s.appInsightsOn : s.appInsightsOff;
  return {
    label: svc.serviceName,
    description: [svc.computeType, stateText, insights].filter(Boolean).join(SEP),
    tooltip: tooltip(
      [
        [s.labels.computeType, svc.computeType],
        [s.labels.state, svc.state],
        [s.labels.appInsights, insights],
        [s.labels.scoringUri, svc.scoringUri],
      ],
      svc.serviceName,
    ),
    contextValue: contextValue([
      T.legacyService,
      svc.appInsightsEnabled ? T.appInsightsOn : T.appInsightsOff,
      T.logs,
      ws.applicationInsightsId ? T.queryable : undefined,
      svc.scoringUri ? T.scoringUri : undefined,
      T.studio,
      T.refreshable,
      ws.applicationInsightsId ? T.hasAppInsightsResource : undefined,
      flags.busy ? T.busy : undefined,
      flags.streaming ? T.streaming : undefined,
    ]),
    icon: iconFor(
      visual,
      svc.appInsightsEnabled ? { id: 'pulse', color: 'charts.green' } : { id: 'server-environment' },
    ),
    state: visual,
  };
}

function iconFor(visual: VisualState, normal: IconSpec): IconSpec {
  switch (visual) {
    case 'failed':
      return FAILED_ICON;
    case 'updating':
      return UPDATING_ICON;
    case 'warning':
      return { id: 'warning', color: 'problemsWarningIcon.foreground' };
    case 'ok':
      return normal;
  }
}
