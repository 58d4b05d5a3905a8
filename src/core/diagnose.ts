// Diagnose Deployment, the pure part: match what was gathered about a deployment against the
// failure classes of Azure ML's troubleshooting guide for online endpoints
// (learn.microsoft.com/azure/machine-learning/how-to-troubleshoot-online-endpoints) and rank them.
// Texts are ids here; src/diagnose/ words them in the user's language, and the status codes'
// texts come from the guide's table in statusGuide.ts (the test request's answer reads it too).
import { STATUS_ANCHOR, type GuideStatus } from './statusGuide';

export type FailureClass =
  | 'imageBuild'
  | 'outOfQuota'
  | 'modelDownload'
  | 'initError'
  | 'crashLoop'
  | 'outOfMemory'
  | 'timeout408'
  | 'modelError424'
  | 'throttled429'
  | 'scaleOut503'
  | 'serverError500';

/** Most decisive first: a deployment that never started outranks the symptoms of one that runs. */
export const FAILURE_ORDER: readonly FailureClass[] = [
  'imageBuild',
  'outOfQuota',
  'modelDownload',
  'initError',
  'outOfMemory',
  'crashLoop',
  'throttled429',
  'timeout408',
  'modelError424',
  'scaleOut503',
  // Last: the platform's own failure, which the user can only report; anything above is theirs to fix.
  'serverError500',
];

/** The classes seen in the traffic, and the status code each counts (by envoy_response_code). */
export const TRAFFIC_STATUS = {
  timeout408: 408,
  modelError424: 424,
  throttled429: 429,
  scaleOut503: 503,
  serverError500: 500,
} as const satisfies Partial<Record<FailureClass, GuideStatus>>;
export type TrafficClass = keyof typeof TRAFFIC_STATUS;

export function isTrafficClass(failure: FailureClass): failure is TrafficClass {
  return failure in TRAFFIC_STATUS;
}

/** The guide's section of each class (anchor on how-to-troubleshoot-online-endpoints). */
export const DOCS_ANCHOR: Record<FailureClass, string> = {
  imageBuild: 'error-imagebuildfailure',
  outOfQuota: 'error-outofquota',
  modelDownload: 'unable-to-download-user-model',
  initError: 'error-resourcenotready',
  crashLoop: 'error-resourcenotready',
  outOfMemory: 'error-outofquota',
  timeout408: STATUS_ANCHOR[TRAFFIC_STATUS.timeout408],
  modelError424: STATUS_ANCHOR[TRAFFIC_STATUS.modelError424],
  throttled429: STATUS_ANCHOR[TRAFFIC_STATUS.throttled429],
  scaleOut503: STATUS_ANCHOR[TRAFFIC_STATUS.scaleOut503],
  serverError500: STATUS_ANCHOR[TRAFFIC_STATUS.serverError500],
};

export type EvidenceSource =
  'operation' | 'storageInitializerLog' | 'inferenceServerLog' | 'eventLog' | 'metrics';

export interface EvidenceLine {
  source: EvidenceSource;
  /** 1-based line in that log, when it is a log line. */
  line?: number;
  text: string;
}

export interface Finding {
  failure: FailureClass;
  evidence: EvidenceLine[];
  /** Figures the fix text needs (share of requests, the concurrency limit, the timeout…). */
  figures: Record<string, number>;
}

export interface Evidence {
  provisioningState?: string;
  instanceCount?: number;
  maxConcurrentRequestsPerInstance?: number;
  requestTimeoutMs?: number;
  failedOperation?: { code?: string; message?: string };
  storageInitializerLog?: string;
  inferenceServerLog?: string;
  events?: { name: string; message: string }[];
  /** Status code → requests over the window (RequestsPerMinute by envoy_response_code, summed). */
  statusMix?: Map<string, number>;
}

export interface Diagnosis {
  /** The first finding's class, or 'healthy', or 'unknown' (no finding, but not healthy either). */
  verdict: FailureClass | 'healthy' | 'unknown';
  findings: Finding[];
}

/** A traffic class counts when at least this share of requests carries its code. */
const TRAFFIC_SHARE = 0.01;
const MAX_EVIDENCE = 12;

function lines(text: string | undefined): string[] {
  return text ? text.split(/\r?\n/).filter((l, i, all) => l !== '' || i < all.length - 1) : [];
}

function grep(text: string | undefined, source: EvidenceSource, pattern: RegExp): EvidenceLine[] {
  const found: EvidenceLine[] = [];
  lines(text).forEach((l, i) => {
    if (pattern.test(l) && found.length < MAX_EVIDENCE) found.push({ source, line: i + 1, text: l });
  });
  return found;
}

/** The traceback of a failed init(): from "Traceback" to the exception line, when it passes through init. */
export function initTraceback(log: string | undefined): EvidenceLine[] {
  const all = lines(log);
  for (let i = 0; i < all.length; i++) {
    if (!/Traceback \(most recent call last\)/.test(all[i]!)) continue;
    const block: EvidenceLine[] = [{ source: 'inferenceServerLog', line: i + 1, text: all[i]! }];
    let j = i + 1;
    // Frames are indented; the exception line is the first unindented one after them.
    while (j < all.length && /^\s/.test(all[j]!)) {
      block.push({ source: 'inferenceServerLog', line: j + 1, text: all[j]! });
      j++;
    }
    if (j < all.length) block.push({ source: 'inferenceServerLog', line: j + 1, text: all[j]! });
    const inInit =
      block.some((l) => /, in init\b/.test(l.text)) ||
      (i > 0 && /init function failed|init\(\) failed/i.test(all[i - 1]!)) ||
      /init function failed/i.test(all[i]!);
    if (inInit) return block.slice(0, 30);
  }
  return [];
}

