// Removes credentials from text before it is shown: container logs can echo request headers,
// connection strings and SAS URLs, and error bodies can echo the token a server received. Pure;
// applied to every line a log channel receives and to every error text of the Azure layer.
// Over-scrubbing is the safe failure: a harmless value that looks like a secret becomes ***.
//
// Cost is linear in the text: the text is Azure-supplied (a model input printed by score.py can
// be anything), so no pattern here may backtrack over more than a fixed span per start, and
// test/unit/linearTime.test.ts times every one on adversarial inputs. Lines longer than
// MAX_SCRUBBED_LINE are cut first, with a note saying how much was cut.

const MASK = '***';

/** Longest line the scrubber looks at; the rest of a longer line is dropped and the cut is noted. */
export const MAX_SCRUBBED_LINE = 32_768;

// Names whose value is a secret, in key = value, key: value, "key": "value", escaped JSON inside
// JSON (\"key\":\"value\"), URL query parameters and URL-encoded connection strings (key%3Dvalue).
const SECRET_NAMES =
  'authorization|proxy-authorization|x-api-key|api[-_]?key|ocp-apim-subscription-key|(?:primary|secondary)[-_]?key|account[-_]?key|shared[-_]?access[-_]?key|client[-_]?secret|access[-_]?token|refresh[-_]?token|id[-_]?token|password|passwd|pwd|secret|sig|token';
// A name starts at a word boundary or right after a percent escape (%3BAccountKey%3D...).
// The separator allows any backslashes (escaped quotes) and = or : in plain or URL-encoded form.
// The value ends at whitespace, a quote, a backslash, a delimiter, or an encoded ; or & (the
// pattern takes it up to the first %, valueEnd() goes on by hand: a lookahead inside a repeated
// group would make V8 recurse once per character and overflow its stack on a long value).
const KEY_VALUE = new RegExp(
  `(?:\\b|(?<=%[0-9A-Fa-f]{2}))(?:${SECRET_NAMES})` +
    `\\\\*["']?[ \\t]*(?:[:=]|%(?:25)?3[AaDd])[ \\t]*\\\\*["']?` +
    `(?:(?:bearer|basic)[ \\t]+)?` +
    `([^\\s"'&;,)}\\]\\\\%]*)`,
  'gi',
);
// A bearer token wherever it appears. Patterns never cross a line end: each line stays itself.
const BEARER = /\b(bearer[ \t]+)[A-Za-z0-9\-._~+/]+=*/gi;
// Runs of base64url characters and dots, in which JWTs are looked for (see maskJwts). Matching the
// whole run and moving past it keeps the search linear; a pattern starting at each "eyJ" would
// rescan the run from every start (quadratic on 'eyJ-'.repeat(n)).
const DOTTED_RUN = /[A-Za-z0-9_.-]+/g;

export interface ScrubOptions {
  /** Default MAX_SCRUBBED_LINE. */
  readonly maxLineLength?: number;
  /** The note put where a line was cut; `removed` counts the characters dropped. */
  readonly cutNote?: (removed: number) => string;
}

/** English note for a cut line; callers that show it to users pass a localized one. */
export function defaultCutNote(removed: number): string {
  return ` … [line cut: ${removed} more characters]`;
}

/** The text with every secret-looking value replaced by ***, and every over-long line cut (and noted). */
export function scrubSecrets(text: string, options: ScrubOptions = {}): string {
  const capped = capLines(
    text,
    options.maxLineLength ?? MAX_SCRUBBED_LINE,
    options.cutNote ?? defaultCutNote,
  );
  const withoutJwts = capped.includes('eyJ') ? capped.replace(DOTTED_RUN, maskJwts) : capped;
  // Named values first: a stray "Bearer" before "password: x" must not hide x from the name.
  return maskKeyValues(withoutJwts).replace(BEARER, `$1${MASK}`);
}

/** Replaces the value after every secret name. One pass: each search starts where the last value ended. */
function maskKeyValues(text: string): string {
  let out = '';
  let flushed = 0;
  KEY_VALUE.lastIndex = 0;
  for (let m = KEY_VALUE.exec(text); m !== null; m = KEY_VALUE.exec(text)) {
    const matchEnd = m.index + m[0].length;
    const valueStart = matchEnd - (m[1] ?? '').length;
    const end = valueEnd(text, matchEnd);
    KEY_VALUE.lastIndex = Math.max(end, m.index + 1);
    if (end === valueStart || text.slice(valueStart, end) === MASK) continue;
    out += text.slice(flushed, valueStart) + MASK;
    flushed = end;
  }
  return flushed === 0 ? text : out + text.slice(flushed);
}

/** Where a value that the pattern took up to `from` ends: it goes on over % escapes other than ; and &. */
function valueEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && text.charCodeAt(end) === 37 /* % */ && !isEncodedDelimiter(text, end)) {
    end++;
    while (end < text.length && !VALUE_STOP.has(text.charCodeAt(end))) end++;
  }
  return end;
}

// Characters that end a value; '%' ends a run so that valueEnd can look at the escape.
const VALUE_STOP = new Set([...' \t\n\r\v\f"\'&;,)}]\\%'].map((c) => c.charCodeAt(0)));

/** %3B, %26 (; and &), also double-encoded (%253B, %2526), at `at`. */
function isEncodedDelimiter(text: string, at: number): boolean {
  let hex = text.slice(at + 1, at + 3).toUpperCase();
  if (hex === '25') hex = text.slice(at + 3, at + 5).toUpperCase();
  return hex === '3B' || hex === '26';
}

/** Cuts every line longer than `max` characters to `max` and appends the note. Linear. */
export function capLines(
  text: string,
  max: number,
  note: (removed: number) => string = defaultCutNote,
): string {
  if (text.length <= max) return text;
  let out = '';
  let flushed = 0;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const contentEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (contentEnd - start > max) {
      let cut = start + max;
      // Never split a surrogate pair.
      const before = text.charCodeAt(cut - 1);
      if (before >= 0xd800 && before <= 0xdbff) cut--;
      out += text.slice(flushed, cut) + note(contentEnd - cut);
      flushed = contentEnd;
    }
    start = end + 1;
  }
  return flushed === 0 ? text : out + text.slice(flushed);
}

/**
 * Masks every JWT (header.payload.signature, header starting "eyJ" at a word boundary, header and
 * payload at least 4 characters after that) inside one run of [A-Za-z0-9_-] and dots. Linear in
 * the run: each segment is looked at once.
 */
function maskJwts(run: string): string {
  if (!run.includes('eyJ')) return run;
  const segments = run.split('.');
  const out: string[] = [];
  let i = 0;
  while (i < segments.length) {
    const segment = segments[i] ?? '';
    const at = i + 2 < segments.length ? headerStart(segment) : -1;
    if (at !== -1 && (segments[i + 1] ?? '').length >= 4) {
      out.push(segment.slice(0, at) + MASK);
      i += 3;
    } else {
      out.push(segment);
      i++;
    }
  }
  // Masked tokens took three segments but stand as one.
  return out.join('.');
}

/** Index of the first "eyJ" at a word boundary with at least 4 characters after it, or -1. */
function headerStart(segment: string): number {
  for (
    let at = segment.indexOf('eyJ');
    at !== -1 && segment.length - at >= 7;
    at = segment.indexOf('eyJ', at + 1)
  ) {
    // Inside a run the only non-word character is '-': a boundary is the start or right after '-'.
    if (at === 0 || segment.charCodeAt(at - 1) === 45) return at;
  }
  return -1;
}
