// Loading every deployment of every workspace of a subscription through the tree's model, against
// the emulator's scale scenario with 100 ms per request. Prints elapsed time, the ideal for the
// request bound (what no client bounded to B requests in flight can beat), the issue's ideal
// (depth × latency plus paging, as if the bound were infinite), their ratios, and the most
// requests seen in flight against the bound.
import { readFileSync } from 'node:fs';
import { buildScaleScenario } from '../test/emulator/scenarios/scale';
import { startTestAzure } from '../test/integration/support';
import type { Subscription } from '../src/azure/models';
import { flatten, loadSubtree, TreeModel, type ModelNode } from '../src/tree/model';

const LATENCY_MS = 100;

interface Seen {
  method: string;
  path: string;
}

type Level = 'workspaces' | 'endpoints' | 'deployments' | 'legacy' | 'other';

function levelOf(r: Seen): Level {
  if (/\/modelmanagement\/|discovery/i.test(r.path)) return 'legacy';
  if (/\/onlineEndpoints\/[^/]+\/deployments$/.test(r.path)) return 'deployments';
  if (/\/onlineEndpoints$/.test(r.path)) return 'endpoints';
  if (/\/workspaces$/.test(r.path)) return 'workspaces';
  return 'other';
}

/** Pages of the longest list of a level: requests to the same path are pages of one list. */
function longestChain(requests: Seen[]): number {
  const byPath = new Map<string, number>();
  for (const r of requests) byPath.set(r.path, (byPath.get(r.path) ?? 0) + 1);
  return Math.max(0, ...byPath.values());
}

function defaultBound(): number {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
  };
  return Number(pkg.contributes.configuration.properties['amlMonitor.tree.concurrency']?.default ?? 6);
}

/**
 * The tree painted from Azure Resource Graph: from loadRoot until every deployment of every
 * subscription is a node. The bound is the round trips no client can avoid: the subscription
 * pages, then the Resource Graph pages (each needs the skip token of the one before).
 */
async function fleetLine(
  label: string,
  scenario: NonNullable<Parameters<typeof startTestAzure>[0]>['scenario'],
) {
  const azure = await startTestAzure({ scenario, latencyMs: LATENCY_MS });
  try {
    const model = new TreeModel({
      getClient: () => Promise.resolve(azure.client),
      subscriptionFilter: () => [],
      concurrency: defaultBound(),
    });
    // The service's index exists before anyone asks; the emulator builds its own here, untimed.
    azure.emu.graph.resync();
    const start = azure.emu.requests.length;
    const t0 = performance.now();
    const root = await model.loadRoot();
    if (root.state !== 'ready') throw new Error(`tree root: ${root.state}`);
    const expand = async (node: ModelNode): Promise<ModelNode[]> => {
      const kids = await model.loadChildren(node);
      return [node, ...(await Promise.all(kids.map(expand))).flat()];
    };
    const nodes = (await Promise.all(root.children.map(expand))).flat();
    const elapsed = performance.now() - t0;
    const seen = azure.emu.requests.slice(start);
    const subscriptionPages = seen.filter((r) => r.path === '/subscriptions').length;
    const graphPages = seen.filter((r) =>
      /\/providers\/microsoft\.resourcegraph\/resources$/i.test(r.path),
    ).length;
    const bound = (subscriptionPages + graphPages) * LATENCY_MS;
    const deployments = nodes.filter((n) => n.kind === 'deployment').length;
    const source = await model.fleetSource();
    const other = seen.length - subscriptionPages - graphPages;
    console.log(
      `tree fleet: ${deployments} deployments in ${elapsed.toFixed(0)} ms; bound ${bound} ms; ratio ${(elapsed / bound).toFixed(2)}` +
        `  (${label}: ${subscriptionPages} subscription pages, ${graphPages} Resource Graph pages, ${other} other requests; ` +
        `source ${source?.kind ?? 'none'}; ${nodes.filter((n) => n.kind === 'error').length} error nodes)`,
    );
  } finally {
    await azure.stop();
  }
}

