// A recording of `npm run check:azure`: the HTTP exchanges the client had with Azure, scrubbed so
// that it can be shared and committed: no tokens (request headers are never observed), no keys,
// no subscription or tenant ids (every GUID becomes a fake one), no resource or subscription names
// (each becomes a placeholder, the same one wherever it appears, so the recording still replays),
// no free text (descriptions, tags, log lines and query cells are redacted).
import type { ObservedExchange } from '../../src/azure/api';
import { scrubSecrets } from '../../src/core/scrubSecrets';
import type { CheckResult } from './checkAzure';
import type { ReplayExchange } from './replay';

export const RECORDING_FORMAT = 'amlmonitor-check-azure/1';

export interface Recording {
  format: typeof RECORDING_FORMAT;
  recordedAt: string;
  /** 'azure' (a real subscription) or 'emulator'. */
  source: string;
  checks: CheckResult[];
  exchanges: RecordedExchange[];
}

export interface RecordedExchange {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  headers: Record<string, string>;
  requestBody?: unknown;
  body?: unknown;
}

// ARM path keywords whose next segment is a name, and the placeholder stem of that name.
const NAMED_SEGMENTS: Record<string, string> = {
  resourcegroups: 'rg',
  workspaces: 'workspace',
  onlineendpoints: 'endpoint',
  deployments: 'deployment',
  components: 'component',
  services: 'service',
  batchendpoints: 'batch-endpoint',
};
const RESOURCE_GROUP = /\/resourceGroups\/([^/?#"\s]+)/gi;
// `/providers/{namespace}/{type}/{name}[/{type}/{name}…]`: every name of an ARM id, any provider.
const PROVIDER_CHAIN = /\/providers\/[A-Za-z0-9.]+((?:\/[^/?#"\s]+\/[^/?#"\s]+)+)/gi;
// Path words that are never a user's name, even when a name happens to equal one.
const FIXED_WORDS = new Set([
  'subscriptions',
  'providers',
  'resourcegroups',
  'query',
  'v1',
  'v1.0',
  'api',
  'score',
]);
const GUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g;
const SECRET_KEY = /key|secret|password|token|connectionstring|sas|signature|credential/i;
const FREE_TEXT_KEYS = new Set(['description', 'message', 'content']);
const REDACTED = '<redacted>';

class Scrubber {
  private readonly guids = new Map<string, string>();
  private readonly names = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  private readonly placeholders = new Set<string>();

  constructor(private readonly origins: string[]) {}

  /** First pass: learn every name an ARM path or id carries, so that a bare name is known too. */
  learn(text: string): void {
    for (const match of text.matchAll(RESOURCE_GROUP)) this.nameFor('resourcegroups', match[1] ?? '');
    for (const match of text.matchAll(PROVIDER_CHAIN)) {
      const parts = (match[1] ?? '').split('/').filter(Boolean);
      for (let i = 0; i + 1 < parts.length; i += 2) this.nameFor(parts[i] ?? '', parts[i + 1] ?? '');
    }
  }

  /** Learned names, longest first, that may also appear inside free-standing text (host names, paths). */
  private substitutions(): [RegExp, string][] {
    if (!this.substitutionCache) {
      this.substitutionCache = [...this.names.entries()]
        .filter(([name]) => !name.includes(':') && name.length >= 4 && !FIXED_WORDS.has(name))
        .sort((a, b) => b[0].length - a[0].length)
        .map(([name, placeholder]) => [
          new RegExp(`(?<![A-Za-z0-9])${name.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')}(?![A-Za-z0-9])`, 'gi'),
          placeholder,
        ]);
    }
    return this.substitutionCache;
  }
  private substitutionCache: [RegExp, string][] | undefined;

  private nameFor(keyword: string, name: string): string {
    const decoded = safeDecode(name);
    const key = decoded.toLowerCase();
    if (/^\d+$/.test(key) || FIXED_WORDS.has(key) || this.placeholders.has(decoded)) return decoded;
    const known = this.names.get(key);
    if (known) return known;
    const stem = NAMED_SEGMENTS[keyword.toLowerCase()] ?? keyword.toLowerCase();
    this.substitutionCache = undefined;
    const n = (this.counters.get(stem) ?? 0) + 1;
    this.counters.set(stem, n);
    const placeholder = `${stem}-${n}`;
    this.names.set(key, placeholder);
    this.placeholders.add(placeholder);
    return placeholder;
  }

  private label(stem: string, value: string): string {
    const key = `${stem}:${value.toLowerCase()}`;
    const known = this.names.get(key);
    if (known) return known;
    const n = (this.counters.get(stem) ?? 0) + 1;
    this.counters.set(stem, n);
    const placeholder = `${stem} ${n}`;
    this.names.set(key, placeholder);
    return placeholder;
  }

  guid(value: string): string {
    const key = value.toLowerCase();
    let fake = this.guids.get(key);
    if (!fake) {
      fake = `00000000-0000-4000-8000-${(this.guids.size + 1).toString(16).padStart(12, '0')}`;
      this.guids.set(key, fake);
    }
    return fake;
  }

  string(value: string): string {
    let s = value;
    for (const origin of this.origins) s = s.split(origin).join('{base}');
    s = s.replace(PROVIDER_CHAIN, (chain: string, pairs: string) => {
      const parts = pairs.split('/').filter(Boolean);
      const mapped = parts.map((part, i) => (i % 2 === 1 ? this.nameFor(parts[i - 1] ?? '', part) : part));
      return `${chain.slice(0, chain.length - pairs.length)}/${mapped.join('/')}`;
    });
    s = s.replace(
      RESOURCE_GROUP,
      (_m, name: string) => `/resourceGroups/${this.nameFor('resourcegroups', name)}`,
    );
    const whole = this.names.get(s.toLowerCase());
    if (whole) return whole;
    for (const [pattern, placeholder] of this.substitutions()) s = s.replace(pattern, placeholder);
    s = s.replace(GUID, (g) => this.guid(g)).replace(EMAIL, 'user@example.com');
    return scrubSecrets(s);
  }

  json(value: unknown, key = ''): unknown {
    if (typeof value === 'string') {
      if (SECRET_KEY.test(key)) return '***';
      if (FREE_TEXT_KEYS.has(key.toLowerCase())) return redactLines(value);
      if (key === 'displayName') return this.label('Subscription', value);
      if (key === 'friendlyName') return this.label('Workspace', value);
      return this.string(value);
    }
    if (Array.isArray(value)) return value.map((v) => this.json(v, key));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        // Traffic maps deployment names to percentages.
        if ((k === 'traffic' || k === 'mirrorTraffic') && v && typeof v === 'object') {
          out[k] = Object.fromEntries(
            Object.entries(v).map(([name, percent]) => [this.nameFor('deployments', name), percent]),
          );
          continue;
        }
        // Tags and environment variables are the user's own words: keep the keys' count only.
        if ((k === 'tags' || k === 'environmentVariables') && v && typeof v === 'object') {
          out[k] = Object.fromEntries(Object.keys(v).map((_, i) => [`key${i + 1}`, REDACTED]));
          continue;
        }
        out[this.string(k)] = this.json(v, k);
      }
      return out;
    }
    return value;
  }

  /** Query answers: keep tables, columns and row counts; every cell but numbers and times is redacted. */
  queryAnswer(body: unknown): unknown {
    const scrubbed = this.json(body) as { tables?: { columns?: { type?: string }[]; rows?: unknown[][] }[] };
    for (const table of scrubbed.tables ?? []) {
      const types = (table.columns ?? []).map((c) => c.type);
      table.rows = (table.rows ?? []).map((row) =>
        row.map((cell, i) =>
          typeof cell === 'number' || typeof cell === 'boolean' || cell === null || types[i] === 'datetime'
            ? cell
            : REDACTED,
        ),
      );
    }
    return scrubbed;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function redactLines(text: string): string {
  return text
    .split('\n')
    .map((line, i) => (line ? `${REDACTED} line ${i + 1}` : line))
    .join('\n');
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return REDACTED;
  }
}

/** The scrubbed recording of what the client exchanged with the given origins (ARM, Logs). */
export function buildRecording(
  observed: ObservedExchange[],
  checks: CheckResult[],
  options: { origins: string[]; source: string; now?: Date },
): Recording {
  const origins = options.origins.map((o) => new URL(o).origin);
  const scrubber = new Scrubber(origins);
  for (const e of observed) {
    scrubber.learn(new URL(e.url).pathname);
    if (e.responseBody) scrubber.learn(e.responseBody);
  }
  const exchanges = observed.map((e): RecordedExchange => {
    const url = new URL(e.url);
    const isQuery = /\/query$/i.test(url.pathname);
    const body = parse(e.responseBody);
    const headers = Object.fromEntries(
      Object.entries(e.responseHeaders)
        .filter(([k]) => k !== 'content-type')
        .map(([k, v]) => [k, scrubber.string(v)]),
    );
    return {
      method: e.method,
      path: scrubber.string(url.pathname),
      query: Object.fromEntries([...url.searchParams.entries()].map(([k, v]) => [k, scrubber.string(v)])),
      status: e.status,
      headers,
      ...(e.requestBody !== undefined ? { requestBody: scrubber.json(parse(e.requestBody)) } : {}),
      ...(body !== undefined ? { body: isQuery ? scrubber.queryAnswer(body) : scrubber.json(body) } : {}),
    };
  });
  return {
    format: RECORDING_FORMAT,
    recordedAt: (options.now ?? new Date()).toISOString(),
    source: options.source,
    checks,
    exchanges,
  };
}

/** The recording as replay exchanges: exact paths, every recorded query parameter must match. */
export function replayExchangesOf(recording: Recording): ReplayExchange[] {
  return recording.exchanges.map((e) => ({
    method: e.method,
    path: e.path.replace(/[{}]/g, ''),
    query: e.query,
    status: e.status,
    headers: e.headers,
    ...(e.body !== undefined ? { body: e.body } : {}),
  }));
}
