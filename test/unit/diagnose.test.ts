import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, initTraceback, isoDurationMs, requestSettingsOf } from '../../src/core/diagnose';
import { missingCategories, settingNameFor } from '../../src/core/diagnosticSettings';

const mix = (entries: Record<string, number>) => new Map(Object.entries(entries));

void test("a healthy deployment has no findings: a stray 400 is the caller's, not a failure class", () => {
  const d = diagnose({
    provisioningState: 'Succeeded',
    statusMix: mix({ '200': 995, '400': 5 }),
    inferenceServerLog: 'ok\n',
  });
  assert.deepEqual(d, { verdict: 'healthy', findings: [] });
});

void test('a failed deployment that matches nothing is unknown, not healthy', () => {
  assert.equal(diagnose({ provisioningState: 'Failed' }).verdict, 'unknown');
});

void test('init() traceback: from Traceback to the exception line, only when it passes through init', () => {
  const log = [
    'boot',
    "2026-11-29 10:00:00,000 E [9] azmlinfsrv - User's init function failed",
    '2026-11-29 10:00:00,000 E [9] azmlinfsrv - Encountered Exception Traceback (most recent call last):',
    '  File "/var/azureml-app/score.py", line 14, in init',
    '    model = joblib.load("model.pkl")',
    "FileNotFoundError: [Errno 2] No such file or directory: 'model.pkl'",
    'after',
  ].join('\n');
  const tb = initTraceback(log);
  assert.deepEqual(
    tb.map((l) => l.line),
    [3, 4, 5, 6],
  );
  const run = log.replace('in init', 'in run').replace("User's init function failed", 'POST /score 500');
  assert.deepEqual(initTraceback(run), []);
  const d = diagnose({
    provisioningState: 'Failed',
    failedOperation: { code: 'ResourceNotReady' },
    inferenceServerLog: log,
  });
  assert.equal(d.verdict, 'initError');
  assert.ok(d.findings[0]!.evidence.some((e) => e.source === 'operation'));
});

void test('the verdict is the most decisive class: a build failure outranks the 503s it causes', () => {
  const d = diagnose({
    failedOperation: { code: 'ImageBuildFailure', message: 'Image build failed' },
    statusMix: mix({ '503': 10, '200': 0 }),
  });
  assert.deepEqual(
    d.findings.map((f) => f.failure),
    ['imageBuild', 'scaleOut503'],
  );
});

void test("500s are the platform's failure: named with their share, after anything the user can fix", () => {
  const alone = diagnose({ statusMix: mix({ '200': 55, '400': 3, '500': 42 }) });
  assert.equal(alone.verdict, 'serverError500');
  assert.deepEqual(alone.findings[0]!.figures, { share: 0.42 });
  assert.deepEqual(alone.findings[0]!.evidence, [
    { source: 'metrics', text: 'RequestsPerMinute envoy_response_code=500: 42.0%' },
  ]);
  const withModelErrors = diagnose({ statusMix: mix({ '200': 50, '424': 20, '500': 30 }) });
  assert.deepEqual(
    withModelErrors.findings.map((f) => f.failure),
    ['modelError424', 'serverError500'],
  );
});

void test('429 carries the concurrency limit of the guide: 2 × max concurrent × instances', () => {
  const d = diagnose({
    statusMix: mix({ '200': 60, '429': 40 }),
    maxConcurrentRequestsPerInstance: 2,
    instanceCount: 3,
  });
  assert.equal(d.verdict, 'throttled429');
  assert.deepEqual(d.findings[0]!.figures, { share: 0.4, limit: 12 });
  // Under 1 % is noise.
  assert.equal(diagnose({ statusMix: mix({ '200': 1000, '429': 5 }) }).verdict, 'healthy');
});

void test("out of memory from gunicorn's SIGKILL line or an OOM event; crash loops from probes or restarts", () => {
  assert.equal(
    diagnose({ inferenceServerLog: 'x\nWorker (pid:9) was sent SIGKILL! Perhaps out of memory?\n' }).verdict,
    'outOfMemory',
  );
  assert.equal(
    diagnose({ events: [{ name: 'OOMKilled', message: 'container killed' }] }).verdict,
    'outOfMemory',
  );
  assert.equal(diagnose({ inferenceServerLog: 'Liveness probe failed: timeout\n' }).verdict, 'crashLoop');
  const boots = 'Azure ML Inferencing HTTP server v1\n'.repeat(3);
  const d = diagnose({ inferenceServerLog: boots });
  assert.equal(d.verdict, 'crashLoop');
  assert.equal(d.findings[0]!.figures.restarts, 2);
  assert.equal(diagnose({ inferenceServerLog: boots.repeat(1).slice(0, 36 * 2) }).verdict, 'healthy');
});

void test('model download failure from the storage initializer log', () => {
  const d = diagnose({
    storageInitializerLog: 'INFO | start\n2026 | ERROR | Failed to download model: BlobNotFound\n',
  });
  assert.equal(d.verdict, 'modelDownload');
  assert.deepEqual(d.findings[0]!.evidence[0], {
    source: 'storageInitializerLog',
    line: 2,
    text: '2026 | ERROR | Failed to download model: BlobNotFound',
  });
});

void test('request settings: ISO durations to ms', () => {
  assert.deepEqual(
    requestSettingsOf({
      requestSettings: { maxConcurrentRequestsPerInstance: 4, requestTimeout: 'PT1M30S' },
    }),
    {
      maxConcurrentRequestsPerInstance: 4,
      requestTimeoutMs: 90_000,
    },
  );
  assert.equal(isoDurationMs('PT0.5S'), 500);
  assert.equal(isoDurationMs('P1D'), undefined);
  assert.deepEqual(requestSettingsOf(undefined), {});
});

void test('diagnostic settings: allLogs covers every category; only what is missing is offered', () => {
  assert.deepEqual(missingCategories([]), [
    'AmlOnlineEndpointConsoleLog',
    'AmlOnlineEndpointTrafficLog',
    'AmlOnlineEndpointEventLog',
  ]);
  assert.deepEqual(missingCategories([{ name: 'a', categories: [], categoryGroups: ['allLogs'] }]), []);
  assert.deepEqual(
    missingCategories([
      { name: 'a', categories: ['amlonlineendpointconsolelog'], categoryGroups: ['audit'] },
    ]),
    ['AmlOnlineEndpointTrafficLog', 'AmlOnlineEndpointEventLog'],
  );
  assert.equal(settingNameFor([]), 'amlmonitor-endpoint-logs');
  assert.equal(settingNameFor([{ name: 'AMLMONITOR-endpoint-logs' }]), 'amlmonitor-endpoint-logs-2');
});
