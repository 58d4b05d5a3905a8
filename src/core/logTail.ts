// `tail -f` on top of snapshots: Azure's getLogs returns only the last `tail` lines of a container's
// log, so following it means polling and printing exactly the lines that are new since the previous
// snapshot. Pure: no vscode, no I/O.
//
// Model and assumptions
// - A container's log only grows until the container restarts, which starts a new, empty log.
// - A snapshot is the last `min(tail, length)` lines of the current log. CRLF counts as LF. A last
//   line without a newline may still be being written ("Loading model..." then "... done" later):
//   while it changes from one poll to the next it is held back (the window is then one line
//   shorter), and it is printed once it is terminated or comes back unchanged, so a finished
//   "server started" shows one poll late at most. On the first poll it is printed at once. When an
//   open line that was printed grows later, only what it gained is printed, as a line of its own:
//   the previous last line being a prefix of the new one is growth, not a restart. A held line that
//   is gone or changed at the next poll, while the lines before it are still in place, means the log
//   started over: a log only grows, and a held line can only grow or end.
// - A snapshot with fewer lines than requested ("not full") is therefore the whole log.
//
// Matching. The previous snapshot `prev` (P lines) ended at some line `j` of the new snapshot
// `next` (N lines). `j` is consistent when the lines both snapshots would share agree:
//   j >= P: next[j-P .. j) == prev            (the new window is wider and contains prev), or
//   j <  P: next[0 .. j) == prev[P-j .. P)    (suffix of prev == prefix of next).
// The new lines are next[j .. N). Which j:
// - next not full, whole log seen before: the log's absolute length at prev's end is known, so j is
//   known; if those lines or the log's first line differ, the log was replaced -> 'reset'.
// - next not full otherwise: prev must lie inside next (j >= P); largest such j, none -> 'reset'.
// - next full: the largest consistent j >= 1; none -> 'gap' (more lines arrived than the window
//   holds, or a restart whose new log already overflows the window: lines may have been skipped).
// Taking the largest j prints the fewest lines: a line is printed only when the content proves it new.
// It is exactly right whenever only one consistent j exists. Several exist only when the shared part
// is periodic, e.g. a window full of identical health-check pings; then the count of repeats cannot be
// known from content and the result says `ambiguous`. Real container logs carry timestamps, so this
// needs a window that holds nothing but one repeated line.
// Limits no client of this service can escape: lines a container wrote after the last poll and before
// it restarted are gone with it; a restart is invisible when the new log repeats the old one line for
// line where prev ended (same first line included; unless a held line vanished, see above) or when the
// new log already overflows the window.
//
// Memory: one window is kept between polls (the snapshot itself when it has no CRLF) and the new
// lines are a slice of it; lines are split only on request, and the KMP fallback keeps 8 bytes a line.
//
// Cost: linear in the snapshot size. The fast path compares text, not lines: every consistent end is
// the end of a line equal to prev's last line, found with indexOf/lastIndexOf, and a candidate is
// verified with one string comparison (memcmp speed). After a few failed probes (adversarial input)
// it falls back to the Knuth-Morris-Pratt prefix function over lines: O(P + N) line comparisons, each
// an integer hash compare (FNV-1a of the length and both ends of the line) confirmed by a string
// comparison when the hashes agree, so a collision costs a compare but never makes two lines equal.

const NL = 10;

/** What the follower keeps between polls. Treat as opaque. */
export interface LogTailState {
  /** Previous snapshot, normalized: complete lines, each ending with '\n'. */
  readonly text: string;
  readonly lineCount: number;
  /** Absolute line count of the current log at the end of `text`, when the whole log was once seen. */
  readonly absoluteEnd: number | undefined;
  /** The log's first line, when the whole log was once seen (a restarted log starts anew). */
  readonly firstLine: string | undefined;
  /** An unterminated last line held back because it changed since the previous poll (not in `text`). */
  readonly heldLine?: string;
  /** The start of the held line that was already printed (it was open and printed, then grew). */
  readonly printedPart?: string;
  /** The last line of `text` was printed while unterminated, so it may still grow. */
  readonly lastLineOpen?: boolean;
}

