// Shared by the tree's integration tests: a counting client wrapper, the model under test, and
// the ground truth read with the plain client.
import assert from 'node:assert/strict';
import type { AzureClient } from '../../src/azure/api';
import { flatten, loadSubtree, TreeModel, type ModelNode } from '../../src/tree/model';
import type { Scenario } from '../emulator/scenario';

/** Counts calls in flight at once through the client (each call's pages are sequential). */
export function counting(client: AzureClient): { client: AzureClient; max: () => number } {
  let active = 0;
  let max = 0;
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        active++;
        max = Math.max(max, active);
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          active--;
        }
      };
    },
  });
  return { client: wrapped, max: () => max };
}

/** A model that walks ARM level by level unless `options.resourceGraph` is true. */
export function newModel(
  client: AzureClient,
  concurrency = 6,
  options: { resourceGraph?: boolean; log?: string[] } = {},
): TreeModel {
  return new TreeModel({
    getClient: () => Promise.resolve(client),
    subscriptionFilter: () => [],
    concurrency,
    resourceGraph: options.resourceGraph ?? false,
    log: (level, message) => options.log?.push(`${level}: ${message}`),
  });
}

export async function loadEverything(model: TreeModel): Promise<ModelNode[]> {
  const root = await model.loadRoot();
  assert.equal(root.state, 'ready', JSON.stringify(root));
  if (root.state !== 'ready') return [];
  return (await Promise.all(root.children.map((c) => loadSubtree(model, c)))).flatMap(flatten);
}

/** The truth, read level by level with the plain client, one call at a time. */
/**
 * What the tree must show, counted from the emulator's scenario itself, not read back through the
 * client under test (a client defect would then agree with itself).
 */
export function groundTruth(scenario: Scenario): {
  workspaces: number;
  endpoints: number;
  deployments: number;
  legacy: number;
} {
  const workspaces = scenario.subscriptions.flatMap((s) => s.workspaces);
  const endpoints = workspaces.flatMap((w) => w.endpoints);
  return {
    workspaces: workspaces.length,
    endpoints: endpoints.length,
    deployments: endpoints.reduce((n, e) => n + e.deployments.length, 0),
    legacy: workspaces.reduce((n, w) => n + w.legacyServices.length, 0),
  };
}

export const count = (nodes: ModelNode[], kind: ModelNode['kind']): number =>
  nodes.filter((n) => n.kind === kind).length;

export function countsOf(nodes: ModelNode[]): {
  workspaces: number;
  endpoints: number;
  deployments: number;
  legacy: number;
} {
  return {
    workspaces: count(nodes, 'workspace'),
    endpoints: count(nodes, 'endpoint'),
    deployments: count(nodes, 'deployment'),
    legacy: count(nodes, 'legacyService'),
  };
}
