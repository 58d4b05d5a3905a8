// The guarded load probe, as pure logic: the limits of its inputs, the run (N requests through C
// workers, each request remembering how many of the probe's requests were in flight while it was),
// the statistics, and the report. Sending is the caller's: this file never sees a key or a URI.
import * as l10n from '@vscode/l10n';
import { statusGuide } from './statusGuide';
import { percentile } from './scoring';

/** Small enough that a slip of the finger cannot run up a bill or flood a production endpoint. */
export const PROBE_MAX_REQUESTS = 1000;
export const PROBE_MAX_CONCURRENCY = 50;
export const PROBE_DEFAULT_REQUESTS = 20;
export const PROBE_DEFAULT_CONCURRENCY = 2;

/** A whole number in 1..max, or the message that says what is wrong with the text. */
export function parseProbeNumber(
  text: string,
  max: number,
): { ok: true; value: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed))
    return { ok: false, message: l10n.t('Enter a whole number from 1 to {0}.', String(max)) };
  const value = Number(trimmed);
  if (value < 1 || value > max)
    return { ok: false, message: l10n.t('Enter a whole number from 1 to {0}.', String(max)) };
  return { ok: true, value };
}

/**
 * The documented concurrency limit of a managed deployment: above 2 × max_concurrent_requests_per_instance
 * × instance_count pending requests it answers 429 ("Troubleshoot online endpoints", HTTP status
 * codes, 429 Too many pending requests). Undefined when either figure is unknown.
 */
export function documentedLimit(
  maxConcurrentRequestsPerInstance: number | undefined,
  instanceCount: number | undefined,
): number | undefined {
  const valid = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n > 0;
  if (!valid(maxConcurrentRequestsPerInstance) || !valid(instanceCount)) return undefined;
  return 2 * maxConcurrentRequestsPerInstance * instanceCount;
}

/** One request of the probe. */
export interface ProbeSample {
  /** HTTP status, or undefined when no answer came (network failure). */
  status?: number;
  latencyMs: number;
  /**
   * The most requests of this probe in flight at any moment while this one was (itself included).
   * With no other traffic, a 429 for too many pending requests implies this exceeds the limit.
   */
  peakInFlight: number;
  /** Why no answer came, for a failed request. */
  failure?: string;
}

export interface ProbeRunOptions {
  requests: number;
  concurrency: number;
  abortSignal?: AbortSignal;
  now?: () => number;
  onSample?: (sample: ProbeSample, done: number) => void;
}

/**
 * Sends `requests` requests with at most `concurrency` in flight. `send` resolves the HTTP status;
 * when it throws, the sample records the failure. Stops starting requests once aborted and returns
 * the samples of the requests that ended.
 */
export async function runProbe(
  send: (index: number) => Promise<number>,
  options: ProbeRunOptions,
): Promise<ProbeSample[]> {
  const now = options.now ?? (() => performance.now());
  const samples: ProbeSample[] = [];
  const active = new Set<{ peak: number }>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.requests && !options.abortSignal?.aborted) {
      const index = next++;
      const slot = { peak: 0 };
      active.add(slot);
      for (const other of active) other.peak = Math.max(other.peak, active.size);
      const started = now();
      let sample: ProbeSample;
      try {
        const status = await send(index);
        sample = { status, latencyMs: now() - started, peakInFlight: slot.peak };
      } catch (e) {
        sample = {
          latencyMs: now() - started,
          peakInFlight: slot.peak,
          failure: e instanceof Error ? e.message : String(e),
        };
      } finally {
        active.delete(slot);
      }
      if (options.abortSignal?.aborted && sample.status === undefined) continue;
      samples.push(sample);
      options.onSample?.(sample, samples.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.requests) }, worker));
  return samples;
}

/** Where 429s began compared with the documented limit. */
export type LimitVerdict =
  /** No 429 at all. */
  | 'no429'
  /** The first 429s came with more in flight than the limit: as documented. */
  | 'aboveLimit'
  /** 429s with no more in flight than the limit: other traffic, or a rate limit per second. */
  | 'atOrBelowLimit'
  /** 429s, and the limit is unknown. */
  | 'limitUnknown';

export interface ProbeSummary {
  sent: number;
  answered: number;
  failed: number;
  /** Status → count, ascending by status. */
  statusCounts: [number, number][];
  /** Latency of every answer (ms). */
  all: Percentiles;
  /** Latency of the 2xx answers (ms). */
  success: Percentiles;
  /** The fewest of the probe's requests in flight with which a 429 came back. */
  first429InFlight?: number;
  /** The most in flight among requests answered without a 429. */
  mostInFlightWithout429?: number;
  limit?: number;
  verdict: LimitVerdict;
}

