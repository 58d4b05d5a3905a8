// One authenticated ARM pipeline per AzureClient, shared by the ML clients of every subscription,
// the generic ARM calls and the v1 calls (all use the ARM token): one token cache, one retry policy.
import { Transform } from 'node:stream';
import type { TokenCredential } from '@azure/core-auth';
import { createClientPipeline, ServiceClient } from '@azure/core-client';
import {
  createHttpHeaders,
  createPipelineRequest,
  isRestError,
  RestError,
  type HttpMethods,
  type Pipeline,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { ObservedExchange } from './api';
import type { AzureLog } from './errorMapping';
import { BODY_READ_FAILED } from './errorText';

export interface PipelineSettings {
  credential: TokenCredential;
  /** Whether a URL may receive the bearer token (the configured cloud's hosts); others are refused. */
  mayCarryCredentials?: (url: string) => boolean;
  scope: string;
  maxRetries?: number;
  retryDelayMs?: number;
  userAgentPrefix?: string;
  log?: AzureLog;
  observe?: (exchange: ObservedExchange) => void;
}

export function retryOptionsOf(settings: Pick<PipelineSettings, 'maxRetries' | 'retryDelayMs'>) {
  return {
    maxRetries: settings.maxRetries ?? 3,
    ...(settings.retryDelayMs !== undefined
      ? {
          retryDelayInMs: settings.retryDelayMs,
          maxRetryDelayInMs: Math.max(settings.retryDelayMs * 8, 1000),
        }
      : {}),
  };
}

export function createArmPipeline(settings: PipelineSettings): Pipeline {
  const pipeline = createClientPipeline({
    credentialOptions: { credential: settings.credential, credentialScopes: settings.scope },
    retryOptions: retryOptionsOf(settings),
    userAgentOptions: { userAgentPrefix: userAgentOf(settings.userAgentPrefix) },
  });
  if (settings.log) pipeline.addPolicy(failedAttemptLogPolicy(settings.log), { phase: 'Retry' });
  pipeline.addPolicy(cutBodyAsResetPolicy(), { phase: 'Sign' });
  pipeline.addPolicy(retryAfterCapPolicy(), { phase: 'Sign' });
  if (settings.mayCarryCredentials)
    pipeline.addPolicy(credentialHostPolicy(settings.mayCarryCredentials), { phase: 'Sign' });
  if (settings.observe) pipeline.addPolicy(observerPolicy(settings.observe), { phase: 'Retry' });
  return pipeline;
}

const OBSERVED_HEADERS = [
  'location',
  'azure-asyncoperation',
  'operation-location',
  'retry-after',
  'content-type',
];

/** Hands each exchange to an observer: no request headers (the token lives there). */
export function observerPolicy(observe: (exchange: ObservedExchange) => void): PipelinePolicy {
  return {
    name: 'amlMonitorExchangeObserver',
    async sendRequest(request, next) {
      const response = await next(request);
      const responseHeaders: Record<string, string> = {};
      for (const name of OBSERVED_HEADERS) {
        const value = response.headers.get(name);
        if (value !== undefined) responseHeaders[name] = value;
      }
      const exchange = (responseBody: string | undefined): ObservedExchange => ({
        method: request.method,
        url: request.url,
        status: response.status,
        ...(typeof request.body === 'string' ? { requestBody: request.body } : {}),
        responseHeaders,
        ...(responseBody ? { responseBody } : {}),
      });
      const streamed = response.readableStreamBody;
      if (!streamed) {
        observe(exchange(response.bodyAsText ?? undefined));
        return response;
      }
      // A streamed body (the Logs query) is observed once it has been read through, unchanged.
      const chunks: Buffer[] = [];
      const tee = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done(null, chunk);
        },
        flush(done) {
          observe(exchange(Buffer.concat(chunks).toString('utf8')));
          done();
        },
      });
      streamed.pipe(tee);
      streamed.on('error', (e: Error) => tee.destroy(e));
      response.readableStreamBody = tee;
      return response;
    },
  };
}

/** The longest Retry-After the client waits for; a longer one ends the call (the user is told when to retry). */
export const MAX_RETRY_AFTER_SECONDS = 60;

