// Test requests to an online endpoint's scoring URI, as pure functions: where a request may go,
// which headers it carries, what an answer's headers say, and how its body reads (what its status
// means is in statusGuide.ts).
// Strings for people are chosen by the callers (l10n); this file returns codes.

/** Why a scoring URI cannot receive a key or token. */
export type ScoringUriProblem = 'missing' | 'invalid' | 'insecure' | 'credentials';

/**
 * Whether a test request (and the endpoint's key or token with it) may go to this scoring URI.
 * Only HTTPS: a key sent over plain HTTP is readable by anyone on the path. No user:password part.
 */
export function checkScoringUri(
  uri: string | undefined,
): { ok: true; url: URL } | { ok: false; problem: ScoringUriProblem } {
  if (!uri?.trim()) return { ok: false, problem: 'missing' };
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { ok: false, problem: 'invalid' };
  }
  if (url.protocol !== 'https:') return { ok: false, problem: 'insecure' };
  if (url.username || url.password) return { ok: false, problem: 'credentials' };
  return { ok: true, url };
}

/** Same scheme, host and port: a request to `candidate` reaches the endpoint's own scoring host. */
export function sameScoringHost(scoringUri: string, candidate: string): boolean {
  try {
    const a = new URL(scoringUri);
    const b = new URL(candidate);
    return a.protocol === b.protocol && a.host.toLowerCase() === b.host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * x-ms-client-request-id as Azure ML keeps it: alphanumerics, '-' and '_', at most 40 characters
 * ("Troubleshoot online endpoints", Request tracing). Anything else would not match in the logs.
 */
export function toClientRequestId(raw: string): string {
  return raw.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40);
}

export interface ScoringHeaderInput {
  authorization: string;
  clientRequestId: string;
  deployment?: string;
  contentType?: string;
  contentLength?: number;
}

/** The request headers of a test request. The authorization value is the caller's, never stored. */
export function scoringRequestHeaders(input: ScoringHeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: input.authorization,
    'content-type': input.contentType ?? 'application/json',
    accept: 'application/json, text/plain;q=0.9, */*;q=0.8',
    'x-ms-client-request-id': toClientRequestId(input.clientRequestId),
  };
  if (input.deployment?.trim()) headers['azureml-model-deployment'] = input.deployment.trim();
  if (input.contentLength !== undefined) headers['content-length'] = String(input.contentLength);
  return headers;
}

/** Response headers that explain an answer, in the order they are shown. */
export const HEADERS_OF_NOTE = [
  'x-request-id',
  'x-ms-client-request-id',
  'x-ms-request-id',
  'azureml-model-deployment',
  'ms-azureml-model-error-statuscode',
  'ms-azureml-model-error-reason',
  'x-ms-run-fn-exec-ms',
  'x-ms-run-function-failed',
  'ms-azureml-bandwidth-request-delay-ms',
  'ms-azureml-bandwidth-response-delay-ms',
  'retry-after',
  'content-type',
] as const;

export interface AnswerFacts {
  /** x-request-id: Azure ML's id of the request (Request Id in the inference server's telemetry). */
  requestId?: string;
  /** x-ms-client-request-id as echoed (Client Request Id). */
  clientRequestId?: string;
  /** Which deployment answered (azureml-model-deployment). */
  servedBy?: string;
  /** ms-azureml-model-error-*: what the model container answered behind a 424. */
  modelError?: { statusCode?: number; reason?: string };
  /** x-ms-run-fn-exec-ms: time spent in run(). */
  runMs?: number;
  retryAfterSeconds?: number;
  /** The headers of note that are present, in display order. */
  notable: { name: string; value: string }[];
}

/** Reads an answer's headers (names in any case). */
export function interpretAnswer(headers: Record<string, string>): AnswerFacts {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const get = (name: string) => {
    const v = lower.get(name)?.trim();
    return v ? v : undefined;
  };
  const number = (name: string) => {
    const v = get(name);
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const modelStatus = number('ms-azureml-model-error-statuscode');
  const modelReason = get('ms-azureml-model-error-reason');
  return {
    requestId: get('x-request-id'),
    clientRequestId: get('x-ms-client-request-id'),
    servedBy: get('azureml-model-deployment'),
    ...(modelStatus !== undefined || modelReason !== undefined
      ? { modelError: { statusCode: modelStatus, reason: modelReason } }
      : {}),
    runMs: number('x-ms-run-fn-exec-ms'),
    retryAfterSeconds: number('retry-after'),
    notable: HEADERS_OF_NOTE.flatMap((name) => {
      const value = get(name);
      return value === undefined ? [] : [{ name, value }];
    }),
  };
}

export type BodyView =
  | { kind: 'json'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: number }
  | { kind: 'empty' };

/**
 * How an answer's body reads: pretty JSON when it parses (and is complete), text when it is valid
 * UTF-8 without control characters, otherwise only its size.
 */
export function viewBody(bytes: Uint8Array, contentType: string | undefined, complete: boolean): BodyView {
  if (bytes.length === 0) return { kind: 'empty' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: complete }).decode(bytes);
  } catch {
    return { kind: 'binary', bytes: bytes.length };
  }
  // A cut body may end inside a character: drop the replacement character it leaves.
  if (!complete) text = text.replace(/\uFFFD+$/, '');
  if (hasControlCharacters(text)) return { kind: 'binary', bytes: bytes.length };
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{"]/.test(text);
  if (complete && looksJson) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(text) as unknown, null, 2) };
    } catch {
      // Not JSON after all: shown as text.
    }
  }
  return { kind: 'text', text };
}

/** C0 control characters other than tab, newlines, vertical tab and form feed: binary, not text. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && (c < 0x09 || c > 0x0d)) return true;
  }
  return false;
}

/** A Markdown code fence longer than any run of backticks inside `text`, so the body cannot close it. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
