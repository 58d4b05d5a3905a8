// The fault matrix: one row per way a network or a server in between can misbehave, the operation
// it hits, and what the user must see. Table-driven against the emulator's fault injection, with
// the real SDK clients; the suite prints the table (test/emulator/README.md lists it too).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { isAzureRequestError, type AzureRequestError } from '../../src/azure/errors';
import { MAX_SHOWN_ERROR_TEXT } from '../../src/azure/errorText';
import type { DeploymentRef, WorkspaceRef } from '../../src/azure/models';
import { LogFollower } from '../../src/logs/follower';
import type { FaultSpec } from '../emulator/index';
import { deploymentLogKey } from '../emulator/logs';
import { scenarioOf, startTestAzure, type TestAzure } from './support';

interface Row {
  fault: string;
  operation: string;
  /** What the user must see. */
  expect: string;
  faults: (t: TestAzure) => FaultSpec[];
  run: (t: TestAzure, ws: WorkspaceRef) => Promise<unknown>;
  /** Checks the outcome: the value, or the error shown. */
  check: (
    outcome: { value?: unknown; error?: AzureRequestError },
    t: TestAzure,
    logFrom: number,
  ) => void | Promise<void>;
}

/** What every error shown to a user must be, whatever the server sent. */
function assertPresentable(e: AzureRequestError, t: TestAzure): void {
  for (const text of [e.message, e.azureMessage ?? '']) {
    assert.ok(
      text.length <= MAX_SHOWN_ERROR_TEXT + e.operation.length + 80,
      `too long (${text.length}): ${text}`,
    );
    assert.doesNotMatch(text, /<[a-z!/]/i, `markup in: ${text}`);
    assert.doesNotMatch(text, /\n/, `more than one line: ${text}`);
    assert.ok(!text.includes(t.emu.token), `the token in: ${text}`);
  }
}

function assertLogClean(t: TestAzure, from: number): void {
  const logged = t.log.slice(from).join('\n');
  assert.ok(!logged.includes(t.emu.token), `the token was logged:\n${logged}`);
}

const listEndpoints = (t: TestAzure, ws: WorkspaceRef) => t.client.listEndpoints(ws);

/** Another server (its own origin) that links are redirected to; it must never be reached. */
let foreign: TestAzure;

/** A bounded wait: the old code waited out Retry-After (an hour); the row must fail, not hang. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
    }),
  ]);
}

function assertRefusedForeign(error: AzureRequestError | undefined, t: TestAzure, from: number): void {
  assert.ok(error, 'a link to a foreign host is refused');
  assert.equal(error.kind, 'config');
  assert.equal(error.code, 'UntrustedHost');
  assert.match(error.message, /not an endpoint of the configured cloud/);
  assert.equal(foreign.emu.requests.length, 0, 'nothing (and no token) reached the foreign host');
  assertPresentable(error, t);
  assertLogClean(t, from);
}
const endpoints: FaultSpec['path'] = /\/onlineEndpoints$/i;

async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const LOG_MARKERS = {
  restarted: () => '<<restarted>>',
  skipped: () => '<<skipped>>',
  reconnecting: () => '<<reconnecting>>',
  reconnected: () => '<<reconnected>>',
  ended: (reason: string) => `<<ended ${reason}>>`,
};
const GROWING_POLLS = 5;

/**
 * Follows a deployment's log as a log channel does; once the first lines are printed, its last line
 * is written in pieces over GROWING_POLLS polls and then ends. Returns the lines the channel got
 * and the emulator's ground truth.
 */
async function followGrowingLastLine(
  t: TestAzure,
  deployment: DeploymentRef,
): Promise<{ printed: string[]; truth: string[] }> {
  let printed = '';
  const follower = new LogFollower({
    fetch: (tail, abortSignal) =>
      t.client.getDeploymentLogs(deployment, 'InferenceServer', { tail, abortSignal }),
    sink: { append: (text) => (printed += text), status: () => undefined },
    messages: LOG_MARKERS,
    tailLines: () => 50,
    pollIntervalMs: () => 25,
    maxBackoffMs: () => 200,
  });
  follower.start();
  try {
    await until('the first lines', () => printed.length > 0);
    // After the first poll: a line open at the first poll is printed at once, by design.
    t.emu.faults.add({
      method: 'POST',
      path: new RegExp(`/deployments/${deployment.deploymentName}/getLogs$`, 'i'),
      kind: 'growingLastLine',
      times: GROWING_POLLS,
    });
    await until('the line to end', () => /Loading model.* done\n/.test(printed));
  } finally {
    follower.stop();
  }
  return {
    printed: printed.split('\n').slice(0, -1),
    truth: t.emu.logs.groundTruth(deploymentLogKey(deployment)),
  };
}