export type LogTailEvent = 'first' | 'append' | 'reset' | 'gap';

export interface LogTailResult {
  /** first: no previous snapshot; append: continuation; reset: the log started over; gap: lines may have been skipped. */
  readonly event: LogTailEvent;
  /** The new lines, each ending with '\n' (for 'reset' and 'gap', the whole snapshot): a slice of the window kept in `state`, not a copy. */
  readonly text: string;
  /** The same lines without terminators, split on each read (the follower prints `text`). */
  readonly lines: string[];
  /** On 'reset': the old log's held-back open line, to print before the restart marker. */
  readonly beforeReset?: string[];
  /** Several overlaps fit (periodic content): the fewest new lines were taken. */
  readonly ambiguous: boolean;
  /** Widen the window or poll sooner for the next polls: lines may have been skipped. */
  readonly widen: boolean;
  readonly state: LogTailState;
}

export interface LogTailOptions {
  /** Skip the text fast path (tests compare both paths). */
  readonly forceLineMatch?: boolean;
}

/** CRLF to LF, and a final newline so that every line, the last included, ends with '\n'. */
export function normalizeSnapshot(text: string): string {
  const lf = toLf(text);
  return lf.length === 0 || lf.charCodeAt(lf.length - 1) === NL ? lf : lf + '\n';
}

/** Lines of a text (CRLF or LF), without terminators; a final newline does not make an empty line. */
export function splitLines(text: string): string[] {
  const normalized = normalizeSnapshot(text);
  if (normalized.length === 0) return [];
  const lines = normalized.split('\n');
  lines.pop();
  return lines;
}

/** Number of '\n' in text[from..to). */
function countNewlines(text: string, from = 0, to = text.length): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Char offset where line `index` starts in a normalized text (text.length when index == lineCount). */
function lineOffset(text: string, index: number): number {
  let offset = 0;
  for (let i = 0; i < index; i++) offset = text.indexOf('\n', offset) + 1;
  return offset;
}

function firstLineOf(text: string): string | undefined {
  const end = text.indexOf('\n');
  return end === -1 ? undefined : text.slice(0, end);
}

function isLineStart(text: string, offset: number): boolean {
  return offset === 0 || text.charCodeAt(offset - 1) === NL;
}

/** Is `end` (a char offset at a line end of next) a consistent end of prev? See the header. */
function consistentAt(prev: string, next: string, end: number): boolean {
  const shared = Math.min(end, prev.length);
  if (!isLineStart(next, end - shared) || !isLineStart(prev, prev.length - shared)) return false;
  // slice + === compares flat memory; startsWith(x, position) is ~20x slower in V8.
  return next.slice(end - shared, end) === prev.slice(prev.length - shared);
}

/**
 * Consistent ends of prev in next (char offsets), largest first, at most two; undefined when
 * too many probes failed. A consistent end is always the end of a line equal to prev's last line.
 */
function fastEnds(prev: string, next: string): number[] | undefined {
  const lastLineStart = prev.length < 2 ? 0 : prev.lastIndexOf('\n', prev.length - 2) + 1;
  const lastLine = prev.slice(lastLineStart);
  // indexOf is fast (forward search); lastIndexOf scans slowly, so it runs only where a hit exists.
  const firstAt = next.indexOf(lastLine);
  if (firstAt === -1) return [];
  const ends: number[] = [];
  let failedProbes = 0;
  for (let from = next.length - lastLine.length; from >= firstAt && ends.length < 2;) {
    const at = next.lastIndexOf(lastLine, from);
    from = at - 1;
    if (isLineStart(next, at) && consistentAt(prev, next, at + lastLine.length))
      ends.push(at + lastLine.length);
    else if (++failedProbes > 8) return undefined;
  }
  return ends;
}

/**
 * The lines of a normalized text by their start offsets, with a hash of each line's content, so
 * that KMP compares integers and verifies only on equal hashes. Offsets, not an array of strings:
 * a window of a million short lines would cost tens of bytes a line as strings, 8 bytes here.
 */
