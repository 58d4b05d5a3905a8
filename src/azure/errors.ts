// One typed error for every failed call to Azure. No SDK import here: the extension bundle uses
// it to present failures without loading the Azure bundle.

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

  constructor(init: AzureErrorInit) {
    const detail = [init.code, init.azureMessage].filter(Boolean).join(': ');
    super(detail ? `${init.operation} failed: ${detail}` : `${init.operation} failed`, { cause: init.cause });
    this.name = 'AzureRequestError';
    this.operation = init.operation;
    this.kind = init.kind;
    this.statusCode = init.statusCode;
    this.code = init.code;
    this.azureMessage = init.azureMessage;
    this.requestId = init.requestId;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export function isAzureRequestError(e: unknown): e is AzureRequestError {
  return e instanceof Error && e.name === 'AzureRequestError' && 'kind' in e;
}
