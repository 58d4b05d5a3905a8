// Evaluates a parsed query against columnar tables. Expressions are type-checked and compiled to
// closures over the row index once per operator; type errors and unknown names are semantic
// errors worded like the service's.
import { KqlSemanticError } from './errors';
import type { Expr, NamedExpr, Operator, Pos, Query, SortKey } from './parser';
import {
  type Column,
  type KType,
  type Table,
  type Value,
  column,
  fromRows,
  materialize,
  selectRows,
  sliceRows,
} from './table';

export interface EvalContext {
  /** Epoch ms used by now() and ago(). */
  now: number;
}

export interface Render {
  visualization: string;
  props: Record<string, unknown>;
}

export interface EvalResult {
  table: Table;
  render?: Render;
}

interface Compiled {
  type: KType | 'null';
  fn: (row: number) => Value;
  /** A literal: fn ignores the row. */
  constant?: boolean;
}

type Scope = Map<string, Column>;

const numeric = new Set<string>(['long', 'int', 'real']);
const isNumeric = (t: string) => numeric.has(t);
const isStringish = (t: string) => t === 'string' || t === 'guid';

function typeName(t: string): string {
  return t === 'null' ? 'null' : t;
}

/** The JSON text or plain text of a value, as tostring() gives it. */
export function valueToString(v: Value, type: KType | 'null'): string {
  if (v === null || v === undefined) return '';
  switch (type) {
    case 'datetime':
      return formatDatetime(v as number);
    case 'timespan':
      return formatTimespan(v as number);
    case 'dynamic':
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'bool':
      return v ? 'true' : 'false';
    default:
      if (typeof v === 'string') return v;
      return typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }
}

/** ISO 8601 with seven fractional digits, as the service writes datetime cells. */
export function formatDatetime(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  // Results hold up to 500,000 datetimes, mostly in few distinct minutes: reuse the minute's prefix.
  const minute = Math.floor(ms / 60_000);
  if (minute !== cachedMinute) {
    cachedMinute = minute;
    cachedPrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
  }
  const rest = ms - minute * 60_000;
  const sec = Math.floor(rest / 1000);
  const milli = Math.floor(rest - sec * 1000);
  return `${cachedPrefix}${twoDigits[sec] as string}.${threeDigits[milli] as string}0000Z`;
}
let cachedMinute = NaN;
let cachedPrefix = '';
const twoDigits = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const threeDigits = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/** [-][d.]hh:mm:ss[.fffffff], as the service writes timespan cells. */
export function formatTimespan(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const ticks = Math.round((rest - s * 1000) * 10_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${sign}${days ? `${days}.` : ''}${two(h)}:${two(m)}:${two(s)}${ticks ? `.${String(ticks).padStart(7, '0')}` : ''}`;
}

/** A value of `type` read from a dynamic value (comparisons of dynamic with typed scalars). */
function fromDynamic(v: Value, type: KType | 'null'): Value {
  if (v === null || v === undefined) return null;
  if (type === 'string' || type === 'guid') return typeof v === 'string' ? v : JSON.stringify(v);
  if (isNumeric(type) || type === 'timespan')
    return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : null;
  if (type === 'bool') return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null;
  if (type === 'datetime') return typeof v === 'string' ? Date.parse(v) : null;
  return v;
}

function hasTerm(haystack: string, term: string): boolean {
  if (term === '') return true;
  const h = haystack.toLowerCase();
  const t = term.toLowerCase();
  const alnum = (ch: string) => /[\p{L}\p{N}_]/u.test(ch);
  let from = 0;
  for (;;) {
    const at = h.indexOf(t, from);
    if (at < 0) return false;
    const before = at === 0 ? '' : h.charAt(at - 1);
    const after = h.charAt(at + t.length);
    const startOk = !alnum(t.charAt(0)) || before === '' || !alnum(before);
    const endOk = !alnum(t.charAt(t.length - 1)) || after === '' || !alnum(after);
    if (startOk && endOk) return true;
    from = at + 1;
  }
}

/** Ordering of two non-null values of one type. */
function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

const isNull = (v: Value) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/** Column name KQL gives an unnamed expression: the column, the dynamic path, or the first column argument. */
function autoName(e: Expr): string | undefined {
  switch (e.k) {
    case 'col':
      return e.name;
    case 'member': {
      const base = autoName(e.obj);
      return base === undefined ? undefined : `${base}_${e.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    }
    case 'call':
      return e.args[0] ? autoName(e.args[0]) : undefined;
    default:
      return undefined;
  }
}

const aggregateNames = new Set([
  'count',
  'countif',
  'sum',
  'sumif',
  'avg',
  'avgif',
  'min',
  'max',
  'dcount',
  'dcountif',
  'percentile',
  'percentiles',
  'make_list',
  'make_set',
  'any',
  'take_any',
  'stdev',
  'variance',
  'arg_max',
  'arg_min',
  'count_distinct',
  'tdigest',
  'hll',
]);
const supportedAggregates = new Set([
  'count',
  'countif',
  'sum',
  'avg',
  'min',
  'max',
  'dcount',
  'percentile',
  'percentiles',
  'make_list',
  'make_set',
  'any',
  'take_any',
  'sumif',
  'avgif',
]);

