// Which api-versions the emulated resource providers accept, and how ARM refuses any other.
// Lists are the version folders of Azure/azure-rest-api-specs for each provider (stable and
// preview), so a client that sends a version Azure never published fails here as it would there.
// A provider or type not listed here is not checked (other parts of the emulator own them).

export interface ApiVersionRefusal {
  status: 400;
  code: 'InvalidApiVersionParameter' | 'NoRegisteredProviderFound';
  message: string;
}

/**
 * Microsoft.MachineLearningServices: the versions that define online endpoints and deployments
 * (and getLogs), from the specification/machinelearningservices/resource-manager/
 * Microsoft.MachineLearningServices/{stable,preview}/<version>/mfe.json folders; the same list is
 * printed as "available API versions" by Pulumi's azure-native getOnlineDeploymentLogs docs,
 * which are generated from that repository.
 */
export const ML_API_VERSIONS = [
  '2021-03-01-preview',
  '2022-02-01-preview',
  '2022-05-01',
  '2022-06-01-preview',
  '2022-10-01',
  '2022-10-01-preview',
  '2022-12-01-preview',
  '2023-02-01-preview',
  '2023-04-01',
  '2023-04-01-preview',
  '2023-06-01-preview',
  '2023-08-01-preview',
  '2023-10-01',
  '2024-01-01-preview',
  '2024-04-01',
  '2024-07-01-preview',
  '2024-10-01',
  '2024-10-01-preview',
  '2025-01-01-preview',
  '2025-04-01',
  '2025-04-01-preview',
  '2025-06-01',
  '2025-07-01-preview',
  '2025-09-01',
  '2025-10-01-preview',
];

/**
 * Microsoft.Resources subscriptions: specification/resources/resource-manager/Microsoft.Resources/
 * stable/<version>/subscriptions.json (2022-12-01 is what the client sends).
 */
export const SUBSCRIPTIONS_API_VERSIONS = [
  '2014-04-01',
  '2015-11-01',
  '2016-06-01',
  '2018-06-01',
  '2019-06-01',
  '2019-11-01',
  '2020-01-01',
  '2021-01-01',
  '2022-12-01',
];

/**
 * Microsoft.Insights components: specification/applicationinsights/resource-manager/
 * Microsoft.Insights/{stable,preview}/<version>/components_API.json (2020-02-02 is what the client
 * sends).
 */
export const COMPONENTS_API_VERSIONS = [
  '2015-05-01',
  '2018-05-01-preview',
  '2020-02-02',
  '2020-02-02-preview',
];

/**
 * Microsoft.OperationalInsights workspaces: specification/operationalinsights/resource-manager/
 * Microsoft.OperationalInsights/{stable,preview}/<version>/Workspaces.json.
 */
export const LOG_ANALYTICS_WORKSPACE_API_VERSIONS = [
  '2015-11-01-preview',
  '2020-03-01-preview',
  '2020-08-01',
  '2020-10-01',
  '2021-06-01',
  '2021-12-01-preview',
  '2022-10-01',
  '2023-09-01',
  '2025-02-01',
];

/**
 * Microsoft.Insights extension resources the client reads or writes on a deployment or endpoint:
 * specification/monitor/resource-manager/Microsoft.Insights/{stable,preview}/<version>/
 * metrics_API.json, diagnosticsSettings_API.json and activityLogs_API.json (eventtypes/management/values).
 */
export const METRICS_API_VERSIONS = ['2018-01-01', '2021-05-01', '2023-10-01', '2024-02-01'];
export const DIAGNOSTIC_SETTINGS_API_VERSIONS = ['2017-05-01-preview', '2021-05-01-preview'];
export const ACTIVITY_LOG_API_VERSIONS = ['2015-04-01'];

/** Resource types (lower case, provider/type[/child…]) and the versions each accepts. */
const CHECKED: { match: (type: string) => boolean; versions: string[] }[] = [
  { match: (t) => t.startsWith('microsoft.machinelearningservices/'), versions: ML_API_VERSIONS },
  { match: (t) => t === 'microsoft.insights/components', versions: COMPONENTS_API_VERSIONS },
  {
    match: (t) => t === 'microsoft.operationalinsights/workspaces',
    versions: LOG_ANALYTICS_WORKSPACE_API_VERSIONS,
  },
  // The refusal's shape for these extension types is ARM's as for any provider (inferred).
  { match: (t) => t === 'microsoft.insights/metrics', versions: METRICS_API_VERSIONS },
  { match: (t) => t === 'microsoft.insights/diagnosticsettings', versions: DIAGNOSTIC_SETTINGS_API_VERSIONS },
  { match: (t) => t === 'microsoft.insights/eventtypes/values', versions: ACTIVITY_LOG_API_VERSIONS },
];

/**
 * The refusal ARM gives an api-version the provider does not serve, or undefined when it is served
 * (or the path is not one this table checks). `seg` is the ARM path split on '/'.
 *
 * - Subscriptions (ARM's own Microsoft.Resources): 400 InvalidApiVersionParameter, "The api-version
 *   '…' is invalid. The supported versions are '…'." (as quoted in ansible-collections/azure#1739,
 *   Azure/azure-cli#28038, hashicorp/vault-plugin-secrets-azure#13).
 * - A resource provider's types: 400 NoRegisteredProviderFound, "No registered resource provider
 *   found for location '…' and API version '…' for type '…'. The supported api-versions are '…'.
 *   The supported locations are '…'." (Azure/azure-sdk-for-js#4097 for ML workspaces,
 *   MicrosoftDocs/azure-docs#92520 for ML batchEndpoints). The status is 400 (inferred from the
 *   SDKs' RestError in those reports, which do not print it); which location ARM names for a
 *   subscription-wide list is (inferred): the first supported one.
 */
export function refuseApiVersion(
  seg: string[],
  apiVersion: string,
  locations: string[],
): ApiVersionRefusal | undefined {
  const lseg = seg.map((s) => s.toLowerCase());
  if (lseg[0] !== 'subscriptions') return undefined;
  if (lseg.length <= 2) {
    if (SUBSCRIPTIONS_API_VERSIONS.includes(apiVersion)) return undefined;
    return {
      status: 400,
      code: 'InvalidApiVersionParameter',
      message: `The api-version '${apiVersion}' is invalid. The supported versions are '${[...SUBSCRIPTIONS_API_VERSIONS].reverse().join(',')}'.`,
    };
  }
  const type = resourceTypeOf(seg);
  if (!type) return undefined;
  const rule = CHECKED.find((r) => r.match(type.full));
  if (!rule || rule.versions.includes(apiVersion)) return undefined;
  const location = locations[0] ?? 'eastus';
  return {
    status: 400,
    code: 'NoRegisteredProviderFound',
    message:
      `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${type.types}'. ` +
      `The supported api-versions are '${rule.versions.join(', ')}'. The supported locations are '${locations.join(', ')}'.`,
  };
}

/** `providers/{ns}/{type}/{name}/{child}/{name}/…` → ns/type/child (names dropped). */
function resourceTypeOf(seg: string[]): { full: string; types: string } | undefined {
  const at = seg.map((s) => s.toLowerCase()).lastIndexOf('providers');
  const ns = seg[at + 1];
  if (at < 0 || !ns) return undefined;
  const types = seg.slice(at + 2).filter((_, i) => i % 2 === 0);
  if (types.length === 0) return undefined;
  return { full: `${ns}/${types.join('/')}`.toLowerCase(), types: types.join('/') };
}