export interface Percentiles {
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

function percentilesOf(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

export function summarizeProbe(samples: readonly ProbeSample[], limit: number | undefined): ProbeSummary {
  const answered = samples.filter((s) => s.status !== undefined);
  const counts = new Map<number, number>();
  for (const s of answered) counts.set(s.status!, (counts.get(s.status!) ?? 0) + 1);
  const limited = answered.filter((s) => s.status === 429).map((s) => s.peakInFlight);
  const notLimited = answered.filter((s) => s.status !== 429).map((s) => s.peakInFlight);
  const first429InFlight = limited.length ? Math.min(...limited) : undefined;
  const verdict: LimitVerdict =
    first429InFlight === undefined
      ? 'no429'
      : limit === undefined
        ? 'limitUnknown'
        : first429InFlight > limit
          ? 'aboveLimit'
          : 'atOrBelowLimit';
  return {
    sent: samples.length,
    answered: answered.length,
    failed: samples.length - answered.length,
    statusCounts: [...counts.entries()].sort(([a], [b]) => a - b),
    all: percentilesOf(answered.map((s) => s.latencyMs)),
    success: percentilesOf(
      answered.filter((s) => s.status! >= 200 && s.status! < 300).map((s) => s.latencyMs),
    ),
    ...(first429InFlight !== undefined ? { first429InFlight } : {}),
    ...(notLimited.length ? { mostInFlightWithout429: Math.max(...notLimited) } : {}),
    ...(limit !== undefined ? { limit } : {}),
    verdict,
  };
}

export interface ProbeReportContext {
  endpointName: string;
  deploymentName: string;
  requests: number;
  concurrency: number;
  maxConcurrentRequestsPerInstance?: number;
  instanceCount?: number;
  cancelled: boolean;
}

const ms = (v: number | undefined) => (v === undefined ? '-' : `${Math.round(v)} ms`);

/** The report as Markdown, in the user's language. */
export function renderProbeReport(summary: ProbeSummary, context: ProbeReportContext): string {
  const lines: string[] = [
    `# ${l10n.t('Load probe of {0} › {1}', context.endpointName, context.deploymentName)}`,
    '',
    l10n.t(
      '{0} of {1} requests sent at concurrency {2}.',
      String(summary.sent),
      String(context.requests),
      String(context.concurrency),
    ),
  ];
  if (context.cancelled) lines.push('', l10n.t('Cancelled: the figures cover the requests that ended.'));
  if (summary.failed)
    lines.push('', l10n.t('{0} requests got no answer (network failure).', String(summary.failed)));

  lines.push('', `## ${l10n.t('Latency')}`, '');
  lines.push(`| | ${l10n.t('Answers')} | p50 | p95 | p99 |`, '|---|---:|---:|---:|---:|'); // l10n-ignore: percentile names
  const row = (label: string, p: Percentiles) =>
    `| ${label} | ${p.count} | ${ms(p.p50)} | ${ms(p.p95)} | ${ms(p.p99)} |`;
  lines.push(row(l10n.t('All answers'), summary.all), row(l10n.t('Successful (2xx)'), summary.success));

  lines.push('', `## ${l10n.t('Status codes')}`, '');
  if (summary.statusCounts.length === 0) lines.push(l10n.t('No answers.'));
  // What each code means, in the troubleshooting guide's words (the table the answer and Diagnose use).
  for (const [status, count] of summary.statusCounts) {
    const reason = statusGuide(status)?.reason;
    lines.push(`- HTTP ${status}: ${count}${reason ? ` (${reason})` : ''}`);
  }

  lines.push('', `## ${l10n.t('Concurrency limit')}`, '');
  if (summary.limit !== undefined)
    lines.push(
      l10n.t(
        'Documented limit: {0} requests in flight (2 × max_concurrent_requests_per_instance {1} × instance count {2}); above it the deployment answers 429.',
        String(summary.limit),
        String(context.maxConcurrentRequestsPerInstance),
        String(context.instanceCount),
      ),
    );
  else
    lines.push(
      l10n.t(
        'Documented limit unknown: the deployment does not say its max_concurrent_requests_per_instance ({0}) or instance count ({1}).',
        context.maxConcurrentRequestsPerInstance === undefined
          ? l10n.t('unknown')
          : String(context.maxConcurrentRequestsPerInstance),
        context.instanceCount === undefined ? l10n.t('unknown') : String(context.instanceCount),
      ),
    );
  lines.push('');
  switch (summary.verdict) {
    case 'no429':
      lines.push(
        l10n.t(
          'No 429: up to {0} requests in flight were all accepted.',
          String(summary.mostInFlightWithout429 ?? 0),
        ),
      );
      break;
    case 'aboveLimit':
      lines.push(
        l10n.t(
          '429s began with {0} requests in flight, above the documented limit of {1}: as documented.',
          String(summary.first429InFlight),
          String(summary.limit),
        ),
      );
      break;
    case 'atOrBelowLimit':
      lines.push(
        l10n.t(
          '429s began with {0} requests in flight, within the documented limit of {1}: other traffic shares this deployment, or the endpoint limits requests per second.',
          String(summary.first429InFlight),
          String(summary.limit),
        ),
      );
      break;
    case 'limitUnknown':
      lines.push(
        l10n.t(
          '429s began with {0} requests in flight; the documented limit is unknown.',
          String(summary.first429InFlight),
        ),
      );
      break;
  }
  return lines.join('\n') + '\n';
}