/** A request that was not sent: its URL is not a host of the configured cloud. */
export class UntrustedHostError extends Error {
  readonly code = 'UntrustedHost';
  constructor(readonly origin: string) {
    super(`Refused to send credentials to ${origin}: not an endpoint of the configured cloud.`);
    this.name = 'UntrustedHostError';
  }
}

/**
 * Sends a request only to a host that may receive the token. It sits in the Sign phase after the
 * bearer policy, so a refused request never leaves the process; the retry policy rethrows it at once.
 */
export function credentialHostPolicy(mayCarryCredentials: (url: string) => boolean): PipelinePolicy {
  return {
    name: 'amlMonitorCredentialHosts',
    sendRequest(request, next) {
      if (!mayCarryCredentials(request.url)) {
        let origin = '?';
        try {
          origin = new URL(request.url).origin;
        } catch {
          // keep '?'
        }
        return Promise.reject(new UntrustedHostError(origin));
      }
      return next(request);
    },
  };
}

/**
 * Retry-After has no upper bound on the wire: a 429 or 503 with Retry-After: 3600 would keep the
 * retry policy (which honours it) waiting an hour. Below the retry policy, such an answer becomes
 * the final error at once (the mapping reports throttling with the delay Azure asked for), and a
 * success that asks to be polled much later (a long-running operation's status) is polled after
 * MAX_RETRY_AFTER_SECONDS at most.
 */
export function retryAfterCapPolicy(maxSeconds = MAX_RETRY_AFTER_SECONDS): PipelinePolicy {
  return {
    name: 'amlMonitorRetryAfterCap',
    async sendRequest(request, next) {
      const response = await next(request);
      const seconds = retryAfterSecondsOf(response.headers.get('retry-after'));
      if (seconds === undefined || seconds <= maxSeconds) return response;
      if (response.status === 429 || response.status >= 500) {
        let body: { error?: { code?: unknown; message?: unknown } } | undefined;
        try {
          body = JSON.parse(response.bodyAsText ?? '') as typeof body;
        } catch {
          body = undefined;
        }
        const error = new RestError(
          typeof body?.error?.message === 'string' ? body.error.message : `HTTP ${response.status}`,
          {
            code: typeof body?.error?.code === 'string' ? body.error.code : undefined,
            statusCode: response.status,
            request,
            response,
          },
        );
        error.details = body;
        // The retry policy would honour the header on the error's response: it is taken off and
        // kept on the error for the message ("try again in ...").
        response.headers.delete('retry-after');
        Object.assign(error, { retryAfterSeconds: seconds });
        throw error;
      }
      if (response.status < 300) response.headers.set('retry-after', String(maxSeconds));
      return response;
    },
  };
}

function retryAfterSecondsOf(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : (date - Date.now()) / 1000;
}

/**
 * A connection reset while the body arrives surfaces as a PARSE_ERROR, which the retry policy does
 * not retry (it retries only system errors such as ECONNRESET before the response). Below the retry
 * policy (Sign phase: closest to the transport), such a failure is rethrown with the code of what
 * happened, a reset, so that it is retried like any other dropped connection.
 */
export function cutBodyAsResetPolicy(): PipelinePolicy {
  return {
    name: 'amlMonitorCutBodyAsReset',
    async sendRequest(request, next) {
      try {
        return await next(request);
      } catch (error) {
        if (
          isRestError(error) &&
          error.code === RestError.PARSE_ERROR &&
          error.message.startsWith(BODY_READ_FAILED)
        ) {
          throw new RestError(error.message, { code: 'ECONNRESET', request });
        }
        throw error;
      }
    },
  };
}

export function userAgentOf(prefix: string | undefined): string {
  return [prefix, 'azureml-endpoint-monitor'].filter(Boolean).join(' ');
}

/**
 * Logs every failed attempt (including those the retry policy absorbs) with its request id, so a
 * throttled or flaky call is visible. Only method, path and status: never headers or bodies.
 */
export function failedAttemptLogPolicy(log: AzureLog): PipelinePolicy {
  return {
    name: 'amlMonitorFailedAttemptLog',
    async sendRequest(request, next) {
      try {
        const response = await next(request);
        if (response.status >= 400) {
          const id =
            response.headers.get('x-ms-request-id') ?? response.headers.get('x-ms-correlation-request-id');
          log(
            'info',
            `HTTP ${response.status} ${request.method} ${pathOf(request.url)}${id ? ` (request id ${id})` : ''}`,
          );
        }
        return response;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        log(
          'info',
          `${request.method} ${pathOf(request.url)}: ${typeof code === 'string' ? code : 'request failed'}`,
        );
        throw error;
      }
    },
  };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '?';
  }
}

