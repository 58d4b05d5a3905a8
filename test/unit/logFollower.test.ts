// The polling loop in plain Node with a scripted service: markers, back-off, Retry-After, one
// line per outage, 404, cancellation, scrubbing, chunked printing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AzureRequestError, type AzureErrorKind } from '../../src/azure/errors';
import { type FollowerState, LogFollower, PRINT_CHUNK_CHARS } from '../../src/logs/follower';

const messages = {
  restarted: () => '<<restarted>>',
  skipped: (window: number, widenedTo: number) => `<<skipped ${window}->${widenedTo}>>`,
  reconnecting: (reason: string) => `<<reconnecting ${reason}>>`,
  reconnected: () => '<<reconnected>>',
  ended: (reason: string) => `<<ended ${reason}>>`,
};

type Step = string | AzureRequestError | ((signal: AbortSignal) => Promise<string>);

const fail = (kind: AzureErrorKind, statusCode: number, retryAfterSeconds?: number): AzureRequestError =>
  new AzureRequestError({ operation: 'Get logs', kind, statusCode, retryAfterSeconds });
const lines = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, i) => `line ${from + i}\n`).join('');

/** Runs a follower over scripted answers; stops after the last one. Timers fire at once; their delays are recorded. */
async function run(
  steps: Step[],
  options: {
    tail?: number;
    interval?: (poll: number) => number;
    maxBackoffMs?: number;
    maxTailLines?: number;
    yieldToHost?: () => Promise<void>;
    onAppend?: (text: string) => void;
  } = {},
): Promise<{
  out: string;
  tails: number[];
  delays: number[];
  states: FollowerState[];
  follower: LogFollower;
}> {
  let out = '';
  const tails: number[] = [];
  const delays: number[] = [];
  const states: FollowerState[] = [];
  let polls = 0;
  const follower: LogFollower = new LogFollower({
    fetch: async (tail, signal) => {
      tails.push(tail);
      const step = steps[polls++];
      if (step === undefined) throw new Error('polled past the script');
      if (typeof step === 'string') return step;
      if (step instanceof AzureRequestError) throw step;
      return step(signal);
    },
    sink: {
      append: (text) => {
        out += text;
        options.onAppend?.(text);
      },
      status: (s) => states.push(s),
    },
    messages,
    tailLines: () => options.tail ?? 5,
    pollIntervalMs: () => options.interval?.(polls) ?? 1000,
    maxBackoffMs: () => options.maxBackoffMs ?? 60_000,
    ...(options.maxTailLines !== undefined ? { maxTailLines: options.maxTailLines } : {}),
    random: () => 0.5,
    setTimer: (fn, ms) => {
      delays.push(ms);
      // After the last answer the test ends instead of polling again.
      return setImmediate(polls >= steps.length ? () => follower.stop() : fn);
    },
    clearTimer: (h) => clearImmediate(h as NodeJS.Immediate),
    ...(options.yieldToHost ? { yieldToHost: options.yieldToHost } : {}),
  });
  follower.start();
  await follower.done;
  return { out, tails, delays, states, follower };
}

void test('prints the window, then only new lines, with markers for restarts and skipped lines', async () => {
  const { out, tails } = await run([
    lines(0, 5),
    lines(2, 7),
    lines(2, 7),
    'boot\nready\n',
    lines(100, 105),
    lines(96, 106),
  ]);
  assert.equal(out, lines(0, 7) + '<<restarted>>\nboot\nready\n' + '<<skipped 5->10>>\n' + lines(100, 106));
  // After skipped lines the window is doubled for the next polls.
  assert.deepEqual(tails, [5, 5, 5, 5, 5, 10]);
});