interface HashedLines {
  readonly text: string;
  /** count + 1 offsets: line i is text[starts[i], starts[i + 1] - 1). */
  readonly starts: Int32Array;
  readonly hashes: Int32Array;
  readonly count: number;
}

function hashLines(text: string): HashedLines {
  const count = countNewlines(text);
  const starts = new Int32Array(count + 1);
  const hashes = new Int32Array(count);
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = text.indexOf('\n', start);
    const length = end - start;
    // FNV-1a over the length and the first and last 16 chars: O(1) per line. Lines that differ only
    // in the middle share a hash and are told apart by the string comparison in same().
    let h = Math.imul(0x811c9dc5 ^ length, 0x01000193);
    const head = Math.min(16, length);
    for (let c = 0; c < head; c++) h = Math.imul(h ^ text.charCodeAt(start + c), 0x01000193);
    for (let c = Math.max(head, length - 16); c < length; c++)
      h = Math.imul(h ^ text.charCodeAt(start + c), 0x01000193);
    starts[i] = start;
    hashes[i] = h;
    start = end + 1;
  }
  starts[count] = start;
  return { text, starts, hashes, count };
}

function lineAt(x: HashedLines, i: number): string {
  return x.text.slice(x.starts[i] ?? 0, (x.starts[i + 1] ?? 0) - 1);
}

/** Equal lines; a hash collision is caught by comparing the strings. */
function same(x: HashedLines, i: number, y: HashedLines, k: number): boolean {
  return x.hashes[i] === y.hashes[k] && lineAt(x, i) === lineAt(y, k);
}

/** Same as fastEnds but in line indexes, by the KMP prefix function over line hashes. */
function lineEnds(a: HashedLines, b: HashedLines): number[] {
  const P = a.count;
  const N = b.count;
  const found: number[] = [];
  // j >= P: occurrences of a in b (pattern a over text b).
  const piA = prefixFunction(a);
  for (let i = 0, q = 0; i < N; i++) {
    while (q > 0 && (q === P || !same(a, q, b, i))) q = piA[q - 1] ?? 0;
    if (same(a, q, b, i)) q++;
    if (q === P) found.push(i + 1);
  }
  // j < P: prefixes of b that are suffixes of a (pattern b over text a); borders give all of them.
  const piB = prefixFunction(b);
  let q = 0;
  for (let i = 0; i < P; i++) {
    while (q > 0 && (q === N || !same(b, q, a, i))) q = piB[q - 1] ?? 0;
    if (q < N && same(b, q, a, i)) q++;
  }
  for (; q > 0; q = piB[q - 1] ?? 0) if (q < P) found.push(q);
  return [...new Set(found)].sort((x, y) => y - x).slice(0, 2);
}

function prefixFunction(s: HashedLines): Int32Array {
  const pi = new Int32Array(s.count);
  for (let i = 1, k = 0; i < s.count; i++) {
    while (k > 0 && !same(s, i, s, k)) k = pi[k - 1] ?? 0;
    if (same(s, i, s, k)) k++;
    pi[i] = k;
  }
  return pi;
}

/** CRLF to LF, and a last CR dropped (a snapshot cut between the CR and the LF of its last line). */
function toLf(text: string): string {
  // split/join rather than replace(): in the follower memory bench a 10 MB CRLF window needed a heap
  // of 3.2-3.5x the window this way, 4.1x with replace().
  const lf = text.includes('\r\n') ? text.split('\r\n').join('\n') : text;
  return lf.endsWith('\r') ? lf.slice(0, -1) : lf;
}

/**
 * A copy of a short piece of a snapshot that does not keep the snapshot alive: V8 makes a slice
 * of a long string point into its parent, so a first line or a printed part kept across polls
 * would hold a whole old window. Slicing a fresh concatenation makes V8 copy just the piece.
 */
function detached(piece: string): string {
  return piece.length < 16 ? piece : (' ' + piece).slice(1);
}

