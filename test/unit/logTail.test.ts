import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LogTailState, nextLogLines, normalizeSnapshot, splitLines } from '../../src/core/logTail';

const text = (lines: string[]): string => lines.map((l) => `${l}\n`).join('');
const first = (lines: string[], tail: number): LogTailState =>
  nextLogLines(undefined, text(lines), tail).state;
const range = (from: number, to: number, prefix = 'line'): string[] =>
  Array.from({ length: to - from }, (_, i) => `${prefix} ${from + i}`);

void describe('splitLines and normalizeSnapshot', () => {
  void it('splits LF and CRLF, with or without a final newline, and keeps empty lines', () => {
    assert.deepEqual(splitLines('a\nb\n'), ['a', 'b']);
    assert.deepEqual(splitLines('a\r\nb'), ['a', 'b']);
    assert.deepEqual(splitLines('a\n\nb\n'), ['a', '', 'b']);
    assert.deepEqual(splitLines('\n'), ['']);
    assert.deepEqual(splitLines(''), []);
  });
  void it('keeps a lone carriage return inside a line (progress output)', () => {
    assert.deepEqual(splitLines('50%\r100%\n'), ['50%\r100%']);
  });
  void it('normalizes to complete lines', () => {
    assert.equal(normalizeSnapshot('a\r\nb'), 'a\nb\n');
    assert.equal(normalizeSnapshot(''), '');
    assert.equal(normalizeSnapshot('a\r\nb\r'), 'a\nb\n');
  });
});

