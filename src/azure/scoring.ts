// Test requests to an online endpoint's scoring URI. The credential comes from the control plane
// (listKeys / token, api-version 2022-10-01 of Microsoft.MachineLearningServices, both POST; see
// azure-rest-api-specs stable/2022-10-01 examples/OnlineEndpoint/listKeys.json and getToken.json)
// or from Microsoft Entra for AADToken endpoints, and is sent as "Authorization: Bearer ..."
// (how-to-authenticate-online-endpoint). It stays in this closure: never logged, never returned.
//
// The data-plane call uses its own minimal pipeline: no ARM bearer policy (the ARM token must not
// reach a scoring host), no retries (a retried test request would be scored twice and its latency
// would lie), no redirects (a redirect could carry the key to another host), and a policy that
// refuses any URL outside the scoring URI's host.
import * as l10n from '@vscode/l10n';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/core-auth';
import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelinePolicy,
} from '@azure/core-rest-pipeline';
import { checkScoringUri, sameScoringHost, scoringRequestHeaders } from '../core/scoring';
import type { CloudEndpoints, ScoringAnswer, ScoringSendOptions, ScoringSession } from './api';
import { callAzure, type AzureLog } from './errorMapping';
import { AzureRequestError } from './errors';
import type { Endpoint } from './models';

const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Audience of Microsoft Entra tokens for AADToken endpoints: https://ml.azure.com in the public
 * cloud (how-to-authenticate-online-endpoint, `az account get-access-token --resource
 * https://ml.azure.com`); the sovereign ones are inferred from their Studio hosts.
 */
export function scoringScopeOf(cloud: CloudEndpoints): string {
  switch (cloud.name) {
    case 'AzureChinaCloud':
      return 'https://ml.azure.cn/.default';
    case 'AzureUSGovernment':
      return 'https://ml.azure.us/.default';
    default:
      return 'https://ml.azure.com/.default';
  }
}

export interface ScoringDeps {
  cloud: CloudEndpoints;
  credential: TokenCredential;
  ml: (subscriptionId: string) => AzureMachineLearningWorkspaces;
  log: AzureLog | undefined;
  userAgent: string;
}

export function openScoringSession(
  deps: ScoringDeps,
  endpoint: Endpoint,
  abortSignal?: AbortSignal,
): Promise<ScoringSession> {
  const operation = l10n.t('Get the credential of endpoint "{0}"', endpoint.endpointName);
  return callAzure(operation, deps.log, async () => {
    const checked = checkScoringUri(endpoint.scoringUri);
    if (!checked.ok) {
      throw new AzureRequestError({
        operation,
        kind: 'config',
        azureMessage:
          checked.problem === 'insecure'
            ? l10n.t(
                'The scoring URI {0} is not HTTPS; the extension does not send keys or tokens over plain HTTP.',
                endpoint.scoringUri ?? '',
              )
            : l10n.t('The endpoint has no usable scoring URI yet ({0}).', endpoint.scoringUri ?? '-'),
      });
    }
    const scoringUri = checked.url.href;
    const secret = await credentialOf(deps, endpoint, abortSignal);
    return new PipelineScoringSession(endpoint, scoringUri, `Bearer ${secret}`, deps);
  });
}

async function credentialOf(
  deps: ScoringDeps,
  endpoint: Endpoint,
  abortSignal?: AbortSignal,
): Promise<string> {
  const ml = deps.ml(endpoint.subscriptionId);
  switch (endpoint.authMode) {
    case 'Key': {
      const keys = await ml.onlineEndpoints.listKeys(
        endpoint.resourceGroup,
        endpoint.workspaceName,
        endpoint.endpointName,
        { abortSignal },
      );
      const key = keys.primaryKey || keys.secondaryKey;
      if (!key) throw new Error(l10n.t('Azure answered listKeys without a key.'));
      return key;
    }
    case 'AMLToken': {
      const token = await ml.onlineEndpoints.getToken(
        endpoint.resourceGroup,
        endpoint.workspaceName,
        endpoint.endpointName,
        { abortSignal },
      );
      if (!token.accessToken) throw new Error(l10n.t('Azure answered the token operation without a token.'));
      return token.accessToken;
    }
    case 'AADToken': {
      const token = await deps.credential.getToken(scoringScopeOf(deps.cloud), { abortSignal });
      if (!token?.token) throw new Error(l10n.t('No Microsoft Entra token was issued for the endpoint.'));
      return token.token;
    }
    default:
      throw new AzureRequestError({
        operation: l10n.t('Get the credential of endpoint "{0}"', endpoint.endpointName),
        kind: 'config',
        azureMessage: l10n.t('Unknown auth mode "{0}".', String(endpoint.authMode)),
      });
  }
}