const rows: Row[] = [
  {
    fault: 'connection reset mid-body, once',
    operation: 'list online endpoints (SDK)',
    expect: 'retried; the list',
    faults: () => [{ method: 'GET', path: endpoints, kind: 'resetMidBody', times: 1 }],
    run: listEndpoints,
    check: ({ value, error }) => {
      assert.equal(error, undefined, error?.message);
      assert.ok(Array.isArray(value) && value.length > 0);
    },
  },
  {
    fault: 'connection reset mid-body, every time',
    operation: 'list online endpoints (SDK)',
    expect: 'network error: the connection closed before the whole answer arrived',
    faults: () => [{ method: 'GET', path: endpoints, kind: 'resetMidBody', times: Infinity }],
    run: listEndpoints,
    check: ({ error }, t) => {
      assert.ok(error);
      assert.equal(error.kind, 'network');
      assert.equal(error.code, 'IncompleteResponse');
      assert.match(error.message, /connection closed before the whole answer arrived/);
      assertPresentable(error, t);
    },
  },
  {
    fault: 'connection reset mid-body, every time',
    operation: 'list subscriptions (plain JSON client)',
    expect: 'network error: the connection closed before the whole answer arrived',
    faults: () => [{ method: 'GET', path: /^\/subscriptions$/, kind: 'resetMidBody', times: Infinity }],
    run: (t) => t.client.listSubscriptions(),
    check: ({ error }, t) => {
      assert.ok(error);
      assert.equal(error.kind, 'network');
      assertPresentable(error, t);
    },
  },
  {
    fault: 'HTML 502 page from a gateway, every time',
    operation: 'list online endpoints (SDK)',
    expect: 'server error naming the page title; no markup; the page (cut) in the log',
    faults: () => [{ method: 'GET', path: endpoints, kind: 'htmlGateway', times: Infinity }],
    run: listEndpoints,
    check: ({ error }, t, from) => {
      assert.ok(error);
      assert.equal(error.kind, 'server');
      assert.equal(error.statusCode, 502);
      assert.match(error.message, /web page instead of JSON.*502 Bad Gateway/);
      assertPresentable(error, t);
      const logged = t.log.slice(from).join('\n');
      assert.match(logged, /response: <!DOCTYPE html>/, 'the body goes to the log');
      assert.match(logged, /more characters not logged/, 'cut in the log');
    },
  },
  {
    fault: 'HTML 502 page from a gateway, every time',
    operation: 'list subscriptions (plain JSON client)',
    expect: 'server error naming the page title; no markup',
    faults: () => [{ method: 'GET', path: /^\/subscriptions$/, kind: 'htmlGateway', times: Infinity }],
    run: (t) => t.client.listSubscriptions(),
    check: ({ error }, t) => {
      assert.ok(error);
      assert.equal(error.kind, 'server');
      assert.match(error.message, /502 Bad Gateway/);
      assertPresentable(error, t);
    },
  },
  {
    fault: 'truncated JSON in a 200',
    operation: 'list online endpoints (SDK)',
    expect: 'server error: JSON cut short (never an empty list)',
    faults: () => [{ method: 'GET', path: endpoints, kind: 'truncatedJson', times: Infinity }],
    run: listEndpoints,
    check: ({ error }, t) => {
      assert.ok(error, 'an unreadable answer is an error, not an empty list');
      assert.equal(error.kind, 'server');
      assert.match(error.message, /cut short or malformed/);
      assertPresentable(error, t);
    },
  },
  {
    fault: 'truncated JSON in a 200',
    operation: 'list subscriptions (plain JSON client)',
    expect: 'server error: JSON cut short (never an empty list)',
    faults: () => [{ method: 'GET', path: /^\/subscriptions$/, kind: 'truncatedJson', times: Infinity }],
    run: (t) => t.client.listSubscriptions(),
    check: ({ error }, t) => {
      assert.ok(error, 'an unreadable answer is an error, not an empty list');
      assert.equal(error.kind, 'server');
      assert.equal(error.code, 'InvalidResponse');
      assertPresentable(error, t);
    },
  },
  {
    fault: 'request headers echoed in a 400',
    operation: 'read workspace (SDK)',
    expect: 'bad request; the token masked as *** in the message and the log',
    faults: () => [{ method: 'GET', path: /\/workspaces\/[^/]+$/i, kind: 'echoHeaders', times: 1 }],
    run: (t, ws) => t.client.getWorkspace(ws),
    check: ({ error }, t, from) => {
      assert.ok(error);
      assert.equal(error.kind, 'badRequest');
      assert.match(error.message, /authorization: Bearer \*\*\*/i);
      assertPresentable(error, t);
      assertLogClean(t, from);
    },
  },
  {
    fault: 'request headers echoed in a 400',
    operation: 'list subscriptions (plain JSON client)',
    expect: 'bad request; the token masked as *** in the message and the log',
    faults: () => [{ method: 'GET', path: /^\/subscriptions$/, kind: 'echoHeaders', times: 1 }],
    run: (t) => t.client.listSubscriptions(),
    check: ({ error }, t, from) => {
      assert.ok(error);
      assert.equal(error.kind, 'badRequest');
      assertPresentable(error, t);
      assertLogClean(t, from);
    },
  },
  {
    fault: '429 with Retry-After: 3600',
    operation: 'list online endpoints (SDK)',
    expect: 'throttled at once, with the delay Azure asked for (no hour-long wait)',
    faults: () => [{ method: 'GET', path: endpoints, kind: '429', times: Infinity, retryAfterSeconds: 3600 }],
    run: (t, ws) => within(15_000, t.client.listEndpoints(ws)),
    check: ({ error }, t) => {
      assert.ok(error);
      assert.equal(error.kind, 'throttled');
      assert.equal(error.retryAfterSeconds, 3600);
      assertPresentable(error, t);
    },
  },
  {
    fault: 'nextLink on a foreign host',
    operation: 'list subscriptions (plain JSON client)',
    expect: 'refused: not an endpoint of the configured cloud; no token sent',
    faults: () => [
      {
        method: 'GET',
        path: /^\/subscriptions$/,
        kind: 'foreignLinks',
        times: 1,
        foreignOrigin: foreign.emu.url,
      },
    ],
    run: (t) => t.client.listSubscriptions(),
    check: ({ error }, t, from) => assertRefusedForeign(error, t, from),
  },
  {
    fault: 'Azure-AsyncOperation on a foreign host',
    operation: 'turn on Application Insights (long-running PUT)',
    expect: 'refused: not an endpoint of the configured cloud; no token sent',
    faults: () => [
      {
        method: 'PUT',
        path: /\/deployments\/green$/i,
        kind: 'foreignLinks',
        times: 1,
        foreignOrigin: foreign.emu.url,
      },
    ],
    run: (t, ws) =>
      t.client.setDeploymentAppInsights(
        { ...ws, endpointName: 'credit-risk', deploymentName: 'green' },
        true,
        {
          pollIntervalMs: 50,
        },
      ),
    check: ({ error }, t, from) => assertRefusedForeign(error, t, from),
  },
  {
    fault: 'v1 discovery document naming a foreign API host',
    operation: 'list v1 web services',
    expect: 'refused: not an endpoint of the configured cloud; no token sent',
    faults: () => [
      { method: 'GET', path: '/discovery/', kind: 'foreignLinks', times: 1, foreignOrigin: foreign.emu.url },
    ],
    run: async (t, ws) => t.client.listLegacyServices(await t.client.getWorkspace(ws)),
    check: ({ error }, t, from) => assertRefusedForeign(error, t, from),
  },
  {
    fault: `log ends with a line still being written, growing over ${GROWING_POLLS} polls`,
    operation: 'follow a deployment log (getLogs polled into its channel)',
    expect: 'the line once, whole, when it ends; no "restarted" marker; nothing repeated or lost',
    // Added by run() after the first poll.
    faults: () => [],
    run: (t, ws) => followGrowingLastLine(t, { ...ws, endpointName: 'credit-risk', deploymentName: 'green' }),
    check: ({ value, error }, t) => {
      assert.equal(error, undefined, error?.message);
      const { printed, truth } = value as { printed: string[]; truth: string[] };
      assert.deepEqual(t.emu.faults.hits(), [GROWING_POLLS], 'the line grew on every poll of the fault');
      assert.ok(!printed.some((line) => line.startsWith('<<')), `a marker in:\n${printed.join('\n')}`);
      const grown = printed.filter((line) => line.includes('Loading model'));
      assert.equal(grown.length, 1, `the growing line printed once, not in pieces:\n${grown.join('\n')}`);
      assert.match(grown[0] ?? '', /Loading model \.\.\. 20% \.\.\. 30% \.\.\. 40% \.\.\. 50% \.\.\. done$/);
      // Aligned on that line, what the channel got is the log itself: nothing repeated, nothing lost.
      const start = truth.indexOf(grown[0] ?? '') - printed.indexOf(grown[0] ?? '');
      assert.ok(start >= 0, 'the grown line is in the log');
      assert.deepEqual(printed, truth.slice(start, start + printed.length));
    },
  },
  {
    fault: 'InProgress forever, x-ms-async-operation-timeout: PT1S',
    operation: 'turn on Application Insights (long-running PUT)',
    expect: "following stops at Azure's stated time: not finished in time, the time named, no poll after it",
    faults: () => [
      {
        method: 'PUT',
        path: /\/deployments\/blue$/i,
        kind: 'inProgressForever',
        operationTimeout: 'PT1S',
      },
    ],
    // The old code polled until the test runner gave up.
    run: (t, ws) =>
      within(
        15_000,
        t.client.setDeploymentAppInsights(
          { ...ws, endpointName: 'credit-risk', deploymentName: 'blue' },
          true,
          {
            pollIntervalMs: 50,
          },
        ),
      ),
    check: ({ error }, t) => {
      assert.ok(error, 'the operation never ended: an error, not a result');
      assert.equal(error.kind, 'timedOut');
      assert.equal(error.code, 'OperationTimedOut');
      assert.match(error.message, /Still running after 1 s, the time Azure stated for it \(PT1S/);
      const polls = (): number =>
        t.emu.requests.filter((r) => r.method === 'GET' && /mfeOperationsStatus/i.test(r.path)).length;
      const atEnd = polls();
      assert.ok(atEnd > 0, 'followed while its time ran');
      assertPresentable(error, t);
      return new Promise<void>((resolve, reject) =>
        setTimeout(() => {
          try {
            // At most the poll that was on its way when the time ran out; a poller still
            // following (every 50 ms) would have sent several.
            assert.ok(polls() <= atEnd + 1, `polls after the deadline: ${polls() - atEnd}`);
            resolve();
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        }, 300),
      );
    },
  },
];

void describe('fault matrix', () => {
  let t: TestAzure;
  let ws: WorkspaceRef;
  const results: string[] = [];

  before(async () => {
    t = await startTestAzure({ maxRetries: 3, retryDelayMs: 20 });
    foreign = await startTestAzure();
    const s = scenarioOf(t.emu).subscriptions[0];
    const w = s?.workspaces[0];
    assert.ok(s && w);
    ws = { subscriptionId: s.subscriptionId, resourceGroup: w.resourceGroup, workspaceName: w.name };
  });
  after(async () => {
    console.log(['fault | operation | the user sees | result', '---|---|---|---', ...results].join('\n'));
    await t.stop();
    await foreign.stop();
  });
  beforeEach(() => t.emu.faults.clear());

  for (const row of rows) {
    void it(`${row.fault} · ${row.operation} → ${row.expect}`, async () => {
      for (const fault of row.faults(t)) t.emu.faults.add(fault);
      const from = t.log.length;
      let outcome: { value?: unknown; error?: AzureRequestError };
      try {
        outcome = { value: await row.run(t, ws) };
      } catch (e) {
        assert.ok(isAzureRequestError(e), `not an AzureRequestError: ${String(e)}`);
        outcome = { error: e };
      }
      try {
        await row.check(outcome, t, from);
        results.push(`${row.fault} | ${row.operation} | ${row.expect} | ok`);
      } catch (e) {
        results.push(`${row.fault} | ${row.operation} | ${row.expect} | FAILED`);
        throw e;
      }
    });
  }
});