export default async function treeBench(): Promise<void> {
  console.log(
    `Resource Graph fleet, ${LATENCY_MS} ms per request, bound ${defaultBound()}; goal: ratio ≤ 1.5 and under 1000 ms`,
  );
  await fleetLine('scale scenario', 'scale');
  // 100 workspaces × 20 endpoints × 5 deployments, plus the default scenario.
  await fleetLine('10,000-deployment fleet', buildScaleScenario(100, 20, 5));
  console.log('\nARM walk, level by level:');
  const azure = await startTestAzure({ scenario: 'scale', latencyMs: LATENCY_MS });
  try {
    const subscriptions: Subscription[] = await azure.client.listSubscriptions();
    const subscription = subscriptions[0];
    if (!subscription) throw new Error('the scale scenario has no subscription');
    const configured = defaultBound();
    const bounds = [...new Set([4, 6, 8, configured, 12, 16, 24, 32])].sort((a, b) => a - b);
    console.log(
      `scale scenario, ${LATENCY_MS} ms per request, subscription ${subscription.displayName}; default bound ${configured}`,
    );
    console.log(
      'bound | requests | elapsed ms | ideal@bound ms | ratio | issue ideal ms | ratio | max in flight',
    );
    for (const bound of bounds) {
      const model = new TreeModel({
        getClient: () => Promise.resolve(azure.client),
        subscriptionFilter: () => [],
        concurrency: bound,
      });
      const start = azure.emu.requests.length;
      const t0 = performance.now();
      const root: ModelNode = { kind: 'subscription', target: { kind: 'subscription', subscription } };
      const tree = await loadSubtree(model, root);
      const elapsed = performance.now() - t0;
      const nodes = flatten(tree);
      const seen = (azure.emu.requests as Seen[]).slice(start);
      const at = (level: Level): Seen[] => seen.filter((r) => levelOf(r) === level);

      // Nothing below the workspace list can start before its last page.
      const workspacePages = at('workspaces').length;
      const rest = seen.length - workspacePages;
      // The deepest chain below: endpoint pages then deployment pages, or a workspace's v1 calls.
      const depthBelow = Math.max(
        longestChain(at('endpoints')) + longestChain(at('deployments')),
        longestChain(at('legacy')),
      );
      const idealAtBound = (workspacePages + Math.max(depthBelow, Math.ceil(rest / bound))) * LATENCY_MS;
      const issueIdeal = (workspacePages + depthBelow) * LATENCY_MS;
      const errors = nodes.filter((n) => n.kind === 'error').length;
      console.log(
        [
          String(bound).padStart(5),
          String(seen.length).padStart(8),
          elapsed.toFixed(0).padStart(10),
          String(idealAtBound).padStart(14),
          (elapsed / idealAtBound).toFixed(2).padStart(5),
          String(issueIdeal).padStart(14),
          (elapsed / issueIdeal).toFixed(2).padStart(5),
          `${model.stats.maxInFlight} ≤ ${bound}${model.stats.maxInFlight > bound ? ' EXCEEDED' : ''}`,
        ].join(' | ') + (errors > 0 ? `  (${errors} error nodes!)` : ''),
      );
      if (bound === configured) {
        const count = (k: ModelNode['kind']): number => nodes.filter((n) => n.kind === k).length;
        console.log(
          `      loaded ${count('workspace')} workspaces, ${count('endpoint')} endpoints, ${count('deployment')} deployments, ` +
            `${count('legacyService')} v1 services; requests: ${workspacePages} workspace pages, ${at('endpoints').length} endpoint lists, ` +
            `${at('deployments').length} deployment lists, ${at('legacy').length} v1 calls, ${at('other').length} other`,
        );
      }
    }
    console.log(
      'ratio goal ≤ 1.5 against the ideal at the bound; the issue ideal (depth × latency plus paging) assumes unbounded\n' +
        'concurrency. In flight counts client calls; a call sends its pages one after another, so HTTP requests in flight ≤ it.',
    );
  } finally {
    await azure.stop();
  }
}