/** Refuses any request whose URL left the scoring URI's host (defence in depth). */
function scoringHostGuard(scoringUri: string): PipelinePolicy {
  return {
    name: 'amlMonitorScoringHostGuard',
    sendRequest(request, next) {
      if (!sameScoringHost(scoringUri, request.url)) {
        return Promise.reject(
          new Error(l10n.t("Refused to send a key or token outside the endpoint's scoring host.")),
        );
      }
      return next(request);
    },
  };
}

class PipelineScoringSession implements ScoringSession {
  private readonly pipeline: Pipeline;
  private readonly http: HttpClient;

  constructor(
    private readonly endpoint: Endpoint,
    readonly scoringUri: string,
    private readonly authorization: string,
    private readonly deps: ScoringDeps,
  ) {
    this.pipeline = createEmptyPipeline();
    this.pipeline.addPolicy(scoringHostGuard(scoringUri));
    this.http = createDefaultHttpClient();
  }

  send(options: ScoringSendOptions): Promise<ScoringAnswer> {
    const operation = l10n.t('Send the test request to endpoint "{0}"', this.endpoint.endpointName);
    return callAzure(operation, this.deps.log, async () => {
      const isBytes = options.body instanceof Uint8Array;
      const bodyStream = isBytes
        ? undefined
        : (options.body as { stream: () => NodeJS.ReadableStream; length?: number });
      const length = isBytes ? (options.body as Uint8Array).length : bodyStream?.length;
      const headers = scoringRequestHeaders({
        authorization: this.authorization,
        clientRequestId: options.clientRequestId,
        deployment: options.deployment,
        contentType: options.contentType,
        contentLength: length,
      });
      headers['user-agent'] = this.deps.userAgent;
      const request = createPipelineRequest({
        url: this.scoringUri,
        method: 'POST',
        headers: createHttpHeaders(headers),
        body: isBytes ? (options.body as Uint8Array) : bodyStream?.stream,
        abortSignal: options.abortSignal,
        // Every status is read as a stream: large answers are counted, not held.
        streamResponseStatusCodes: new Set([Number.POSITIVE_INFINITY]),
        allowInsecureConnection: false,
      });
      const startedAt = new Date();
      const start = performance.now();
      const response = await this.pipeline.sendRequest(this.http, request);
      const headersMs = performance.now() - start;
      const max = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      const kept: Buffer[] = [];
      let keptBytes = 0;
      let totalBytes = 0;
      const stream = response.readableStreamBody;
      if (stream) {
        for await (const chunk of stream as AsyncIterable<Buffer | string>) {
          const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          totalBytes += buffer.length;
          if (keptBytes < max) {
            const part = buffer.subarray(0, max - keptBytes);
            kept.push(part);
            keptBytes += part.length;
          }
        }
      } else if (response.bodyAsText) {
        const buffer = Buffer.from(response.bodyAsText);
        totalBytes = buffer.length;
        kept.push(buffer.subarray(0, max));
        keptBytes = Math.min(max, buffer.length);
      }
      const totalMs = performance.now() - start;
      return {
        status: response.status,
        headers: Object.fromEntries([...response.headers].map(([k, v]) => [k.toLowerCase(), v])),
        body: new Uint8Array(Buffer.concat(kept)),
        totalBytes,
        truncated: totalBytes > keptBytes,
        startedAt,
        headersMs,
        totalMs,
      };
    });
  }
}
