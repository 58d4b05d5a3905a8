import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionTokenProvider } from '../../src/azure/api';
import { resolveCloud } from '../../src/azure/clouds';
import { createCredential, emulatorTokenAudience, jwtExpiry } from '../../src/azure/credentials';
import { isAzureRequestError } from '../../src/azure/errors';

const loopback = resolveCloud('Custom', {
  resourceManagerEndpoint: 'https://127.0.0.1:8443',
  logAnalyticsEndpoint: 'https://localhost:8443/v1',
});

void test('emulator auth hands out a token for the audience asked, for a loopback cloud', async () => {
  const credential = createCredential({ kind: 'emulator', cloud: loopback });
  const arm = await credential.getToken('https://127.0.0.1:8443/.default');
  const logs = await credential.getToken(['https://localhost:8443/.default']);
  assert.equal(emulatorTokenAudience(arm?.token ?? ''), 'https://127.0.0.1:8443');
  assert.equal(emulatorTokenAudience(logs?.token ?? ''), 'https://localhost:8443');
  assert.ok((arm?.expiresOnTimestamp ?? 0) > Date.now());
  assert.equal(jwtExpiry(arm?.token ?? ''), Math.floor((arm?.expiresOnTimestamp ?? 0) / 1000) * 1000);
  assert.equal(emulatorTokenAudience('opaque-token'), undefined);
});

void test('emulator auth is refused for a public cloud and for a custom cloud with one remote endpoint', () => {
  const mixed = resolveCloud('Custom', {
    resourceManagerEndpoint: 'https://127.0.0.1:8443',
    logAnalyticsEndpoint: 'https://api.loganalytics.io/v1',
  });
  for (const cloud of [resolveCloud('AzureCloud'), resolveCloud('AzureChinaCloud'), mixed]) {
    assert.throws(
      () => createCredential({ kind: 'emulator', cloud }),
      (e: unknown) =>
        isAzureRequestError(e) &&
        e.kind === 'config' &&
        /only works when every endpoint is on this machine/.test(e.message),
      cloud.name,
    );
  }
});

void test('VS Code auth passes the SDK scopes and the tenant through, and never prompts from a request', async () => {
  const calls: { scopes: string[]; tenant?: string; createIfNone: boolean }[] = [];
  const provider: SessionTokenProvider = (scopes, options) => {
    calls.push({ scopes, ...options });
    return Promise.resolve({ accessToken: 'opaque-token' });
  };
  const credential = createCredential({
    kind: 'vscode',
    cloud: resolveCloud('AzureCloud'),
    tenant: 'contoso.com',
    vscodeSession: provider,
  });
  const before = Date.now();
  const token = await credential.getToken(['https://api.loganalytics.io/.default']);
  assert.deepEqual(calls, [
    { scopes: ['https://api.loganalytics.io/.default'], tenant: 'contoso.com', createIfNone: false },
  ]);
  assert.equal(token?.token, 'opaque-token');
  // Not a JWT: one hour, the lifetime of Entra access tokens by default.
  assert.ok(Math.abs((token?.expiresOnTimestamp ?? 0) - (before + 3600_000)) < 5_000);

  await credential.getToken('https://management.azure.com/.default', { tenantId: 'other-tenant' });
  assert.equal(calls[1]?.tenant, 'other-tenant', 'a challenge tenant wins over the setting');
});

void test('VS Code auth reports the real expiry of a JWT and a sign-in error without a session', async () => {
  const exp = Math.floor(Date.now() / 1000) + 600;
  const jwt = ['e30', Buffer.from(JSON.stringify({ exp })).toString('base64url'), 'sig'].join('.');
  assert.equal(jwtExpiry(jwt), exp * 1000);
  assert.equal(jwtExpiry('not-a-jwt'), undefined);

  const withJwt = createCredential({
    kind: 'vscode',
    cloud: resolveCloud('AzureCloud'),
    vscodeSession: () => Promise.resolve({ accessToken: jwt }),
  });
  assert.equal((await withJwt.getToken('s'))?.expiresOnTimestamp, exp * 1000);

  const signedOut = createCredential({
    kind: 'vscode',
    cloud: resolveCloud('AzureCloud'),
    vscodeSession: () => Promise.resolve(undefined),
  });
  await assert.rejects(
    signedOut.getToken('s'),
    (e: unknown) => isAzureRequestError(e) && e.kind === 'signIn',
  );
  assert.throws(
    () => createCredential({ kind: 'vscode', cloud: resolveCloud('AzureCloud') }),
    /No VS Code session provider/,
  );
});

void test('azureCli and default build @azure/identity credentials without contacting anything', () => {
  const cli = createCredential({ kind: 'azureCli', cloud: resolveCloud('AzureUSGovernment'), tenant: 't' });
  const def = createCredential({ kind: 'default', cloud: resolveCloud('AzureUSGovernment') });
  assert.equal(cli.constructor.name, 'AzureCliCredential');
  assert.equal(def.constructor.name, 'DefaultAzureCredential');
});
