// Recursive-descent parser of the KQL subset: a table name and a pipeline of tabular operators.
// Known KQL operators that the emulator does not evaluate are parsed far enough to name them in a
// semantic error; unknown words are syntax errors, as on the service.
import { KqlSemanticError, KqlSyntaxError } from './errors';
import { type Token, tokenize } from './lexer';

export interface Pos {
  line: number;
  pos: number;
}

export type Expr =
  | {
      k: 'lit';
      type: 'string' | 'long' | 'real' | 'bool' | 'timespan' | 'datetime' | 'dynamic' | 'null';
      value: unknown;
      at: Pos;
    }
  | { k: 'col'; name: string; at: Pos }
  | { k: 'member'; obj: Expr; name: string; at: Pos }
  | { k: 'index'; obj: Expr; index: Expr; at: Pos }
  | { k: 'call'; name: string; args: Expr[]; star: boolean; at: Pos }
  | { k: 'neg'; arg: Expr; at: Pos }
  | { k: 'bin'; op: string; left: Expr; right: Expr; at: Pos }
  | { k: 'in'; left: Expr; list: Expr[]; negated: boolean; ci: boolean; at: Pos }
  | { k: 'between'; left: Expr; low: Expr; high: Expr; negated: boolean; at: Pos };

export interface NamedExpr {
  name?: string;
  expr: Expr;
}

export interface SortKey {
  expr: Expr;
  desc: boolean;
  nullsFirst?: boolean;
}

export type Operator =
  | { op: 'where'; pred: Expr; at: Pos }
  | { op: 'project'; items: NamedExpr[]; at: Pos }
  | { op: 'project-away'; names: { name: string; at: Pos }[]; at: Pos }
  | { op: 'project-rename'; pairs: { to: string; from: string; at: Pos }[]; at: Pos }
  | { op: 'extend'; items: NamedExpr[]; at: Pos }
  | { op: 'sort'; keys: SortKey[]; at: Pos }
  | { op: 'take'; count: Expr; at: Pos }
  | { op: 'top'; count: Expr; key: SortKey; at: Pos }
  | { op: 'count'; at: Pos }
  | { op: 'distinct'; items: NamedExpr[]; at: Pos }
  | { op: 'summarize'; aggs: NamedExpr[]; by: NamedExpr[]; at: Pos }
  | { op: 'render'; visualization: string; props: Record<string, unknown>; at: Pos };

export interface Query {
  table: string;
  tableAt: Pos;
  ops: Operator[];
}

/** Real KQL tabular operators that this emulator does not evaluate: a semantic error names them. */
const unsupportedOperators = new Set([
  'join',
  'union',
  'lookup',
  'mv-expand',
  'mv-apply',
  'make-series',
  'parse',
  'parse-where',
  'parse-kv',
  'evaluate',
  'search',
  'find',
  'as',
  'getschema',
  'sample',
  'sample-distinct',
  'serialize',
  'invoke',
  'fork',
  'facet',
  'project-keep',
  'project-reorder',
  'top-nested',
  'top-hitters',
  'range',
  'print',
  'externaldata',
  'scan',
  'partition',
  'reduce',
  'consume',
]);

