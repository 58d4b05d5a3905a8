// Log streams of deployments and v1 services: one output channel per (service, container), a
// LogFollower polling each, and a status-bar item counting them. Owned by activate(); disposing it
// stops every poll.
import * as vscode from 'vscode';
import { isAzureRequestError } from '../azure/errors';
import type { ContainerType } from '../azure/models';
import { Commands, ContextKeys } from '../constants';
import { Disposable, toDisposable } from '../disposable';
import type { BaseServices, LogStreams } from '../services';
import { type ServiceTarget, type Target, targetDisplayName, targetKey } from '../targets';
import {
  type FetchSnapshot,
  type FollowerMessages,
  type FollowerState,
  LogFollower,
  fetchSnapshotText,
} from './follower';

export type LogContainer = ContainerType;

export interface ActiveLogStream {
  readonly target: ServiceTarget;
  readonly container: LogContainer;
  readonly label: string;
  readonly state: FollowerState;
}

interface Stream {
  readonly target: ServiceTarget;
  readonly container: LogContainer;
  readonly channel: vscode.OutputChannel;
  readonly follower: LogFollower;
  state: FollowerState;
}

/** How the container is called for this kind of service. */
export function containerLabel(target: ServiceTarget, container: LogContainer): string {
  if (target.kind === 'legacyService') {
    return container === 'StorageInitializer' ? vscode.l10n.t('init container') : vscode.l10n.t('service');
  }
  return container === 'StorageInitializer'
    ? vscode.l10n.t('storage initializer')
    : vscode.l10n.t('inference server');
}

function marker(text: string): string {
  return `──── ${text} ────`;
}

function lineCutNote(removed: number): string {
  return ` … ${vscode.l10n.t('[line cut: {0} more characters]', removed)}`;
}

const messages: FollowerMessages = {
  restarted: () => marker(vscode.l10n.t('container restarted')),
  skipped: (window, widenedTo) =>
    marker(
      widenedTo > window
        ? vscode.l10n.t(
            'lines may have been skipped: more than {0} lines arrived between polls; reading {1} lines from now on',
            window,
            widenedTo,
          )
        : vscode.l10n.t(
            'lines may have been skipped: more than {0} lines arrived between polls; polling sooner from now on',
            window,
          ),
    ),
  reconnecting: (reason) => marker(vscode.l10n.t('connection lost ({0}); reconnecting…', reason)),
  reconnected: () => marker(vscode.l10n.t('reconnected')),
  lineCut: (removed) => lineCutNote(removed),
  ended: (reason, error) =>
    marker(
      isAzureRequestError(error) && error.kind === 'notFound'
        ? vscode.l10n.t('it no longer exists ({0}); the stream has ended', reason)
        : vscode.l10n.t('the stream has ended: {0}', reason),
    ),
};

export class LogStreamManager extends Disposable implements LogStreams {
  private readonly streams = new Map<string, Stream>();
  /** Channels outlive their streams so that an ended log can still be read; disposed with the manager. */
  private readonly channels = new Map<string, vscode.OutputChannel>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeStreams = this.changed.event;
  private readonly statusItem: vscode.StatusBarItem;

  constructor(private readonly s: BaseServices) {
    super();
    this.statusItem = this.register(
      vscode.window.createStatusBarItem('amlMonitor.logStreams', vscode.StatusBarAlignment.Left, 10),
    );
    this.statusItem.name = vscode.l10n.t('Azure ML Log Streams');
    this.statusItem.command = Commands.stopLogStream;
    // Last registered, first disposed: every poll stops, then the channels they wrote to close.
    this.register(
      toDisposable(() => {
        for (const channel of this.channels.values()) channel.dispose();
        this.channels.clear();
      }),
    );
    this.register(
      toDisposable(() => {
        for (const stream of this.streams.values()) stream.follower.stop();
        this.streams.clear();
      }),
    );
  }

  isStreaming(target: Target): boolean {
    const key = targetKey(target);
    for (const stream of this.streams.values()) if (targetKey(stream.target) === key) return true;
    return false;
  }

  activeStreams(): ActiveLogStream[] {
    return [...this.streams.values()].map((st) => ({
      target: st.target,
      container: st.container,
      label: this.channelName(st.target, st.container),
      state: st.state,
    }));
  }

  /** Follows the log; a stream that already runs is revealed instead. */
  start(target: ServiceTarget, container: LogContainer): void {
    if (this.isDisposed) return;
    const key = streamKey(target, container);
    const running = this.streams.get(key);
    if (running) {
      running.channel.show(true);
      return;
    }
    const channel = this.channelFor(target, container);
    const tail = this.s.settings.logsTailLines;
    channel.appendLine(
      marker(
        vscode.l10n.t(
          '{0}: last {1} lines, then new lines every {2} s',
          new Date().toLocaleString(),
          tail,
          this.s.settings.logsPollIntervalSeconds,
        ),
      ),
    );
    channel.show(true);
    const stream: Stream = {
      target,
      container,
      channel,
      state: 'live',
      follower: new LogFollower({
        fetch: this.fetcher(target, container),
        messages,
        sink: {
          append: (text) => channel.append(text),
          status: (state) => this.setState(key, state),
        },
        tailLines: () => this.s.settings.logsTailLines,
        pollIntervalMs: () => this.s.settings.logsPollIntervalSeconds * 1000,
        maxBackoffMs: () => this.s.settings.logsMaxBackoffSeconds * 1000,
        onError: (e) =>
          this.s.log.error(`log stream ${channel.name}: ${e instanceof Error ? e.message : String(e)}`),
      }),
    };
    this.streams.set(key, stream);
    void stream.follower.done.then(() => this.forget(key, stream));
    stream.follower.start();
    this.update();
  }