/** prev without its last line (an open line that grew), so the grown line matches as new. */
function withoutLastLine(prev: LogTailState): LogTailState {
  const lastStart = prev.text.lastIndexOf('\n', prev.text.length - 2) + 1;
  const lineCount = prev.lineCount - 1;
  return {
    text: prev.text.slice(0, lastStart),
    lineCount,
    absoluteEnd: prev.absoluteEnd === undefined ? undefined : prev.absoluteEnd - 1,
    firstLine: lineCount === 0 ? undefined : prev.firstLine,
    lastLineOpen: false,
  };
}

/** Where the new lines start in the normalized snapshot, and the state to keep. */
interface Match {
  readonly event: LogTailEvent;
  readonly from: number;
  readonly ambiguous: boolean;
  readonly state: LogTailState;
}

/**
 * The new lines of `snapshot` given the state from the previous call (undefined on the first poll),
 * `requestedTail` being the tail the snapshot was fetched with. Linear in the snapshot size.
 *
 * Memory: the state keeps one window (the snapshot itself, or its LF copy when it has CRLF) and
 * pieces of it copied out (see detached()); the result's text is a slice of that window. The
 * snapshot is copied only for CRLF and when an open last line is printed (a newline is added).
 */
export function nextLogLines(
  prev: LogTailState | undefined,
  snapshot: string,
  requestedTail: number,
  options: LogTailOptions = {},
): LogTailResult {
  const lf = toLf(snapshot);
  const openStart = lf.length === 0 || lf.charCodeAt(lf.length - 1) === NL ? -1 : lf.lastIndexOf('\n') + 1;
  const open = openStart === -1 ? undefined : { closed: lf.slice(0, openStart), open: lf.slice(openStart) };
  // A changed open line is still being written: match the terminated lines only, as a window one line shorter.
  const holding = prev !== undefined && open !== undefined && open.open !== prev.heldLine;
  const next = holding ? open.closed : open !== undefined ? lf + '\n' : lf;
  const window = holding ? requestedTail - 1 : requestedTail;
  let match = matchSnapshot(prev, next, window, options);
  let printedPart = prev?.printedPart;
  if (match.event !== 'append' && prev?.lastLineOpen === true && prev.lineCount > 0) {
    // The open line printed last time may have grown: match without it.
    const lastLine = prev.text.slice(prev.text.lastIndexOf('\n', prev.text.length - 2) + 1, -1);
    const grown = matchSnapshot(withoutLastLine(prev), next, window, options);
    const grows =
      grown.from < next.length
        ? next.startsWith(lastLine, grown.from)
        : holding && open.open.startsWith(lastLine);
    if (grown.event === 'append' && grows) {
      match = grown;
      printedPart = detached(lastLine);
    }
  }
  const held = prev?.heldLine;
  if (held !== undefined && match.event === 'append') {
    // A held line can only grow or end: the first new line, or the line still being written, starts
    // with it. Gone or changed, while the lines before it are still in place, the log started over
    // (even when its first line is the same: a new container prints the same banner).
    const goesOn =
      match.from < next.length ? next.startsWith(held, match.from) : holding && open.open.startsWith(held);
    if (!goesOn) match = restarted(next, window);
  }
  let from = match.from;
  if (printedPart !== undefined) {
    // Print only what the line gained since part of it was printed.
    if (match.event === 'append' && from < next.length && next.startsWith(printedPart, from)) {
      from += printedPart.length;
      printedPart = undefined;
    } else if (!(holding && from === next.length && open.open.startsWith(printedPart))) {
      printedPart = undefined;
    }
  }
  let beforeReset: string[] | undefined;
  if (match.event === 'reset' && held !== undefined) {
    // The old log's held line was never printed (or only its start): it belongs before the restart marker.
    const part = prev?.printedPart;
    beforeReset = [part !== undefined && held.startsWith(part) ? held.slice(part.length) : held];
  }
  const text = from === 0 ? next : next.slice(from);
  const result: Omit<LogTailResult, 'lines'> = {
    event: match.event,
    text,
    ambiguous: match.ambiguous,
    widen: match.event === 'gap',
    ...(beforeReset ? { beforeReset } : {}),
    state: {
      ...match.state,
      ...(holding ? { heldLine: open.open } : {}),
      ...(printedPart !== undefined ? { printedPart } : {}),
      lastLineOpen: !holding && open !== undefined,
    },
  };
  // Split on demand only (tests, small callers): the follower prints `text` as it is.
  return Object.defineProperty(result, 'lines', { get: () => splitLines(text) }) as LogTailResult;
}

