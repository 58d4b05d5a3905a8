// The stream manager and the log commands with a stand-in `vscode` module and a scripted client:
// channels, reveal on a repeated start, status-bar count, context key, stop, 404, snapshot, dispose.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventEmitter, installStandInVscode, l10n } from '../support/standInVscode';
import { answer, TestUserInput } from '../support/testUserInput';
import { AzureRequestError } from '../../src/azure/errors';
import type { Deployment, LegacyService, Workspace } from '../../src/azure/models';
import type { DeploymentTarget, LegacyServiceTarget } from '../../src/targets';

class FakeChannel {
  text = '';
  shown = 0;
  disposed = false;
  constructor(
    readonly name: string,
    readonly languageId: string | undefined,
  ) {}
  append(t: string) {
    assert.ok(!this.disposed, 'append after dispose');
    this.text += t;
  }
  appendLine(t: string) {
    this.append(`${t}\n`);
  }
  show() {
    this.shown++;
  }
  dispose() {
    this.disposed = true;
  }
}

const channels: FakeChannel[] = [];
const statusItem = {
  text: '',
  tooltip: undefined as unknown,
  visible: false,
  disposed: false,
  command: '',
  name: '',
  backgroundColor: undefined as unknown,
  show() {
    this.visible = true;
  },
  hide() {
    this.visible = false;
  },
  dispose() {
    this.disposed = true;
  },
};
const contextKeys = new Map<string, unknown>();
const settings: Record<string, unknown> = {
  'amlMonitor.logs.tailLines': 20,
  'amlMonitor.logs.pollIntervalSeconds': 1,
};

const fakeVscode = {
  EventEmitter,
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { Notification: 15, Window: 10 },
  QuickPickItemKind: { Separator: -1 },
  MarkdownString: class {
    value = '';
    appendText(t: string) {
      this.value += t;
    }
    appendMarkdown(t: string) {
      this.value += t;
    }
  },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
  ThemeIcon: class {
    constructor(readonly id: string) {}
  },
  l10n,
  workspace: {
    getConfiguration: () => ({
      get: (key: string, fallback: unknown) => (key in settings ? settings[key] : fallback),
    }),
    onDidChangeConfiguration: new EventEmitter<unknown>().event,
  },
  commands: {
    executeCommand: (command: string, key: string, value: unknown) => {
      if (command === 'setContext') contextKeys.set(key, value);
      return Promise.resolve();
    },
  },
  window: {
    createOutputChannel: (name: string, languageId?: string) => {
      const c = new FakeChannel(name, languageId);
      channels.push(c);
      return c;
    },
    createStatusBarItem: () => statusItem,
    withProgress: (_o: unknown, task: (p: unknown, token: unknown) => Promise<unknown>) =>
      task({ report: () => undefined }, { onCancellationRequested: () => ({ dispose: () => undefined }) }),
  },
};

installStandInVscode(fakeVscode);

const workspace: Workspace = {
  subscriptionId: 's',
  resourceGroup: 'rg',
  workspaceName: 'ws',
  armId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws',
  location: 'westeurope',
};
const deployment: Deployment = {
  ...workspace,
  endpointName: 'ep',
  deploymentName: 'blue',
  armId: `${workspace.armId}/onlineEndpoints/ep/deployments/blue`,
  computeType: 'Managed',
  provisioningState: 'Succeeded',
  appInsightsEnabled: false,
};
const target: DeploymentTarget = {
  kind: 'deployment',
  workspace,
  endpoint: {
    ...workspace,
    endpointName: 'ep',
    armId: `${workspace.armId}/onlineEndpoints/ep`,
    authMode: 'Key',
    provisioningState: 'Succeeded',
    traffic: {},
  },
  deployment,
};
const service: LegacyService = {
  ...workspace,
  serviceName: 'svc',
  computeType: 'ACI',
  state: 'Healthy',
  appInsightsEnabled: false,
};
const legacyTarget: LegacyServiceTarget = { kind: 'legacyService', workspace, service };