  /** Stops the streams of a target (every container, or one). Returns whether any ran. */
  stop(target: Target, container?: LogContainer): boolean {
    let stopped = false;
    for (const [key, stream] of this.streams) {
      if (targetKey(stream.target) !== targetKey(target) || (container && stream.container !== container))
        continue;
      this.end(key, stream);
      stopped = true;
    }
    return stopped;
  }

  /** One snapshot of the last tailLines lines into the channel, without following. */
  async snapshot(target: ServiceTarget, container: LogContainer): Promise<void> {
    const running = this.streams.get(streamKey(target, container));
    if (running) {
      // The channel already shows the live log.
      running.channel.show(true);
      return;
    }
    const tail = this.s.settings.logsTailLines;
    const title = vscode.l10n.t(
      'Fetching logs of {0} ({1})…',
      targetDisplayName(target),
      containerLabel(target, container),
    );
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (_progress, token) => {
        const abort = new AbortController();
        const subscription = token.onCancellationRequested(() => abort.abort());
        try {
          const text = await fetchSnapshotText(
            this.fetcher(target, container),
            tail,
            abort.signal,
            lineCutNote,
          );
          // Closed meanwhile: a channel made now would outlive its owner.
          if (this.isDisposed) return;
          const channel = this.channelFor(target, container);
          channel.appendLine(
            marker(vscode.l10n.t('{0}: snapshot of the last {1} lines', new Date().toLocaleString(), tail)),
          );
          channel.append(text);
          channel.show(true);
        } finally {
          subscription.dispose();
        }
      },
    );
  }

  private fetcher(target: ServiceTarget, container: LogContainer): FetchSnapshot {
    return async (tail, abortSignal) => {
      const client = await this.s.azure.getClient();
      return target.kind === 'deployment'
        ? client.getDeploymentLogs(target.deployment, container, { tail, abortSignal })
        : client.getLegacyLogs(target.workspace, target.service, {
            tail,
            abortSignal,
            init: container === 'StorageInitializer',
          });
    };
  }

  private channelName(target: ServiceTarget, container: LogContainer): string {
    return vscode.l10n.t('AML Logs: {0} ({1})', targetDisplayName(target), containerLabel(target, container));
  }

  private channelFor(target: ServiceTarget, container: LogContainer): vscode.OutputChannel {
    const key = streamKey(target, container);
    let channel = this.channels.get(key);
    if (!channel) {
      // languageId 'log' lets VS Code colour levels, dates and ids.
      channel = vscode.window.createOutputChannel(this.channelName(target, container), 'log');
      this.channels.set(key, channel);
    }
    return channel;
  }

  private end(key: string, stream: Stream): void {
    stream.follower.stop();
    stream.channel.appendLine(marker(vscode.l10n.t('stream stopped')));
    this.forget(key, stream);
  }

  private forget(key: string, stream: Stream): void {
    if (this.streams.get(key) !== stream) return;
    this.streams.delete(key);
    this.update();
  }

  private setState(key: string, state: FollowerState): void {
    const stream = this.streams.get(key);
    if (!stream || stream.state === state) return;
    stream.state = state;
    this.updateStatusItem();
  }

  private update(): void {
    this.updateStatusItem();
    this.changed.fire();
    vscode.commands
      .executeCommand('setContext', ContextKeys.activeLogStreams, this.streams.size)
      .then(undefined, (e: unknown) =>
        this.s.log.warn(`setContext ${ContextKeys.activeLogStreams}: ${String(e)}`),
      );
  }

  private updateStatusItem(): void {
    const streams = [...this.streams.values()];
    if (streams.length === 0) {
      this.statusItem.hide();
      return;
    }
    const reconnecting = streams.filter((st) => st.state === 'reconnecting').length;
    this.statusItem.text =
      reconnecting > 0
        ? `$(sync~spin) ${vscode.l10n.t('AML logs: reconnecting ({0} of {1})', reconnecting, streams.length)}`
        : `$(output) ${streams.length === 1 ? vscode.l10n.t('AML logs: 1 stream') : vscode.l10n.t('AML logs: {0} streams', streams.length)}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendText(vscode.l10n.t('Active log streams (click to stop one):'));
    for (const st of streams) {
      tooltip.appendMarkdown('\n\n');
      tooltip.appendText(
        st.state === 'reconnecting'
          ? vscode.l10n.t('{0}: reconnecting', this.channelName(st.target, st.container))
          : this.channelName(st.target, st.container),
      );
    }
    this.statusItem.tooltip = tooltip;
    this.statusItem.backgroundColor =
      reconnecting > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.statusItem.show();
  }
}

function streamKey(target: ServiceTarget, container: LogContainer): string {
  return `${targetKey(target)}|${container}`;
}
