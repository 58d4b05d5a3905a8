// Azure ML v1 web services (ACI/AKS) on the model-management API, driven as azureml-core's
// Webservice does. No SDK exists for it: plain JSON over the shared ARM pipeline (ARM token,
// retries, logging).
import * as l10n from '@vscode/l10n';
import { AzureRequestError } from './errors';
import type { LegacyService, LegacyServiceRef, LongRunningOptions, Workspace } from './models';
import { toLegacyService, type LegacyServiceWire } from './mappers';
import { deadlineSignal, operationTimedOut, operationTimeLimit } from './operationDeadline';
import type { JsonClient } from './pipeline';
import { abortableDelay, untilAborted } from './timing';

const TERMINAL_STATES = new Set(['succeeded', 'failed', 'cancelled', 'canceled', 'timedout']);
const DEFAULT_POLL_MS = 2000;

interface OperationWire {
  state?: string;
  error?: { code?: string; message?: string; details?: { code?: string; message?: string }[] };
}

export class LegacyServices {
  /** Regional API host per workspace, from its discovery document. */
  private readonly apiHosts = new Map<string, Promise<string>>();

  constructor(private readonly json: JsonClient) {}

  async list(workspace: Workspace, abortSignal?: AbortSignal): Promise<LegacyService[]> {
    const base = await this.baseUrl(workspace, abortSignal);
    const services: LegacyService[] = [];
    // azureml-core always lists with expand=true (Webservice.list); nextLinks are followed as given.
    let url: string | undefined = `${base}/services?expand=true`;
    const seen = new Set<string>();
    while (url && !seen.has(url)) {
      seen.add(url);
      const page: { body?: { value?: LegacyServiceWire[]; nextLink?: string } } = await this.json.send(
        'GET',
        url,
        {
          abortSignal,
        },
      );
      for (const raw of page.body?.value ?? []) {
        const service = toLegacyService(raw, workspace);
        if (service) services.push(service);
      }
      url = page.body?.nextLink ? new URL(page.body.nextLink, url).href : undefined;
    }
    return services;
  }

  async get(workspace: Workspace, name: string, abortSignal?: AbortSignal): Promise<LegacyService> {
    const base = await this.baseUrl(workspace, abortSignal);
    const { body } = await this.json.send<LegacyServiceWire>(
      'GET',
      `${base}/services/${encodeURIComponent(name)}?expand=true`,
      {
        abortSignal,
      },
    );
    const service = toLegacyService(body ?? {}, workspace);
    if (!service) {
      throw new AzureRequestError({
        operation: l10n.t('Read v1 web service "{0}"', name),
        kind: 'unknown',
        azureMessage: l10n.t('The answer had no service name.'),
      });
    }
    return service;
  }

  /**
   * JSON-patch /appInsightsEnabled, then poll the operation until it ends (or the time Azure stated
   * for it runs out: kind 'timedOut'); returns the re-read service.
   */
  async setAppInsights(
    workspace: Workspace,
    ref: LegacyServiceRef,
    enabled: boolean,
    options: LongRunningOptions = {},
  ): Promise<LegacyService> {
    const base = await this.baseUrl(workspace, options.abortSignal);
    const response = await this.json.send<{ operationId?: string }>(
      'PATCH',
      `${base}/services/${encodeURIComponent(ref.serviceName)}`,
      {
        body: [{ op: 'replace', path: '/appInsightsEnabled', value: enabled }],
        contentType: 'application/json-patch+json',
        abortSignal: options.abortSignal,
      },
    );
    options.onAccepted?.();
    const operationUrl = operationUrlOf(
      base,
      response.headers.get('operation-location'),
      response.body?.operationId,
    );
    if (response.status === 202 && !operationUrl) {
      throw new AzureRequestError({
        operation: l10n.t('Update v1 web service "{0}"', ref.serviceName),
        kind: 'unknown',
        statusCode: 202,
        azureMessage: l10n.t('The service accepted the update without an Operation-Location to follow.'),
      });
    }
    if (operationUrl) {
      // The v1 API has no published spec; x-ms-async-operation-timeout is honoured as on ARM
      // (operationDeadline.ts) when it comes, the default applies when it does not.
      const limit = operationTimeLimit(response.headers.get('x-ms-async-operation-timeout'));
      const deadline = deadlineSignal(limit, options.abortSignal);
      try {
        await this.waitForOperation(operationUrl, { ...options, abortSignal: deadline.signal });
      } catch (e) {
        if (deadline.expired()) throw operationTimedOut(limit);
        throw e;
      } finally {
        deadline.dispose();
      }
    }
    return this.get(workspace, ref.serviceName, options.abortSignal);
  }

