// Property-style tests of the new-lines algorithm over generated logs: a seeded generator grows a
// container log with runs of identical health-check lines, restarts it at random, polls it with
// random windows, and compares what the algorithm emits with the ground truth.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LogTailState, nextLogLines, splitLines } from '../../src/core/logTail';
import { defaultCutNote, MAX_SCRUBBED_LINE, scrubSecrets } from '../../src/core/scrubSecrets';
import { seededDraws } from '../emulator/random';

const rng = seededDraws;

const PING = 'GET /health 200';

/** A container log: unique request lines, runs of identical pings (never two runs back to back), restarts. */
class GeneratedLog {
  lines: string[] = [];
  private boot = 0;
  private seq = 0;
  constructor(
    private readonly r: ReturnType<typeof rng>,
    private readonly maxRun: number,
  ) {
    this.restart();
  }
  restart(): void {
    this.lines = [`boot ${++this.boot}: listening on 5001`];
  }
  /** Appends n lines; returns them. */
  grow(n: number): string[] {
    const added: string[] = [];
    while (added.length < n) {
      const last = added.at(-1) ?? this.lines.at(-1);
      const run = last !== PING && this.r.chance(0.4) ? this.r.int(1, this.maxRun) : 0;
      for (let i = 0; i < run && added.length < n; i++) added.push(PING);
      if (added.length < n) added.push(`INFO request ${++this.seq} served`);
    }
    this.lines.push(...added);
    return added;
  }
  /** The service's answer: the last `tail` lines, with random line ends, every line terminated
   * (an unterminated last line may still be growing: see the growing-line property below). */
  snapshot(tail: number): string {
    const window = this.lines.slice(-tail);
    const eol = this.r.chance(0.2) ? '\r\n' : '\n';
    const body = window.join(eol);
    // The draw is kept so that every seed generates the same logs as before.
    this.r.chance(0.5);
    return body.length > 0 ? body + eol : body;
  }
}

const RESET = '<<reset>>';

const terminated = (lines: string[]): string => lines.map((line) => `${line}\n`).join('');

/** Every consistent end j of prev in next, by brute force over lines, largest first. */
function oracleEnds(prev: string[], next: string[], minEnd: number): number[] {
  const P = prev.length;
  const ends: number[] = [];
  for (let j = next.length; j >= minEnd; j--) {
    const k = Math.min(P, j);
    let ok = true;
    for (let i = 0; i < k && ok; i++) ok = prev[P - k + i] === next[j - k + i];
    if (ok) ends.push(j);
  }
  return ends;
}

