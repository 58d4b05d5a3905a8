// The endpoint table of each Azure cloud. No SDK import: the session reads it at activation
// (portal and Studio links) without loading the Azure bundle.
import * as l10n from '@vscode/l10n';
import type { CloudEndpoints, CloudName } from './api';
import { AzureRequestError } from './errors';

export type CustomCloudInput = {
  resourceManagerEndpoint?: string;
  logAnalyticsEndpoint?: string;
  portalUrl?: string;
  studioUrl?: string;
};

const publicCloud: CloudEndpoints = {
  name: 'AzureCloud',
  resourceManagerEndpoint: 'https://management.azure.com',
  resourceManagerScope: 'https://management.azure.com/.default',
  logAnalyticsEndpoint: 'https://api.loganalytics.io/v1',
  logAnalyticsScope: 'https://api.loganalytics.io/.default',
  portalUrl: 'https://portal.azure.com',
  studioUrl: 'https://ml.azure.com',
  authorityHost: 'https://login.microsoftonline.com',
};

const knownClouds: Record<Exclude<CloudName, 'Custom'>, CloudEndpoints> = {
  AzureCloud: publicCloud,
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
    resourceManagerScope: 'https://management.chinacloudapi.cn/.default',
    logAnalyticsEndpoint: 'https://api.loganalytics.azure.cn/v1',
    logAnalyticsScope: 'https://api.loganalytics.azure.cn/.default',
    portalUrl: 'https://portal.azure.cn',
    studioUrl: 'https://studio.ml.azure.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
    resourceManagerScope: 'https://management.usgovcloudapi.net/.default',
    logAnalyticsEndpoint: 'https://api.loganalytics.us/v1',
    logAnalyticsScope: 'https://api.loganalytics.us/.default',
    portalUrl: 'https://portal.azure.us',
    studioUrl: 'https://ml.azure.us',
    authorityHost: 'https://login.microsoftonline.us',
  },
};

/** Endpoints of a named cloud, or of the custom one described by the amlMonitor.customCloud setting. */
export function resolveCloud(name: CloudName, custom?: CustomCloudInput): CloudEndpoints {
  if (name !== 'Custom') {
    const known = knownClouds[name] as CloudEndpoints | undefined;
    if (!known)
      throw configError(
        l10n.t(
          'Unknown cloud "{0}"; use AzureCloud, AzureChinaCloud, AzureUSGovernment or Custom.',
          String(name),
        ),
      );
    return { ...known };
  }
  const resourceManagerEndpoint = requireHttpsUrl('resourceManagerEndpoint', custom?.resourceManagerEndpoint);
  const logAnalyticsEndpoint = requireHttpsUrl('logAnalyticsEndpoint', custom?.logAnalyticsEndpoint);
  return {
    name: 'Custom',
    resourceManagerEndpoint,
    resourceManagerScope: `${resourceManagerEndpoint}/.default`,
    logAnalyticsEndpoint,
    // The audience of the Logs API is its origin, without the /v1 path.
    logAnalyticsScope: `${new URL(logAnalyticsEndpoint).origin}/.default`,
    portalUrl: custom?.portalUrl ? requireHttpsUrl('portalUrl', custom.portalUrl) : publicCloud.portalUrl,
    studioUrl: custom?.studioUrl ? requireHttpsUrl('studioUrl', custom.studioUrl) : publicCloud.studioUrl,
    authorityHost: publicCloud.authorityHost,
  };
}

/** Whether a URL's host is 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]' || host === '::1') return true;
  const octets = host.split('.');
  return (
    octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)
  );
}

// The regional hosts of Azure ML's own APIs (v1 model management, discovery), per cloud:
// "*.api.azureml.ms" (Azure), "*.api.ml.azure.us" (Azure Government), "*.api.ml.azure.cn" (Azure
// China), as listed for firewalls in learn.microsoft.com/azure/machine-learning/
// how-to-access-azureml-behind-firewall (and its docs.azure.cn counterpart). A workspace's
// discoveryUrl and v1 API host are of this form (https://<region>.api.azureml.ms/...).
const ML_API_HOST_SUFFIX: Record<Exclude<CloudName, 'Custom'>, string> = {
  AzureCloud: '.api.azureml.ms',
  AzureChinaCloud: '.api.ml.azure.cn',
  AzureUSGovernment: '.api.ml.azure.us',
};

/**
 * Whether a request to `url` may carry this cloud's credentials: HTTPS to the origin of its ARM or
 * Logs endpoint, or (port 443) to a regional Azure ML API host of the same cloud. Anything else
 * (a nextLink, an operation URL or a discovery host that points elsewhere) is refused.
 */
export function mayCarryCredentials(cloud: CloudEndpoints, url: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.protocol !== 'https:') return false;
  const origins = requestEndpointsOf(cloud).map((endpoint) => new URL(endpoint).origin);
  if (origins.includes(target.origin)) return true;
  // A custom cloud that points at a known cloud's ARM has that cloud's regional ML hosts too.
  const armHost = new URL(cloud.resourceManagerEndpoint).host.toLowerCase();
  const known = (Object.keys(knownClouds) as Exclude<CloudName, 'Custom'>[]).find(
    (name) => new URL(knownClouds[name].resourceManagerEndpoint).host === armHost,
  );
  return (
    known !== undefined &&
    target.port === '' &&
    target.hostname.toLowerCase().endsWith(ML_API_HOST_SUFFIX[known])
  );
}

/** The URLs a client of this cloud sends requests (and tokens) to. */
export function requestEndpointsOf(cloud: CloudEndpoints): string[] {
  return [cloud.resourceManagerEndpoint, cloud.logAnalyticsEndpoint];
}

function requireHttpsUrl(setting: string, value: string | undefined): string {
  if (!value?.trim()) {
    throw configError(l10n.t('The custom cloud needs amlMonitor.customCloud.{0}.', setting));
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw configError(l10n.t('amlMonitor.customCloud.{0} is not a valid URL: "{1}".', setting, value));
  }
  if (url.protocol !== 'https:') {
    // Azure clients refuse to send a bearer token over plain HTTP.
    throw configError(
      l10n.t('amlMonitor.customCloud.{0} must be an https:// URL (got "{1}").', setting, url.protocol),
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw configError(
      l10n.t('amlMonitor.customCloud.{0} must not carry credentials, a query or a fragment.', setting),
    );
  }
  return url.href.replace(/\/+$/, '');
}

function configError(message: string): AzureRequestError {
  return new AzureRequestError({
    operation: l10n.t('Resolve the Azure cloud'),
    kind: 'config',
    azureMessage: message,
  });
}
