// Tokenizer of the KQL subset. Positions are kept as (line, 0-based column) because the service's
// syntax errors name them that way.
import { KqlSyntaxError } from './errors';

export type TokenKind = 'ident' | 'string' | 'number' | 'timespan' | 'datetime' | 'dynamic' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (for strings: the literal as written). */
  text: string;
  /** Decoded value: string contents, number, timespan in ms, datetime epoch ms, dynamic JSON value. */
  value?: unknown;
  line: number;
  pos: number;
  offset: number;
}

/** Operators made of punctuation and words that start with `!` (longest first). */
const operators = [
  '!contains_cs',
  '!startswith',
  '!endswith',
  '!contains',
  '!has_cs',
  '!in~',
  '!has',
  '!in',
  '==',
  '!=',
  '=~',
  '!~',
  '<=',
  '>=',
  '..',
  '|',
  ',',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '.',
  ':',
  ';',
  '~',
];

/** Operator names written with a hyphen; read as one identifier. */
const hyphenated = new Set([
  'project-away',
  'project-rename',
  'project-keep',
  'project-reorder',
  'mv-expand',
  'mv-apply',
  'make-series',
  'top-nested',
  'top-hitters',
  'parse-where',
  'parse-kv',
]);

const msPerUnit: Record<string, number> = {
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  microsecond: 0.001,
  microseconds: 0.001,
  tick: 0.0001,
  ticks: 0.0001,
};

const isIdentStart = (c: string) => /[A-Za-z_$]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_$]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const fail = (at: number, token?: string): never => {
    throw new KqlSyntaxError(token ?? text.slice(at, at + 1), line, at - lineStart);
  };
  const push = (kind: TokenKind, start: number, end: number, value?: unknown) => {
    tokens.push({ kind, text: text.slice(start, end), value, line, pos: start - lineStart, offset: start });
  };

  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && text.charAt(i + 1) === '/') {
      while (i < text.length && text.charAt(i) !== '\n') i++;
      continue;
    }
    const start = i;
    // Verbatim strings @"..." / @'...' keep backslashes.
    if (c === '@' && (text.charAt(i + 1) === '"' || text.charAt(i + 1) === "'")) {
      const quote = text.charAt(i + 1);
      const close = text.indexOf(quote, i + 2);
      if (close < 0 || text.slice(i + 2, close).includes('\n')) fail(start);
      push('string', start, close + 1, text.slice(i + 2, close));
      i = close + 1;
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length || text.charAt(i) === '\n') fail(start);
        const ch = text.charAt(i);
        if (ch === c) break;
        if (ch === '\\') {
          const esc = text.charAt(i + 1);
          const simple: Record<string, string> = {
            n: '\n',
            r: '\r',
            t: '\t',
            '\\': '\\',
            '"': '"',
            "'": "'",
            '0': '\0',
          };
          if (esc in simple) {
            value += simple[esc];
            i += 2;
          } else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
            i += 6;
          } else {
            fail(i);
          }
          continue;
        }
        value += ch;
        i++;
      }
      i++;
      push('string', start, i, value);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text.charAt(i + 1)))) {
      const m = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
      const numText = m?.[0] ?? c;
      let j = i + numText.length;
      // A unit right after the number makes a timespan literal: 5m, 1.5h, 100ms.
      let unitEnd = j;
      while (unitEnd < text.length && /[A-Za-z]/.test(text.charAt(unitEnd))) unitEnd++;
      const unit = text.slice(j, unitEnd);
      if (unit !== '') {
        const factor = msPerUnit[unit];
        if (factor === undefined || isIdentPart(text.charAt(unitEnd)))
          fail(start, text.slice(start, unitEnd));
        push('timespan', start, unitEnd, Number(numText) * (factor ?? 0));
        i = unitEnd;
        continue;
      }
      if (isIdentPart(text.charAt(j))) fail(start, text.slice(start, j + 1));
      push('number', start, j, Number(numText));
      j = Math.max(j, i + 1);
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentPart(text.charAt(j))) j++;
      let word = text.slice(i, j);
      if (text.charAt(j) === '-') {
        const m = /^-[a-z]+/.exec(text.slice(j));
        if (m && hyphenated.has(word + m[0])) {
          word += m[0];
          j += m[0].length;
        }
      }
      // datetime(...), and dynamic(...) literals carry text the expression grammar cannot read.
      if ((word === 'datetime' || word === 'dynamic') && /^\s*\(/.test(text.slice(j))) {
        const open = text.indexOf('(', j);
        const close = matchingParen(text, open);
        if (close < 0) fail(start, word);
        const inner = text.slice(open + 1, close).trim();
        const value = word === 'datetime' ? parseDatetimeLiteral(inner) : parseDynamicLiteral(inner);
        if (value === undefined) fail(open + 1, inner.slice(0, 20) || ')');
        push(word, start, close + 1, value);
        i = close + 1;
        continue;
      }
      push('ident', start, j, word);
      i = j;
      continue;
    }
    const op = operators.find(
      (o) => text.startsWith(o, i) && !(/[a-z]$/.test(o) && isIdentPart(text.charAt(i + o.length))),
    );
    if (op) {
      push('op', start, i + op.length);
      i += op.length;
      continue;
    }
    fail(start);
  }
  tokens.push({ kind: 'eof', text: '<EOF>', line, pos: i - lineStart, offset: i });
  return tokens;
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let k = open; k < text.length; k++) {
    const ch = text.charAt(k);
    if (quote) {
      if (ch === '\\') k++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return k;
  }
  return -1;
}

/** Epoch ms of a datetime literal: ISO 8601 or "yyyy-MM-dd HH:mm[:ss]" (UTC unless an offset is given). */
export function parseDatetimeLiteral(inner: string): number | undefined {
  const s = inner.replace(/^["']|["']$/g, '').trim();
  if (s === 'null') return NaN;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(
    s,
  );
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${(m[7] ?? '').slice(0, 4)}${m[8] ?? 'Z'}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

function parseDynamicLiteral(inner: string): unknown {
  if (inner === '') return undefined;
  try {
    return { json: JSON.parse(inner) as unknown };
  } catch {
    return undefined;
  }
}