/** Real KQL scalar functions that the emulator does not evaluate: named in a semantic error. */
const knownScalarFunctions = new Set([
  'format_datetime',
  'datetime_diff',
  'datetime_add',
  'bag_keys',
  'parse_url',
  'parse_path',
  'split',
  'array_length',
  'case',
  'hash',
  'base64_decode_tostring',
  'base64_encode_tostring',
  'trim',
  'reverse',
  'sqrt',
  'log',
  'exp',
  'pow',
  'todecimal',
  'dayofweek',
  'startofweek',
  'startofmonth',
  'endofday',
  'make_datetime',
  'format_timespan',
  'countof',
  'series_stats',
  'pack',
  'bag_pack',
  'pack_all',
  'row_number',
  'prev',
  'next',
]);

class Compiler {
  constructor(
    private readonly scope: Scope,
    private readonly ctx: EvalContext,
    private readonly opName: string,
  ) {}

  private err(message: string): never {
    throw new KqlSemanticError(`'${this.opName}' operator: ${message}`);
  }

  compile(e: Expr): Compiled {
    switch (e.k) {
      case 'lit':
        return { type: e.type, fn: () => e.value, constant: true };
      case 'col': {
        const c = this.scope.get(e.name);
        if (!c) this.err(`Failed to resolve scalar expression named '${e.name}'`);
        return { type: c.type, fn: (r) => c.get(r) };
      }
      case 'member':
      case 'index': {
        const obj = this.compile(e.obj);
        if (obj.type !== 'dynamic')
          this.err(
            `Member access requires a dynamic value; '${autoName(e.obj) ?? 'expression'}' is of type ${typeName(obj.type)}`,
          );
        if (e.k === 'member') {
          const name = e.name;
          return {
            type: 'dynamic',
            fn: (r) => {
              const v = obj.fn(r);
              return v !== null && typeof v === 'object' && !Array.isArray(v)
                ? ((v as Record<string, unknown>)[name] ?? null)
                : null;
            },
          };
        }
        const index = this.compile(e.index);
        return {
          type: 'dynamic',
          fn: (r) => {
            const v = obj.fn(r);
            const i = index.fn(r);
            if (Array.isArray(v) && typeof i === 'number')
              return (v[i < 0 ? v.length + i : i] as unknown) ?? null;
            if (v !== null && typeof v === 'object' && typeof i === 'string')
              return (v as Record<string, unknown>)[i] ?? null;
            return null;
          },
        };
      }
      case 'neg': {
        const a = this.compile(e.arg);
        if (!isNumeric(a.type) && a.type !== 'timespan')
          this.err(`Cannot negate a value of type ${typeName(a.type)}`);
        return {
          type: a.type,
          fn: (r) => {
            const v = a.fn(r);
            return isNull(v) ? null : -(v as number);
          },
        };
      }
      case 'bin':
        return this.binary(e.op, this.compile(e.left), this.compile(e.right));
      case 'in': {
        const left = this.compile(e.left);
        const list = e.list.map((x) => this.compile(x));
        const constant = e.list.every((x) => x.k === 'lit');
        const norm = (v: Value) => (e.ci && typeof v === 'string' ? v.toLowerCase() : v);
        const set = constant ? new Set(list.map((c) => norm(c.fn(0)))) : undefined;
        return {
          type: 'bool',
          fn: (r) => {
            let v = left.fn(r);
            if (left.type === 'dynamic') v = fromDynamic(v, list[0]?.type ?? 'string');
            if (isNull(v)) return false;
            const found = set ? set.has(norm(v)) : list.some((c) => norm(c.fn(r)) === norm(v));
            return e.negated ? !found : found;
          },
        };
      }
      case 'between': {
        const left = this.compile(e.left);
        const low = this.compile(e.low);
        const high = this.compile(e.high);
        const ge = this.binary('>=', left, low);
        const le = this.binary('<=', left, high);
        return { type: 'bool', fn: (r) => ge.fn(r) === true && le.fn(r) === true };
      }
      case 'call':
        return this.call(e.name, e.args, e.star);
    }
  }

  private binary(op: string, a: Compiled, b: Compiled): Compiled {
    switch (op) {
      case 'and':
      case 'or': {
        if (
          (a.type !== 'bool' && a.type !== 'null' && a.type !== 'dynamic') ||
          (b.type !== 'bool' && b.type !== 'null' && b.type !== 'dynamic')
        ) {
          this.err(
            `The operator '${op}' expects boolean operands, got ${typeName(a.type)} and ${typeName(b.type)}`,
          );
        }
        return op === 'and'
          ? { type: 'bool', fn: (r) => a.fn(r) === true && b.fn(r) === true }
          : { type: 'bool', fn: (r) => a.fn(r) === true || b.fn(r) === true };
      }
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return this.arithmetic(op, a, b);
      case '==':
      case '!=':
      case '=~':
      case '!~':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.comparison(op, a, b);
      default:
        return this.stringOperator(op, a, b);
    }
  }