const comparisonWords = new Set([
  'contains',
  'contains_cs',
  'has',
  'has_cs',
  'startswith',
  'startswith_cs',
  'endswith',
  'endswith_cs',
  'matches',
  'hasprefix',
  'hassuffix',
]);

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as Token;
  }
  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }
  private fail(t: Token = this.peek()): never {
    throw new KqlSyntaxError(t.text, t.line, t.pos);
  }
  private isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.text === text;
  }
  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text === word;
  }
  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.fail();
    return this.next();
  }
  private expectWord(word: string): Token {
    if (!this.isWord(word)) this.fail();
    return this.next();
  }
  private ident(): Token {
    const t = this.peek();
    if (t.kind !== 'ident') this.fail();
    return this.next();
  }
  private at(t: Token): Pos {
    return { line: t.line, pos: t.pos };
  }

  parseQuery(): Query {
    if (this.isWord('let'))
      throw new KqlSemanticError("'let' statements are not supported by the query emulator");
    const first = this.peek();
    if (first.kind === 'ident' && unsupportedOperators.has(first.text)) {
      throw new KqlSemanticError(`'${first.text}' operator is not supported by the query emulator`);
    }
    const table = this.ident();
    const ops: Operator[] = [];
    while (this.isOp('|')) {
      this.next();
      ops.push(this.operator());
    }
    if (this.isOp(';')) this.next();
    if (this.peek().kind !== 'eof') this.fail();
    return { table: table.text, tableAt: this.at(table), ops };
  }

  private operator(): Operator {
    const t = this.peek();
    if (t.kind !== 'ident') this.fail();
    const at = this.at(t);
    this.next();
    switch (t.text) {
      case 'where':
      case 'filter':
        return { op: 'where', pred: this.expr(), at };
      case 'project':
        return { op: 'project', items: this.namedList(), at };
      case 'extend':
        return { op: 'extend', items: this.namedList(), at };
      case 'project-away': {
        const names = [this.ident()];
        while (this.isOp(',')) {
          this.next();
          names.push(this.ident());
        }
        return { op: 'project-away', names: names.map((n) => ({ name: n.text, at: this.at(n) })), at };
      }
      case 'project-rename': {
        const pairs: { to: string; from: string; at: Pos }[] = [];
        do {
          if (pairs.length) this.next();
          const to = this.ident();
          this.expectOp('=');
          const from = this.ident();
          pairs.push({ to: to.text, from: from.text, at: this.at(from) });
        } while (this.isOp(','));
        return { op: 'project-rename', pairs, at };
      }
      case 'order':
      case 'sort': {
        this.expectWord('by');
        const keys = [this.sortKey()];
        while (this.isOp(',')) {
          this.next();
          keys.push(this.sortKey());
        }
        return { op: 'sort', keys, at };
      }
      case 'take':
      case 'limit':
        return { op: 'take', count: this.expr(), at };
      case 'top': {
        const count = this.expr();
        this.expectWord('by');
        return { op: 'top', count, key: this.sortKey(), at };
      }
      case 'count':
        return { op: 'count', at };
      case 'distinct':
        return { op: 'distinct', items: this.namedList(), at };
      case 'summarize': {
        const aggs = this.isWord('by') ? [] : this.namedList();
        let by: NamedExpr[] = [];
        if (this.isWord('by')) {
          this.next();
          by = this.namedList();
        }
        if (aggs.length === 0 && by.length === 0) this.fail();
        return { op: 'summarize', aggs, by, at };
      }
      case 'render':
        return this.render(at);
      default:
        if (unsupportedOperators.has(t.text)) {
          throw new KqlSemanticError(`'${t.text}' operator is not supported by the query emulator`);
        }
        return this.fail(t);
    }
  }

  private render(at: Pos): Operator {
    const kind = this.ident().text;
    const known = [
      'timechart',
      'barchart',
      'columnchart',
      'piechart',
      'linechart',
      'areachart',
      'scatterchart',
      'table',
      'anomalychart',
      'card',
      'stackedareachart',
    ];
    if (!known.includes(kind)) this.fail(this.tokens[this.i - 1]);
    const props: Record<string, unknown> = {};
    if (this.isWord('with')) {
      this.next();
      this.expectOp('(');
      do {
        if (Object.keys(props).length) this.next();
        const key = this.ident().text;
        this.expectOp('=');
        const v = this.peek();
        if (
          v.kind === 'string' ||
          v.kind === 'number' ||
          (v.kind === 'ident' && (v.text === 'true' || v.text === 'false'))
        ) {
          props[key] = v.kind === 'ident' ? v.text === 'true' : v.value;
          this.next();
        } else if (v.kind === 'ident') {
          // xcolumn = timestamp, ycolumns = a, b
          const names = [this.next().text];
          while (this.isOp(',') && this.peek(1).kind === 'ident' && !this.isOp('=', 2)) {
            this.next();
            names.push(this.next().text);
          }
          props[key] = names.length === 1 ? names[0] : names;
        } else {
          this.fail();
        }
      } while (this.isOp(','));
      this.expectOp(')');
    }
    return { op: 'render', visualization: kind, props, at };
  }

  private sortKey(): SortKey {
    const expr = this.expr();
    let desc = true;
    if (this.isWord('asc') || this.isWord('desc')) desc = this.next().text === 'desc';
    let nullsFirst: boolean | undefined;
    if (this.isWord('nulls')) {
      this.next();
      if (this.isWord('first') || this.isWord('last')) nullsFirst = this.next().text === 'first';
      else this.fail();
    }
    return { expr, desc, nullsFirst };
  }

  private namedList(): NamedExpr[] {
    const items = [this.named()];
    while (this.isOp(',')) {
      this.next();
      items.push(this.named());
    }
    return items;
  }

  private named(): NamedExpr {
    if (this.peek().kind === 'ident' && this.isOp('=', 1)) {
      const name = this.next().text;
      this.next();
      return { name, expr: this.expr() };
    }
    // ['Column Name'] = expr
    if (this.isOp('[') && this.peek(1).kind === 'string' && this.isOp(']', 2) && this.isOp('=', 3)) {
      this.next();
      const name = this.next().value as string;
      this.next();
      this.next();
      return { name, expr: this.expr() };
    }
    return { expr: this.expr() };
  }

  expr(): Expr {
    return this.or();
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      const t = this.next();
      left = { k: 'bin', op: 'or', left, right: this.and(), at: this.at(t) };
    }
    return left;
  }

  private and(): Expr {
    let left = this.comparison();
    while (this.isWord('and')) {
      const t = this.next();
      left = { k: 'bin', op: 'and', left, right: this.comparison(), at: this.at(t) };
    }
    return left;
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    const symbolic = ['==', '!=', '=~', '!~', '<', '<=', '>', '>='];
    const negatedWords = ['!contains', '!contains_cs', '!has', '!has_cs', '!startswith', '!endswith'];
    if (t.kind === 'op' && (symbolic.includes(t.text) || negatedWords.includes(t.text))) {
      this.next();
      return { k: 'bin', op: t.text, left, right: this.additive(), at: this.at(t) };
    }
    if (t.kind === 'ident' && comparisonWords.has(t.text)) {
      this.next();
      if (t.text === 'matches') this.expectWord('regex');
      const op = t.text === 'matches' ? 'matches regex' : t.text;
      return { k: 'bin', op, left, right: this.additive(), at: this.at(t) };
    }
    const isIn = t.kind === 'ident' && t.text === 'in';
    const isNotIn = t.kind === 'op' && (t.text === '!in' || t.text === '!in~');
    if (isIn || isNotIn) {
      this.next();
      let ci = t.text === '!in~';
      if (isIn && this.isOp('~') && this.peek().offset === t.offset + 2) {
        this.next();
        ci = true;
      }
      this.expectOp('(');
      const list = [this.expr()];
      while (this.isOp(',')) {
        this.next();
        list.push(this.expr());
      }
      this.expectOp(')');
      return { k: 'in', left, list, negated: isNotIn, ci, at: this.at(t) };
    }
    if (t.kind === 'ident' && t.text === 'between') {
      this.next();
      this.expectOp('(');
      const low = this.additive();
      this.expectOp('..');
      const high = this.additive();
      this.expectOp(')');
      return { k: 'between', left, low, high, negated: false, at: this.at(t) };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const t = this.next();
      left = { k: 'bin', op: t.text, left, right: this.multiplicative(), at: this.at(t) };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const t = this.next();
      left = { k: 'bin', op: t.text, left, right: this.unary(), at: this.at(t) };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp('-')) {
      const t = this.next();
      return { k: 'neg', arg: this.unary(), at: this.at(t) };
    }
    if (this.isOp('+')) this.next();
    return this.postfix(this.primary());
  }

  private postfix(base: Expr): Expr {
    let e = base;
    for (;;) {
      if (this.isOp('.') && this.peek(1).kind === 'ident') {
        const t = this.next();
        e = { k: 'member', obj: e, name: this.next().text, at: this.at(t) };
      } else if (this.isOp('[')) {
        const t = this.next();
        const index = this.expr();
        this.expectOp(']');
        e =
          index.k === 'lit' && index.type === 'string'
            ? { k: 'member', obj: e, name: index.value as string, at: this.at(t) }
            : { k: 'index', obj: e, index, at: this.at(t) };
      } else {
        return e;
      }
    }
  }

  private primary(): Expr {
    const t = this.peek();
    const at = this.at(t);
    switch (t.kind) {
      case 'string':
        this.next();
        return { k: 'lit', type: 'string', value: t.value, at };
      case 'number':
        this.next();
        return { k: 'lit', type: /[.eE]/.test(t.text) ? 'real' : 'long', value: t.value, at };
      case 'timespan':
        this.next();
        return { k: 'lit', type: 'timespan', value: t.value, at };
      case 'datetime':
        this.next();
        return { k: 'lit', type: 'datetime', value: t.value, at };
      case 'dynamic':
        this.next();
        return { k: 'lit', type: 'dynamic', value: (t.value as { json: unknown }).json, at };
      case 'ident': {
        this.next();
        if (t.text === 'true' || t.text === 'false')
          return { k: 'lit', type: 'bool', value: t.text === 'true', at };
        if (this.isOp('(')) {
          this.next();
          const args: Expr[] = [];
          let star = false;
          // `*` stands for every column: count(*), arg_max(timestamp, *).
          const argument = () => {
            if (this.isOp('*') && (this.isOp(',', 1) || this.isOp(')', 1))) {
              this.next();
              star = true;
            } else {
              args.push(this.expr());
            }
          };
          if (!this.isOp(')')) {
            argument();
            while (this.isOp(',')) {
              this.next();
              argument();
            }
          }
          this.expectOp(')');
          return { k: 'call', name: t.text, args, star, at };
        }
        return { k: 'col', name: t.text, at };
      }
      case 'op':
        if (t.text === '(') {
          this.next();
          const e = this.expr();
          this.expectOp(')');
          return e;
        }
        if (t.text === '[' && this.peek(1).kind === 'string' && this.isOp(']', 2)) {
          // ['Column Name'] refers to a column whose name is not an identifier.
          this.next();
          const name = this.next().value as string;
          this.next();
          return { k: 'col', name, at };
        }
        return this.fail();
      default:
        return this.fail();
    }
  }
}

export function parseQuery(text: string): Query {
  const parser = new Parser(tokenize(text));
  return parser.parseQuery();
}
