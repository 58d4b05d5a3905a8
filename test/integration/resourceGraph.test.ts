// Resource Graph through the shared ARM pipeline against the emulator: every page followed with its
// skip token, the fleet shaped from the rows matches what ARM lists, the service's error shapes,
// the throttling headers honoured, and an index that lags a write.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAzureRequestError } from '../../src/azure/errors';
import { fleetQuery, shapeFleet } from '../../src/core/fleet';
import { buildScaleScenario } from '../emulator/scenarios/scale';
import { startTestAzure, type TestAzure } from './support';

const graphRequests = (t: TestAzure) =>
  t.emu.requests.filter((r) => r.path.toLowerCase() === '/providers/microsoft.resourcegraph/resources');

void describe('Resource Graph (emulator)', () => {
  let azure: TestAzure;
  before(async () => {
    // 40 × 10 × 3 deployments: more rows than one page holds.
    azure = await startTestAzure({
      scenario: buildScaleScenario(40, 10, 3),
      resourceGraph: { lagMs: 0, quota: 1000 },
    });
  });
  after(async () => {
    await azure?.stop();
  });

  void it('follows the skip token over every page and shapes the same fleet ARM lists', async () => {
    const subs = (await azure.client.listSubscriptions()).map((s) => s.subscriptionId);
    const start = graphRequests(azure).length;
    const { rows, pages } = await azure.client.queryResourceGraph(fleetQuery(), subs);
    const sent = graphRequests(azure).slice(start);
    assert.ok(rows.length > 1000, `rows ${rows.length}`);
    assert.equal(pages, sent.length);
    assert.equal(pages, Math.ceil(rows.length / 1000));
    const bodies = sent.map((r) => r.body as { query: string; options: Record<string, unknown> });
    assert.ok(
      bodies.every((b) => b.query === fleetQuery()),
      'every page sends the same query',
    );
    assert.equal(bodies[0]?.options.$skipToken, undefined);
    assert.ok(bodies.slice(1).every((b) => typeof b.options.$skipToken === 'string'));
    assert.equal(new Set(rows.map((r) => (r as { id: string }).id)).size, rows.length, 'no row twice');

    const fleet = shapeFleet(rows);
    const [sub] = await azure.client.listSubscriptions();
    const armWorkspaces = await azure.client.listWorkspaces(sub!.subscriptionId);
    const indexWorkspaces = fleet.workspacesOf(sub!.subscriptionId) ?? [];
    assert.deepEqual(indexWorkspaces.map((w) => w.armId).sort(), armWorkspaces.map((w) => w.armId).sort());
    const ws = armWorkspaces[0]!;
    const [armEndpoint] = await azure.client.listEndpoints(ws);
    const indexEndpoint = fleet.endpointsOf(ws.armId)?.find((e) => e.armId === armEndpoint!.armId);
    assert.ok(indexEndpoint);
    // The index query leaves out the swagger URI; an empty description reads as none.
    assert.deepEqual(
      { ...indexEndpoint, source: undefined, swaggerUri: armEndpoint!.swaggerUri },
      { ...armEndpoint, source: undefined, description: armEndpoint!.description || undefined },
    );
    const armDeployments = await azure.client.listDeployments(armEndpoint!);
    const indexDeployments = fleet.deploymentsOf(indexEndpoint) ?? [];
    assert.equal(indexDeployments.length, armDeployments.length);
    for (const dep of armDeployments) {
      const fromIndex = indexDeployments.find((d) => d.armId === dep.armId);
      // The index query leaves out requestSettings: the load probe reads its limit from ARM.
      assert.deepEqual(
        {
          ...fromIndex,
          source: undefined,
          description: dep.description,
          maxConcurrentRequestsPerInstance: dep.maxConcurrentRequestsPerInstance,
        },
        {
          ...dep,
          source: undefined,
        },
      );
      assert.equal(fromIndex?.source, 'index');
    }
  });

  void it('answers a query outside its subset with the service parser-failure shape', async () => {
    const subs = (await azure.client.listSubscriptions()).map((s) => s.subscriptionId);
    await assert.rejects(
      azure.client.queryResourceGraph('resources | summarize count() by type', subs),
      (e: unknown) => {
        assert.ok(isAzureRequestError(e));
        assert.equal(e.statusCode, 400);
        assert.equal(e.code, 'BadRequest');
        return true;
      },
    );
    const last = graphRequests(azure).at(-1);
    assert.equal(last?.status, 400);
  });

  void it('waits out a spent quota from x-ms-user-quota-resets-after instead of failing', async () => {
    const { graph } = azure.emu;
    const saved = { quota: graph.options.quota, windowMs: graph.options.windowMs };
    graph.options.quota = 1;
    graph.options.windowMs = 600;
    graph.resetQuota();
    try {
      const subs = (await azure.client.listSubscriptions()).map((s) => s.subscriptionId);
      const start = graphRequests(azure).length;
      const { rows } = await azure.client.queryResourceGraph(fleetQuery(), subs);
      const sent = graphRequests(azure).slice(start);
      assert.ok(rows.length > 1000);
      // Each page after the first found the quota spent: it waited for the reset, it was not throttled.
      assert.equal(
        sent.filter((r) => r.status === 429).length,
        0,
        `statuses ${sent.map((r) => r.status).join(',')}`,
      );
    } finally {
      Object.assign(graph.options, saved);
    }
  });

  void it('retries a throttled page after the reset the 429 names', async () => {
    const { graph } = azure.emu;
    const saved = { quota: graph.options.quota, windowMs: graph.options.windowMs };
    graph.options.quota = 1;
    // Long enough that the reset is still ahead when the client asks, on a loaded machine too.
    graph.options.windowMs = 1500;
    graph.resetQuota();
    try {
      const subs = (await azure.client.listSubscriptions()).map((s) => s.subscriptionId);
      // Spend the quota, then ask at once: the first answer is a 429 with the reset header.
      await rawGraphPost(azure, { subscriptions: subs, query: fleetQuery() }).catch(() => undefined);
      const start = graphRequests(azure).length;
      const { rows } = await azure.client.queryResourceGraph(fleetQuery(), subs);
      const statuses = graphRequests(azure)
        .slice(start)
        .map((r) => r.status);
      assert.equal(statuses[0], 429);
      assert.ok(statuses.includes(200));
      assert.ok(rows.length > 0);
    } finally {
      Object.assign(graph.options, saved);
    }
  });

  void it('a skip token from another query is refused', async () => {
    const subs = (await azure.client.listSubscriptions()).map((s) => s.subscriptionId);
    await azure.client.queryResourceGraph(fleetQuery(), subs);
    const token = (
      graphRequests(azure)
        .filter((r) => r.status === 200)
        .at(-1)?.body as { options: { $skipToken?: string } }
    ).options.$skipToken;
    assert.ok(token);
    // Same token, other scope: the service ties a token to its query and scopes.
    await assert.rejects(
      rawGraphPost(azure, {
        subscriptions: subs.slice(0, 1),
        query: fleetQuery(),
        options: { $skipToken: token },
      }),
      /HTTP 400/,
    );
  });
});