  private arithmetic(op: string, a: Compiled, b: Compiled): Compiled {
    const ta = a.type === 'dynamic' ? 'real' : a.type;
    const tb = b.type === 'dynamic' ? 'real' : b.type;
    let type: KType | undefined;
    if (isNumeric(ta) && isNumeric(tb))
      type = ta === 'real' || tb === 'real' ? 'real' : ta === 'long' || tb === 'long' ? 'long' : 'int';
    else if (ta === 'datetime' && tb === 'timespan' && (op === '+' || op === '-')) type = 'datetime';
    else if (ta === 'timespan' && tb === 'datetime' && op === '+') type = 'datetime';
    else if (ta === 'datetime' && tb === 'datetime' && op === '-') type = 'timespan';
    else if (ta === 'timespan' && tb === 'timespan')
      type = op === '/' ? 'real' : op === '+' || op === '-' || op === '%' ? 'timespan' : undefined;
    else if (ta === 'timespan' && isNumeric(tb) && (op === '*' || op === '/')) type = 'timespan';
    else if (isNumeric(ta) && tb === 'timespan' && op === '*') type = 'timespan';
    if (!type)
      this.err(
        `Operator '${op}' cannot be applied to values of types ${typeName(a.type)} and ${typeName(b.type)}`,
      );
    const integer = type === 'long' || type === 'int';
    const num = (c: Compiled) => (c.type === 'dynamic' ? (r: number) => fromDynamic(c.fn(r), 'real') : c.fn);
    const fa = num(a);
    const fb = num(b);
    return {
      type,
      fn: (r) => {
        const x = fa(r);
        const y = fb(r);
        if (isNull(x) || isNull(y)) return null;
        const p = x as number;
        const q = y as number;
        switch (op) {
          case '+':
            return p + q;
          case '-':
            return p - q;
          case '*':
            return p * q;
          case '/':
            if (integer) return q === 0 ? null : Math.trunc(p / q);
            return p / q;
          default:
            return q === 0 ? null : p % q;
        }
      },
    };
  }

  private comparison(op: string, a: Compiled, b: Compiled): Compiled {
    // Dynamic operands take the other side's type; two dynamics compare as strings.
    let ta = a.type;
    let tb = b.type;
    let fa = a.fn;
    let fb = b.fn;
    if (ta === 'dynamic' && tb !== 'dynamic') {
      const t = tb === 'null' ? 'string' : tb;
      fa = (r) => fromDynamic(a.fn(r), t);
      ta = t;
    } else if (tb === 'dynamic' && ta !== 'dynamic') {
      const t = ta === 'null' ? 'string' : ta;
      fb = (r) => fromDynamic(b.fn(r), t);
      tb = t;
    } else if (ta === 'dynamic' && tb === 'dynamic') {
      fa = (r) => fromDynamic(a.fn(r), 'string');
      fb = (r) => fromDynamic(b.fn(r), 'string');
      ta = tb = 'string';
    }
    const compatible =
      ta === 'null' ||
      tb === 'null' ||
      (isNumeric(ta) && isNumeric(tb)) ||
      (isStringish(ta) && isStringish(tb)) ||
      ta === tb;
    if (!compatible)
      this.err(
        `Cannot compare values of types ${typeName(a.type)} and ${typeName(b.type)}. Try adding explicit casts`,
      );
    if ((op === '=~' || op === '!~') && !(isStringish(ta) || ta === 'null')) {
      this.err(`Operator '${op}' requires string operands, got ${typeName(a.type)}`);
    }
    const ci = op === '=~' || op === '!~';
    return {
      type: 'bool',
      fn: (r) => {
        let x = fa(r);
        let y = fb(r);
        // A comparison with null is null, which `where` treats as false.
        if (isNull(x) || isNull(y)) return false;
        if (ci) {
          x = (x as string).toLowerCase();
          y = (y as string).toLowerCase();
        }
        const c = compareValues(x, y);
        switch (op) {
          case '==':
          case '=~':
            return c === 0;
          case '!=':
          case '!~':
            return c !== 0;
          case '<':
            return c < 0;
          case '<=':
            return c <= 0;
          case '>':
            return c > 0;
          default:
            return c >= 0;
        }
      },
    };
  }

  private stringOperator(op: string, a: Compiled, b: Compiled): Compiled {
    const negated = op.startsWith('!');
    const base = negated ? op.slice(1) : op;
    const cs = base.endsWith('_cs');
    const name = cs ? base.slice(0, -3) : base;
    const text = (c: Compiled) => (r: number) => valueToString(c.fn(r), c.type);
    const fa = text(a);
    const fb = text(b);
    let test: (x: string, y: string) => boolean;
    // A literal needle is compiled once into a case-insensitive regular expression: scans of
    // dynamic columns over a week of traces then allocate no lowercase copies.
    const needle = b.constant ? fb(0) : undefined;
    if (needle !== undefined && !cs && (name === 'contains' || name === 'has')) {
      const word = /[\p{L}\p{N}_]/u;
      const escaped = needle.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      const before = name === 'has' && word.test(needle.charAt(0)) ? '(?<![\\p{L}\\p{N}_])' : '';
      const after = name === 'has' && word.test(needle.slice(-1)) ? '(?![\\p{L}\\p{N}_])' : '';
      const re = new RegExp(before + escaped + after, 'iu');
      return {
        type: 'bool',
        fn: (r) => {
          const found = re.test(fa(r));
          return negated ? !found : found;
        },
      };
    }
    switch (name) {
      case 'contains':
        test = cs ? (x, y) => x.includes(y) : (x, y) => x.toLowerCase().includes(y.toLowerCase());
        break;
      case 'has':
        test = cs ? (x, y) => hasTerm(x, y) && x.includes(y) : hasTerm;
        break;
      case 'startswith':
        test = cs ? (x, y) => x.startsWith(y) : (x, y) => x.toLowerCase().startsWith(y.toLowerCase());
        break;
      case 'endswith':
        test = cs ? (x, y) => x.endsWith(y) : (x, y) => x.toLowerCase().endsWith(y.toLowerCase());
        break;
      case 'hasprefix':
        test = (x, y) =>
          x
            .toLowerCase()
            .split(/[^\p{L}\p{N}_]+/u)
            .some((w) => w.startsWith(y.toLowerCase()));
        break;
      case 'hassuffix':
        test = (x, y) =>
          x
            .toLowerCase()
            .split(/[^\p{L}\p{N}_]+/u)
            .some((w) => w.endsWith(y.toLowerCase()));
        break;
      case 'matches regex': {
        const constant = b.fn(0);
        const re = typeof constant === 'string' ? safeRegex(constant, (m) => this.err(m)) : undefined;
        test = (x, y) => (re ?? safeRegex(y, (m) => this.err(m))).test(x);
        break;
      }
      default:
        this.err(`Operator '${op}' is not supported by the query emulator`);
    }
    return {
      type: 'bool',
      fn: (r) => {
        const found = test(fa(r), fb(r));
        return negated ? !found : found;
      },
    };
  }