export interface JsonResponse<T> {
  status: number;
  body: T;
  headers: { get(name: string): string | undefined; toJSON(): Record<string, string> };
}

/** Plain JSON over a shared pipeline, for the ARM and v1 calls that have no generated SDK. */
export class JsonClient {
  private readonly client: ServiceClient;

  constructor(pipeline: Pipeline) {
    this.client = new ServiceClient({ pipeline });
  }

  async send<T>(
    method: HttpMethods,
    url: string,
    options: { body?: unknown; contentType?: string; abortSignal?: AbortSignal } = {},
  ): Promise<JsonResponse<T>> {
    const request = createPipelineRequest({
      url,
      method,
      abortSignal: options.abortSignal,
      headers: createHttpHeaders({
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': options.contentType ?? 'application/json' } : {}),
      }),
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const response = await this.client.sendRequest(request);
    let parsed: unknown;
    if (response.bodyAsText?.trim()) {
      try {
        parsed = JSON.parse(response.bodyAsText);
      } catch {
        // A success that is not JSON (a proxy's page, a body cut short) must not read as "empty".
        if (response.status < 400)
          throw new RestError('The response body is not JSON.', {
            code: RestError.PARSE_ERROR,
            statusCode: response.status,
            request,
            response,
          });
        parsed = undefined;
      }
    }
    if (response.status >= 400) throw restErrorOf(request, response, parsed);
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
}

/**
 * POSTs JSON and hands back a 200 answer's body as a stream, read as it arrives
 * (core-rest-pipeline's `streamResponseStatusCodes`); any other status is read whole and thrown
 * as a RestError. The pipeline's retry policies see the status before the body is read, so
 * throttling, 5xx and failed connections are retried as for any call.
 */
export async function sendForStream(
  pipeline: Pipeline,
  url: string,
  options: { body: unknown; headers?: Record<string, string>; abortSignal?: AbortSignal },
): Promise<{
  body: AsyncIterable<Uint8Array>;
  headers: { get(name: string): string | undefined };
  /** The error to throw when reading the body fails part way (a reset, an early close). */
  cutShort(cause: unknown): RestError;
}> {
  const client = new ServiceClient({ pipeline });
  const request = createPipelineRequest({
    url,
    method: 'POST',
    abortSignal: options.abortSignal,
    headers: createHttpHeaders({
      accept: 'application/json',
      'content-type': 'application/json',
      ...options.headers,
    }),
    body: JSON.stringify(options.body),
    streamResponseStatusCodes: new Set([200]),
  });
  const response = await client.sendRequest(request);
  if (response.status !== 200 || !response.readableStreamBody) {
    const parsed = parseJson(response.bodyAsText);
    throw restErrorOf(
      request,
      response,
      parsed,
      response.status === 200 ? 'The answer had no body.' : undefined,
    );
  }
  return {
    body: response.readableStreamBody as AsyncIterable<Uint8Array>,
    headers: response.headers,
    // No retry policy sees a failure this late: it is said as what it is, an answer cut short
    // (errorMapping: network, IncompleteResponse), with the answer's request id.
    cutShort: (cause) =>
      new RestError(`${BODY_READ_FAILED}: ${cause instanceof Error ? cause.message : String(cause)}`, {
        code: RestError.PARSE_ERROR,
        statusCode: response.status,
        request,
        response,
      }),
  };
}

function parseJson(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Azure's error body (`{ error: { code, message } }` or a bare `{ code, message }`) as a RestError. */
function restErrorOf(
  request: PipelineRequest,
  response: PipelineResponse,
  parsed: unknown,
  fallbackMessage?: string,
): RestError {
  const errorBody =
    (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error ??
    (parsed as { code?: unknown; message?: unknown } | undefined);
  const message =
    typeof errorBody?.message === 'string'
      ? errorBody.message
      : (fallbackMessage ?? `HTTP ${response.status}`);
  const error = new RestError(message, {
    code: typeof errorBody?.code === 'string' ? errorBody.code : undefined,
    statusCode: response.status,
    request,
    response,
  });
  error.details = parsed;
  return error;
}
