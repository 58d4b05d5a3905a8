// Log commands: follow a service's log, take a one-off snapshot, stop a stream. From a tree node
// (the node carries its target), or from the palette (quick picks), or the status-bar item (stop).
import * as vscode from 'vscode';
import type { LogContainer } from '../logs/streamManager';
import { containerLabel } from '../logs/streamManager';
import type { Services } from '../services';
import { isServiceTarget, type ServiceTarget, targetOf, type Target } from '../targets';
import { pickServiceTarget } from './pickers';

const CONTAINERS: readonly LogContainer[] = ['InferenceServer', 'StorageInitializer'];

function isContainer(value: unknown): value is LogContainer {
  return typeof value === 'string' && (CONTAINERS as readonly string[]).includes(value);
}

/** The node's target, a target passed as is, or the user's pick. */
async function serviceTargetOf(s: Services, arg: unknown): Promise<ServiceTarget> {
  const target =
    targetOf(arg) ?? (typeof arg === 'object' && arg !== null && 'kind' in arg ? (arg as Target) : undefined);
  if (isServiceTarget(target)) return target;
  return pickServiceTarget(s);
}

async function pickContainer(s: Services, target: ServiceTarget): Promise<LogContainer> {
  const items = CONTAINERS.map((container) => ({
    label: containerLabel(target, container),
    description:
      container === 'InferenceServer'
        ? vscode.l10n.t('the scoring server (score.py)')
        : vscode.l10n.t('downloads the model before start'),
    container,
  }));
  const choice = await s.ui.pick(items, {
    title: vscode.l10n.t('Which container?'),
    placeHolder: vscode.l10n.t('Container whose log to show'),
  });
  return choice.container;
}

export function streamLogs(s: Services) {
  return async (arg?: unknown, container?: unknown): Promise<void> => {
    const target = await serviceTargetOf(s, arg);
    const chosen = isContainer(container) ? container : await pickContainer(s, target);
    // Signed out: ask now, rather than start a stream that can only keep reconnecting.
    await s.azure.getClient({ createIfNone: true });
    s.logStreams.start(target, chosen);
  };
}

export function getLogs(s: Services) {
  return async (arg?: unknown, container?: unknown): Promise<void> => {
    const target = await serviceTargetOf(s, arg);
    await s.logStreams.snapshot(target, isContainer(container) ? container : await pickContainer(s, target));
  };
}

export function stopLogStream(s: Services) {
  return async (arg?: unknown, container?: unknown): Promise<void> => {
    const target = targetOf(arg);
    if (target) {
      s.logStreams.stop(target, isContainer(container) ? container : undefined);
      return;
    }
    const active = s.logStreams.activeStreams();
    if (active.length === 0) {
      void s.ui.notify('info', vscode.l10n.t('No log streams are running.'));
      return;
    }
    const choice = await s.ui.pick(
      active.map((stream) => ({
        label: stream.label,
        description: stream.state === 'reconnecting' ? vscode.l10n.t('reconnecting') : undefined,
        stream,
      })),
      { title: vscode.l10n.t('Stop Log Stream'), placeHolder: vscode.l10n.t('Log stream to stop') },
    );
    s.logStreams.stop(choice.stream.target, choice.stream.container);
  };
}
