// Fault injection per method and path: the answers Azure gives when things go wrong.

export type FaultKind =
  | '429'
  | '500'
  | '503'
  | 'slow'
  | 'drop'
  | 'lroFailed'
  | 'partialQuery'
  | '401'
  | '403'
  | '404'
  | '409'
  // Scoring URIs only (scoring.ts): timeout, model error, bad gateway.
  | '408'
  | '424'
  | '502'
  /** The normal answer's headers and half its body, then the connection is reset. */
  | 'resetMidBody'
  /** 200 with the normal answer's JSON cut in half (a proxy that lost the end). */
  | 'truncatedJson'
  /** 502 with an HTML page, as a gateway in front of the service answers. */
  | 'htmlGateway'
  /** 400 whose message echoes the request's headers, the Authorization header included. */
  | 'echoHeaders'
  /** The normal answer with every link to the emulator (nextLink, operation URLs, discovery hosts) moved to `foreignOrigin`. */
  | 'foreignLinks'
  /**
   * getLogs only, changes the log rather than the answer: the log ends with a line still being
   * written (no newline), which gains a piece on every request the fault applies to and is ended
   * with a newline at the first getLogs after the fault is used up (see LiveLogs.growOpenLine).
   */
  | 'growingLastLine'
  /**
   * The next long-running operation started on that path never ends: its status stays InProgress
   * (v1: Running) and the resource stays in transition; the answer that starts it states
   * `operationTimeout` in x-ms-async-operation-timeout.
   */
  | 'inProgressForever';

export interface FaultSpec {
  method?: string;
  /** Substring of, or pattern tested against, the request path (repeated slashes collapsed). */
  path: RegExp | string;
  kind: FaultKind;
  /** How many matching requests it applies to (default 1; Infinity for all). */
  times?: number;
  retryAfterSeconds?: number;
  /** For 'foreignLinks': the origin links are moved to (e.g. another server's https://127.0.0.1:port). */
  foreignOrigin?: string;
  /** For 'slow': how long to wait before answering normally (default 2000 ms). */
  delayMs?: number;
  /** For 'inProgressForever': the ISO 8601 duration sent in x-ms-async-operation-timeout (default PT2S). */
  operationTimeout?: string;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
  hits: number;
}

export class FaultController {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    this.faults.push({ ...spec, remaining: spec.times ?? 1, hits: 0 });
  }

  clear(): void {
    this.faults = [];
  }

  /** How many requests each fault has been applied to, in order of addition. */
  hits(): number[] {
    return this.faults.map((f) => f.hits);
  }

  /**
   * The fault that applies to this request, consumed. Kinds in `only` restrict the match (the
   * server asks separately for the flags that change an answer rather than replace it).
   */
  take(
    method: string,
    path: string,
    only?: readonly FaultKind[],
    except?: readonly FaultKind[],
  ): FaultSpec | undefined {
    const f = this.faults.find(
      (x) =>
        x.remaining > 0 &&
        (!x.method || x.method.toUpperCase() === method) &&
        (typeof x.path === 'string' ? path.includes(x.path) : x.path.test(path)) &&
        (!only || only.includes(x.kind)) &&
        (!except || !except.includes(x.kind)),
    );
    if (!f) return undefined;
    f.remaining--;
    f.hits++;
    return f;
  }
}
