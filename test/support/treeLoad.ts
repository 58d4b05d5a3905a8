// Loads whole subtrees of the tree model (tests and benches; the view loads one level at a time).
import type { Endpoint } from '../../src/azure/models';
import type { ModelNode, TreeModel } from '../../src/tree/model';

export interface LoadedNode {
  node: ModelNode;
  children: LoadedNode[];
}

/** Expands a node and everything below it, siblings concurrently (tests, bench, "expand all"). */
export async function loadSubtree(model: TreeModel, node: ModelNode): Promise<LoadedNode> {
  const children = await model.loadChildren(node);
  children.push(...(await model.loadDeferred(node)));
  return { node, children: await Promise.all(children.map((child) => loadSubtree(model, child))) };
}

/** Every node of a loaded subtree, depth first. */
export function flatten(tree: LoadedNode): ModelNode[] {
  return [tree.node, ...tree.children.flatMap(flatten)];
}

export function endpointsOf(tree: LoadedNode): Endpoint[] {
  return flatten(tree).flatMap((n) => (n.kind === 'endpoint' ? [n.target.endpoint] : []));
}