  private call(name: string, args: Expr[], star: boolean): Compiled {
    if (aggregateNames.has(name)) {
      this.err(`Function '${name}' is an aggregation and can be used only in summarize`);
    }
    const c = args.map((a) => this.compile(a));
    const arity = (min: number, max = min) => {
      if (c.length < min || c.length > max || star)
        this.err(`Function '${name}' expects ${min === max ? min : `${min} to ${max}`} argument(s)`);
    };
    const arg = (i: number) => c[i] as Compiled;
    const expectType = (i: number, ok: (t: string) => boolean, what: string) => {
      if (!ok(arg(i).type) && arg(i).type !== 'null')
        this.err(`Function '${name}': argument ${i + 1} must be ${what}, got ${typeName(arg(i).type)}`);
    };
    const now = this.ctx.now;
    switch (name) {
      case 'now':
        arity(0, 1);
        return c[0]
          ? { type: 'datetime', fn: (r) => now + ((c[0] as Compiled).fn(r) as number) }
          : { type: 'datetime', fn: () => now };
      case 'ago':
        arity(1);
        expectType(0, (t) => t === 'timespan', 'a timespan');
        return {
          type: 'datetime',
          fn: (r) => {
            const v = arg(0).fn(r);
            return isNull(v) ? null : now - (v as number);
          },
        };
      case 'bin':
      case 'floor': {
        arity(2);
        const t = arg(0).type;
        const size = arg(1);
        if (t === 'datetime' || t === 'timespan') expectType(1, (x) => x === 'timespan', 'a timespan');
        else if (!isNumeric(t))
          this.err(
            `Function '${name}': argument 1 must be numeric, datetime or timespan, got ${typeName(t)}`,
          );
        return {
          type: t,
          fn: (r) => {
            const v = arg(0).fn(r);
            const s = size.fn(r);
            if (isNull(v) || isNull(s) || s === 0) return null;
            return Math.floor((v as number) / (s as number)) * (s as number);
          },
        };
      }
      case 'startofday':
        arity(1);
        expectType(0, (t) => t === 'datetime', 'a datetime');
        return {
          type: 'datetime',
          fn: (r) => {
            const v = arg(0).fn(r);
            return isNull(v) ? null : Math.floor((v as number) / 86_400_000) * 86_400_000;
          },
        };
      case 'tostring':
        arity(1);
        return { type: 'string', fn: (r) => valueToString(arg(0).fn(r), arg(0).type) };
      case 'toint':
      case 'tolong':
      case 'todouble':
      case 'toreal': {
        arity(1);
        const type: KType = name === 'toint' ? 'int' : name === 'tolong' ? 'long' : 'real';
        const src = arg(0);
        return {
          type,
          fn: (r) => {
            const v = src.fn(r);
            if (isNull(v)) return null;
            let n: number;
            if (typeof v === 'number') n = v;
            else if (typeof v === 'boolean') n = v ? 1 : 0;
            else if (typeof v === 'string') n = v.trim() === '' ? NaN : Number(v);
            else n = NaN;
            if (Number.isNaN(n)) return null;
            return type === 'real' ? n : Math.trunc(n);
          },
        };
      }
      case 'tobool':
      case 'toboolean':
        arity(1);
        return {
          type: 'bool',
          fn: (r) => {
            const v = arg(0).fn(r);
            if (typeof v === 'boolean') return v;
            if (typeof v === 'number') return v !== 0;
            if (typeof v === 'string') {
              const s = v.toLowerCase();
              return s === 'true' ? true : s === 'false' ? false : null;
            }
            return null;
          },
        };
      case 'todatetime':
        arity(1);
        return {
          type: 'datetime',
          fn: (r) => {
            const v = arg(0).fn(r);
            if (typeof v === 'number' && arg(0).type === 'datetime') return v;
            if (typeof v === 'string') {
              const ms = Date.parse(v);
              return Number.isNaN(ms) ? null : ms;
            }
            return null;
          },
        };
      case 'tolower':
      case 'toupper':
        arity(1);
        return {
          type: 'string',
          fn: (r) => {
            const s = valueToString(arg(0).fn(r), arg(0).type);
            return name === 'tolower' ? s.toLowerCase() : s.toUpperCase();
          },
        };
      case 'strlen':
        arity(1);
        return { type: 'long', fn: (r) => [...valueToString(arg(0).fn(r), arg(0).type)].length };
      case 'strcat':
        if (c.length < 1) arity(1, 64);
        return { type: 'string', fn: (r) => c.map((x) => valueToString(x.fn(r), x.type)).join('') };
      case 'substring':
        arity(2, 3);
        return {
          type: 'string',
          fn: (r) => {
            const s = valueToString(arg(0).fn(r), arg(0).type);
            const start = Math.max(0, Number(arg(1).fn(r)));
            const len = c[2] ? Number(c[2].fn(r)) : undefined;
            return len === undefined ? s.slice(start) : s.slice(start, start + Math.max(0, len));
          },
        };
      case 'indexof':
        arity(2);
        return {
          type: 'long',
          fn: (r) =>
            valueToString(arg(0).fn(r), arg(0).type).indexOf(valueToString(arg(1).fn(r), arg(1).type)),
        };
      case 'replace_string':
        arity(3);
        return {
          type: 'string',
          fn: (r) =>
            valueToString(arg(0).fn(r), arg(0).type)
              .split(valueToString(arg(1).fn(r), 'string'))
              .join(valueToString(arg(2).fn(r), 'string')),
        };
      case 'extract': {
        arity(3);
        const pattern = arg(0).fn(0);
        if (typeof pattern !== 'string')
          this.err(`Function 'extract': the regular expression must be a string literal`);
        const re = safeRegex(pattern, (m) => this.err(m));
        return {
          type: 'string',
          fn: (r) => {
            const m = re.exec(valueToString(arg(2).fn(r), arg(2).type));
            return m ? (m[Number(arg(1).fn(r))] ?? '') : '';
          },
        };
      }
      case 'isempty':
      case 'isnotempty':
        arity(1);
        return {
          type: 'bool',
          fn: (r) => {
            const v = arg(0).fn(r);
            const empty = isNull(v) || v === '';
            return name === 'isempty' ? empty : !empty;
          },
        };
      case 'isnull':
      case 'isnotnull':
        arity(1);
        return {
          type: 'bool',
          fn: (r) => {
            const v = arg(0).fn(r);
            return name === 'isnull' ? isNull(v) : !isNull(v);
          },
        };
      case 'not':
        arity(1);
        return {
          type: 'bool',
          fn: (r) => {
            const v = arg(0).fn(r);
            return isNull(v) ? null : !v;
          },
        };
      case 'iif':
      case 'iff': {
        arity(3);
        const type = arg(1).type === 'null' ? arg(2).type : arg(1).type;
        return { type, fn: (r) => (arg(0).fn(r) === true ? arg(1).fn(r) : arg(2).fn(r)) };
      }
      case 'coalesce': {
        if (c.length < 2) arity(2, 64);
        return {
          type: arg(0).type,
          fn: (r) => {
            for (const x of c) {
              const v = x.fn(r);
              if (!isNull(v) && v !== '') return v;
            }
            return null;
          },
        };
      }
      case 'parse_json':
      case 'todynamic':
        arity(1);
        return {
          type: 'dynamic',
          fn: (r) => {
            const v = arg(0).fn(r);
            if (arg(0).type !== 'string' || typeof v !== 'string')
              return arg(0).type === 'dynamic' ? v : isNull(v) ? null : v;
            try {
              return JSON.parse(v) as unknown;
            } catch {
              return v;
            }
          },
        };
      case 'round': {
        arity(1, 2);
        return {
          type: arg(0).type === 'real' ? 'real' : arg(0).type,
          fn: (r) => {
            const v = arg(0).fn(r);
            if (isNull(v)) return null;
            const p = 10 ** Number(c[1] ? c[1].fn(r) : 0);
            return Math.round((v as number) * p) / p;
          },
        };
      }
      case 'abs':
        arity(1);
        return {
          type: arg(0).type,
          fn: (r) => {
            const v = arg(0).fn(r);
            return isNull(v) ? null : Math.abs(v as number);
          },
        };
      case 'long':
      case 'int':
      case 'real':
      case 'double':
      case 'bool':
      case 'string':
      case 'timespan': {
        arity(1);
        const type = (name === 'double' ? 'real' : name) as KType;
        return { type, fn: arg(0).fn };
      }
      default:
        if (knownScalarFunctions.has(name))
          this.err(`Function '${name}' is not supported by the query emulator`);
        return this.err(`Unknown function: '${name}'`);
    }
  }
}

