// Live container logs. Each log grows while the emulator runs: timestamps, INFO/WARNING/ERROR lines
// as azureml-inference-server writes them, runs of identical health-probe lines (on purpose: a
// client must neither duplicate nor drop them), and container restarts that reset the log. The
// service answers only the last `tail` lines; groundTruth() keeps every line ever written.
import { hashString, seededRandom } from './random';

export type LogFlavor = 'inferenceServer' | 'storageInitializer' | 'legacyMain' | 'legacyInit';

/** Lines kept per log: the service never answers more than its tail anyway. */
const BUFFER_LINES = 10_000;

interface LiveLog {
  flavor: LogFlavor;
  random: () => number;
  /** Lines of the current container lifetime (the last BUFFER_LINES of them). */
  current: string[];
  truth: string[];
  /** Indices into truth where a container lifetime starts (the first is 0). */
  restarts: number[];
  linesSinceRestart: number;
  pid: number;
  /** A pinned log (a container that failed or keeps crashing) does not grow by itself. */
  pinned?: boolean;
  /** The last line while it is being written: not yet ended by a newline (see growOpenLine). */
  open?: string;
  /** Pieces the open line has gained. */
  openPieces?: number;
}

export interface LiveLogsOptions {
  seed: number;
  intervalMs: number;
  /** An inference server restarts after about this many lines (0 = only on request). */
  restartEveryLines: number;
  now: () => Date;
}

/** Key of a deployment's log: `${subscription}/${workspace}/${endpoint}/${deployment}#${container}`. */
export function deploymentLogKey(
  p: { subscriptionId: string; workspaceName: string; endpointName: string; deploymentName: string },
  container: 'InferenceServer' | 'StorageInitializer' = 'InferenceServer',
): string {
  return `${p.subscriptionId}/${p.workspaceName}/${p.endpointName}/${p.deploymentName}#${container}`.toLowerCase();
}

/** Key of a v1 service's log: `${subscription}/${workspace}/services/${name}#main|init`. */
export function legacyLogKey(
  p: { subscriptionId: string; workspaceName: string; serviceName: string },
  init = false,
): string {
  return `${p.subscriptionId}/${p.workspaceName}/services/${p.serviceName}#${init ? 'init' : 'main'}`.toLowerCase();
}

function normalizeKey(key: string): string {
  const k = key.toLowerCase();
  if (k.includes('#')) return k;
  return k.includes('/services/') ? `${k}#main` : `${k}#inferenceserver`;
}

function flavorOf(key: string): LogFlavor {
  if (key.endsWith('#storageinitializer')) return 'storageInitializer';
  if (key.endsWith('#init')) return 'legacyInit';
  if (key.endsWith('#main')) return 'legacyMain';
  return 'inferenceServer';
}

