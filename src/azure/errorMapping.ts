// The one translation from whatever the SDKs throw (RestError, AbortError, core-lro failures,
// identity errors, socket errors) into AzureRequestError. Messages carry Azure's code, message and
// request id; never a header dump (tokens live there).
import * as l10n from '@vscode/l10n';
import { AzureRequestError, isAzureRequestError, type AzureErrorKind } from './errors';
import { BODY_READ_FAILED, describeUnreadableBody, looksLikeHtml } from './errorText';

export type AzureLog = (level: 'info' | 'warn' | 'error', message: string) => void;

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'REQUEST_SEND_ERROR',
  'UND_ERR_SOCKET',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const WRONG_AUDIENCE_CODES = new Set(['InvalidAuthenticationTokenAudience', 'InvalidTokenError']);

const LRO_FAILED = /^The long-running operation has failed(?:\. ([^.\s]+)\. ([\s\S]*))?\.?$/;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
  details?: unknown;
  cause?: unknown;
  response?: {
    status?: number;
    bodyAsText?: string | null;
    headers?: { get(name: string): string | undefined };
  };
}

/** Maps any failure of `operation` (a description in the user's terms) to an AzureRequestError. */
export function toAzureRequestError(error: unknown, operation: string): AzureRequestError {
  if (isAzureRequestError(error)) {
    if (error.operation === operation) return error;
    // Keep what the inner failure knew; name the caller's operation.
    return new AzureRequestError({
      operation,
      kind: error.kind,
      statusCode: error.statusCode,
      code: error.code,
      azureMessage: error.azureMessage ?? error.message,
      requestId: error.requestId,
      retryAfterSeconds: error.retryAfterSeconds,
      detail: error.detail,
      cause: error,
    });
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const code = typeof e.code === 'string' ? e.code : undefined;

  if (name === 'UntrustedHostError') {
    // Azure (or something in between) pointed at a host outside the configured cloud: not followed.
    const origin = (e as { origin?: unknown }).origin;
    return new AzureRequestError({
      operation,
      kind: 'config',
      code: 'UntrustedHost',
      azureMessage: l10n.t(
        'Azure pointed to {0}, which is not an endpoint of the configured cloud; the extension did not send your credentials there. Check the amlMonitor.cloud setting, or report this link.',
        typeof origin === 'string' ? origin : '?',
      ),
      cause: error,
    });
  }
  if (name === 'AbortError' || name === 'PollerStoppedError') {
    return new AzureRequestError({ operation, kind: 'cancelled', cause: error });
  }
  if (name === 'PollerCancelledError') {
    return new AzureRequestError({
      operation,
      kind: 'operationFailed',
      code: 'Canceled',
      azureMessage: message,
      cause: error,
    });
  }
  const lro = LRO_FAILED.exec(message);
  if (lro) {
    return new AzureRequestError({
      operation,
      kind: 'operationFailed',
      code: lro[1],
      azureMessage: lro[2]?.trim() || l10n.t('The operation ended in the Failed state.'),
      cause: error,
    });
  }
  if (
    name === 'CredentialUnavailableError' ||
    name === 'AuthenticationError' ||
    name === 'AggregateAuthenticationError'
  ) {
    return new AzureRequestError({
      operation,
      kind: 'signIn',
      code: name,
      azureMessage: firstLine(message),
      cause: error,
    });
  }

  const statusCode = typeof e.statusCode === 'number' ? e.statusCode : e.response?.status;
  const headers = e.response?.headers;
  const requestId =
    headers?.get('x-ms-request-id') ?? headers?.get('x-ms-correlation-request-id') ?? undefined;
  const retryAfterSeconds =
    typeof (e as { retryAfterSeconds?: unknown }).retryAfterSeconds === 'number'
      ? (e as { retryAfterSeconds: number }).retryAfterSeconds
      : headers
        ? parseRetryAfterSeconds(headers)
        : undefined;
  const body = typeof e.response?.bodyAsText === 'string' ? e.response.bodyAsText : undefined;

  if (message.startsWith(BODY_READ_FAILED)) {
    // The connection broke while the body was arriving (the pipeline already retried it).
    return new AzureRequestError({
      operation,
      kind: 'network',
      code: 'IncompleteResponse',
      azureMessage: l10n.t('The connection closed before the whole answer arrived.'),
      requestId,
      detail: message,
      cause: error,
    });
  }
  if (code === 'PARSE_ERROR' && statusCode !== undefined) {
    // A body that is not JSON: a gateway's HTML page, JSON cut short. The user gets what it was; the
    // log gets the body (scrubbed and cut). The SDK's own message would paste the whole body.
    return new AzureRequestError({
      operation,
      kind: statusCode >= 400 ? kindOfStatus(statusCode) : 'server',
      statusCode,
      code: statusCode >= 400 ? `HTTP${statusCode}` : 'InvalidResponse',
      azureMessage: describeUnreadableBody(body ?? '', statusCode),
      requestId,
      retryAfterSeconds,
      detail: body,
      cause: error,
    });
  }

  if (statusCode !== undefined && statusCode > 0) {
    const unreadable = body !== undefined && (!isJsonText(body) || looksLikeHtml(message));
    return new AzureRequestError({
      operation,
      // A token for another service is a setting's fault (an endpoint of the custom cloud), not a
      // missing role: ARM's 401 InvalidAuthenticationTokenAudience and the Logs API's 403
      // InvalidTokenError (see test/emulator/server.ts for their sources).
      kind: code && WRONG_AUDIENCE_CODES.has(code) ? 'config' : kindOfStatus(statusCode),
      statusCode,
      code: code ?? `HTTP${statusCode}`,
      azureMessage: unreadable
        ? describeUnreadableBody(body, statusCode)
        : withInnerMessages(message, e.details) || `HTTP ${statusCode}`,
      requestId,
      retryAfterSeconds,
      detail: body,
      cause: error,
    });
  }
  const networkCode =
    code ?? (typeof e.cause === 'object' && e.cause !== null ? (e.cause as ErrorLike).code : undefined);
  if (
    (typeof networkCode === 'string' && NETWORK_CODES.has(networkCode)) ||
    /socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|certificate/i.test(message)
  ) {
    return new AzureRequestError({
      operation,
      kind: 'network',
      code: typeof networkCode === 'string' ? networkCode : undefined,
      azureMessage: firstLine(message),
      cause: error,
    });
  }
  return new AzureRequestError({
    operation,
    kind: 'unknown',
    code,
    azureMessage: firstLine(message),
    cause: error,
  });
}

/** Runs one call to Azure; a failure becomes an AzureRequestError and a log line with its request id. */
export async function callAzure<T>(
  operation: string,
  log: AzureLog | undefined,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const mapped = toAzureRequestError(error, operation);
    if (mapped.kind !== 'cancelled') {
      const parts = [
        `${operation} failed (${mapped.kind})`,
        mapped.statusCode ? `HTTP ${mapped.statusCode}` : undefined,
        mapped.code,
        mapped.requestId ? `request id ${mapped.requestId}` : undefined,
      ].filter(Boolean);
      // The body stays out of notifications; here it is, scrubbed and cut, next to its request id.
      log?.('warn', parts.join(' · ') + (mapped.detail ? `\n  response: ${mapped.detail}` : ''));
    }
    throw mapped;
  }
}