function safeRegex(pattern: string, fail: (message: string) => never): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return fail(`Invalid regular expression '${pattern}'`);
  }
}

function scopeOf(table: Table): Scope {
  return new Map(table.columns.map((c) => [c.name, c]));
}

function uniqueName(taken: Set<string>, wanted: string | undefined): string {
  if (wanted !== undefined && !taken.has(wanted)) return wanted;
  const base = wanted ?? 'Column';
  for (let i = 1; ; i++) {
    const name = `${base}${i}`;
    if (!taken.has(name)) return name;
  }
}

function projectItems(
  table: Table,
  items: NamedExpr[],
  ctx: EvalContext,
  opName: string,
  keepOthers: boolean,
): Table {
  const compiler = new Compiler(scopeOf(table), ctx, opName);
  const out: Column[] = keepOthers ? [...table.columns] : [];
  const taken = new Set(out.map((c) => c.name));
  for (const item of items) {
    if (!item.name && item.expr.k === 'col' && !keepOthers) {
      const c = table.columns.find((x) => x.name === (item.expr as { name: string }).name);
      if (!c) compiler.compile(item.expr);
      // Plain columns pass through lazily; a 500,000-row projection then copies nothing.
      out.push(c as Column);
      taken.add((c as Column).name);
      continue;
    }
    const compiled = compiler.compile(item.expr);
    const name = item.name ?? uniqueName(taken, autoName(item.expr));
    const type: KType = compiled.type === 'null' ? 'string' : compiled.type;
    const col = materialize(column(name, type, compiled.fn), table.length);
    const existing = out.findIndex((c) => c.name === name);
    if (existing >= 0) out[existing] = col;
    else out.push(col);
    taken.add(name);
  }
  return { columns: out, length: table.length };
}