void test('one line per outage; backs off exponentially, honours Retry-After, caps, resumes exactly', async () => {
  const { out, delays, states, tails } = await run(
    [
      lines(0, 5),
      fail('server', 503),
      fail('network', 0),
      fail('throttled', 429, 30),
      fail('signIn', 401),
      fail('server', 500),
      lines(0, 8),
      lines(4, 9),
    ],
    { maxBackoffMs: 20_000 },
  );
  assert.equal(out, lines(0, 5) + '<<reconnecting 503 server>>\n<<reconnected>>\n' + lines(5, 9));
  // first poll now; after the first answer the interval; then 1 s, 2 s, Retry-After 30 s capped at 20 s, 8 s, 16 s.
  assert.deepEqual(delays.slice(0, 7), [0, 1000, 1000, 2000, 20_000, 8000, 16_000]);
  assert.deepEqual(states, ['live', 'reconnecting', 'live']);
  // While reconnecting, a wider window, so that the poll after the outage still overlaps.
  assert.deepEqual(tails, [5, 5, 20, 20, 20, 20, 20, 5]);
});

void test('a 404 ends the stream with a clear line and stops polling', async () => {
  const { out, tails, states } = await run([lines(0, 2), fail('notFound', 404), lines(0, 3)]);
  assert.equal(out, lines(0, 2) + '<<ended 404 notFound>>\n');
  assert.equal(tails.length, 2);
  assert.deepEqual(states, ['live', 'ended']);
});

void test('stop aborts the request in flight and appends nothing after it', async () => {
  let aborted = false;
  let out = '';
  const follower = new LogFollower({
    fetch: (_tail, signal) =>
      new Promise<string>((resolve) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          resolve('late line\n');
        });
      }),
    sink: { append: (t) => (out += t), status: () => undefined },
    messages,
    tailLines: () => 5,
    pollIntervalMs: () => 1000,
    maxBackoffMs: () => 5000,
  });
  follower.start();
  await new Promise((r) => setTimeout(r, 20));
  follower.stop();
  await follower.done;
  await new Promise((r) => setImmediate(r));
  assert.equal(aborted, true);
  assert.equal(out, '');
});

void test('reads the poll interval on every tick', async () => {
  const { delays } = await run([lines(0, 1), lines(0, 2), lines(0, 3)], { interval: (poll) => poll * 100 });
  assert.deepEqual(delays, [0, 100, 200, 300]);
});

void test('scrubs secrets from every line', async () => {
  const { out } = await run(['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdef\nok\n']);
  assert.equal(out, 'Authorization: Bearer ***\nok\n');
});

void test('prints a very large first window in chunks of whole lines, yielding between them', async () => {
  let yields = 0;
  const big = Array.from({ length: 12_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 300)}\n`).join('');
  const appends: string[] = [];
  const { out } = await run([big], {
    tail: 12_000,
    yieldToHost: () => {
      yields++;
      return new Promise((r) => setImmediate(r));
    },
    onAppend: (text) => appends.push(text),
  });
  assert.equal(out, big);
  assert.equal(appends.length, Math.ceil(big.length / PRINT_CHUNK_CHARS));
  assert.equal(yields, appends.length - 1);
  for (const chunk of appends) {
    assert.ok(chunk.endsWith('\n'));
    assert.ok(chunk.length < PRINT_CHUNK_CHARS + 320, `${chunk.length}`);
  }
});

void test('a missing role (403) ends the stream too: no retry can fix it', async () => {
  const { out, states } = await run([lines(0, 1), fail('forbidden', 403)]);
  assert.equal(out, lines(0, 1) + '<<ended 403 forbidden>>\n');
  assert.equal(states.at(-1), 'ended');
});

void test('at the widest window, skipped lines make it poll sooner', async () => {
  const { tails, delays, out } = await run([lines(0, 5), lines(20, 25), lines(40, 50), lines(60, 70)], {
    maxTailLines: 10,
  });
  assert.deepEqual(tails, [5, 5, 10, 10]);
  // Doubling stops at 10 lines; from then on the interval halves.
  assert.deepEqual(delays, [0, 1000, 1000, 500, 250]);
  assert.equal(out.split('<<skipped').length - 1, 3);
});
