import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackUrl, mayCarryCredentials, resolveCloud } from '../../src/azure/clouds';
import { isAzureRequestError } from '../../src/azure/errors';

void test('each national cloud has its own ARM, Logs, portal, Studio and authority endpoints', () => {
  const pub = resolveCloud('AzureCloud');
  assert.equal(pub.resourceManagerEndpoint, 'https://management.azure.com');
  assert.equal(pub.logAnalyticsEndpoint, 'https://api.loganalytics.io/v1');
  assert.equal(pub.logAnalyticsScope, 'https://api.loganalytics.io/.default');
  assert.equal(pub.studioUrl, 'https://ml.azure.com');

  const china = resolveCloud('AzureChinaCloud');
  assert.equal(china.resourceManagerEndpoint, 'https://management.chinacloudapi.cn');
  assert.equal(china.resourceManagerScope, 'https://management.chinacloudapi.cn/.default');
  assert.equal(china.logAnalyticsEndpoint, 'https://api.loganalytics.azure.cn/v1');
  assert.equal(china.studioUrl, 'https://studio.ml.azure.cn');
  assert.equal(china.authorityHost, 'https://login.chinacloudapi.cn');

  const gov = resolveCloud('AzureUSGovernment');
  assert.equal(gov.resourceManagerEndpoint, 'https://management.usgovcloudapi.net');
  assert.equal(gov.logAnalyticsEndpoint, 'https://api.loganalytics.us/v1');
  assert.equal(gov.logAnalyticsScope, 'https://api.loganalytics.us/.default');
  assert.equal(gov.studioUrl, 'https://ml.azure.us');
  assert.equal(gov.authorityHost, 'https://login.microsoftonline.us');
});

void test('a custom cloud takes its endpoints from the setting; scopes follow the hosts', () => {
  const cloud = resolveCloud('Custom', {
    resourceManagerEndpoint: 'https://127.0.0.1:8443/',
    logAnalyticsEndpoint: 'https://127.0.0.1:8443/v1',
  });
  assert.equal(cloud.name, 'Custom');
  assert.equal(cloud.resourceManagerEndpoint, 'https://127.0.0.1:8443');
  assert.equal(cloud.resourceManagerScope, 'https://127.0.0.1:8443/.default');
  assert.equal(cloud.logAnalyticsEndpoint, 'https://127.0.0.1:8443/v1');
  assert.equal(cloud.logAnalyticsScope, 'https://127.0.0.1:8443/.default');
  assert.equal(cloud.portalUrl, 'https://portal.azure.com');
});

void test('a custom cloud refuses missing, malformed and plain-http endpoints with a config error', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      { logAnalyticsEndpoint: 'https://la.example' },
      /needs amlMonitor\.customCloud\.resourceManagerEndpoint/,
    ],
    [{ resourceManagerEndpoint: 'not a url', logAnalyticsEndpoint: 'https://la.example' }, /not a valid URL/],
    [
      { resourceManagerEndpoint: 'http://127.0.0.1:8080', logAnalyticsEndpoint: 'https://la.example' },
      /must be an https:\/\/ URL/,
    ],
    [
      { resourceManagerEndpoint: 'https://arm.example', logAnalyticsEndpoint: 'https://u:p@la.example' },
      /must not carry credentials/,
    ],
  ];
  for (const [custom, message] of cases) {
    assert.throws(
      () => resolveCloud('Custom', custom),
      (e: unknown) => isAzureRequestError(e) && e.kind === 'config' && message.test(e.message),
      JSON.stringify(custom),
    );
  }
});

void test('loopback means 127.0.0.0/8, ::1 and localhost only', () => {
  for (const url of [
    'https://127.0.0.1:1',
    'https://127.10.0.3',
    'https://[::1]:8443',
    'https://localhost:9',
    'https://a.localhost',
  ]) {
    assert.equal(isLoopbackUrl(url), true, url);
  }
  for (const url of [
    'https://management.azure.com',
    'https://128.0.0.1',
    'https://127.0.0.1.evil.com',
    'https://10.0.0.1',
    'nonsense',
  ]) {
    assert.equal(isLoopbackUrl(url), false, url);
  }
});

void test('credentials go only to the cloud’s own hosts and its regional Azure ML API hosts (issue 17)', () => {
  const pub = resolveCloud('AzureCloud');
  assert.ok(mayCarryCredentials(pub, 'https://management.azure.com/subscriptions?api-version=1'));
  assert.ok(mayCarryCredentials(pub, 'https://api.loganalytics.io/v1/workspaces/x/query'));
  assert.ok(mayCarryCredentials(pub, 'https://westeurope.api.azureml.ms/discovery'));
  assert.ok(!mayCarryCredentials(pub, 'https://evil.example/subscriptions'));
  assert.ok(!mayCarryCredentials(pub, 'https://management.azure.com.evil.example/'));
  assert.ok(!mayCarryCredentials(pub, 'https://westeurope.api.azureml.ms:8443/x'), 'another port');
  assert.ok(!mayCarryCredentials(pub, 'http://management.azure.com/'), 'plain HTTP');
  assert.ok(!mayCarryCredentials(pub, 'https://chinaeast2.api.ml.azure.cn/x'), 'another cloud');
  const cn = resolveCloud('AzureChinaCloud');
  assert.ok(mayCarryCredentials(cn, 'https://chinaeast2.api.ml.azure.cn/x'));
  const gov = resolveCloud('AzureUSGovernment');
  assert.ok(mayCarryCredentials(gov, 'https://usgovvirginia.api.ml.azure.us/x'));
  const custom = resolveCloud('Custom', {
    resourceManagerEndpoint: 'https://127.0.0.1:8443',
    logAnalyticsEndpoint: 'https://localhost:8443/v1',
  });
  assert.ok(mayCarryCredentials(custom, 'https://127.0.0.1:8443/discovery/westeurope'));
  assert.ok(mayCarryCredentials(custom, 'https://localhost:8443/v1/x'));
  assert.ok(!mayCarryCredentials(custom, 'https://127.0.0.1:9443/x'));
});
