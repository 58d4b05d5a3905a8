// The services tree's loading model against the emulator's scale scenario (its own file: one
// emulator per test process). Every page is followed and the tree-wide bound holds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestAzure } from './support';
import { count, countsOf, counting, groundTruth, loadEverything, newModel } from './treeSupport';

type TestAzure = Awaited<ReturnType<typeof startTestAzure>>;

void describe('services tree model: scale scenario (emulator)', () => {
  let azure: TestAzure;
  before(async () => {
    azure = await startTestAzure({ scenario: 'scale' });
  });
  after(async () => {
    await azure?.stop();
  });

  void it('follows every page and never exceeds the bound', async () => {
    const bound = 5;
    const { client, max } = counting(azure.client);
    const start = azure.emu.requests.length;
    const model = newModel(client, bound);
    const nodes = await loadEverything(model);
    assert.equal(count(nodes, 'error'), 0);
    assert.ok(max() <= bound, `max in flight ${max()} > ${bound}`);
    assert.equal(max(), bound, 'the bound is reached: siblings load concurrently');
    assert.ok(model.stats.maxInFlight <= bound);

    const seen = (azure.emu.requests as { method: string; path: string; query?: unknown }[]).slice(start);
    const workspaceLists = seen.filter((r) => r.method === 'GET' && /\/workspaces$/.test(r.path));
    const truth = groundTruth(azure.emu.scenario);
    assert.deepEqual(countsOf(nodes), truth);
    assert.ok(
      workspaceLists.length > count(nodes, 'subscription'),
      'the workspace list has more than one page',
    );
  });
});