function operationEvidence(e: Evidence, pattern: RegExp): EvidenceLine[] {
  const op = e.failedOperation;
  if (!op) return [];
  const text = [op.code, op.message].filter(Boolean).join(': ');
  return pattern.test(text) ? [{ source: 'operation', text }] : [];
}

function total(mix: Map<string, number> | undefined): number {
  let sum = 0;
  for (const v of mix?.values() ?? []) sum += v;
  return sum;
}

export function diagnose(e: Evidence): Diagnosis {
  const findings: Finding[] = [];
  const add = (failure: FailureClass, evidence: EvidenceLine[], figures: Record<string, number> = {}) => {
    if (evidence.length) findings.push({ failure, evidence: evidence.slice(0, 30), figures });
  };

  add('imageBuild', operationEvidence(e, /ImageBuildFailure|image build/i));
  add('outOfQuota', operationEvidence(e, /OutOfQuota|not enough quota/i));
  add('modelDownload', [
    ...operationEvidence(e, /download (the )?user model/i),
    ...grep(
      e.storageInitializerLog,
      'storageInitializerLog',
      /\b(ERROR|Failed)\b.*download|unable to download/i,
    ),
  ]);
  const traceback = initTraceback(e.inferenceServerLog);
  const notReady = operationEvidence(e, /ResourceNotReady|UserScriptInitFailed/);
  if (traceback.length)
    add('initError', [
      ...notReady,
      ...grep(e.inferenceServerLog, 'inferenceServerLog', /init function failed/i),
      ...traceback,
    ]);
  // Not ready and not a line of log: the container never started far enough to write one.
  else if (lines(e.inferenceServerLog).length === 0) add('initError', notReady);
  add('outOfMemory', [
    ...grep(e.inferenceServerLog, 'inferenceServerLog', /SIGKILL|out of memory|OOMKilled|exit code 137/i),
    ...(e.events ?? [])
      .filter((ev) => /oom|out of memory/i.test(`${ev.name} ${ev.message}`))
      .slice(0, MAX_EVIDENCE)
      .map((ev) => ({ source: 'eventLog' as const, text: `${ev.name}: ${ev.message}` })),
  ]);
  const boots = grep(e.inferenceServerLog, 'inferenceServerLog', /Azure ML Inferencing HTTP server v/);
  const probes = grep(e.inferenceServerLog, 'inferenceServerLog', /(Liveness|Readiness) probe failed/i);
  const crashEvents = (e.events ?? [])
    .filter((ev) => /probe|backoff|restart|crash/i.test(`${ev.name} ${ev.message}`))
    .slice(0, MAX_EVIDENCE)
    .map((ev) => ({ source: 'eventLog' as const, text: `${ev.name}: ${ev.message}` }));
  if (probes.length || crashEvents.length || boots.length >= 3)
    add('crashLoop', [...probes, ...crashEvents, ...(boots.length >= 2 ? boots : [])], {
      restarts: Math.max(0, boots.length - 1),
    });

  const all = total(e.statusMix);
  const share = (code: string) => (all > 0 ? (e.statusMix?.get(code) ?? 0) / all : 0);
  const trafficLine = (code: string) => ({
    source: 'metrics' as const,
    text: `RequestsPerMinute envoy_response_code=${code}: ${(share(code) * 100).toFixed(1)}%`,
  });
  for (const [failure, status] of Object.entries(TRAFFIC_STATUS) as [TrafficClass, GuideStatus][]) {
    const code = String(status);
    if (share(code) < TRAFFIC_SHARE) continue;
    const figures: Record<string, number> = { share: share(code) };
    if (failure === 'throttled429' && e.maxConcurrentRequestsPerInstance && e.instanceCount)
      // The guide: at most 2 × max_concurrent_requests_per_instance × instance_count in parallel.
      figures.limit = 2 * e.maxConcurrentRequestsPerInstance * e.instanceCount;
    if (failure === 'timeout408' && e.requestTimeoutMs) figures.timeoutMs = e.requestTimeoutMs;
    add(failure, [trafficLine(code)], figures);
  }

  findings.sort((a, b) => FAILURE_ORDER.indexOf(a.failure) - FAILURE_ORDER.indexOf(b.failure));
  const verdict = findings[0]?.failure ?? (e.provisioningState === 'Failed' ? 'unknown' : 'healthy');
  return { verdict, findings };
}

/** requestSettings of a deployment's raw properties (ISO 8601 requestTimeout → ms). */
export function requestSettingsOf(properties: Record<string, unknown> | undefined): {
  maxConcurrentRequestsPerInstance?: number;
  requestTimeoutMs?: number;
} {
  const rs = properties?.requestSettings as
    { maxConcurrentRequestsPerInstance?: unknown; requestTimeout?: unknown } | undefined;
  const out: { maxConcurrentRequestsPerInstance?: number; requestTimeoutMs?: number } = {};
  if (typeof rs?.maxConcurrentRequestsPerInstance === 'number')
    out.maxConcurrentRequestsPerInstance = rs.maxConcurrentRequestsPerInstance;
  const timeout = typeof rs?.requestTimeout === 'string' ? isoDurationMs(rs.requestTimeout) : undefined;
  if (timeout !== undefined) out.requestTimeoutMs = timeout;
  return out;
}

/** PT5S, PT1M30S, PT0.5S → ms; undefined for anything else. */
export function isoDurationMs(value: string): number | undefined {
  const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(value);
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  return Math.round((Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000);
}
