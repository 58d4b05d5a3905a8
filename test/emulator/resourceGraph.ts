// Azure Resource Graph as the emulator serves it: POST /providers/Microsoft.ResourceGraph/resources.
// Sources (each behaviour below names its own):
// [spec]     Azure/azure-rest-api-specs specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/
//            stable/2024-04-01/resourcegraph.json and its examples (ResourcesFirstPageQuery.json,
//            ResourcesNextPageQuery.json)
// [tables]   MicrosoftDocs/azure-docs articles/governance/resource-graph/reference/supported-tables-resources.md
// [paging]   learn.microsoft.com …/resource-graph/concepts/paging-results and …/work-with-data
// [throttle] learn.microsoft.com …/resource-graph/concepts/guidance-for-throttled-requests
// [errors]   error bodies quoted in Azure/aztfexport#485 (InvalidQuery/ParserFailure),
//            Azure/azure-cli-extensions#3325 (RateLimiting), microsoft/ARI#199 (ResponsePayloadTooLarge)
// The query language understood is exactly the subset the extension sends (src/core/fleet.ts):
// `resources | where type in~ (…) | project col, name = fn(path), … | order by col asc|desc`.
// Anything else gets the service's parser-failure answer.
import { createHash, randomUUID } from 'node:crypto';
import type { ArmResource, EmulatedAzure } from './resources';

export interface ResourceGraphOptions {
  /** false: the cloud has no Resource Graph; ARM answers 404 for its namespace. */
  enabled: boolean;
  /** Queries a user may send per window ([throttle]: "at most 15 queries within every 5-second window"). */
  quota: number;
  windowMs: number;
  /**
   * How long a change takes to reach the index, counted from when the emulator first sees it.
   * The service gives no figure ("seconds to minutes" is inferred from its overview page).
   */
  lagMs: number;
  /** Types (lowercase) the index leaves out, to exercise per-level fallback. */
  unindexedTypes: string[];
  /** Properties left out of indexed rows, per type (lowercase): a row without what the tree shows. */
  strippedProperties: Record<string, string[]>;
}

export const DEFAULT_RESOURCE_GRAPH: ResourceGraphOptions = {
  enabled: true,
  quota: 15,
  windowMs: 5000,
  lagMs: 5000,
  unindexedTypes: [],
  strippedProperties: {},
};

/** [spec] QueryRequestOptions.$top: minimum 1, maximum 1000; [paging] default page 1000 rows. */
const MAX_TOP = 1000;
/** How often the index compares itself with ARM (inferred). */
const CATCH_UP_INTERVAL_MS = 2000;
/** [errors] microsoft/ARI#199: "has exceeded the limit of 16777216". */
const MAX_RESPONSE_BYTES = 16_777_216;

export interface GraphAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly details: Record<string, unknown>[],
  ) {
    super(code);
  }
}

/** [errors] the top-level message is always the support hint; the reason is in details. */
function errorBody(code: string, details: Record<string, unknown>[]): unknown {
  return {
    error: {
      code,
      message: `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${randomUUID()}.`,
      details,
    },
  };
}

const invalidQuery = (extra: Record<string, unknown>): GraphError =>
  new GraphError(400, 'BadRequest', [
    {
      code: 'InvalidQuery',
      message:
        'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.',
    },
    { code: 'ParserFailure', message: 'ParserFailure', ...extra },
  ]);

// ── The query subset ─────────────────────────────────────────────────────────────────────────

type Expr = { fn?: 'tostring' | 'tobool' | 'toint'; path: string[] };
interface Parsed {
  types?: string[];
  project?: { name: string; expr: Expr }[];
  order?: { column: string; desc: boolean };
}

interface Token {
  text: string;
  line: number;
  col: number;
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|in~|[A-Za-z_][A-Za-z0-9_]*|[|(),.=]|./gy;
  let line = 1;
  let lineStart = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query))) {
    const text = m[0];
    if (!/^\s+$/.test(text)) tokens.push({ text, line, col: m.index - lineStart });
    for (let i = 0; i < text.length; i++)
      if (text[i] === '\n') {
        line++;
        lineStart = m.index + i + 1;
      }
  }
  return tokens;
}

