// Log streams against the emulator with the real client: follow a deployment's live log through
// injected faults (429 with Retry-After, 503, dropped connection, 401) and a container restart,
// then compare what the sink received with the emulator's ground truth, line by line.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeploymentRef, LegacyServiceRef, Workspace } from '../../src/azure/models';
import {
  type FetchSnapshot,
  type FollowerSink,
  type FollowerState,
  LogFollower,
} from '../../src/logs/follower';
import { deploymentLogKey, legacyLogKey } from '../emulator/logs';
import { scenarioOf, startTestAzure, type TestAzure } from './support';

const RESTART = '<<restarted>>';
const SKIPPED = '<<skipped>>';
const RECONNECTING = '<<reconnecting>>';
const RECONNECTED = '<<reconnected>>';
const ENDED = '<<ended>>';
const messages = {
  restarted: () => RESTART,
  skipped: () => SKIPPED,
  reconnecting: () => RECONNECTING,
  reconnected: () => RECONNECTED,
  ended: (reason: string) => `${ENDED} ${reason}`,
};

class Recorder implements FollowerSink {
  text = '';
  states: FollowerState[] = [];
  append(text: string): void {
    assert.ok(text.endsWith('\n'), 'the sink receives complete lines');
    this.text += text;
  }
  status(state: FollowerState): void {
    this.states.push(state);
  }
  get lines(): string[] {
    return this.text.split('\n').slice(0, -1);
  }
  /** Log lines and restart markers: what must match the ground truth. */
  get logLines(): string[] {
    return this.lines.filter((l) => l !== RECONNECTING && l !== RECONNECTED);
  }
  outages(): number {
    return this.states.filter((s) => s === 'reconnecting').length;
  }
}

async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * The ground truth from the container lifetime that begins with `firstLine`, with a restart marker
 * where each later lifetime begins.
 */
function expectedStream(truth: string[], restarts: number[], firstLine: string | undefined): string[] {
  const from = restarts.filter((i) => truth[i] === firstLine).at(-1) ?? 0;
  const starts = new Set(restarts.filter((i) => i > from));
  const out: string[] = [];
  for (let i = from; i < truth.length; i++) {
    if (starts.has(i)) out.push(RESTART);
    out.push(truth[i] ?? '');
  }
  return out;
}

/** Splits a stream at its restart markers. */
function lifetimes(stream: string[]): string[][] {
  const lives: string[][] = [[]];
  for (const line of stream) {
    if (line === RESTART) lives.push([]);
    else lives.at(-1)?.push(line);
  }
  return lives;
}

function follow(fetch: FetchSnapshot, tail: number): { rec: Recorder; follower: LogFollower } {
  const rec = new Recorder();
  const follower = new LogFollower({
    fetch,
    sink: rec,
    messages,
    tailLines: () => tail,
    pollIntervalMs: () => 25,
    maxBackoffMs: () => 300,
  });
  follower.start();
  return { rec, follower };
}

