// The services every view and command receives by constructor. Built once in activate().
import type * as vscode from 'vscode';
import type { AzureClient, CloudEndpoints } from './azure/api';
import type { LogStreamManager } from './logs/streamManager';
import type { QueryPanelManager } from './query/panelManager';
import type { Settings } from './settings';
import type { Target } from './targets';
import type { TestRequestService } from './testRequest/service';

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
  /** Mark a service as being updated by a long-running operation (shows Updating, hides enable/disable). */
  setBusy(target: Target, busy: boolean): void;
}

/** What the tree asks of the log streams (to show a node as streaming). */
export interface LogStreamRegistry {
  isStreaming(target: Target): boolean;
  readonly onDidChangeStreams: vscode.Event<void>;
}

export interface BaseServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly settings: Settings;
  readonly azure: AzureSession;
}

export interface Services extends BaseServices {
  readonly tree: TreeRefresher;
  readonly logStreams: LogStreamManager;
  readonly queryPanels: QueryPanelManager;
  readonly testRequests: TestRequestService;
}