export function kindOfStatus(status: number): AzureErrorKind {
  if (status === 400) return 'badRequest';
  if (status === 401) return 'signIn';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 409) return 'conflict';
  if (status === 429) return 'throttled';
  if (status === 408 || status >= 500) return 'server';
  return 'unknown';
}

function parseRetryAfterSeconds(headers: { get(name: string): string | undefined }): number | undefined {
  const ms = headers.get('retry-after-ms') ?? headers.get('x-ms-retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms) / 1000;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.round((date - Date.now()) / 1000));
}

/** The Logs API hides the useful text (e.g. the KQL syntax error) in nested innererror entries. */
function withInnerMessages(message: string, details: unknown): string {
  const parts = [message.trim()];
  let inner: unknown = (details as { error?: unknown } | undefined)?.error ?? details;
  for (let depth = 0; depth < 5 && typeof inner === 'object' && inner !== null; depth++) {
    inner =
      (inner as { innererror?: unknown; innerError?: unknown }).innererror ??
      (inner as { innerError?: unknown }).innerError;
    if (typeof inner !== 'object' || inner === null) break;
    const { code, message: innerMessage } = inner as { code?: unknown; message?: unknown };
    const text = [typeof code === 'string' ? code : '', typeof innerMessage === 'string' ? innerMessage : '']
      .filter(Boolean)
      .join(': ');
    if (text && !parts.includes(text)) parts.push(text);
  }
  return parts.filter(Boolean).join(' — ');
}

/** Whether a body parses as JSON (an ARM or Logs error body) rather than a page or cut text. */
function isJsonText(body: string): boolean {
  const trimmed = body.trim();
  if (trimmed === '') return true;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? text;
}