export function parseGraphQuery(query: string): Parsed {
  const t = tokenize(query);
  let i = 0;
  const peek = () => t[i];
  const fail = (tok: Token | undefined): never => {
    throw invalidQuery(
      tok
        ? { line: tok.line, characterPositionInLine: tok.col, token: tok.text }
        : { line: t.at(-1)?.line ?? 1, characterPositionInLine: 0, token: '<EOF>' },
    );
  };
  const expect = (pred: (s: string) => boolean): Token => {
    const tok = t[i];
    if (!tok || !pred(tok.text)) return fail(tok);
    i++;
    return tok;
  };
  const word = (w: string) => (s: string) => s.toLowerCase() === w;
  const ident = (s: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
  const str = (s: string) => /^'.*'$|^".*"$/s.test(s);

  // [tables] the table is `resources` (table names are case-insensitive in Resource Graph).
  expect(word('resources'));
  const parsed: Parsed = {};
  while (i < t.length) {
    expect((s) => s === '|');
    const op = expect(ident).text.toLowerCase();
    if (op === 'where' && !parsed.types) {
      expect(word('type'));
      expect((s) => s === 'in~');
      expect((s) => s === '(');
      const types: string[] = [];
      do types.push(expect(str).text.slice(1, -1).toLowerCase());
      while (peek()?.text === ',' && ++i);
      expect((s) => s === ')');
      parsed.types = types;
    } else if (op === 'project' && !parsed.project) {
      const cols: { name: string; expr: Expr }[] = [];
      do {
        const name = expect(ident).text;
        if (peek()?.text === '=') {
          i++;
          cols.push({ name, expr: parseExpr() });
        } else cols.push({ name, expr: { path: [name] } });
      } while (peek()?.text === ',' && ++i);
      parsed.project = cols;
    } else if (op === 'order' && !parsed.order) {
      expect(word('by'));
      const column = expect(ident).text;
      const dir = peek()?.text.toLowerCase();
      let desc = true; // KQL's default sort order is descending
      if (dir === 'asc' || dir === 'desc') {
        desc = dir === 'desc';
        i++;
      }
      parsed.order = { column, desc };
    } else fail(t[i - 1]);
  }
  return parsed;

  function parseExpr(): Expr {
    const first = expect(ident).text;
    const fn = first.toLowerCase();
    if (peek()?.text === '(') {
      if (fn !== 'tostring' && fn !== 'tobool' && fn !== 'toint') fail(t[i - 1]);
      i++;
      const inner = parsePath(expect(ident).text);
      expect((s) => s === ')');
      return { fn: fn as Expr['fn'], path: inner };
    }
    return { path: parsePath(first) };
  }
  function parsePath(head: string): string[] {
    const path = [head];
    while (peek()?.text === '.') {
      i++;
      path.push(expect(ident).text);
    }
    return path;
  }
}

// ── The index ────────────────────────────────────────────────────────────────────────────────

interface IndexEntry {
  resource: ArmResource;
  json: string;
}

export class ResourceGraph {
  private readonly index = new Map<string, IndexEntry>();
  /** When a difference between ARM and the index was first seen, per id. */
  private readonly pendingSince = new Map<string, number>();
  private readonly windows = new Map<string, { start: number; used: number }>();
  /** The rows of recent queries, by query and scope, for the pages after the first. */
  private readonly paged = new Map<string, Record<string, unknown>[]>();

  constructor(
    private readonly azure: EmulatedAzure,
    readonly options: ResourceGraphOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** The index starts as ARM is when first asked (the emulator's URL is known by then). */
  private started = false;
  private lastPass = 0;

  /** What ARM holds now, of the types the index takes. */
  private live(): Map<string, ArmResource> {
    const out = new Map<string, ArmResource>();
    const unindexed = new Set(this.options.unindexedTypes.map((x) => x.toLowerCase()));
    const add = (r: ArmResource) => {
      if (!unindexed.has(r.type.toLowerCase())) out.set(r.id.toLowerCase(), r);
    };
    for (const w of this.azure.workspaces.values()) {
      add(this.azure.workspaceBody(w));
      for (const ep of w.ws.endpoints) add(this.azure.endpointBody(w, ep));
    }
    for (const d of this.azure.deployments.values()) add(d.body);
    return out;
  }

  /** Brings the index up to date with ARM, each change only once it is lagMs old. */
  private catchUp(): void {
    const now = this.now();
    // The index is refreshed in passes, not per query (inferred); comparing every resource with
    // ARM on each query would also make the emulator, not the client, the cost of a large fleet.
    if (this.started && now - this.lastPass < CATCH_UP_INTERVAL_MS) return;
    this.lastPass = now;
    const live = this.live();
    if (!this.started) {
      this.started = true;
      for (const [id, r] of live) this.index.set(id, entry(r));
      return;
    }
    const ids = new Set([...live.keys(), ...this.index.keys()]);
    for (const id of ids) {
      const current = live.get(id);
      const indexed = this.index.get(id);
      const json = current ? JSON.stringify(current) : undefined;
      if (json === indexed?.json) {
        this.pendingSince.delete(id);
        continue;
      }
      const since = this.pendingSince.get(id) ?? now;
      this.pendingSince.set(id, since);
      if (now - since < this.options.lagMs) continue;
      this.pendingSince.delete(id);
      if (current) this.index.set(id, entry(current));
      else this.index.delete(id);
    }
  }

  /** Makes the index what ARM holds now, lag or not (tests that change the options). */
  resync(): void {
    this.index.clear();
    this.pendingSince.clear();
    for (const [id, r] of this.live()) this.index.set(id, entry(r));
    this.started = true;
    this.lastPass = this.now();
    this.paged.clear();
  }

  /** Starts every user's quota window afresh (tests that change the quota). */
  resetQuota(): void {
    this.windows.clear();
  }

  /** [throttle] a quota per user and window; every answer carries what is left and when it resets. */
  private takeQuota(user: string): { ok: boolean; headers: Record<string, string> } {
    const now = this.now();
    let w = this.windows.get(user);
    if (!w || now - w.start >= this.options.windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(user, w);
    }
    const ok = w.used < this.options.quota;
    if (ok) w.used++;
    const resetMs = Math.max(0, w.start + this.options.windowMs - now);
    return {
      ok,
      headers: {
        'x-ms-user-quota-remaining': String(this.options.quota - w.used),
        'x-ms-user-quota-resets-after': hhmmss(resetMs),
      },
    };
  }

  query(body: unknown, user: string): GraphAnswer {
    const quota = this.takeQuota(user);
    if (!quota.ok) {
      // [errors] #3325; no Retry-After: the documented signal is the quota header (inferred).
      return {
        status: 429,
        headers: quota.headers,
        body: errorBody('RateLimiting', [
          {
            code: 'RateLimiting',
            message:
              'Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.',
          },
        ]),
      };
    }
    try {
      return { status: 200, headers: quota.headers, body: this.run(body) };
    } catch (e) {
      if (e instanceof GraphError)
        return { status: e.status, headers: quota.headers, body: errorBody(e.code, e.details) };
      throw e;
    }
  }

  private run(raw: unknown): unknown {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new GraphError(400, 'BadRequest', [
        { code: 'InvalidRequestContent', message: 'The request content was invalid.' },
      ]);
    const req = raw as { subscriptions?: unknown; query?: unknown; options?: Record<string, unknown> };
    // [spec] QueryRequest.query is required.
    if (typeof req.query !== 'string' || !req.query.trim())
      throw new GraphError(400, 'BadRequest', [
        { code: 'InvalidQuery', message: 'The query is missing or empty.' },
      ]);
    const options = req.options ?? {};
    const top = options.$top === undefined ? MAX_TOP : Number(options.$top);
    const skip = options.$skip === undefined ? 0 : Number(options.$skip);
    // [spec] $top 1..1000, $skip ≥ 0; the service's wording for a violation is inferred.
    if (!Number.isInteger(top) || top < 1 || top > MAX_TOP || !Number.isInteger(skip) || skip < 0)
      throw new GraphError(400, 'BadRequest', [
        { code: 'InvalidParameter', message: '$top must be between 1 and 1000 and $skip at least 0.' },
      ]);
    if (options.resultFormat !== undefined && options.resultFormat !== 'objectArray')
      throw new GraphError(400, 'BadRequest', [
        {
          code: 'UnsupportedResultFormat',
          message: 'This emulator answers resultFormat objectArray only (inferred).',
        },
      ]);
    const parsed = parseGraphQuery(req.query);
    const subs = Array.isArray(req.subscriptions)
      ? new Set(req.subscriptions.map((s) => String(s).toLowerCase()))
      : undefined; // no subscriptions: the whole tenant [spec "Basic tenant query"]

    // The rows a skip token pages through are those of its first page: the index moves between
    // queries, not under a paging client (inferred; the service warns only that records can shift).
    const scopeHash = hash(JSON.stringify([req.query, [...(subs ?? [])].sort()]));
    const cached = typeof options.$skipToken === 'string' ? this.paged.get(scopeHash) : undefined;
    const rows = cached ?? this.evaluateQuery(parsed, subs);
    this.paged.set(scopeHash, rows);
    if (this.paged.size > 16) this.paged.delete(this.paged.keys().next().value ?? '');

    let offset = skip;
    // [spec] a skip token is valid only with the query and scopes that produced it.
    if (typeof options.$skipToken === 'string') {
      const token = decodeToken(options.$skipToken);
      if (!token || token.scope !== scopeHash)
        throw new GraphError(400, 'BadRequest', [
          {
            code: 'InvalidSkipToken',
            message: 'The skip token is not valid for this query and scope (inferred wording).',
          },
        ]);
      offset = token.offset;
    }
    const page = this.project(parsed, rows.slice(offset, offset + top));
    const more = offset + page.length < rows.length;
    // [paging] no skip token when paging cannot keep a stable order: here, without an id column.
    const pageable = columnsOf(parsed).some((c) => c.name === 'id');
    const body = {
      totalRecords: rows.length,
      count: page.length,
      resultTruncated: more && !pageable ? 'true' : 'false',
      ...(more && pageable
        ? { $skipToken: encodeToken({ offset: offset + page.length, scope: scopeHash }) }
        : {}),
      facets: [],
      data: page,
    };
    const size = Buffer.byteLength(JSON.stringify(body));
    if (size > MAX_RESPONSE_BYTES)
      throw new GraphError(400, 'BadRequest', [
        {
          code: 'ResponsePayloadTooLarge',
          message: `Response payload size is ${size}, and has exceeded the limit of ${MAX_RESPONSE_BYTES}. Please consider querying less data at a time and make paginated call if needed.`,
        },
      ]);
    return body;
  }

  /** The rows of a query over the index, caught up with ARM first. */
  private evaluateQuery(parsed: Parsed, subs: Set<string> | undefined): Record<string, unknown>[] {
    this.catchUp();
    const columns = columnsOf(parsed);
    const rows = [...this.index.values()]
      .map((e) => e.resource)
      .filter((r) => !subs || subs.has((r.id.split('/')[2] ?? '').toLowerCase()))
      .filter((r) => !parsed.types || parsed.types.includes(r.type.toLowerCase()))
      .map((r) => this.toRow(r));
    if (parsed.order) {
      const { column, desc } = parsed.order;
      const sortBy = columns.find((c) => c.name === column);
      if (!sortBy) throw invalidQuery({ token: column });
      // Sorted on the one column before projecting: only the rows of a page are projected.
      const keyed = rows.map((r) => ({ r, k: evaluate(sortBy.expr, r) }));
      keyed.sort((a, b) => compare(a.k, b.k) * (desc ? -1 : 1));
      return keyed.map((x) => x.r);
    }
    return rows;
  }

  /** The projected columns of the rows of one page. */
  private project(parsed: Parsed, rows: Record<string, unknown>[]): Record<string, unknown>[] {
    const columns = columnsOf(parsed);
    return rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, evaluate(c.expr, r)])));
  }

  /** [spec] example rows: type lowercased, id as ARM gives it; subscriptionId and resourceGroup columns. */
  private toRow(r: ArmResource): Record<string, unknown> {
    const parts = r.id.split('/');
    const stripped = this.options.strippedProperties[r.type.toLowerCase()];
    let properties = r.properties;
    if (stripped?.length) {
      properties = { ...r.properties };
      for (const p of stripped) delete properties[p];
    }
    return {
      id: r.id,
      name: r.name,
      type: r.type.toLowerCase(),
      location: r.location,
      subscriptionId: parts[2] ?? '',
      resourceGroup: (parts[4] ?? '').toLowerCase(),
      kind: r.kind ?? '',
      sku: r.sku ?? null,
      tags: r.tags ?? null,
      properties,
    };
  }
}

