// The scaffold command's flow with scripted answers and an in-memory folder: what it asks, what a
// tree node prefills, and that it never writes over a file without a yes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, Endpoint, LegacyService, Workspace } from '../../src/azure/models';
import {
  prefillFromTarget,
  runScaffold,
  type Prefill,
  type ScaffoldFileSystem,
  type ScaffoldQuestions,
} from '../../src/core/scaffold';
import type { Target } from '../../src/targets';

const workspace: Workspace = {
  subscriptionId: '00000000-0000-0000-0000-000000000001',
  resourceGroup: 'rg',
  workspaceName: 'ws',
  armId:
    '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws',
  location: 'westeurope',
};
const endpoint: Endpoint = {
  ...workspace,
  endpointName: 'fraud-ep',
  armId: `${workspace.armId}/onlineEndpoints/fraud-ep`,
  authMode: 'Key',
  provisioningState: 'Succeeded',
  traffic: { blue: 100 },
};
const deployment: Deployment = {
  ...endpoint,
  deploymentName: 'blue',
  armId: `${endpoint.armId}/deployments/blue`,
  computeType: 'Managed',
  appInsightsEnabled: false,
  model: 'azureml:fraud-model:7',
};
const service: LegacyService = {
  ...workspace,
  serviceName: 'churn-aks',
  computeType: 'AKS',
  state: 'Healthy',
  appInsightsEnabled: true,
};

interface Script {
  includeSample?: boolean;
  overwrite?: boolean;
  existing?: string[];
}

/** Scripted answers that record every question, and a folder held in a Map. */
function harness(script: Script = {}) {
  const asked: string[] = [];
  const files = new Map<string, string>((script.existing ?? []).map((p) => [p, 'OLD']));
  const questions: ScaffoldQuestions<string> = {
    framework: () => (asked.push('framework'), Promise.resolve('onnx')),
    style: () => (asked.push('style'), Promise.resolve('managedOnline')),
    tracing: () => (asked.push('tracing'), Promise.resolve('logging')),
    modelFile: (suggested) => (asked.push(`modelFile:${suggested}`), Promise.resolve('onnx/model.onnx')),
    modelName: (suggested) => (asked.push(`modelName:${suggested}`), Promise.resolve(suggested)),
    includeSample: () => (asked.push('includeSample'), Promise.resolve(script.includeSample ?? false)),
    folder: () => (asked.push('folder'), Promise.resolve('/home/user/app')),
    confirmOverwrite: (folder, existing) => (
      asked.push(`confirm:${folder}:${existing.join(',')}`),
      Promise.resolve(script.overwrite ?? false)
    ),
  };
  const fs: ScaffoldFileSystem<string> = {
    exists: (_folder, path) => Promise.resolve(files.has(path)),
    write: (_folder, path, content) => (files.set(path, content), Promise.resolve()),
  };
  return { asked, files, questions, fs };
}

void test('a deployment node prefills the target, the style and the registered model name', () => {
  const target: Target = { kind: 'deployment', workspace, endpoint, deployment };
  assert.deepEqual(prefillFromTarget(target), {
    target: { kind: 'deployment', endpointName: 'fraud-ep', deploymentName: 'blue' },
    style: 'managedOnline',
    modelName: 'fraud-model',
  });
  assert.deepEqual(prefillFromTarget({ kind: 'legacyService', workspace, service }), {
    target: { kind: 'legacyService', serviceName: 'churn-aks' },
    style: 'legacyV1',
  });
  assert.deepEqual(prefillFromTarget({ kind: 'workspace', workspace }), {});
  assert.deepEqual(prefillFromTarget(undefined), {});
});

void test('from the palette it asks everything, then writes score.py only', async () => {
  const h = harness();
  const result = await runScaffold({}, h.questions, h.fs);
  assert.deepEqual(h.asked, [
    'framework',
    'style',
    'tracing',
    'modelFile:model.onnx',
    'includeSample',
    'folder',
  ]);
  assert.equal(result.outcome, 'written');
  assert.deepEqual([...h.files.keys()], ['score.py']);
  assert.match(h.files.get('score.py') ?? '', /^MODEL_FILE_NAME = "onnx\/model\.onnx"$/m);
  assert.match(h.files.get('score.py') ?? '', /^import onnxruntime as ort$/m);
});

void test('from a deployment node it skips the style and names the deployment in the files', async () => {
  const h = harness({ includeSample: true });
  const prefill = prefillFromTarget({ kind: 'deployment', workspace, endpoint, deployment });
  const result = await runScaffold(prefill, h.questions, h.fs);
  assert.ok(!h.asked.includes('style'));
  assert.equal(result.outcome, 'written');
  assert.deepEqual([...h.files.keys()], ['score.py', 'sample-request.json', 'SCORING.md']);
  assert.match(h.files.get('score.py') ?? '', /^"""Scoring script for fraud-ep\/blue: ONNX model/);
  // No guessed "Deployment Name" key: the inference server writes none.
  assert.doesNotMatch(h.files.get('SCORING.md') ?? '', /Deployment Name|Endpoint Name/);
  assert.match(
    h.files.get('SCORING.md') ?? '',
    /message contains "input" or customDimensions contains "input"/,
  );
});

void test('a v1 service asks for the registered model name, suggesting "model"', async () => {
  const h = harness();
  const prefill: Prefill = prefillFromTarget({ kind: 'legacyService', workspace, service });
  await runScaffold(prefill, h.questions, h.fs);
  assert.ok(h.asked.includes('modelName:model'));
  assert.match(h.files.get('score.py') ?? '', /Model\.get_model_path\(model_name=MODEL_NAME\)/);
});

void test('existing files: one question naming them all; no means nothing is written', async () => {
  const h = harness({ includeSample: true, existing: ['score.py', 'SCORING.md'], overwrite: false });
  const result = await runScaffold({}, h.questions, h.fs);
  assert.deepEqual(result, {
    outcome: 'declined',
    folder: '/home/user/app',
    existing: ['score.py', 'SCORING.md'],
  });
  assert.equal(h.asked.filter((q) => q.startsWith('confirm:')).length, 1);
  assert.ok(h.asked.includes('confirm:/home/user/app:score.py,SCORING.md'));
  assert.equal(h.files.get('score.py'), 'OLD');
  assert.equal(h.files.get('SCORING.md'), 'OLD');
  assert.ok(!h.files.has('sample-request.json'), 'not even the missing file is written');
});

void test('existing files: yes overwrites them; files the choice does not write are not asked about', async () => {
  const yes = harness({ includeSample: true, existing: ['score.py'], overwrite: true });
  assert.equal((await runScaffold({}, yes.questions, yes.fs)).outcome, 'written');
  assert.notEqual(yes.files.get('score.py'), 'OLD');
  assert.equal(yes.files.size, 3);

  const onlyScore = harness({ includeSample: false, existing: ['SCORING.md'] });
  assert.equal((await runScaffold({}, onlyScore.questions, onlyScore.fs)).outcome, 'written');
  assert.ok(!onlyScore.asked.some((q) => q.startsWith('confirm:')));
  assert.equal(onlyScore.files.get('SCORING.md'), 'OLD');
});

void test('a dismissed question ends the flow before anything is written', async () => {
  const h = harness();
  h.questions.tracing = () => Promise.reject(new Error('cancelled'));
  await assert.rejects(runScaffold({}, h.questions, h.fs), /cancelled/);
  assert.equal(h.files.size, 0);
});