void describe('nextLogLines', () => {
  void it('prints the whole snapshot on the first poll', () => {
    const r = nextLogLines(undefined, 'a\nb\nc', 300);
    assert.equal(r.event, 'first');
    assert.deepEqual(r.lines, ['a', 'b', 'c']);
  });

  void it('appends only the lines after the overlap when the window slides', () => {
    const prev = first(range(0, 10), 10);
    const r = nextLogLines(prev, text(range(4, 14)), 10);
    assert.equal(r.event, 'append');
    assert.deepEqual(r.lines, range(10, 14));
    assert.equal(r.ambiguous, false);
    assert.equal(r.widen, false);
  });

  void it('prints nothing when nothing is new', () => {
    const prev = first(range(0, 10), 10);
    const r = nextLogLines(prev, text(range(0, 10)), 10);
    assert.equal(r.event, 'append');
    assert.deepEqual(r.lines, []);
  });

  void it('finds prev inside a wider window (after the tail was widened)', () => {
    const prev = first(range(0, 50), 20); // full: last 20 of 50 not known, give the window as is
    const wider = nextLogLines(prev, text(range(0, 55)), 40);
    assert.deepEqual(wider.lines, range(50, 55));
  });

  void it('neither duplicates nor drops identical lines while the whole log fits the window', () => {
    const pings = (n: number): string[] => Array.from({ length: n }, () => 'GET /health 200');
    let state = first(pings(3), 100);
    let r = nextLogLines(state, text(pings(8)), 100);
    assert.deepEqual(r.lines, pings(5));
    state = r.state;
    r = nextLogLines(state, text(pings(8)), 100);
    assert.deepEqual(r.lines, []);
    r = nextLogLines(r.state, text([...pings(8), 'x', ...pings(2)]), 100);
    assert.deepEqual(r.lines, ['x', 'GET /health 200', 'GET /health 200']);
  });

  void it('takes the largest overlap among runs of identical lines in a sliding window', () => {
    // log: a p p p p b p p p c ; prev = last 6 of the first 8, next = last 6 of all 10
    const log = ['a', 'p', 'p', 'p', 'p', 'b', 'p', 'p', 'p', 'c'];
    const prev = first(log.slice(2, 8), 6);
    const r = nextLogLines(prev, text(log.slice(4, 10)), 6);
    assert.deepEqual(r.lines, ['p', 'c']);
  });

  void it('says ambiguous when a full window holds nothing but one repeated line', () => {
    const p = Array.from({ length: 5 }, () => 'ping');
    const r = nextLogLines(first(p, 5), text(p), 5);
    assert.deepEqual(r.lines, []);
    assert.equal(r.ambiguous, true);
  });

  void it('reports a reset when a shorter log does not contain the previous lines', () => {
    const prev = first(range(0, 10), 10);
    const r = nextLogLines(prev, text(['boot', 'listening']), 10);
    assert.equal(r.event, 'reset');
    assert.deepEqual(r.lines, ['boot', 'listening']);
  });

  void it('reports a reset when a restarted log repeats the old lines but starts anew', () => {
    // Whole log seen: "boot 1, ready"; after a restart "boot 2, ready, ready" also ends with "ready".
    const prev = first(['boot 1', 'ready'], 10);
    const r = nextLogLines(prev, text(['boot 2', 'ready', 'ready']), 10);
    assert.equal(r.event, 'reset');
    assert.deepEqual(r.lines, ['boot 2', 'ready', 'ready']);
  });

  void it('reports a reset when the restarted log has the same lines where prev ended but a new first line', () => {
    const whole = first(['boot 1', 'x'], 10);
    const window = nextLogLines(whole, text(['x', 'ping', 'ping']), 3); // log: boot 1, x, ping, ping
    assert.equal(window.event, 'append');
    assert.deepEqual(window.lines, ['ping', 'ping']);
    const r = nextLogLines(window.state, text(['boot 2', 'x', 'ping', 'ping']), 10);
    assert.equal(r.event, 'reset');
    assert.deepEqual(r.lines, ['boot 2', 'x', 'ping', 'ping']);
  });

  void it('reports a reset, not a gap, when the log was emptied', () => {
    const prev = first(range(0, 3), 10);
    const r = nextLogLines(prev, '', 10);
    assert.equal(r.event, 'reset');
    assert.deepEqual(r.lines, []);
    const after = nextLogLines(r.state, 'boot\n', 10);
    assert.equal(after.event, 'append');
    assert.deepEqual(after.lines, ['boot']);
  });

  void it('reports a gap and asks to widen when more lines arrived than the window holds', () => {
    const prev = first(range(0, 10), 10);
    const r = nextLogLines(prev, text(range(25, 35)), 10);
    assert.equal(r.event, 'gap');
    assert.equal(r.widen, true);
    assert.deepEqual(r.lines, range(25, 35));
  });

  void it('continues exactly after a gap', () => {
    const gap = nextLogLines(first(range(0, 10), 10), text(range(25, 35)), 10);
    const r = nextLogLines(gap.state, text(range(27, 37)), 10);
    assert.equal(r.event, 'append');
    assert.deepEqual(r.lines, range(35, 37));
  });

  void it('treats CRLF and LF snapshots of the same log as the same lines', () => {
    const prev = nextLogLines(undefined, 'a\r\nb\r\nc\r\n', 3).state;
    const r = nextLogLines(prev, 'b\nc\nd\n', 3);
    assert.deepEqual(r.lines, ['d']);
  });

  void it('prints an unterminated last line at once on the first poll, and once it is terminated', () => {
    const prev = nextLogLines(undefined, 'a\nb', 10).state;
    const r = nextLogLines(prev, 'a\nb\nc\n', 10);
    assert.deepEqual(r.lines, ['c']);
  });

  void it('holds back a changed unterminated last line until it is terminated (defect 8)', () => {
    let state = nextLogLines(undefined, 'boot\nLoading model', 300).state;
    const polls = [
      'boot\nLoading model...',
      'boot\nLoading model... done',
      'boot\nLoading model... done\nready\n',
    ];
    const printed: string[] = [];
    for (const snapshot of polls) {
      const r = nextLogLines(state, snapshot, 300);
      assert.equal(r.event, 'append', snapshot);
      printed.push(...r.lines);
      state = r.state;
    }
    // The first poll printed "Loading model"; its growth is printed once, as what it gained.
    assert.deepEqual(printed, ['... done', 'ready']);
  });

  void it('prints a held line once it comes back unchanged, and only its growth after that', () => {
    let state = nextLogLines(undefined, 'a\n', 300).state;
    const step = (snapshot: string): string[] => {
      const r = nextLogLines(state, snapshot, 300);
      assert.equal(r.event, 'append', snapshot);
      state = r.state;
      return r.lines;
    };
    assert.deepEqual(step('a\nserver star'), []);
    assert.deepEqual(step('a\nserver started'), []);
    assert.deepEqual(step('a\nserver started'), ['server started']);
    assert.deepEqual(step('a\nserver started on 5001\nb\n'), [' on 5001', 'b']);
    assert.deepEqual(step('a\nserver started on 5001\nb\n'), []);
  });

  void it('holds back in a full window too, and still sees a real restart', () => {
    let state = nextLogLines(undefined, text(range(0, 5)), 5).state;
    let r = nextLogLines(state, `${text(range(1, 5))}line 5 part`, 5);
    assert.deepEqual([r.event, r.lines], ['append', []]);
    state = r.state;
    r = nextLogLines(state, `${text(range(2, 5))}line 5 part two\nline 6\n`, 5);
    assert.deepEqual([r.event, r.lines], ['append', ['line 5 part two', 'line 6']]);
    state = r.state;
    r = nextLogLines(state, 'boot\nstarting', 5);
    assert.equal(r.event, 'reset');
    state = r.state;
    r = nextLogLines(state, 'boot\nstarting up', 5);
    assert.deepEqual([r.event, r.lines], ['append', []]);
    // Restarted while a line was held: it is printed before the restart marker.
    r = nextLogLines(r.state, 'boot 2\n', 5);
    assert.equal(r.event, 'reset');
    assert.deepEqual(r.beforeReset, ['starting up']);
  });

  void it('sees a restart when a held line vanishes while the first line stays the same', () => {
    // The old log: a banner, then a line being written. The new container prints the same banner.
    let state = nextLogLines(undefined, 'boot\n', 300).state;
    let r = nextLogLines(state, 'boot\nLoading model', 300);
    assert.deepEqual([r.event, r.lines], ['append', []]);
    state = r.state;
    r = nextLogLines(state, 'boot\n', 300);
    assert.equal(r.event, 'reset');
    assert.deepEqual(r.beforeReset, ['Loading model']);
    assert.deepEqual(r.lines, ['boot']);
    // The new log goes on from there.
    r = nextLogLines(r.state, 'boot\nready\n', 300);
    assert.deepEqual([r.event, r.lines], ['append', ['ready']]);
  });

  void it('sees a restart when a held line is replaced by another line, in a full window too', () => {
    const tail = 4;
    let state = nextLogLines(undefined, text(['a', 'b', 'c', 'd']), tail).state;
    let r = nextLogLines(state, `${text(['b', 'c', 'd'])}Loading`, tail);
    assert.deepEqual([r.event, r.lines], ['append', []]);
    state = r.state;
    // The line after 'd' is not the held one grown: the log started over (and fills the window).
    r = nextLogLines(
      nextLogLines(state, `${text(['b', 'c', 'd'])}Loading.`, tail).state,
      text(['c', 'd', 'x', 'y']),
      tail,
    );
    assert.equal(r.event, 'reset');
    assert.deepEqual(r.beforeReset, ['Loading.']);
    // A held line that grows and ends, and lines after it: no restart.
    r = nextLogLines(state, text(['d', 'Loading done', 'e', 'f']), tail);
    assert.deepEqual([r.event, r.lines], ['append', ['Loading done', 'e', 'f']]);
    // A held line that is still being written, grown: still held, no restart.
    r = nextLogLines(state, `${text(['b', 'c', 'd'])}Loading more`, tail);
    assert.deepEqual([r.event, r.lines, r.state.heldLine], ['append', [], 'Loading more']);
  });

  void it('returns the new lines as a slice of the kept window, each terminated', () => {
    const prev = first(range(0, 5), 10);
    const r = nextLogLines(prev, text(range(0, 8)), 10);
    assert.equal(r.text, text(range(5, 8)));
    assert.deepEqual(r.lines, range(5, 8));
    assert.equal(r.state.text, text(range(0, 8)));
    const crlf = nextLogLines(undefined, 'a\r\nb\r\nc', 10);
    assert.equal(crlf.text, 'a\nb\nc\n');
  });

  void it('does not take a line that merely ends like the previous last line for an overlap', () => {
    const prev = first(['x', 'ok'], 2);
    const r = nextLogLines(prev, text(['not ok', 'y']), 2);
    assert.equal(r.event, 'gap');
  });

  void it('falls back to line matching on adversarial input and agrees with the fast path', () => {
    // Many lines end with prev's last line, so the text probes fail and the KMP path takes over.
    const prevLines = ['a', ...Array.from({ length: 30 }, (_, i) => `${i}z`), 'z'];
    const nextLines = [
      ...Array.from({ length: 30 }, (_, i) => `${i}z`),
      'z',
      ...Array.from({ length: 20 }, (_, i) => `x${i}z`),
    ];
    const prev = first(prevLines, 32);
    const fast = nextLogLines(prev, text(nextLines), 51);
    const slow = nextLogLines(prev, text(nextLines), 51, { forceLineMatch: true });
    assert.deepEqual(fast.lines, nextLines.slice(31));
    assert.deepEqual(slow, fast);
  });

  void it('handles a single empty line as a log', () => {
    const prev = nextLogLines(undefined, '\n', 10).state;
    const r = nextLogLines(prev, '\n\nx\n', 10);
    assert.deepEqual(r.lines, ['', 'x']);
  });
});
