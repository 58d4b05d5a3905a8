// v1 web services driven as azureml-core drives them: the model-management host from the discovery
// document's `modelmanagement` key (else `api`), list and read with expand=true, and after a PATCH
// only the last segment of Operation-Location, polled at {base}/operations/{id}.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Workspace } from '../../src/azure/models';
import { scenarioOf, startTestAzure, type TestAzure } from './support';

void describe('v1 web services as azureml-core drives them', () => {
  let t: TestAzure;
  before(async () => {
    t = await startTestAzure({ lroPolls: 1 });
  });
  after(() => t.stop());

  async function workspacesWithServices(): Promise<{ ws: Workspace; names: string[]; ownHost: boolean }[]> {
    const scenario = scenarioOf(t.emu);
    const separate = new Set((scenario.separateModelManagementHost ?? []).map((r) => r.toLowerCase()));
    const out = [];
    for (const s of scenario.subscriptions)
      for (const w of s.workspaces)
        if (w.legacyServices.length > 0) {
          const ws = await t.client.getWorkspace({
            subscriptionId: s.subscriptionId,
            resourceGroup: w.resourceGroup,
            workspaceName: w.name,
          });
          out.push({
            ws,
            names: w.legacyServices.map((x) => x.name),
            ownHost: separate.has(w.location.toLowerCase()),
          });
        }
    return out;
  }

  void it('takes the host from "modelmanagement" and lists and reads with expand=true', async () => {
    const all = await workspacesWithServices();
    assert.ok(all.some((x) => x.ownHost) && all.some((x) => !x.ownHost), 'both kinds of region');
    for (const { ws, names, ownHost } of all) {
      const from = t.emu.requests.length;
      const services = await t.client.listLegacyServices(ws);
      assert.deepEqual(services.map((x) => x.serviceName).sort(), [...names].sort());
      const one = await t.client.getLegacyService(ws, names[0] ?? '');
      assert.equal(one.serviceName, names[0]);
      const v1 = t.emu.requests.slice(from).filter((r) => /\/services/i.test(r.path));
      assert.ok(v1.length >= 2);
      for (const r of v1) {
        assert.equal(r.status, 200, `${r.method} ${r.path}`);
        assert.equal(r.query.expand, 'true', `${r.method} ${r.path} without expand=true`);
        assert.equal(r.path.startsWith('/mms/'), ownHost, r.path);
      }
    }
  });

  void it('polls {base}/operations/{id} with the id from the last segment of Operation-Location', async () => {
    // A workspace on the shared api host, so that only the operation URL is in question.
    const target = (await workspacesWithServices()).find((x) => !x.ownHost);
    assert.ok(target);
    const name = target.names[0] ?? '';
    const before = await t.client.getLegacyService(target.ws, name);
    const from = t.emu.requests.length;
    const after = await t.client.setLegacyAppInsights(
      target.ws,
      { ...target.ws, serviceName: name },
      !before.appInsightsEnabled,
      { pollIntervalMs: 10 },
    );
    assert.equal(after.appInsightsEnabled, !before.appInsightsEnabled);
    const sent = t.emu.requests.slice(from);
    const patch = sent.find((r) => r.method === 'PATCH');
    const servicePath = patch?.path ?? '';
    const base = servicePath.slice(0, servicePath.lastIndexOf('/services/'));
    const polls = sent.filter((r) => r.method === 'GET' && /\/operations\//.test(r.path));
    assert.ok(polls.length > 0, 'the operation was polled');
    for (const poll of polls) {
      assert.match(
        poll.path,
        new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/operations/[^/]+$`),
      );
      assert.equal(poll.status, 200);
    }
  });
});