/** The first line of a normalized text, copied out of it. */
function firstLineKept(next: string, prevFirstLine: string | undefined): string | undefined {
  const first = firstLineOf(next);
  return first === undefined || first === prevFirstLine ? prevFirstLine : detached(first);
}

/** A log that started over, seen in the normalized snapshot `next`. */
function restarted(next: string, requestedTail: number): Match {
  const N = countNewlines(next);
  const wholeLog = N < requestedTail;
  return {
    event: 'reset',
    from: 0,
    ambiguous: false,
    state: {
      text: next,
      lineCount: N,
      absoluteEnd: wholeLog ? N : undefined,
      firstLine: wholeLog ? firstLineKept(next, undefined) : undefined,
    },
  };
}

/** `next` is normalized: LF line ends, every line terminated. */
function matchSnapshot(
  prev: LogTailState | undefined,
  next: string,
  requestedTail: number,
  options: LogTailOptions,
): Match {
  // Counting every line costs ~0.1 ms per 10,000; on the common path N comes from the changed part only.
  let lineCount: number | undefined;
  const countAll = (): number => (lineCount ??= countNewlines(next));
  const result = (
    event: LogTailEvent,
    from: number,
    absoluteEnd: number | undefined,
    ambiguous = false,
  ): Match => {
    const N = countAll();
    const wholeLog = N < requestedTail;
    return {
      event,
      from,
      ambiguous,
      state: {
        text: next,
        lineCount: N,
        absoluteEnd: wholeLog ? N : absoluteEnd,
        firstLine: wholeLog
          ? firstLineKept(next, prev?.firstLine)
          : event === 'append'
            ? prev?.firstLine
            : undefined,
      },
    };
  };
  const exactAfterWholeLog = (state: LogTailState, absoluteEnd: number): Match => {
    const N = countAll();
    const sameStart = state.firstLine === undefined || state.firstLine === firstLineOf(next);
    const end = absoluteEnd >= state.lineCount && absoluteEnd <= N ? lineOffset(next, absoluteEnd) : -1;
    if (sameStart && end >= 0 && consistentAt(state.text, next, end)) return result('append', end, N);
    return result('reset', 0, N);
  };

  if (!prev) return result('first', 0, undefined);
  const P = prev.lineCount;
  if (P === 0)
    return result(
      countAll() < requestedTail || prev.absoluteEnd === undefined ? 'append' : 'gap',
      0,
      undefined,
    );

  // Consistent ends of prev in next as char offsets, largest first, at most two.
  let ends = options.forceLineMatch ? undefined : fastEnds(prev.text, next);
  if (ends === undefined) {
    const nextLines = hashLines(next);
    lineCount = nextLines.count;
    ends = lineEnds(hashLines(prev.text), nextLines).map((j) => nextLines.starts[j] ?? next.length);
  }
  const [best] = ends;
  if (lineCount === undefined && best !== undefined) {
    // Lines up to best: prev's lines plus the older lines before it, or prev's lines minus those that scrolled out.
    const before =
      best >= prev.text.length
        ? P + countNewlines(next, 0, best - prev.text.length)
        : P - countNewlines(prev.text, 0, prev.text.length - best);
    lineCount = before + countNewlines(next, best);
  }
  const wholeLog = countAll() < requestedTail;
  if (wholeLog && prev.absoluteEnd !== undefined) return exactAfterWholeLog(prev, prev.absoluteEnd);
  // The whole log must contain all of prev.
  const [first, other] = wholeLog ? ends.filter((end) => end >= prev.text.length) : ends;
  if (first === undefined) return result(wholeLog ? 'reset' : 'gap', 0, undefined);
  const ambiguous = other !== undefined;
  const absoluteEnd =
    prev.absoluteEnd !== undefined && !ambiguous ? prev.absoluteEnd + countNewlines(next, first) : undefined;
  return result('append', first, absoluteEnd, ambiguous);
}
