// npm run check:azure, end to end: against the emulator every check answers as expected, the
// recording it writes holds no name, id, key or token, and every recording (the committed ones in
// recordings/, and the one the last `npm run check:azure` wrote in .check-azure/) replays through
// the client with the same results.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import type { ObservedExchange } from '../../src/azure/api';
import { createAzureClient } from '../../src/azure/client';
import { resolveCloud } from '../../src/azure/clouds';
import { createCredential } from '../../src/azure/credentials';
import { startEmulator } from '../emulator/index';
import { CHECK_NAMES, runChecks } from './checkAzure';
import { buildRecording, RECORDING_FORMAT, replayExchangesOf, type Recording } from './recording';
import { startContractClient } from './harness';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

function trust(caPath: string): void {
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), readFileSync(caPath, 'utf8')]);
}

/** What must never be in a recording made against this emulator: its names, ids and secrets. */
function secretsOf(emu: Emulator): string[] {
  const found = new Set<string>([emu.token, emu.logsToken, emu.scenario.tenantId]);
  for (const sub of emu.scenario.subscriptions) {
    found.add(sub.subscriptionId);
    found.add(sub.displayName);
    for (const ws of sub.workspaces) {
      for (const value of [ws.name, ws.resourceGroup, ws.friendlyName, ws.appInsights?.name])
        if (value) found.add(value);
      if (ws.appInsights?.logAnalyticsWorkspace) {
        found.add(ws.appInsights.logAnalyticsWorkspace.name);
        found.add(ws.appInsights.logAnalyticsWorkspace.customerId);
      }
      for (const ep of ws.endpoints) {
        found.add(ep.name);
        for (const dep of ep.deployments) if (dep.name.length >= 4) found.add(dep.name);
      }
    }
  }
  for (const w of emu.azure.workspaces.values()) found.add(w.guid);
  return [...found].filter((s) => s.length >= 4);
}

void describe('npm run check:azure', () => {
  let emu: Emulator;
  let made: Recording;

  before(async () => {
    emu = await startEmulator({ logIntervalMs: 0 });
    trust(emu.caPath);
  });
  after(() => emu.stop());

  void it('answers every check as expected against the emulator', async () => {
    const cloud = resolveCloud('Custom', {
      resourceManagerEndpoint: emu.url,
      logAnalyticsEndpoint: emu.logsUrl,
    });
    const observed: ObservedExchange[] = [];
    const client = createAzureClient({
      cloud,
      credential: createCredential({ kind: 'emulator', cloud }),
      observe: (e) => observed.push(e),
    });
    const results = await runChecks(client);
    assert.deepEqual(
      results.map((r) => [r.name, r.status]),
      CHECK_NAMES.map((name) => [name, 'ok']),
    );
    made = buildRecording(observed, results, {
      origins: [cloud.resourceManagerEndpoint, cloud.logAnalyticsEndpoint],
      source: 'emulator',
    });
    assert.equal(made.exchanges.length, observed.length);
  });

  void it('writes a recording without tokens, keys, ids or names', () => {
    assert.ok(made, 'the previous test made a recording');
    const text = JSON.stringify(made);
    for (const secret of secretsOf(emu)) {
      const escaped = secret.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
      const found = new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'i').exec(text);
      assert.equal(
        found,
        null,
        `the recording holds "${secret}": …${text.slice((found?.index ?? 0) - 80, (found?.index ?? 0) + 40)}…`,
      );
    }
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{4,}\./, 'a JWT');
    assert.doesNotMatch(text, /127\.0\.0\.1|localhost/, 'a host of this machine');
    for (const guid of text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [])
      assert.match(guid, /^00000000-0000-4000-8000-/, 'only fake GUIDs');
  });

  const files = [
    ...readdirSync(join(__dirname, 'recordings'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(__dirname, 'recordings', f)),
    ...[join(__dirname, '../../.check-azure/recording.json')].filter((f) => existsSync(f)),
  ];
  for (const file of ['(made above)', ...files]) {
    void it(`replays ${file.replace(/^.*\/(test\/contracts|\.check-azure)\//, '$1/')} through the client with the same results`, async () => {
      const recording =
        file === '(made above)' ? made : (JSON.parse(readFileSync(file, 'utf8')) as Recording);
      assert.equal(recording.format, RECORDING_FORMAT);
      const { replay, client } = await startContractClient();
      try {
        replay.serve(replayExchangesOf(recording));
        const results = await runChecks(client);
        assert.deepEqual(results, recording.checks);
        const unanswered = replay.requests.filter((r) => !r.answeredBy).map((r) => `${r.method} ${r.path}`);
        assert.deepEqual(unanswered, []);
      } finally {
        await replay.stop();
      }
    });
  }
});
