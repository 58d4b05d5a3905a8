// The services tree's node classes. Each wraps a plain model from ./model and carries `.target`
// (src/targets.ts) for the commands its menus run, and an `id` that survives refreshes.
import * as vscode from 'vscode';
import { ContextTokens } from '../constants';
import {
  presentDeployment,
  presentEndpoint,
  presentLegacyGroup,
  presentLegacyService,
  presentSubscription,
  presentWorkspace,
  type ItemPresentation,
  type PresentationStrings,
} from '../core/treePresentation';
import type { Glance } from '../core/metrics';
import { errorAction, presentKind } from '../errorPresentation';
import { targetKey, type Target } from '../targets';
import type { ModelNode } from './model';
import { emptyLabel, failureLabel, failureReason } from './strings';

export interface NodeContext {
  readonly strings: PresentationStrings;
  isBusy(target: Target): boolean;
  /** An update outran the time Azure stated for it (see ServicesTreeProvider.markOverdue). */
  isOverdue?(target: Target): boolean;
  isStreaming(target: Target): boolean;
  /** A deployment's last-hour figures if known; asking starts a lazy read (see ./glance). */
  glance?(deploymentId: string): Glance | undefined;
}

type ModelOf<K extends ModelNode['kind']> = Extract<ModelNode, { kind: K }>;

export abstract class TreeNode<M extends ModelNode = ModelNode> {
  abstract readonly id: string;
  constructor(
    readonly parent: TreeNode | undefined,
    private current: M,
  ) {}

  get model(): M {
    return this.current;
  }

  /** Takes a fresh read of the same resource (its kind never changes). */
  update(model: ModelNode): void {
    if (model.kind !== this.current.kind)
      throw new Error(`node kind changed: ${this.current.kind} → ${model.kind}`);
    this.current = model as M;
  }

  /** Whether the node has children to load. */
  abstract readonly expandable: boolean;
  abstract getTreeItem(ctx: NodeContext): vscode.TreeItem;
}

type ResourceModel = Extract<ModelNode, { target: Target }>;

/** A node that stands for one Azure resource: its id is the resource's key, its target the resource. */
abstract class ResourceNode<M extends ResourceModel> extends TreeNode<M> {
  readonly id: string;
  constructor(parent: TreeNode | undefined, model: M) {
    super(parent, model);
    this.id = targetKey(model.target);
  }
  get target(): M['target'] {
    return this.model.target;
  }
}