  async logs(
    workspace: Workspace,
    ref: LegacyServiceRef,
    options: { tail: number; init: boolean; abortSignal?: AbortSignal },
  ): Promise<string> {
    const base = await this.baseUrl(workspace, options.abortSignal);
    const query = new URLSearchParams({ tail: String(options.tail), init: String(options.init) });
    const { body } = await this.json.send<{ content?: string }>(
      'GET',
      `${base}/services/${encodeURIComponent(ref.serviceName)}/logs?${query.toString()}`,
      { abortSignal: options.abortSignal },
    );
    return body?.content ?? '';
  }

  private async waitForOperation(url: string, options: LongRunningOptions): Promise<void> {
    for (;;) {
      const { body, headers } = await this.json.send<OperationWire>('GET', url, {
        abortSignal: options.abortSignal,
      });
      const state = body?.state ?? '';
      if (TERMINAL_STATES.has(state.toLowerCase())) {
        if (state.toLowerCase() === 'succeeded') return;
        const detail = body?.error?.details?.[0];
        throw new AzureRequestError({
          operation: l10n.t('Wait for the v1 web service update'),
          kind: 'operationFailed',
          code: body?.error?.code ?? detail?.code ?? state,
          azureMessage:
            body?.error?.message ?? detail?.message ?? l10n.t('The operation ended {0}.', String(state)),
        });
      }
      const retryAfter = Number(headers.get('retry-after'));
      const delayMs =
        Number.isFinite(retryAfter) && retryAfter > 0
          ? retryAfter * 1000
          : (options.pollIntervalMs ?? DEFAULT_POLL_MS);
      await abortableDelay(delayMs, options.abortSignal);
    }
  }

  private async baseUrl(workspace: Workspace, abortSignal?: AbortSignal): Promise<string> {
    const host = await this.apiHost(workspace, abortSignal);
    const path =
      `/modelmanagement/v1.0/subscriptions/${encodeURIComponent(workspace.subscriptionId)}` +
      `/resourceGroups/${encodeURIComponent(workspace.resourceGroup)}` +
      `/providers/Microsoft.MachineLearningServices/workspaces/${encodeURIComponent(workspace.workspaceName)}`;
    return host.replace(/\/+$/, '') + path;
  }

  private apiHost(workspace: Workspace, abortSignal?: AbortSignal): Promise<string> {
    const key = workspace.armId.toLowerCase();
    let host = this.apiHosts.get(key);
    if (!host) {
      // Shared by every caller, so no one caller's abort cancels it: each stops waiting on its own.
      host = this.discover(workspace);
      this.apiHosts.set(key, host);
      // A failed discovery is not cached: the next call tries again.
      host.catch(() => this.apiHosts.delete(key));
    }
    return untilAborted(host, abortSignal);
  }

  private async discover(workspace: Workspace, abortSignal?: AbortSignal): Promise<string> {
    if (!workspace.discoveryUrl) {
      throw new AzureRequestError({
        operation: l10n.t('Find the v1 API of workspace "{0}"', workspace.workspaceName),
        kind: 'config',
        azureMessage: l10n.t('The workspace has no discoveryUrl.'),
      });
    }
    const { body } = await this.json.send<DiscoveryDocument>('GET', workspace.discoveryUrl, { abortSignal });
    const host = v1HostOf(body);
    if (!host) {
      throw new AzureRequestError({
        operation: l10n.t('Find the v1 API of workspace "{0}"', workspace.workspaceName),
        kind: 'unknown',
        azureMessage: l10n.t('The discovery document names no https "modelmanagement" or "api" host.'),
      });
    }
    return host;
  }
}

interface DiscoveryDocument {
  modelmanagement?: unknown;
  api?: unknown;
}

/**
 * The host of the v1 API: the discovery document's `modelmanagement` key, as azureml-core reads it
 * (azureml/_model_management/_util.py, _get_mms_url), else its `api` key (the REST how-to's host).
 */
export function v1HostOf(document: DiscoveryDocument | undefined): string | undefined {
  for (const candidate of [document?.modelmanagement, document?.api])
    if (typeof candidate === 'string' && /^https:\/\/[^/]/i.test(candidate)) return candidate;
  return undefined;
}

/**
 * Where to poll a v1 update: azureml-core keeps only the last path segment of Operation-Location
 * (the operation id) and polls {base}/operations/{id} (azureml/core/webservice/webservice.py); the
 * header itself is never followed. Without the header, a 200's operationId names it.
 */
export function operationUrlOf(
  base: string,
  location: string | undefined,
  operationId: string | undefined,
): string | undefined {
  const fromHeader = location
    ?.split('?')[0]
    ?.split('/')
    .filter((part) => part.length > 0)
    .at(-1);
  const id = fromHeader || operationId;
  return id ? `${base}/operations/${encodeURIComponent(decodeURIComponent(id))}` : undefined;
}