export class LiveLogs {
  private readonly logs = new Map<string, LiveLog>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LiveLogsOptions) {
    if (options.intervalMs > 0) {
      this.timer = setInterval(() => this.tick(), options.intervalMs);
      this.timer.unref();
    }
  }

  /**
   * The last `tail` lines of a log as the service answers them: newline-terminated, except a last
   * line still being written, which counts as one of the `tail` lines and comes without a newline.
   */
  content(key: string, tail: number): string {
    const log = this.get(key);
    const open = log.open !== undefined && tail > 0 ? log.open : undefined;
    const closedTail = Math.max(0, tail - (open === undefined ? 0 : 1));
    const lines = log.current.slice(Math.max(0, log.current.length - closedTail));
    return (lines.length ? `${lines.join('\n')}\n` : '') + (open ?? '');
  }

  /**
   * The log's last line is being written: it starts (or gains a piece) and has no newline yet, as
   * when score.py prints progress with `print(..., end='')` or flushes a partial line. A process
   * writing a line in pieces writes nothing else meanwhile, so the log does not tick until the line
   * ends. A partial line served as it stands, without a newline, is what the container log does:
   * the runtime stores it as a `P` (partial) record (k8s.io/cri-api, pkg/apis/runtime/v1/
   * constants.go, LogTagPartial) and the kubelet serves a partial record's content without the
   * record's newline (kubernetes/kubernetes, pkg/kubelet/kuberuntime/logs/logs.go, parseCRILog).
   * That getLogs passes it on unchanged is (inferred).
   */
  growOpenLine(key: string): void {
    const log = this.get(key);
    const pieces = (log.openPieces ?? 0) + 1;
    log.open =
      log.open === undefined
        ? `${this.stamp()} I [${log.pid}] azmlinfsrv.print - Loading model`
        : `${log.open} ... ${Math.min(99, pieces * 10)}%`;
    log.openPieces = pieces;
  }

  /** The line being written ends (with its newline): it joins the log, and the log ticks again. */
  endOpenLine(key: string): void {
    const log = this.get(key);
    if (log.open === undefined) return;
    const line = `${log.open} ... done`;
    log.open = undefined;
    log.openPieces = undefined;
    this.write(log, [line]);
  }

  /** Every line this log ever had, in order, across restarts. */
  groundTruth(key: string): string[] {
    return [...this.get(key).truth];
  }

  /** Indices into groundTruth() where a new container lifetime starts. */
  restartsOf(key: string): number[] {
    return [...this.get(key).restarts];
  }

  /** Restart the container now: the log starts anew with its boot sequence. */
  restart(key: string): void {
    const log = this.get(key);
    // A line being written goes with the old container, as far as it got.
    if (log.open !== undefined) log.truth.push(log.open);
    log.open = undefined;
    log.openPieces = undefined;
    log.current = [];
    log.restarts.push(log.truth.length);
    log.linesSinceRestart = 0;
    log.pid = 7 + Math.floor(log.random() * 90);
    this.write(log, this.bootLines(log));
  }

  /** Replace a log with fixed lines that do not grow (a failed or crash-looping container). */
  pin(key: string, lines: string[]): void {
    const log = this.get(key);
    log.current = [...lines];
    log.truth = [...lines];
    log.restarts = [0];
    log.linesSinceRestart = lines.length;
    log.pinned = true;
  }

  append(key: string, lines: string[]): void {
    this.write(this.get(key), lines);
  }

  /** Advance every log that someone has looked at by one interval. */
  tick(): void {
    for (const log of this.logs.values()) {
      if (log.pinned || log.open !== undefined) continue;
      this.write(log, this.nextLines(log));
      if (
        log.flavor === 'inferenceServer' &&
        this.options.restartEveryLines > 0 &&
        log.linesSinceRestart >= this.options.restartEveryLines
      ) {
        log.current = [];
        log.restarts.push(log.truth.length);
        log.linesSinceRestart = 0;
        this.write(log, this.bootLines(log));
      }
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private get(rawKey: string): LiveLog {
    const key = normalizeKey(rawKey);
    let log = this.logs.get(key);
    if (!log) {
      const random = seededRandom(this.options.seed ^ hashString(key));
      log = {
        flavor: flavorOf(key),
        random,
        current: [],
        truth: [],
        restarts: [0],
        linesSinceRestart: 0,
        pid: 7 + Math.floor(random() * 90),
      };
      this.logs.set(key, log);
      this.write(log, this.bootLines(log));
      // A log that existed before anyone looked has some history already.
      for (let i = 0; i < 12; i++) this.write(log, this.nextLines(log));
    }
    return log;
  }

  private write(log: LiveLog, lines: string[]): void {
    for (const line of lines) {
      log.current.push(line);
      log.truth.push(line);
    }
    log.linesSinceRestart += lines.length;
    if (log.current.length > BUFFER_LINES) log.current.splice(0, log.current.length - BUFFER_LINES);
  }

  private stamp(): string {
    // azureml-inference-server's format: 2026-11-23 10:00:01,123
    const d = this.options.now();
    const iso = d.toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
  }

  private bootLines(log: LiveLog): string[] {
    const t = this.stamp();
    switch (log.flavor) {
      case 'storageInitializer':
      case 'legacyInit':
        return [
          `${t} | INFO | Storage initializer starting`,
          `${t} | INFO | Downloading model artifacts to /var/azureml-app/azureml-models`,
          `${t} | INFO | Download of model.pkl completed (2.4 MB)`,
          `${t} | INFO | Storage initializer completed successfully`,
        ];
      default:
        return [
          `${t} I [${log.pid}] azmlinfsrv - Azure ML Inferencing HTTP server v1.4.0`,
          `${t} I [${log.pid}] azmlinfsrv - Server Settings: entry_script=score.py, scoring_timeout=60000 ms, workers=1`,
          `${t} I [${log.pid}] azmlinfsrv - Starting up app insights client`,
          `${t} I [${log.pid}] azmlinfsrv.user_script - Invoking user's init function`,
          `${t} I [${log.pid}] azmlinfsrv.print - model initialized ${t.slice(11, 19)}`,
          `${t} I [${log.pid}] azmlinfsrv.user_script - Users's init has completed successfully`,
          `${t} I [${log.pid}] gunicorn.error - Booting worker with pid: ${log.pid}`,
        ];
    }
  }

  private nextLines(log: LiveLog): string[] {
    const r = log.random;
    const t = this.stamp();
    if (log.flavor === 'storageInitializer' || log.flavor === 'legacyInit') {
      // The init container is done; it only rarely says anything more.
      return r() < 0.1 ? [`${t} | INFO | Storage initializer idle`] : [];
    }
    const lines: string[] = [];
    const count = 1 + Math.floor(r() * 3);
    for (let i = 0; i < count; i++) {
      const x = r();
      if (x < 0.35) {
        // Identical probe lines, repeated on purpose: no timestamp, same text every time.
        const n = 1 + Math.floor(r() * 4);
        for (let k = 0; k < n; k++) lines.push('127.0.0.1 - - "GET / HTTP/1.1" 200 7 "-" "kube-probe/1.29"');
      } else if (x < 0.8) {
        const ms = (5 + r() * 60).toFixed(1);
        lines.push(`${t} I [${log.pid}] azmlinfsrv - POST /score 200 ${ms}ms`);
        if (r() < 0.5)
          lines.push(
            `${t} I [${log.pid}] azmlinfsrv.print - {"input": "[[${(r() * 10).toFixed(2)}, ${(r() * 10).toFixed(2)}]]", "output": [${(r() * 100).toFixed(3)}]}`,
          );
      } else if (x < 0.93) {
        lines.push(
          `${t} W [${log.pid}] azmlinfsrv - Scoring request took ${(800 + r() * 2000).toFixed(0)} ms, close to the scoring timeout`,
        );
      } else {
        lines.push(`${t} E [${log.pid}] azmlinfsrv - POST /score 500 ${(r() * 40).toFixed(1)}ms`);
        lines.push(
          `${t} E [${log.pid}] azmlinfsrv - Encountered Exception: Traceback (most recent call last):`,
        );
        lines.push(`  File "/var/azureml-app/score.py", line 27, in run`);
        lines.push(`ValueError: Expected 2D array, got 1D array instead`);
      }
    }
    return lines;
  }
}
