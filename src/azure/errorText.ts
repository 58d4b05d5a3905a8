// What the Azure layer lets out of an error: text a server wrote (an error message, a gateway's
// HTML page, a body that is not JSON) is shown to users and written to logs, so it is made safe
// here once. Shown text: one line of at most MAX_SHOWN_ERROR_TEXT characters, no markup (no HTML
// tags, no Markdown links, which VS Code notifications would render), no secrets. Logged text: the
// body scrubbed and cut to MAX_LOGGED_BODY characters. No SDK import: the activation bundle uses it.
// Every scan is linear in its (already capped) input: test/unit/linearTime.test.ts times them.
import * as l10n from '@vscode/l10n';
import { scrubSecrets } from '../core/scrubSecrets';

/** core-rest-pipeline's message when a response stream fails before its end (reset, early close). */
export const BODY_READ_FAILED = 'Error reading response as text';

/** Longest error text shown to a user. */
export const MAX_SHOWN_ERROR_TEXT = 400;
/** Longest body excerpt written to the log channel. */
export const MAX_LOGGED_BODY = 4000;
/** No scan looks further than this into a server's text. */
const MAX_SCANNED = 65_536;

/** A server's text made fit to show: no markup, no secrets, one line, at most `max` characters. */
export function shownErrorText(text: string, max = MAX_SHOWN_ERROR_TEXT): string {
  const head = text.length > MAX_SCANNED ? text.slice(0, MAX_SCANNED) : text;
  // Scrubbed before the tags go (key: value shapes are intact then) and after (tags may have split them).
  const scrubbed = scrubSecrets(head, { maxLineLength: Infinity });
  const plain = looksLikeHtml(head) ? describeHtmlPage(scrubbed) : neutralizeMarkdown(stripTags(scrubbed));
  return cut(oneLine(scrubSecrets(oneLine(plain), { maxLineLength: Infinity })), max);
}

/** A short identifier a server sent (error code, request id): printable, no spaces, at most 120 characters. */
export function shownToken(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let out = '';
  for (let i = 0; i < text.length && out.length < 120; i++) {
    const c = text.charCodeAt(i);
    // Letters, digits and . _ - : / only: nothing that could be markup or break a line.
    if (
      (c >= 48 && c <= 58) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 45 ||
      c === 46 ||
      c === 95 ||
      c === 47
    )
      out += text[i];
  }
  return out || undefined;
}

/** A response body for the log channel: scrubbed, cut, with its size. */
export function loggedBody(body: string): string {
  // An excerpt made here before (its note makes it a little longer) is not cut again.
  if (body.length <= MAX_LOGGED_BODY + 80) return scrubSecrets(body, { maxLineLength: MAX_LOGGED_BODY + 80 });
  const excerpt = body.slice(0, MAX_LOGGED_BODY);
  const scrubbed = scrubSecrets(excerpt, { maxLineLength: MAX_LOGGED_BODY });
  return `${scrubbed} … [${body.length - MAX_LOGGED_BODY} more characters not logged]`;
}

/**
 * What a body that should have been JSON was, in the user's terms: a web page (with its title),
 * JSON cut short, or other text. Used when a gateway or proxy answers instead of Azure.
 */
export function describeUnreadableBody(body: string, status: number | undefined): string {
  const head = body.slice(0, MAX_SCANNED);
  const trimmed = head.trimStart();
  if (trimmed.length === 0)
    return l10n.t('Azure answered HTTP {0} with an empty body.', String(status ?? '?'));
  if (looksLikeHtml(head)) {
    return l10n.t(
      'Azure answered HTTP {0} with a web page instead of JSON, probably from a gateway or proxy: {1}',
      String(status ?? '?'),
      describeHtmlPage(head),
    );
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    return l10n.t(
      'Azure answered HTTP {0} with JSON that is cut short or malformed ({1} characters).',
      String(status ?? '?'),
      String(body.length),
    );
  }
  return l10n.t(
    'Azure answered HTTP {0} with text that is not JSON ({1} characters): {2}',
    String(status ?? '?'),
    String(body.length),
    cut(oneLine(neutralizeMarkdown(stripTags(head.slice(0, 200)))), 120),
  );
}

/** Whether a text is (or starts like) an HTML document. */
export function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 1024).toLowerCase();
  return (
    head.includes('<html') ||
    head.includes('<!doctype html') ||
    head.includes('<head') ||
    head.includes('<body') ||
    head.includes('<title')
  );
}

/** The page's title, else its first heading, else its first words; never its markup. */
function describeHtmlPage(html: string): string {
  const lower = html.toLowerCase();
  for (const tag of ['title', 'h1', 'h2']) {
    const open = lower.indexOf(`<${tag}`);
    if (open === -1) continue;
    const start = lower.indexOf('>', open);
    const end = start === -1 ? -1 : lower.indexOf(`</${tag}`, start);
    if (end === -1) continue;
    const text = oneLine(stripTags(html.slice(start + 1, end))).trim();
    if (text) return cut(neutralizeMarkdown(text), 120);
  }
  return cut(oneLine(neutralizeMarkdown(stripTags(html))).trim(), 120) || l10n.t('(an HTML page)');
}

/** Removes HTML tags and comments (`<` followed by a letter, /, ! or ?, up to the next `>`). Linear. */
export function stripTags(text: string): string {
  const parts: string[] = [];
  let flushed = 0;
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) {
    const next = text.charCodeAt(at + 1);
    const isTag =
      (next >= 65 && next <= 90) || (next >= 97 && next <= 122) || next === 47 || next === 33 || next === 63;
    if (!isTag) continue;
    parts.push(text.slice(flushed, at), ' ');
    const close = text.indexOf('>', at);
    // An unclosed tag: drop the rest rather than show half of it.
    flushed = close === -1 ? text.length : close + 1;
    if (close === -1) break;
    at = close;
  }
  if (flushed === 0) return text;
  parts.push(text.slice(flushed));
  return parts.join('');
}

/** Markdown links and images ([x](y), ![x](y)) would be live in a VS Code notification: break them. */
function neutralizeMarkdown(text: string): string {
  return text.includes('](') ? text.split('](').join('] (') : text;
}

// Control characters, line and paragraph separators and whitespace: one simple class, so linear.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BREAKS = /[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** Control characters and runs of whitespace become single spaces. Linear. */
function oneLine(text: string): string {
  return text.replace(BREAKS, ' ').trim();
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