void describe('Resource Graph index lag (emulator)', () => {
  let azure: TestAzure;
  before(async () => {
    azure = await startTestAzure({ scenario: 'default', lroPolls: 0, resourceGraph: { lagMs: 60_000 } });
  });
  after(async () => {
    await azure?.stop();
  });

  void it('keeps showing the old row after a write until the lag has passed', async () => {
    const subs = (await azure.client.listSubscriptions()).map((s) => s.subscriptionId);
    const before = shapeFleet((await azure.client.queryResourceGraph(fleetQuery(), subs)).rows);
    const target = before
      .entries()
      .find((e) => !e.deployment.appInsightsEnabled && e.deployment.provisioningState === 'Succeeded');
    assert.ok(target);
    const updated = await azure.client.setDeploymentAppInsights(target.deployment, true, {
      pollIntervalMs: 10,
    });
    assert.equal(updated.appInsightsEnabled, true);
    const afterWrite = shapeFleet((await azure.client.queryResourceGraph(fleetQuery(), subs)).rows);
    const row = afterWrite.entries().find((e) => e.deployment.armId === target.deployment.armId);
    assert.equal(row?.deployment.appInsightsEnabled, false, 'the index still has the old value');
    azure.emu.graph.options.lagMs = 0;
    // The index compares itself with ARM in passes (every 2 s): let the next one come.
    await new Promise((r) => setTimeout(r, 2100));
    const caughtUp = shapeFleet((await azure.client.queryResourceGraph(fleetQuery(), subs)).rows);
    const fresh = caughtUp.entries().find((e) => e.deployment.armId === target.deployment.armId);
    assert.equal(fresh?.deployment.appInsightsEnabled, true);
  });
});

async function rawGraphPost(t: TestAzure, body: unknown): Promise<unknown> {
  const https = await import('node:https');
  const url = new URL('/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01', t.emu.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${t.emu.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 400) reject(new Error(`HTTP ${res.statusCode}: ${text}`));
          else resolve(JSON.parse(text) as unknown);
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