const answers: (string | Error)[] = [];
const requests: { what: string; tail: number }[] = [];
const client = {
  getDeploymentLogs: (_ref: unknown, container: string, o: { tail: number }) => {
    requests.push({ what: container, tail: o.tail });
    const a = answers.shift() ?? '';
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  },
  getLegacyLogs: (_ws: unknown, _ref: unknown, o: { tail: number; init: boolean }) => {
    requests.push({ what: o.init ? 'init' : 'main', tail: o.tail });
    return Promise.resolve('legacy line\nAccountKey=abc123==\n');
  },
};

const settle = () => new Promise((r) => setTimeout(r, 20));

void test('streams, reveals, counts, stops, snapshots and disposes', async () => {
  const { LogStreamManager } = await import('../../src/logs/streamManager');
  const { Settings } = await import('../../src/settings');
  const { stopLogStream, streamLogs, getLogs } = await import('../../src/commands/logs');
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const base = {
    context: {},
    log,
    settings: new Settings(),
    azure: { getClient: () => Promise.resolve(client) },
    ui: new TestUserInput(),
  };
  const manager = new LogStreamManager(base as never);
  const services = { ...base, logStreams: manager } as never;
  let changes = 0;
  manager.onDidChangeStreams(() => changes++);

  answers.push('boot\nready\n');
  await streamLogs(services)({ target }, 'InferenceServer');
  await settle();
  const channel = channels.find((c) => c.name === 'AML Logs: ep/blue (inference server)');
  assert.ok(channel, channels.map((c) => c.name).join());
  assert.equal(channel.languageId, 'log');
  assert.match(channel.text, /boot\nready\n$/);
  assert.deepEqual(requests, [{ what: 'InferenceServer', tail: 20 }]);
  assert.equal(manager.isStreaming(target), true);
  assert.equal(manager.isStreaming(legacyTarget), false);
  assert.equal(contextKeys.get('amlMonitor.activeLogStreams'), 1);
  assert.equal(statusItem.visible, true);
  assert.match(statusItem.text, /1 stream/);
  assert.equal(statusItem.command, 'amlMonitor.stopLogStream');
  assert.ok(changes >= 1);

  // A repeated start reveals the running channel instead of opening a second stream.
  const shown = channel.shown;
  await streamLogs(services)({ target }, 'InferenceServer');
  assert.equal(channel.shown, shown + 1);
  assert.equal(manager.activeStreams().length, 1);

  // Stop from the palette: a pick of the active streams.
  base.ui.queue(answer.pick('AML Logs: ep/blue (inference server)'));
  await stopLogStream(services)();
  assert.deepEqual(base.ui.asked[0]?.choices, ['AML Logs: ep/blue (inference server)']);
  assert.match(channel.text, /stream stopped/);
  assert.equal(manager.isStreaming(target), false);
  assert.equal(contextKeys.get('amlMonitor.activeLogStreams'), 0);
  assert.equal(statusItem.visible, false);

  // A deleted deployment ends its stream with a line; the channel stays readable.
  answers.push(new AzureRequestError({ operation: 'Get logs', kind: 'notFound', statusCode: 404 }));
  manager.start(target, 'StorageInitializer');
  await settle();
  const init = channels.find((c) => c.name === 'AML Logs: ep/blue (storage initializer)');
  assert.match(init?.text ?? '', /it no longer exists \(404 notFound\)/);
  assert.equal(manager.isStreaming(target), false);

  // A one-off snapshot of a v1 service's init container, scrubbed.
  await getLogs(services)({ target: legacyTarget }, 'StorageInitializer');
  const legacy = channels.find((c) => c.name === 'AML Logs: svc (init container)');
  assert.match(legacy?.text ?? '', /legacy line\nAccountKey=\*\*\*\n$/);
  assert.equal(manager.isStreaming(legacyTarget), false);

  // Stop from a tree node, then dispose with a stream running.
  answers.push('a\n');
  manager.start(legacyTarget, 'InferenceServer');
  assert.equal(manager.isStreaming(legacyTarget), true);
  await stopLogStream(services)({ target: legacyTarget });
  assert.equal(manager.isStreaming(legacyTarget), false);
  manager.start(target, 'InferenceServer');
  manager.dispose();
  base.ui.assertDone();
  assert.ok(channels.every((c) => c.disposed));
  assert.equal(statusItem.disposed, true);
});