function toTreeItem(id: string, p: ItemPresentation, expandable: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(
    p.label,
    expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = id;
  item.description = p.description;
  // A plain string: names are shown as typed, never interpreted as Markdown or HTML.
  item.tooltip = p.tooltip;
  item.contextValue = p.contextValue;
  item.iconPath = new vscode.ThemeIcon(
    p.icon.id,
    p.icon.color ? new vscode.ThemeColor(p.icon.color) : undefined,
  );
  item.accessibilityInformation = { label: p.description ? `${p.label}, ${p.description}` : p.label };
  return item;
}

export class SubscriptionNode extends ResourceNode<ModelOf<'subscription'>> {
  readonly expandable = true;
  getTreeItem(ctx: NodeContext): vscode.TreeItem {
    return toTreeItem(this.id, presentSubscription(this.target.subscription, ctx.strings), true);
  }
}

export class WorkspaceNode extends ResourceNode<ModelOf<'workspace'>> {
  readonly expandable = true;
  getTreeItem(ctx: NodeContext): vscode.TreeItem {
    return toTreeItem(this.id, presentWorkspace(this.target.workspace, ctx.strings), true);
  }
}

export class EndpointNode extends ResourceNode<ModelOf<'endpoint'>> {
  readonly expandable = true;
  getTreeItem(ctx: NodeContext): vscode.TreeItem {
    const { workspace, endpoint } = this.target;
    const flags = { busy: ctx.isBusy(this.target) };
    return toTreeItem(this.id, presentEndpoint(workspace, endpoint, ctx.strings, flags), true);
  }
}

export class DeploymentNode extends ResourceNode<ModelOf<'deployment'>> {
  readonly expandable = false;
  getTreeItem(ctx: NodeContext): vscode.TreeItem {
    const { workspace, endpoint, deployment } = this.target;
    const glance = ctx.glance?.(deployment.armId);
    const flags = {
      busy: ctx.isBusy(this.target),
      overdue: ctx.isOverdue?.(this.target) ?? false,
      streaming: ctx.isStreaming(this.target),
      ...(glance ? { glance } : {}),
    };
    return toTreeItem(this.id, presentDeployment(workspace, endpoint, deployment, ctx.strings, flags), false);
  }
}

export class LegacyGroupNode extends TreeNode<ModelOf<'legacyGroup'>> {
  readonly id: string;
  readonly expandable = true;
  constructor(parent: TreeNode | undefined, model: ModelOf<'legacyGroup'>) {
    super(parent, model);
    this.id = `${model.workspace.armId.toLowerCase()}#services-v1`;
  }
  /** Refreshing the group refreshes its workspace's v1 list. */
  get target(): Target {
    return { kind: 'workspace', workspace: this.model.workspace };
  }
  getTreeItem(ctx: NodeContext): vscode.TreeItem {
    return toTreeItem(
      this.id,
      presentLegacyGroup(this.model.workspace, this.model.services.length, ctx.strings),
      true,
    );
  }
}

export class LegacyServiceNode extends ResourceNode<ModelOf<'legacyService'>> {
  readonly expandable = false;
  getTreeItem(ctx: NodeContext): vscode.TreeItem {
    const { workspace, service } = this.target;
    const flags = {
      busy: ctx.isBusy(this.target),
      overdue: ctx.isOverdue?.(this.target) ?? false,
      streaming: ctx.isStreaming(this.target),
    };
    return toTreeItem(this.id, presentLegacyService(workspace, service, ctx.strings, flags), false);
  }
}

/** A list that could not be read: says what and why; clicking it runs the fix (sign in, retry, …). */
export class ErrorNode extends TreeNode<ModelOf<'error'>> {
  readonly id: string;
  readonly expandable = false;
  constructor(parent: TreeNode | undefined, model: ModelOf<'error'>) {
    super(parent, model);
    this.id = `${parent?.id ?? ''}#error-${model.failure.list}`;
  }
  /** The node to reload on retry: the parent's target (none at the root: reload everything). */
  get target(): Target | undefined {
    return this.parent && 'target' in this.parent ? (this.parent as { target?: Target }).target : undefined;
  }
  getTreeItem(): vscode.TreeItem {
    const f = this.model.failure;
    const item = new vscode.TreeItem(failureLabel(f), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = failureReason(f);
    const { summary, hint } = presentKind(f.kind);
    const detail = f.error instanceof Error ? f.error.message : String(f.error);
    item.tooltip = [failureLabel(f), [summary, hint].filter(Boolean).join(' '), detail].join('\n');
    item.contextValue = ContextTokens.error;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.command = this.actionCommand();
    return item;
  }
  private actionCommand(): vscode.Command {
    const { action } = this.model.failure;
    const { command, title } = errorAction(action);
    return { command, title, arguments: action === 'retry' ? [this] : undefined };
  }
}

/** Says that a level has nothing, so no level is silently empty. */
export class EmptyNode extends TreeNode<ModelOf<'empty'>> {
  readonly id: string;
  readonly expandable = false;
  constructor(parent: TreeNode | undefined, model: ModelOf<'empty'>) {
    super(parent, model);
    this.id = `${parent?.id ?? ''}#empty`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(emptyLabel(this.model.reason), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('info');
    return item;
  }
}

export type AnyNode =
  | SubscriptionNode
  | WorkspaceNode
  | EndpointNode
  | DeploymentNode
  | LegacyGroupNode
  | LegacyServiceNode
  | ErrorNode
  | EmptyNode;

export function createNode(parent: TreeNode | undefined, model: ModelNode): AnyNode {
  switch (model.kind) {
    case 'subscription':
      return new SubscriptionNode(parent, model);
    case 'workspace':
      return new WorkspaceNode(parent, model);
    case 'endpoint':
      return new EndpointNode(parent, model);
    case 'deployment':
      return new DeploymentNode(parent, model);
    case 'legacyGroup':
      return new LegacyGroupNode(parent, model);
    case 'legacyService':
      return new LegacyServiceNode(parent, model);
    case 'error':
      return new ErrorNode(parent, model);
    case 'empty':
      return new EmptyNode(parent, model);
  }
}
