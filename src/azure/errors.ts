// One typed error for every failed call to Azure. No SDK import here: the extension bundle uses
// it to present failures without loading the Azure bundle. What a server wrote (message, code,
// request id) is made safe to show as it comes in (errorText.ts): short, one line, no markup, no
// secrets; the body it came with goes to `detail`, for the log channel only.
import { loggedBody, shownErrorText, shownToken } from './errorText';

export type AzureErrorKind =
  | 'signIn' // 401, expired or missing credentials
  | 'forbidden' // 403, missing role
  | 'notFound' // 404
  | 'conflict' // 409, e.g. an update already running
  | 'throttled' // 429 after the pipeline's retries
  | 'badRequest' // 400, e.g. a KQL syntax error
  | 'server' // 5xx after retries
  | 'network' // connection refused, reset, TLS, DNS
  | 'operationFailed' // a long-running operation ended Failed/Canceled
  | 'timedOut' // a long-running operation still ran when the time Azure stated for it was up
  | 'cancelled'
  | 'config' // a setting makes the call impossible (e.g. emulator auth against a public cloud)
  | 'unknown';

export interface AzureErrorInit {
  /** What the extension was doing, in the user's terms ("list workspaces of Contoso"). */
  operation: string;
  kind: AzureErrorKind;
  statusCode?: number;
  /** Azure's error code (e.g. AuthorizationFailed, SemanticError). */
  code?: string;
  /** Azure's own message. */
  azureMessage?: string;
  /** x-ms-request-id / x-ms-correlation-request-id, for support. */
  requestId?: string;
  retryAfterSeconds?: number;
  /** The response body or the full text behind azureMessage, for the log channel (scrubbed and cut here). */
  detail?: string;
  cause?: unknown;
}

export class AzureRequestError extends Error {
  readonly operation: string;
  readonly kind: AzureErrorKind;
  readonly statusCode?: number;
  readonly code?: string;
  readonly azureMessage?: string;
  readonly requestId?: string;
  readonly retryAfterSeconds?: number;
  /** Scrubbed, cut excerpt of what the server sent; for the log channel, never for a notification. */
  readonly detail?: string;

  constructor(init: AzureErrorInit) {
    const code = shownToken(init.code);
    const azureMessage = init.azureMessage === undefined ? undefined : shownErrorText(init.azureMessage);
    const shown = [code, azureMessage].filter(Boolean).join(': ');
    super(shown ? `${init.operation} failed: ${shown}` : `${init.operation} failed`, { cause: init.cause });
    this.name = 'AzureRequestError';
    this.operation = init.operation;
    this.kind = init.kind;
    this.statusCode = init.statusCode;
    this.code = code;
    this.azureMessage = azureMessage || undefined;
    this.requestId = shownToken(init.requestId);
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.detail = init.detail === undefined ? undefined : loggedBody(init.detail);
  }
}

export function isAzureRequestError(e: unknown): e is AzureRequestError {
  return e instanceof Error && e.name === 'AzureRequestError' && 'kind' in e;
}
