// The polling loop of one log stream, free of vscode so that tests run it in plain Node against the
// emulator: fetch a snapshot, print exactly the new lines (core/logTail), sleep, repeat. Failures
// back off and resume from the last good snapshot, so nothing is lost or printed twice.
import { isAzureRequestError } from '../azure/errors';
import { type LogTailResult, type LogTailState, nextLogLines } from '../core/logTail';
import { defaultCutNote, scrubSecrets } from '../core/scrubSecrets';

/** Fetches the last `tail` lines; rejects with AzureRequestError on failure. */
export type FetchSnapshot = (tail: number, abortSignal: AbortSignal) => Promise<string>;

export type FollowerState = 'live' | 'reconnecting' | 'ended';

export interface FollowerSink {
  /** Complete lines, each ending with '\n', already scrubbed of secrets. */
  append(text: string): void;
  status(state: FollowerState): void;
}

/** Marker lines, localized by the caller. */
export interface FollowerMessages {
  restarted(): string;
  skipped(window: number, widenedTo: number): string;
  reconnecting(reason: string): string;
  reconnected(): string;
  /** Put where an over-long line was cut (the scrubber looks at MAX_SCRUBBED_LINE characters a line). */
  lineCut?(removed: number): string;
  /** A failure no retry can fix (404 gone, 403 missing role, 400): the stream ends. */
  ended(reason: string, error: unknown): string;
}

export interface FollowerOptions {
  fetch: FetchSnapshot;
  sink: FollowerSink;
  messages: FollowerMessages;
  /** Read on every poll, so setting changes apply at once. */
  tailLines(): number;
  pollIntervalMs(): number;
  maxBackoffMs(): number;
  /** Largest window the stream widens to after skipped lines (default 10,000). */
  maxTailLines?: number;
  /** Timers and randomness, injectable for tests. */
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
  /** A failure of the sink itself; the stream has stopped. */
  onError?: (e: unknown) => void;
  /** Lets the host breathe between chunks of a very large print. */
  yieldToHost?: () => Promise<void>;
}

/** Characters per append of a large print (whole lines); between chunks the loop yields to the host. */
export const PRINT_CHUNK_CHARS = 256 * 1024;
/** Polls without pressure before a widened window goes back to the setting. */
const CALM_POLLS_BEFORE_NARROWING = 20;

/** Failures that no retry can fix end the stream. */
function endsStream(e: unknown): boolean {
  return (
    isAzureRequestError(e) &&
    (e.kind === 'notFound' || e.kind === 'forbidden' || e.kind === 'badRequest' || e.kind === 'config')
  );
}

function describe(e: unknown): string {
  if (isAzureRequestError(e))
    return [e.statusCode, e.code ?? e.kind].filter((x) => x !== undefined).join(' ');
  return e instanceof Error ? e.message : String(e);
}