function filter(table: Table, pred: Expr, ctx: EvalContext): Table {
  const compiled = new Compiler(scopeOf(table), ctx, 'where').compile(pred);
  if (compiled.type !== 'bool' && compiled.type !== 'dynamic') {
    throw new KqlSemanticError(
      `'where' operator: the filter expression must be of type bool, got ${typeName(compiled.type)}`,
    );
  }
  const keep: number[] = [];
  for (let r = 0; r < table.length; r++) if (compiled.fn(r) === true) keep.push(r);
  return keep.length === table.length ? table : selectRows(table, keep);
}

/**
 * The rows ordered by `keys`. With a small `limit` (order by … | take n, top n) only the best
 * `limit` rows are kept while scanning: a week of traces is not sorted to show ten.
 */
function sortTable(table: Table, keys: SortKey[], ctx: EvalContext, opName: string, limit?: number): Table {
  const compiler = new Compiler(scopeOf(table), ctx, opName);
  const compiled = keys.map((k) => ({
    key: k,
    values: materialize(column('', 'string', compiler.compile(k.expr).fn), table.length),
  }));
  const compare = (x: number, y: number) => {
    for (const { key, values } of compiled) {
      const a = values.get(x);
      const b = values.get(y);
      const na = isNull(a);
      const nb = isNull(b);
      // Nulls go last when descending and first when ascending, unless `nulls first|last` says otherwise.
      const nullsFirst = key.nullsFirst ?? !key.desc;
      if (na || nb) {
        if (na && nb) continue;
        return na === nullsFirst ? -1 : 1;
      }
      const c = compareValues(a, b);
      if (c !== 0) return key.desc ? -c : c;
    }
    return x - y;
  };
  if (limit !== undefined && limit <= 1000 && table.length > limit * 4) {
    const best: number[] = [];
    for (let r = 0; r < table.length; r++) {
      if (best.length === limit && compare(r, best[limit - 1] as number) >= 0) continue;
      let lo = 0;
      let hi = best.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compare(best[mid] as number, r) < 0) lo = mid + 1;
        else hi = mid;
      }
      best.splice(lo, 0, r);
      if (best.length > limit) best.pop();
    }
    return selectRows(table, best);
  }
  const index = Array.from({ length: table.length }, (_, i) => i);
  index.sort(compare);
  return selectRows(table, index);
}

function constantCount(e: Expr, ctx: EvalContext, opName: string): number {
  const c = new Compiler(new Map(), ctx, opName).compile(e);
  const n = c.fn(0);
  if (!isNumeric(c.type) || typeof n !== 'number' || n < 0) {
    throw new KqlSemanticError(`'${opName}' operator: the row count must be a non-negative number`);
  }
  return Math.floor(n);
}

interface Aggregator {
  name: string;
  type: KType;
  init(): unknown;
  add(state: unknown, row: number): unknown;
  result(state: unknown): Value;
}

