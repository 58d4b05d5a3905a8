// The services every view and command receives by constructor. Built once in activate().
import type * as vscode from 'vscode';
import type { AzureClient, CloudEndpoints } from './azure/api';
import type { ActiveLogStream, LogContainer } from './logs/streamManager';
import type { PanelBinding } from './query/protocol';
import type { MetricsTarget } from './metrics/panel';
import type { Settings } from './settings';
import type { DeploymentTarget, ServiceTarget, Target } from './targets';
import type { TestRequestService } from './testRequest/service';
import type { FleetEntry, TreeFilter } from './core/fleet';
import type { UserInput } from './ui';

/** The signed-in connection to Azure: builds the client lazily, rebuilds it when auth or cloud settings change. */
export interface AzureSession {
  /** Loads the Azure bundle on first call. Throws AzureRequestError(kind 'signIn' | 'config') when it cannot. */
  getClient(options?: { createIfNone?: boolean }): Promise<AzureClient>;
  /** Endpoints of the configured cloud (portal and Studio links); loads nothing heavy. */
  cloud(): CloudEndpoints;
  /** Whether a credential is available without prompting. */
  isSignedIn(): Promise<boolean>;
  signIn(): Promise<void>;
  readonly onDidChange: vscode.Event<void>;
}

/** What other areas ask of the tree. */
export interface TreeRefresher {
  /** Re-read one node from Azure (or the whole tree when no target). */
  refresh(target?: Target): void;
  /**
   * Re-read what a tree command was invoked on (a tree item, or anything carrying a target) and
   * resolve when the view shows the result; an error item retries its list.
   */
  refreshItem(item: unknown): Promise<void>;
  /** Mark a service as being updated by a long-running operation (shows Updating, hides enable/disable). */
  setBusy(target: Target, busy: boolean): void;
  /**
   * Mark a service whose update outran the time Azure stated for it: while Azure still reports it
   * in transition it shows a warning instead of Updating, and is not re-read on its own.
   */
  markOverdue(target: Target): void;
  /** Every deployment of the selected subscriptions, from the Resource Graph index (or ARM). */
  fleet(): Promise<FleetEntry[]>;
  /** Shows a deployment in the tree (clearing a filter that hides it); false when it is not there. */
  reveal(target: DeploymentTarget): Promise<boolean>;
  /** What the tree shows; setting it repaints without asking Azure again. */
  filter: TreeFilter;
}

/** What the tree asks of the log streams (to show a node as streaming). */
export interface LogStreamRegistry {
  isStreaming(target: Target): boolean;
  readonly onDidChangeStreams: vscode.Event<void>;
}

/** The log streams: what commands start, stop and snapshot. */
export interface LogStreams extends LogStreamRegistry {
  start(target: ServiceTarget, container: LogContainer): void;
  /** Stops one container's stream, or every stream of the target; false when none ran. */
  stop(target: Target, container?: LogContainer): boolean;
  /** Writes the log's last lines once into the target's channel. */
  snapshot(target: ServiceTarget, container: LogContainer): Promise<void>;
  activeStreams(): ActiveLogStream[];
}

/** One open trace query panel, as commands see it. */
export interface QueryPanelHandle {
  readonly binding: PanelBinding;
  /** Puts the query in the panel's editor, and runs it when `run`. */
  setQuery(query: string, run: boolean): void;
}

/** The trace query panels: one per binding. */
export interface QueryPanels {
  /** Reveals the panel of this binding, or opens a new one. */
  open(binding: PanelBinding, options?: { query?: string }): QueryPanelHandle;
  /** The Run keybinding: the active panel runs its current query; false when no panel is open. */
  runInActivePanel(): boolean;
}

export interface BaseServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly settings: Settings;
  readonly azure: AzureSession;
  /** Aborts when the extension deactivates: background work (pollers) stops with it. */
  readonly lifetime: AbortSignal;
  /** Every question and notification to the user. */
  readonly ui: UserInput;
}

export interface Services extends BaseServices {
  readonly tree: TreeRefresher;
  readonly logStreams: LogStreams;
  readonly queryPanels: QueryPanels;
  readonly testRequests: TestRequestService;
  /** Metrics views of endpoints and deployments: one per resource. */
  readonly metricsViews: { open(target: MetricsTarget): unknown };
}
