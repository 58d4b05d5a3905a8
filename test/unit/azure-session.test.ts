// The session glue with a stand-in `vscode` module: which sign-in it asks VS Code for, when it
// loads the Azure bundle, when it drops its client. (The real VS Code runs it in the e2e suite.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventEmitter, installStandInVscode, l10n } from '../support/standInVscode';
import { TestUserInput } from '../support/testUserInput';

const settings: Record<string, unknown> = {};
const configChanged = new EventEmitter<{ affectsConfiguration(key: string): boolean }>();
const sessionsChanged = new EventEmitter<{ provider: { id: string } }>();
const getSessionCalls: { provider: string; scopes: string[]; options: Record<string, unknown> }[] = [];
const contextKeys = new Map<string, unknown>();
let signedIn = true;

const fakeVscode = {
  version: '1.100.0',
  EventEmitter,
  ConfigurationTarget: { Global: 1 },
  l10n,
  workspace: {
    getConfiguration: () => ({
      get: (key: string, fallback: unknown) => (key in settings ? settings[key] : fallback),
    }),
    onDidChangeConfiguration: configChanged.event,
  },
  authentication: {
    getSession: (provider: string, scopes: string[], options: Record<string, unknown>) => {
      getSessionCalls.push({ provider, scopes, options });
      return Promise.resolve(
        signedIn || options.createIfNone ? { accessToken: 'session-token', scopes } : undefined,
      );
    },
    onDidChangeSessions: sessionsChanged.event,
  },
  commands: {
    executeCommand: (command: string, key: string, value: unknown) => {
      if (command === 'setContext') contextKeys.set(key, value);
      return Promise.resolve();
    },
  },
};

installStandInVscode(fakeVscode);

async function load() {
  const { AzureSessionImpl } = await import('../../src/session/azureSession');
  const { Settings } = await import('../../src/settings');
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  return new AzureSessionImpl(new Settings(), log as never, new TestUserInput());
}

function change(...keys: string[]) {
  configChanged.fire({
    affectsConfiguration: (k: string) => keys.some((key) => key === k || key.startsWith(`${k}.`)),
  });
}

void test('cloud() reads the settings without loading the Azure bundle', async () => {
  settings['amlMonitor.cloud'] = 'AzureChinaCloud';
  const session = await load();
  assert.equal(session.cloud().studioUrl, 'https://studio.ml.azure.cn');
  const loaded = Object.keys(require.cache).filter(
    (f) => /src[\\/]azure[\\/](client|credentials|index)\.ts$/.test(f) || f.includes('@azure'),
  );
  assert.deepEqual(loaded, []);
  session.dispose();
});

void test('VS Code sign-in: the ARM scope plus the tenant pseudo-scope, silently; national clouds use the sovereign provider', async () => {
  settings['amlMonitor.cloud'] = 'AzureCloud';
  settings['amlMonitor.tenant'] = 'contoso.onmicrosoft.com';
  const session = await load();
  getSessionCalls.length = 0;
  assert.equal(await session.isSignedIn(), true);
  assert.deepEqual(getSessionCalls, [
    {
      provider: 'microsoft',
      scopes: ['https://management.azure.com/.default', 'VSCODE_TENANT:contoso.onmicrosoft.com'],
      options: { silent: true },
    },
  ]);
  assert.equal(contextKeys.get('amlMonitor.signedIn'), true);

  settings['amlMonitor.cloud'] = 'AzureUSGovernment';
  delete settings['amlMonitor.tenant'];
  getSessionCalls.length = 0;
  signedIn = false;
  assert.equal(await session.isSignedIn(), false);
  assert.equal(getSessionCalls[0]?.provider, 'microsoft-sovereign-cloud');
  assert.deepEqual(getSessionCalls[0]?.scopes, ['https://management.usgovcloudapi.net/.default']);
  assert.equal(contextKeys.get('amlMonitor.signedIn'), false);
  await assert.rejects(session.getClient(), (e: unknown) => (e as { kind?: string }).kind === 'signIn');
  signedIn = true;
  session.dispose();
});

void test('the client is built once, and rebuilt after an auth setting or sign-in change', async () => {
  settings['amlMonitor.cloud'] = 'Custom';
  settings['amlMonitor.customCloud'] = {
    resourceManagerEndpoint: 'https://127.0.0.1:9',
    logAnalyticsEndpoint: 'https://127.0.0.1:9/v1',
  };
  settings['amlMonitor.auth'] = 'emulator';
  const session = await load();
  let changes = 0;
  session.onDidChange(() => changes++);
  const [a, b] = await Promise.all([session.getClient(), session.getClient()]);
  assert.equal(a, b);
  assert.equal(await session.getClient(), a);
  assert.equal(a.cloud.resourceManagerEndpoint, 'https://127.0.0.1:9');

  change('amlMonitor.logs.tailLines');
  assert.equal(await session.getClient(), a, 'unrelated settings keep the client');
  change('amlMonitor.auth');
  const c = await session.getClient();
  assert.notEqual(c, a);
  assert.equal(changes, 1);

  sessionsChanged.fire({ provider: { id: 'microsoft' } });
  assert.equal(await session.getClient(), c, 'a Microsoft sign-in change does not matter to emulator auth');
  settings['amlMonitor.auth'] = 'vscode';
  change('amlMonitor.auth');
  settings['amlMonitor.auth'] = 'emulator';
  change('amlMonitor.auth');
  assert.equal(changes, 3);

  settings['amlMonitor.customCloud'] = {
    resourceManagerEndpoint: 'https://management.azure.com',
    logAnalyticsEndpoint: 'https://api.loganalytics.io/v1',
  };
  change('amlMonitor.customCloud');
  await assert.rejects(
    session.getClient(),
    (e: unknown) => (e as { kind?: string }).kind === 'config',
    'emulator auth refused for a remote cloud',
  );
  session.dispose();
  for (const key of Object.keys(settings)) delete settings[key];
});