void describe('nextLogLines over generated logs', () => {
  void it('agrees with a brute-force oracle, on both the text and the line paths', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      // Tiny alphabets make overlaps and periodic windows frequent (the adversarial cases).
      const alphabet = r.int(1, 3);
      // Half the cases pad every line alike, so that all share one line hash and only the string
      // comparison tells them apart.
      const pad = seed % 2 === 0 ? 'x'.repeat(20) : '';
      const log = Array.from(
        { length: r.int(0, 60) },
        () => `${pad}${String.fromCharCode(97 + r.int(0, alphabet - 1))}${pad}`,
      );
      const prevEnd = r.int(0, log.length);
      const prevTail = r.int(1, 25);
      const nextEnd = r.int(prevEnd, log.length);
      const nextTail = r.int(1, 40);
      const prevLines = log.slice(Math.max(0, prevEnd - prevTail), prevEnd);
      const nextLines = log.slice(Math.max(0, nextEnd - nextTail), nextEnd);
      // A previous snapshot that was full, so no absolute position is known and matching decides.
      const prev: LogTailState = nextLogLines(undefined, terminated(prevLines), prevLines.length).state;
      const wholeLog = nextLines.length < nextTail;
      for (const forceLineMatch of [false, true]) {
        const got = nextLogLines(prev, terminated(nextLines), nextTail, { forceLineMatch });
        const ctx = `seed ${seed} prev=${prevLines.join('')} next=${nextLines.join('')} force=${forceLineMatch}`;
        if (prevLines.length === 0) {
          assert.deepEqual(got.lines, nextLines, ctx);
          continue;
        }
        const ends = oracleEnds(prevLines, nextLines, wholeLog ? prevLines.length : 1);
        if (ends[0] === undefined) {
          assert.equal(got.event, wholeLog ? 'reset' : 'gap', ctx);
          assert.deepEqual(got.lines, nextLines, ctx);
        } else {
          assert.equal(got.event, 'append', ctx);
          assert.deepEqual(got.lines, nextLines.slice(ends[0]), ctx);
          assert.equal(got.ambiguous, ends.length > 1, ctx);
        }
      }
    }
  });

  void it('follows a growing, restarting log exactly while the windows do not overflow', () => {
    let polls = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      const maxRun = r.int(1, 12);
      const log = new GeneratedLog(r, maxRun);
      const minTail = r.int(maxRun + 4, 60);
      // At most this many lines per poll: the shared part of two windows always holds a unique line.
      const maxAppend = minTail - maxRun - 2;
      const truth: string[] = [];
      const out: string[] = [];
      log.grow(r.int(0, 2 * minTail));
      let tail = r.int(minTail, minTail + 40);
      truth.push(...log.lines.slice(-tail));
      let result = nextLogLines(undefined, log.snapshot(tail), tail);
      out.push(...result.lines);
      for (let step = 0; step < 25; step++) {
        if (r.chance(0.1)) {
          log.restart();
          truth.push(RESET, ...log.lines);
          truth.push(...log.grow(r.int(0, Math.min(maxAppend, minTail - 2))));
        } else {
          truth.push(...log.grow(r.chance(0.2) ? 0 : r.int(0, maxAppend)));
        }
        tail = r.int(minTail, minTail + 40);
        result = nextLogLines(result.state, log.snapshot(tail), tail);
        polls++;
        assert.notEqual(result.event, 'gap', `seed ${seed} step ${step}`);
        if (result.event === 'reset') out.push(RESET);
        out.push(...result.lines);
      }
      assert.deepEqual(out, truth, `seed ${seed}`);
    }
    assert.ok(polls >= 10_000);
  });

  void it('marks skipped lines and never repeats or invents one when windows overflow', () => {
    let gaps = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const log = new GeneratedLog(r, r.int(1, 8));
      const tail = r.int(10, 40);
      log.grow(r.int(0, 50));
      let result = nextLogLines(undefined, log.snapshot(tail), tail);
      const seen = new Set(result.lines.filter((l) => l !== PING));
      for (let step = 0; step < 20; step++) {
        const before = log.lines.slice(-tail);
        if (r.chance(0.05)) log.restart();
        const overflow = r.chance(0.3);
        log.grow(overflow ? r.int(tail, 3 * tail) : r.int(0, tail / 2));
        result = nextLogLines(result.state, log.snapshot(tail), tail);
        const ctx = `seed ${seed} step ${step}`;
        const window = log.lines.slice(-tail);
        // Whatever is printed is the end of the current window: in order, nothing invented.
        assert.deepEqual(result.lines, window.slice(window.length - result.lines.length), ctx);
        for (const line of result.lines) {
          if (line === PING) continue;
          assert.ok(!seen.has(line), `${ctx}: ${line} printed twice`);
          seen.add(line);
        }
        // A unique last line that left the window can only mean skipped lines (or a restart).
        const lastBefore = before.at(-1);
        if (lastBefore !== undefined && lastBefore !== PING && !window.includes(lastBefore)) {
          assert.ok(result.event === 'gap' || result.event === 'reset', `${ctx}: ${result.event}`);
        }
        if (result.event === 'gap') {
          gaps++;
          assert.equal(result.widen, true);
        }
      }
    }
    assert.ok(gaps > 100, `only ${gaps} gaps generated`);
  });

  void it('follows a log whose last line grows without a newline: no false restart, nothing lost or repeated', () => {
    let holds = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const tail = r.int(8, 40);
      const done: string[] = [];
      let open = '';
      let seq = 0;
      const snapshot = (): string => {
        const closed = done.slice(open === '' ? -tail : -(tail - 1));
        return closed.map((l) => `${l}\n`).join('') + open;
      };
      // Each poll: a few whole lines, a line written in pieces (sometimes unchanged for a poll), or nothing.
      const write = (): void => {
        const pieces = r.int(0, 3);
        for (let i = 0; i < pieces; i++) open += `req ${seq}.${i} `;
        if (r.chance(0.3)) {
          done.push(`${open}line ${++seq}`);
          open = '';
          for (let n = r.int(0, Math.floor(tail / 3)); n > 0; n--) done.push(`line ${++seq}`);
        }
      };
      write();
      let result = nextLogLines(undefined, snapshot(), tail);
      const out = [...result.lines];
      for (let step = 0; step < 30; step++) {
        write();
        result = nextLogLines(result.state, snapshot(), tail);
        assert.equal(result.event, 'append', `seed ${seed} step ${step}`);
        if (result.state.heldLine !== undefined) holds++;
        out.push(...result.lines);
      }
      // Terminate the last line; one more poll prints it.
      done.push(`${open}end`);
      open = '';
      out.push(...nextLogLines(result.state, snapshot(), tail).lines);
      // A line printed in parts (open, then grown) comes out as its parts: the text is the same.
      assert.equal(out.join(''), done.join(''), `seed ${seed}`);
      assert.ok(out.length >= done.length, `seed ${seed}`);
    }
    assert.ok(holds > 1000, `only ${holds} held lines generated`);
  });

  void it('follows crash loops, lines written in pieces, sliding CRLF windows and long look-alike lines exactly', () => {
    const counts = { holds: 0, restarts: 0, vanishedHolds: 0, longLines: 0, cutLines: 0, crCuts: 0 };
    // Every life starts with the same banner: a restart shows only in what follows it.
    const BANNER = 'azmlinfsrv - Azure ML Inferencing HTTP server v1.4.0';
    for (let seed = 1; seed <= 250; seed++) {
      const r = rng(seed * 7919);
      const minTail = r.int(12, 30);
      // At most this many lines per poll: two windows always share a unique line.
      const maxAppend = minTail - 4;
      // Long lines share their length and first and last 20 characters (so their line hash too).
      const longLength = r.int(33_000, 40_000);
      let life = 0;
      let seq = 0;
      let pieces = 0;
      let done: string[] = [];
      let open = '';
      /** Lines of this life a poll has seen with their line end. */
      let seenTerminated = 0;
      const truthLives: string[][] = [];
      const outLives: string[][] = [[]];
      const newLife = (): void => {
        life++;
        done = [BANNER];
        open = '';
        seenTerminated = 0;
      };
      const wholeLine = (): string => {
        seq++;
        if (!r.chance(0.04)) return `life ${life} line ${seq}`;
        counts.longLines++;
        return `${'H'.repeat(20)}${String(seq).padStart(8, '0')}${'M'.repeat(longLength - 56)}${'T'.repeat(20)}`;
      };
      const write = (): void => {
        const x = r.int(0, 99);
        if (x < 40) {
          // A piece of the line being written (a new line starts with this life's number).
          open = open === '' ? `life ${life} loading ${++seq}` : `${open} ...${++pieces}`;
        } else if (x < 75) {
          // The line being written ends (with more text, or none), and whole lines follow.
          const n = r.int(open === '' ? 1 : 0, maxAppend - 1);
          if (open !== '') done.push(`${open}${r.chance(0.5) ? ' done' : ''}`);
          open = '';
          for (let i = 0; i < n; i++) done.push(wholeLine());
        }
      };
      const snapshot = (tail: number, last: boolean): string => {
        const closed = done.slice(-(open === '' ? tail : tail - 1));
        const eol = r.chance(0.25) ? '\r\n' : '\n';
        const body = closed.map((line) => `${line}${eol}`).join('') + open;
        // Cut between the CR and the LF of the last line: only while no poll has seen its LF.
        if (!last && open === '' && eol === '\r\n' && done.length > seenTerminated && r.chance(0.1)) {
          counts.crCuts++;
          return body.slice(0, -1);
        }
        seenTerminated = done.length;
        return body;
      };
      const poll = (state: LogTailState | undefined, step: number): LogTailState => {
        const tail = r.int(minTail, minTail + 15);
        const snap = snapshot(tail, step === 30);
        const result = nextLogLines(state, snap, tail);
        const slow = nextLogLines(state, snap, tail, { forceLineMatch: true });
        const ctx = `seed ${seed} step ${step}`;
        assert.deepEqual(
          [slow.event, slow.text, slow.beforeReset],
          [result.event, result.text, result.beforeReset],
          `${ctx}: the line path agrees`,
        );
        assert.notEqual(result.event, 'gap', ctx);
        if (result.state.heldLine !== undefined) counts.holds++;
        if (result.event === 'reset') {
          outLives.at(-1)?.push(...(result.beforeReset ?? []));
          outLives.push([]);
        }
        outLives.at(-1)?.push(...result.lines);
        if (result.lines.some((line) => line.length > MAX_SCRUBBED_LINE)) {
          // What a channel shows: each over-long line cut to the cap, with a note.
          const shown = splitLines(scrubSecrets(result.text));
          assert.equal(shown.length, result.lines.length, ctx);
          shown.forEach((line, i) => {
            const original = result.lines[i] ?? '';
            if (original.length <= MAX_SCRUBBED_LINE) return assert.equal(line, original, ctx);
            counts.cutLines++;
            assert.equal(
              line,
              original.slice(0, MAX_SCRUBBED_LINE) + defaultCutNote(original.length - MAX_SCRUBBED_LINE),
            );
          });
        }
        return result.state;
      };

      newLife();
      // The first window holds the whole log.
      if (r.chance(0.7)) write();
      let state = poll(undefined, -1);
      for (let step = 0; step < 30; step++) {
        // A restart right after a poll (what a container writes after the last poll and before it
        // restarts is gone with it), once its life shows more than the banner: a life that is
        // only the banner, restarted into the banner again, cannot be told from no restart.
        if (r.chance(0.12) && (done.length > 1 || open !== '')) {
          counts.restarts++;
          if (open !== '' && done.length === 1) counts.vanishedHolds++;
          truthLives.push([...done, ...(open === '' ? [] : [open])]);
          newLife();
          if (r.chance(0.5)) write();
        } else {
          write();
        }
        state = poll(state, step);
      }
      // The last line ends; one more poll prints it.
      if (open !== '') done.push(`${open} end`);
      open = '';
      poll(state, 30);
      truthLives.push(done);
      // Lines printed in parts (printed open, then what they gained) come out as their parts: each
      // life's text is the same, and there is a restart marker exactly where the log restarted.
      assert.deepEqual(
        outLives.map((lines) => lines.join('')),
        truthLives.map((lines) => lines.join('')),
        `seed ${seed}`,
      );
    }
    assert.ok(counts.holds > 1000, JSON.stringify(counts));
    assert.ok(counts.restarts > 500 && counts.vanishedHolds > 20, JSON.stringify(counts));
    assert.ok(counts.cutLines > 50 && counts.crCuts > 20, JSON.stringify(counts));
  });

  void it('splits what it was given back into the same lines', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = rng(seed);
      const log = new GeneratedLog(r, 3);
      log.grow(r.int(0, 30));
      assert.deepEqual(splitLines(log.snapshot(1000)), log.lines);
    }
  });
});