export class LogFollower {
  private state: LogTailState | undefined;
  private timer: unknown;
  private inFlight: AbortController | undefined;
  private stopped = false;
  private failures = 0;
  private widenedTail = 0;
  private intervalFactor = 1;
  private calmPolls = 0;
  private readonly setTimer: (run: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly finished: Promise<void>;
  private finish!: () => void;

  constructor(private readonly o: FollowerOptions) {
    this.setTimer = o.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.clearTimer = o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  /** Resolves when the stream ended (stopped, or the service is gone). */
  get done(): Promise<void> {
    return this.finished;
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  start(): void {
    this.o.sink.status('live');
    this.schedule(0);
  }

  /** Aborts the request in flight and clears the timer; nothing is appended after this. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.inFlight?.abort();
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.finish();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      // A sink that throws (its channel disposed) ends the stream rather than looping on it.
      this.poll().catch((e: unknown) => {
        this.stop();
        this.o.onError?.(e);
      });
    }, ms);
  }

  private currentTail(): number {
    // During an outage lines pile up: ask for a wider window so that the reconnecting poll still overlaps.
    const outage = this.failures > 0 ? this.o.tailLines() * 4 : 0;
    return Math.min(this.maxTail(), Math.max(this.o.tailLines(), this.widenedTail, outage));
  }

  private maxTail(): number {
    return Math.max(this.o.tailLines(), this.o.maxTailLines ?? 10_000);
  }

  private async poll(): Promise<void> {
    const tail = this.currentTail();
    const result = await this.fetchNewLines(tail);
    if (result === undefined || this.stopped) return;
    await this.received(result, tail);
    this.schedule(this.o.pollIntervalMs() * this.intervalFactor);
  }

  /**
   * The next snapshot's new lines, or undefined when the fetch failed. The snapshot itself is not
   * kept past this call: while the new lines print, only the window the tail state keeps is alive.
   */
  private async fetchNewLines(tail: number): Promise<LogTailResult | undefined> {
    const controller = new AbortController();
    this.inFlight = controller;
    let text: string;
    try {
      text = await this.o.fetch(tail, controller.signal);
    } catch (e) {
      if (!this.stopped) this.failed(e);
      return undefined;
    } finally {
      if (this.inFlight === controller) this.inFlight = undefined;
    }
    if (this.stopped) return undefined;
    const result = nextLogLines(this.state, text, tail);
    this.state = result.state;
    return result;
  }

  private failed(e: unknown): void {
    if (endsStream(e)) {
      this.o.sink.append(`${this.o.messages.ended(describe(e), e)}\n`);
      this.o.sink.status('ended');
      this.stop();
      return;
    }
    this.failures++;
    if (this.failures === 1) {
      // One line per outage, however many retries it takes.
      this.o.sink.append(`${this.o.messages.reconnecting(describe(e))}\n`);
      this.o.sink.status('reconnecting');
    }
    const exponential = this.o.pollIntervalMs() * 2 ** Math.min(this.failures - 1, 16);
    const retryAfter =
      isAzureRequestError(e) && e.retryAfterSeconds !== undefined ? e.retryAfterSeconds * 1000 : 0;
    const jitter = 0.9 + 0.2 * (this.o.random ?? Math.random)();
    this.schedule(Math.min(this.o.maxBackoffMs(), Math.max(retryAfter, exponential * jitter)));
  }

  private async received(result: LogTailResult, tail: number): Promise<void> {
    if (this.failures > 0) {
      this.failures = 0;
      this.o.sink.append(`${this.o.messages.reconnected()}\n`);
      this.o.sink.status('live');
    }
    // The old log's last line, held back while it was being written, belongs before the marker.
    if (result.beforeReset) await this.print(`${result.beforeReset.join('\n')}\n`);
    if (result.event === 'reset') this.o.sink.append(`${this.o.messages.restarted()}\n`);
    if (result.widen) {
      const widenedTo = Math.min(this.maxTail(), tail * 2);
      this.o.sink.append(`${this.o.messages.skipped(tail, widenedTo)}\n`);
      // Already at the widest window: poll sooner instead.
      if (widenedTo === tail) this.intervalFactor = Math.max(0.25, this.intervalFactor / 2);
      this.widenedTail = widenedTo;
      this.calmPolls = 0;
    } else if (this.widenedTail > 0 || this.intervalFactor < 1) {
      // Narrow back once the setting's window would have held every poll with room to spare.
      this.calmPolls = countLines(result.text) * 2 < this.o.tailLines() ? this.calmPolls + 1 : 0;
      if (this.calmPolls >= CALM_POLLS_BEFORE_NARROWING) {
        this.widenedTail = 0;
        this.intervalFactor = 1;
        this.calmPolls = 0;
      }
    }
    await this.print(result.text);
  }

  private cutNote(removed: number): string {
    return this.o.messages.lineCut?.(removed) ?? defaultCutNote(removed);
  }

  /** Prints whole lines (text ends with '\n'), scrubbed, about PRINT_CHUNK_CHARS at a time, yielding between chunks. */
  private async print(text: string): Promise<void> {
    for (let from = 0; from < text.length && !this.stopped;) {
      if (from > 0) await (this.o.yieldToHost ?? yieldToEventLoop)();
      if (this.stopped) return;
      const to = chunkEnd(text, from);
      // A slice of the kept window, not a copy; the scrubber copies only what it changes.
      this.o.sink.append(scrubSecrets(text.slice(from, to), { cutNote: (removed) => this.cutNote(removed) }));
      from = to;
    }
  }
}

/** End of the chunk starting at `from`: the first line end at or after PRINT_CHUNK_CHARS (a longer line goes whole; the scrubber cuts it). */
function chunkEnd(text: string, from: number): number {
  if (text.length - from <= PRINT_CHUNK_CHARS) return text.length;
  const lineEnd = text.indexOf('\n', from + PRINT_CHUNK_CHARS - 1);
  return lineEnd === -1 ? text.length : lineEnd + 1;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One snapshot (no follow), scrubbed, as complete lines. */
export async function fetchSnapshotText(
  fetch: FetchSnapshot,
  tail: number,
  abortSignal: AbortSignal,
  cutNote: (removed: number) => string = defaultCutNote,
): Promise<string> {
  const text = await fetch(tail, abortSignal);
  return scrubSecrets(nextLogLines(undefined, text, tail).text, { cutNote });
}