/** Without a project, a row has the table's main columns. */
function columnsOf(parsed: Parsed): { name: string; expr: Expr }[] {
  return (
    parsed.project ??
    ['id', 'name', 'type', 'location', 'subscriptionId', 'resourceGroup', 'sku', 'properties'].map((n) => ({
      name: n,
      expr: { path: [n] },
    }))
  );
}

/** A copy (ARM mutates its resources in place) and its text, to tell a change. */
function entry(r: ArmResource): IndexEntry {
  const json = JSON.stringify(r);
  return { resource: JSON.parse(json) as ArmResource, json };
}

/** KQL conversions: tostring of null is "", tobool/toint of what does not convert is null. */
function evaluate(expr: Expr, row: Record<string, unknown>): unknown {
  let v: unknown = row;
  for (const p of expr.path)
    v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[p] : undefined;
  switch (expr.fn) {
    case 'tostring':
      return asText(v);
    case 'tobool':
      return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null;
    case 'toint':
      return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : null;
    default:
      return v === undefined ? null : v;
  }
}

function asText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function compare(a: unknown, b: unknown): number {
  const x = asText(a);
  const y = asText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

function encodeToken(t: { offset: number; scope: string }): string {
  return Buffer.from(JSON.stringify(t)).toString('base64');
}

function decodeToken(s: string): { offset: number; scope: string } | undefined {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64').toString('utf8')) as { offset?: unknown; scope?: unknown };
    return typeof t.offset === 'number' && typeof t.scope === 'string'
      ? { offset: t.offset, scope: t.scope }
      : undefined;
  } catch {
    return undefined;
  }
}

function hhmmss(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}