void describe('log streams against the emulator', () => {
  let t: TestAzure;
  let workspace: Workspace;
  let deployment: DeploymentRef;
  let service: LegacyServiceRef;

  before(async () => {
    // No pipeline retries: every injected fault reaches the follower's own back-off.
    t = await startTestAzure({ logIntervalMs: 20, maxRetries: 0, retryDelayMs: 10 });
    const scenario = scenarioOf(t.emu);
    const sub = scenario.subscriptions.find((s) =>
      s.workspaces.some((w) => w.endpoints.some((e) => e.deployments.length > 0)),
    );
    const ws = sub?.workspaces.find((w) => w.endpoints.some((e) => e.deployments.length > 0));
    const ep = ws?.endpoints.find((e) => e.deployments.length > 0);
    const dep = ep?.deployments[0];
    assert.ok(sub && ws && ep && dep, 'the scenario has a deployment');
    workspace = await t.client.getWorkspace({
      subscriptionId: sub.subscriptionId,
      resourceGroup: ws.resourceGroup,
      workspaceName: ws.name,
    });
    deployment = { ...workspace, endpointName: ep.name, deploymentName: dep.name };
    const legacyWs =
      sub.workspaces.find((w) => w.legacyServices.length > 0) ??
      scenario.subscriptions.flatMap((s) => s.workspaces).find((w) => w.legacyServices.length > 0);
    assert.ok(legacyWs?.legacyServices[0], 'the scenario has a v1 service');
    const legacySub = scenario.subscriptions.find((s) => s.workspaces.includes(legacyWs));
    assert.ok(legacySub);
    workspace = await t.client.getWorkspace({
      subscriptionId: legacySub.subscriptionId,
      resourceGroup: legacyWs.resourceGroup,
      workspaceName: legacyWs.name,
    });
    service = { ...workspace, serviceName: legacyWs.legacyServices[0].name };
  });

  after(async () => {
    await t.stop();
  });

  const deploymentFetch: FetchSnapshot = (tail, abortSignal) =>
    t.client.getDeploymentLogs(deployment, 'InferenceServer', { tail, abortSignal });
  const getLogsPath = (): string => `/deployments/${deployment.deploymentName}/getLogs`;

  void it('follows the live log through faults and a restart, exactly as the ground truth', async () => {
    const key = deploymentLogKey(deployment);
    const { rec, follower } = follow(deploymentFetch, 300);
    try {
      await until('the first lines', () => rec.lines.length > 10);
      const faults: { kind: '429' | '503' | 'drop' | '401'; times: number; retryAfterSeconds?: number }[] = [
        { kind: '429', times: 1, retryAfterSeconds: 1 },
        { kind: '503', times: 2 },
        { kind: 'drop', times: 1 },
        { kind: '401', times: 1 },
      ];
      for (const [i, fault] of faults.entries()) {
        t.emu.faults.add({ method: 'POST', path: getLogsPath(), ...fault });
        await until(
          `outage ${i + 1} (${fault.kind}) and its recovery`,
          () => rec.outages() === i + 1 && rec.states.at(-1) === 'live',
        );
        // Some lines arrive between outages.
        const seen = rec.logLines.length;
        await until('new lines', () => rec.logLines.length > seen + 2);
      }
      t.emu.logs.restart(key);
      await until('the restart marker', () => rec.logLines.includes(RESTART));
      const written = expectedStream(
        t.emu.logs.groundTruth(key),
        t.emu.logs.restartsOf(key),
        rec.logLines[0],
      ).length;
      await until('every line written so far', () => rec.logLines.length >= written);
    } finally {
      follower.stop();
    }
    const got = rec.logLines;
    // The first poll printed the whole current log (shorter than the window): they agree from its first line.
    const expected = expectedStream(t.emu.logs.groundTruth(key), t.emu.logs.restartsOf(key), got[0]);
    // Compared lifetime by lifetime: each is printed exactly from its first line, with nothing repeated
    // or reordered. The service only shows the current container's log, so the lines a container wrote
    // after the last poll and before it restarted are gone with it: a lifetime may end early, by at most
    // what one poll interval (or one back-off) brings.
    const gotLives = lifetimes(got);
    const expectedLives = lifetimes(expected);
    // The container may have restarted once more after the last poll.
    assert.ok(expectedLives.length - gotLives.length <= 1 && expectedLives.length >= gotLives.length);
    assert.ok(gotLives.length >= 2, 'at least one restart was followed');
    gotLives.forEach((life, i) => {
      const truth = expectedLives[i] ?? [];
      assert.deepEqual(life, truth.slice(0, life.length), `lifetime ${i}`);
      if (i < gotLives.length - 1)
        assert.ok(truth.length - life.length < 100, `lifetime ${i} lost ${truth.length - life.length} lines`);
    });
    assert.ok(got.length > 50, `${got.length} lines compared`);
    // One line per outage in the channel, each followed by one "reconnected".
    assert.equal(rec.lines.filter((l) => l === RECONNECTING).length, 4);
    assert.equal(rec.lines.filter((l) => l === RECONNECTED).length, 4);
    assert.ok(!rec.lines.includes(SKIPPED));
  });

  void it('marks skipped lines when more arrive than the window holds, and never repeats a line', async () => {
    const key = deploymentLogKey({ ...deployment }, 'InferenceServer');
    const tail = 30;
    const { rec, follower } = follow(deploymentFetch, tail);
    try {
      await until('the first lines', () => rec.lines.length >= tail);
      t.emu.logs.append(
        key,
        Array.from({ length: 200 }, (_, i) => `burst line ${i}`),
      );
      await until('the skipped marker', () => rec.lines.includes(SKIPPED));
      const seen = rec.logLines.length;
      await until('lines after the gap', () => rec.logLines.length > seen + 3);
    } finally {
      follower.stop();
    }
    const truth: string[] = t.emu.logs.groundTruth(key);
    const got = rec.logLines;
    // The gap the burst caused: the marker before the burst's last line.
    const burstEnd = got.indexOf('burst line 199');
    const gapAt = got.lastIndexOf(SKIPPED, burstEnd);
    assert.ok(burstEnd > 0 && gapAt >= 0, 'a skipped marker precedes the burst');
    assert.ok(!got.slice(0, gapAt).includes('burst line 0'), 'the start of the burst was indeed skipped');
    // From the marker to the next one, the lines are a contiguous run of the log: nothing repeated.
    const nextMarker = got.findIndex((l, i) => i > gapAt && l.startsWith('<<'));
    const after = got.slice(gapAt + 1, nextMarker === -1 ? undefined : nextMarker);
    const start = truth.findIndex((_, i) => after.every((line, k) => truth[i + k] === line));
    assert.ok(
      start > truth.indexOf('burst line 0'),
      'the lines after the gap are a contiguous run of the log, after the skipped ones',
    );
    assert.ok(after.length > 3);
  });

  void it('follows a v1 service init container through a 503', async () => {
    const key = legacyLogKey(service, true);
    const fetch: FetchSnapshot = (tail, abortSignal) =>
      t.client.getLegacyLogs(workspace, service, { tail, abortSignal, init: true });
    const { rec, follower } = follow(fetch, 100);
    try {
      await until('the first lines', () => rec.lines.length >= 4);
      t.emu.faults.add({ path: `/services/${service.serviceName}/logs`, kind: '503', times: 1 });
      t.emu.logs.append(key, ['init says one', 'init says two']);
      await until(
        'the appended lines after the outage',
        () => rec.logLines.includes('init says two') && rec.states.at(-1) === 'live',
      );
    } finally {
      follower.stop();
    }
    const got = rec.logLines;
    const truth: string[] = t.emu.logs.groundTruth(key);
    assert.deepEqual(got, truth.slice(0, got.length));
    assert.equal(rec.outages(), 1);
  });

  void it('ends the stream with a clear line when the deployment is gone (404)', async () => {
    const { rec, follower } = follow(deploymentFetch, 50);
    await until('the first lines', () => rec.lines.length > 0);
    t.emu.faults.add({ method: 'POST', path: getLogsPath(), kind: '404', times: 1 });
    await follower.done;
    assert.match(rec.lines.at(-1) ?? '', /^<<ended>> 404/);
    assert.equal(rec.states.at(-1), 'ended');
  });
});