function percentileOf(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  // Nearest-rank, as the service's percentile() returns a value of the input.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

function aggregators(item: NamedExpr, compiler: Compiler, taken: Set<string>): Aggregator[] {
  const e = item.expr;
  if (e.k !== 'call' || !aggregateNames.has(e.name)) {
    throw new KqlSemanticError(
      `'summarize' operator: the expression must be an aggregation function such as count() or avg()`,
    );
  }
  if (!supportedAggregates.has(e.name)) {
    throw new KqlSemanticError(
      `'summarize' operator: Function '${e.name}' is not supported by the query emulator`,
    );
  }
  const args = e.args.map((a) => compiler.compile(a));
  const fail = (msg: string): never => {
    throw new KqlSemanticError(`'summarize' operator: Function '${e.name}' ${msg}`);
  };
  const colName = e.args[0] ? autoName(e.args[0]) : undefined;
  const name = (suffix: string) => {
    const wanted = item.name ?? suffix;
    const n = item.name ?? uniqueName(taken, wanted);
    taken.add(n);
    return n;
  };
  const a0 = args[0];
  const needArgs = (n: number) => {
    if (args.length !== n) fail(`expects ${n} argument(s)`);
  };
  const numericArg = () => {
    if (!a0 || !(isNumeric(a0.type) || a0.type === 'timespan' || a0.type === 'dynamic'))
      fail('expects a numeric argument');
    return a0 as Compiled;
  };
  const num = (c: Compiled, r: number) => {
    const v = c.type === 'dynamic' ? fromDynamic(c.fn(r), 'real') : c.fn(r);
    return isNull(v) ? null : (v as number);
  };
  switch (e.name) {
    case 'count':
      if (args.length > 0 && !e.star) needArgs(0);
      return [
        {
          name: name('count_'),
          type: 'long',
          init: () => 0,
          add: (s) => (s as number) + 1,
          result: (s) => s,
        },
      ];
    case 'countif': {
      needArgs(1);
      const pred = a0 as Compiled;
      return [
        {
          name: name('countif_'),
          type: 'long',
          init: () => 0,
          add: (s, r) => (s as number) + (pred.fn(r) === true ? 1 : 0),
          result: (s) => s,
        },
      ];
    }
    case 'sum':
    case 'sumif': {
      needArgs(e.name === 'sumif' ? 2 : 1);
      const x = numericArg();
      const cond = args[1];
      const type: KType =
        x.type === 'long' || x.type === 'int' ? 'long' : x.type === 'timespan' ? 'timespan' : 'real';
      return [
        {
          name: name(`${e.name}_${colName ?? ''}`),
          type,
          init: () => 0,
          add: (s, r) => (cond && cond.fn(r) !== true ? s : (s as number) + (num(x, r) ?? 0)),
          result: (s) => s,
        },
      ];
    }
    case 'avg':
    case 'avgif': {
      needArgs(e.name === 'avgif' ? 2 : 1);
      const x = numericArg();
      const cond = args[1];
      return [
        {
          name: name(`${e.name}_${colName ?? ''}`),
          type: x.type === 'timespan' ? 'timespan' : 'real',
          init: () => ({ sum: 0, n: 0 }),
          add: (s, r) => {
            const st = s as { sum: number; n: number };
            const v = cond && cond.fn(r) !== true ? null : num(x, r);
            if (v !== null) {
              st.sum += v;
              st.n++;
            }
            return st;
          },
          result: (s) => {
            const st = s as { sum: number; n: number };
            return st.n ? st.sum / st.n : null;
          },
        },
      ];
    }
    case 'min':
    case 'max': {
      needArgs(1);
      const x = a0 as Compiled;
      const sign = e.name === 'min' ? -1 : 1;
      return [
        {
          name: name(`${e.name}_${colName ?? ''}`),
          type: x.type === 'null' ? 'string' : x.type,
          init: () => null,
          add: (s, r) => {
            const v = x.fn(r);
            if (isNull(v)) return s;
            return s === null || sign * compareValues(v, s) > 0 ? v : s;
          },
          result: (s) => s,
        },
      ];
    }
    case 'any':
    case 'take_any': {
      needArgs(1);
      const x = a0 as Compiled;
      return [
        {
          name: name(`${e.name}_${colName ?? ''}`),
          type: x.type === 'null' ? 'string' : x.type,
          init: () => undefined,
          add: (s, r) => (s === undefined ? x.fn(r) : s),
          result: (s) => s ?? null,
        },
      ];
    }
    case 'dcount': {
      if (args.length < 1 || args.length > 2) fail('expects 1 or 2 arguments');
      const x = a0 as Compiled;
      return [
        {
          name: name(`dcount_${colName ?? ''}`),
          type: 'long',
          init: () => new Set<string>(),
          add: (s, r) => {
            const v = x.fn(r);
            if (!isNull(v)) (s as Set<string>).add(typeof v === 'string' ? v : JSON.stringify(v));
            return s;
          },
          result: (s) => (s as Set<string>).size,
        },
      ];
    }
    case 'make_list':
    case 'make_set': {
      if (args.length < 1 || args.length > 2) fail('expects 1 or 2 arguments');
      const x = a0 as Compiled;
      const max = args[1] ? Number(args[1].fn(0)) : 1_048_576;
      const set = e.name === 'make_set';
      return [
        {
          name: name(`${e.name}_${colName ?? ''}`),
          type: 'dynamic',
          init: () => ({ list: [] as unknown[], seen: new Set<string>() }),
          add: (s, r) => {
            const st = s as { list: unknown[]; seen: Set<string> };
            const v = x.fn(r);
            if (isNull(v) || st.list.length >= max) return st;
            const key = JSON.stringify(v);
            if (set && st.seen.has(key)) return st;
            st.seen.add(key);
            st.list.push(
              x.type === 'datetime'
                ? formatDatetime(v as number)
                : x.type === 'timespan'
                  ? formatTimespan(v as number)
                  : v,
            );
            return st;
          },
          result: (s) => (s as { list: unknown[] }).list,
        },
      ];
    }
    case 'percentile':
    case 'percentiles': {
      if (args.length < 2 || (e.name === 'percentile' && args.length !== 2))
        fail('expects a column and percentile values');
      const x = numericArg();
      const ps = args.slice(1).map((p, i) => {
        const v = p.fn(0);
        if (!isNumeric(p.type) || typeof v !== 'number' || v < 0 || v > 100)
          fail(`argument ${i + 2} must be a constant between 0 and 100`);
        return v as number;
      });
      // One shared collection of values; each percentile is one output column.
      const shared: { values: number[] }[] = [];
      return ps.map((p, i) => ({
        name:
          item.name && ps.length === 1
            ? name('')
            : uniqueName(taken, `percentile_${colName ?? ''}_${String(p).replace('.', '_')}`),
        type: x.type === 'int' ? 'long' : x.type === 'dynamic' ? 'real' : (x.type as KType),
        init: () => {
          if (i === 0) shared.push({ values: [] });
          return shared[shared.length - 1];
        },
        add: (s, r) => {
          if (i === 0) {
            const v = num(x, r);
            if (v !== null) (s as { values: number[] }).values.push(v);
          }
          return s;
        },
        result: (s) => {
          const st = s as { values: number[]; sorted?: boolean };
          if (!st.sorted) {
            st.values.sort((a, b) => a - b);
            st.sorted = true;
          }
          return percentileOf(st.values, p);
        },
      }));
    }
    default:
      return fail('is not supported by the query emulator');
  }
}

function summarize(
  table: Table,
  aggs: NamedExpr[],
  by: NamedExpr[],
  ctx: EvalContext,
  opName = 'summarize',
): Table {
  const compiler = new Compiler(scopeOf(table), ctx, opName);
  const taken = new Set<string>();
  const keys = by.map((item) => {
    const c = compiler.compile(item.expr);
    const name = uniqueName(taken, item.name ?? autoName(item.expr));
    taken.add(name);
    return { name, type: c.type === 'null' ? 'string' : c.type, fn: c.fn };
  });
  const aggregatorList = aggs.flatMap((item) => aggregators(item, compiler, taken));
  const groups = new Map<string, { key: Value[]; states: unknown[] }>();
  const single = keys.length === 0;
  for (let r = 0; r < table.length; r++) {
    const keyValues = keys.map((k) => k.fn(r));
    const id = single
      ? ''
      : keyValues.length === 1
        ? `${typeof keyValues[0]}:${String(keyValues[0])}`
        : JSON.stringify(keyValues);
    let g = groups.get(id);
    if (!g) {
      g = { key: keyValues, states: aggregatorList.map((a) => a.init()) };
      groups.set(id, g);
    }
    for (let i = 0; i < aggregatorList.length; i++) {
      g.states[i] = (aggregatorList[i] as Aggregator).add(g.states[i], r);
    }
  }
  // With no `by`, summarize answers one row even over no input.
  if (single && groups.size === 0) groups.set('', { key: [], states: aggregatorList.map((a) => a.init()) });
  const rows: Value[][] = [];
  for (const g of groups.values()) {
    rows.push([
      ...g.key.map((v) => (v === undefined ? null : v)),
      ...aggregatorList.map((a, i) => a.result(g.states[i])),
    ]);
  }
  return fromRows(
    [
      ...keys.map((k) => ({ name: k.name, type: k.type })),
      ...aggregatorList.map((a) => ({ name: a.name, type: a.type })),
    ],
    rows,
  );
}

function operatorName(op: Operator): string {
  return op.op === 'sort' ? 'order' : op.op;
}

function at(p: Pos): string {
  return `[${p.line},${p.pos}]`;
}

export function evaluate(query: Query, source: Table, ctx: EvalContext): EvalResult {
  let table = source;
  let render: Render | undefined;
  query.ops.forEach((op, position) => {
    const next = query.ops[position + 1];
    if (render && op.op !== 'render') {
      throw new KqlSemanticError(
        `'render' operator must be the last operator of the query (found '${operatorName(op)}' at ${at(op.at)})`,
      );
    }
    switch (op.op) {
      case 'where':
        table = filter(table, op.pred, ctx);
        break;
      case 'project':
        table = projectItems(table, op.items, ctx, 'project', false);
        break;
      case 'extend':
        table = projectItems(table, op.items, ctx, 'extend', true);
        break;
      case 'project-away': {
        const names = new Set(op.names.map((n) => n.name));
        for (const n of op.names) {
          if (!table.columns.some((c) => c.name === n.name)) {
            throw new KqlSemanticError(
              `'project-away' operator: Failed to resolve scalar expression named '${n.name}'`,
            );
          }
        }
        table = { columns: table.columns.filter((c) => !names.has(c.name)), length: table.length };
        break;
      }
      case 'project-rename': {
        const renames = new Map(op.pairs.map((p) => [p.from, p.to]));
        for (const p of op.pairs) {
          if (!table.columns.some((c) => c.name === p.from)) {
            throw new KqlSemanticError(
              `'project-rename' operator: Failed to resolve scalar expression named '${p.from}'`,
            );
          }
        }
        table = {
          columns: table.columns.map((c) =>
            renames.has(c.name) ? column(renames.get(c.name) as string, c.type, (r) => c.get(r)) : c,
          ),
          length: table.length,
        };
        break;
      }
      case 'sort':
        table = sortTable(
          table,
          op.keys,
          ctx,
          'order',
          next?.op === 'take' ? constantCount(next.count, ctx, 'take') : undefined,
        );
        break;
      case 'take':
        table = sliceRows(table, 0, constantCount(op.count, ctx, 'take'));
        break;
      case 'top': {
        const n = constantCount(op.count, ctx, 'top');
        table = sliceRows(sortTable(table, [op.key], ctx, 'top', n), 0, n);
        break;
      }
      case 'count':
        table = fromRows([{ name: 'Count', type: 'long' }], [[table.length]]);
        break;
      case 'distinct':
        table = summarize(table, [], op.items, ctx, 'distinct');
        break;
      case 'summarize':
        table = summarize(table, op.aggs, op.by, ctx);
        break;
      case 'render':
        render = { visualization: op.visualization, props: op.props };
        break;
    }
  });
  return { table, render };
}
