// Every id the extension contributes, in one place. package.json must agree (a test checks it).

export const Commands = {
  signIn: 'amlMonitor.signIn',
  selectTenant: 'amlMonitor.selectTenant',
  selectSubscriptions: 'amlMonitor.selectSubscriptions',
  refresh: 'amlMonitor.refresh',
  refreshNode: 'amlMonitor.refreshNode',
  copyScoringUri: 'amlMonitor.copyScoringUri',
  openInStudio: 'amlMonitor.openInStudio',
  openAppInsightsInPortal: 'amlMonitor.openAppInsightsInPortal',
  enableAppInsights: 'amlMonitor.enableAppInsights',
  disableAppInsights: 'amlMonitor.disableAppInsights',
  streamLogs: 'amlMonitor.streamLogs',
  stopLogStream: 'amlMonitor.stopLogStream',
  getLogs: 'amlMonitor.getLogs',
  openTraceQuery: 'amlMonitor.openTraceQuery',
  runKqlFile: 'amlMonitor.runKqlFile',
  runQueryInPanel: 'amlMonitor.runQueryInPanel',
  scaffoldScoreFile: 'amlMonitor.scaffoldScoreFile',
  openSettings: 'amlMonitor.openSettings',
  showDiagnostics: 'amlMonitor.showDiagnostics',
  sendTestRequest: 'amlMonitor.sendTestRequest',
  resendTestRequest: 'amlMonitor.resendTestRequest',
  testRequestHistory: 'amlMonitor.testRequestHistory',
  traceRequest: 'amlMonitor.traceRequest',
  loadProbe: 'amlMonitor.loadProbe',
  goToDeployment: 'amlMonitor.goToDeployment',
  filterTree: 'amlMonitor.filterTree',
  showMetrics: 'amlMonitor.showMetrics',
  diagnoseDeployment: 'amlMonitor.diagnoseDeployment',
  sendEndpointLogs: 'amlMonitor.sendEndpointLogs',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  container: 'amlMonitor',
  services: 'amlMonitor.services',
  traceQueryPanel: 'amlMonitor.traceQuery',
} as const;

export const ContextKeys = {
  /** signedOut | noSubscriptions | loading | ready | error: drives viewsWelcome. */
  treeState: 'amlMonitor.treeState',
  signedIn: 'amlMonitor.signedIn',
  activeLogStreams: 'amlMonitor.activeLogStreams',
} as const;

export type TreeState = 'signedOut' | 'noSubscriptions' | 'loading' | 'ready' | 'error';

export const SettingKeys = {
  section: 'amlMonitor',
  cloud: 'amlMonitor.cloud',
  customCloud: 'amlMonitor.customCloud',
  auth: 'amlMonitor.auth',
  tenant: 'amlMonitor.tenant',
  subscriptions: 'amlMonitor.subscriptions',
  treeConcurrency: 'amlMonitor.tree.concurrency',
  treeMetricsAtAGlance: 'amlMonitor.tree.metricsAtAGlance',
  logsTailLines: 'amlMonitor.logs.tailLines',
  logsPollIntervalSeconds: 'amlMonitor.logs.pollIntervalSeconds',
  logsMaxBackoffSeconds: 'amlMonitor.logs.maxBackoffSeconds',
  queryDefaultTimeRange: 'amlMonitor.query.defaultTimeRange',
  queryServerTimeoutSeconds: 'amlMonitor.query.serverTimeoutSeconds',
} as const;

/**
 * Tokens of a tree item's contextValue, separated by spaces. package.json menus match them with
 * /\btoken\b/. A node carries its kind first, then every capability that applies.
 */
export const ContextTokens = {
  subscription: 'subscription',
  workspace: 'workspace',
  endpoint: 'endpoint',
  deployment: 'deployment',
  legacyService: 'legacyService',
  legacyGroup: 'legacyGroup',
  error: 'error',
  refreshable: 'refreshable',
  appInsightsOn: 'appInsights-on',
  appInsightsOff: 'appInsights-off',
  /** An update (long-running operation) is running on this node: no enable/disable now. */
  busy: 'busy',
  hasAppInsightsResource: 'hasAppInsightsResource',
  logs: 'logs',
  streaming: 'streaming',
  queryable: 'queryable',
  scoringUri: 'scoringUri',
  studio: 'studio',
} as const;

export const OUTPUT_CHANNEL_NAME = 'Azure ML Endpoint Monitor';
