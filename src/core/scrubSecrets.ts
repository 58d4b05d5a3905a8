// Removes credentials from text before it is shown: container logs can echo request headers,
// connection strings and SAS URLs. Pure; applied to every line a log channel receives.
// Over-scrubbing is the safe failure: a harmless value that looks like a secret becomes ***.

const MASK = '***';

// key = value, key: value, "key": "value", and URL query parameters, for names that hold secrets.
const KEY_VALUE =
  /\b(authorization|proxy-authorization|x-api-key|api[-_]?key|ocp-apim-subscription-key|(?:primary|secondary)[-_]?key|account[-_]?key|shared[-_]?access[-_]?key|client[-_]?secret|access[-_]?token|refresh[-_]?token|id[-_]?token|password|passwd|pwd|secret|sig|token)(["']?[ \t]*[:=][ \t]*["']?)(?:(?:bearer|basic)[ \t]+)?([^\s"'&;,)}\]]+)/gi;
// A bearer token wherever it appears. Patterns never cross a line end: each line stays itself.
const BEARER = /\b(bearer[ \t]+)[A-Za-z0-9\-._~+/]+=*/gi;
// A JSON Web Token (Entra ID access tokens) even without a label: header.payload.signature.
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** The text with every secret-looking value replaced by ***. */
export function scrubSecrets(text: string): string {
  return text
    .replace(JWT, MASK)
    .replace(BEARER, `$1${MASK}`)
    .replace(KEY_VALUE, (match: string, key: string, separator: string, value: string) =>
      value === MASK
        ? match
        : `${key}${separator}${match.slice(key.length + separator.length, match.length - value.length)}${MASK}`,
    );
}
