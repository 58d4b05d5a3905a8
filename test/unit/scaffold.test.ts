// The scaffold's pure renderers: every combination renders, with and without the sample files.
// (scaffold-python.test.ts runs the generated Python.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  allCombinations,
  defaultModelFileName,
  modelFileNameProblem,
  modelNameFromReference,
  renderGuide,
  scaffoldFiles,
  type ScaffoldOptions,
} from '../../src/core/scaffold';

const frameworkMarks: Record<ScaffoldOptions['framework'], RegExp[]> = {
  sklearn: [/^import joblib$/m, /joblib\.load\(path\)/, /model\.predict\(features\)/],
  pytorch: [
    /^import torch$/m,
    /torch\.jit\.load\(path, map_location=DEVICE\)/,
    /loaded\.eval\(\)/,
    /torch\.no_grad\(\)/,
  ],
  tensorflow: [/^import tensorflow as tf$/m, /tf\.keras\.models\.load_model\(path, compile=False\)/],
  onnx: [/^import onnxruntime as ort$/m, /ort\.InferenceSession\(/, /model\.get_inputs\(\)\[0\]\.name/],
  pickle: [/^import pickle$/m, /pickle\.load\(file\)/],
};

void test('every combination renders, with and without the sample files', () => {
  const combinations = allCombinations();
  assert.equal(combinations.length, 30);
  for (const c of combinations) {
    for (const includeSample of [false, true]) {
      const files = scaffoldFiles({ ...c, includeSample });
      const name = `${c.framework}/${c.style}/${c.tracing}/${String(includeSample)}`;
      assert.deepEqual(
        files.map((f) => f.path),
        includeSample ? ['score.py', 'sample-request.json', 'SCORING.md'] : ['score.py'],
        name,
      );
      const score = files[0]!.content;
      assert.equal(
        score,
        scaffoldFiles({ ...c, includeSample: !includeSample })[0]!.content,
        'score.py is the same',
      );
      assert.ok(!score.includes('sklearn.externals'), name);
      assert.ok(!/\t| +$/m.test(score), `${name}: no tabs or trailing spaces`);
      assert.ok(score.endsWith('\n') && !score.endsWith('\n\n'), name);
      const longest = Math.max(...score.split('\n').map((l) => l.length));
      assert.ok(longest <= 110, `${name}: a line of ${longest} characters`);
      for (const mark of frameworkMarks[c.framework]) assert.match(score, mark, name);

      assert.match(score, /^from azureml\.contrib\.services\.aml_response import AMLResponse$/m);
      assert.match(
        score,
        /AMLResponse\(\{"error": message, "request_id": request_id\}, status, json_str=True\)/,
      );
      assert.match(score, /_fail\(request_id, started, raw_data, error, 400\)/);
      assert.match(score, /_fail\(request_id, started, data, error, 500\)/);
      assert.match(score, /request_id = str\(uuid\.uuid4\(\)\)/);
      assert.match(score, /MAX_RECORD_BYTES = 64 \* 1024/);
      if (c.style === 'managedOnline') {
        assert.match(score, /os\.environ\["AZUREML_MODEL_DIR"\]/);
        assert.ok(!score.includes('azureml.core'), name);
      } else {
        assert.match(score, /^from azureml\.core\.model import Model$/m);
        assert.match(score, /Model\.get_model_path\(model_name=MODEL_NAME\)/);
      }
      switch (c.tracing) {
        case 'printJson':
          assert.match(score, /print\(json\.dumps\(line, default=str\), flush=True\)/);
          assert.ok(!score.includes('import logging'), name);
          break;
        case 'logging':
          assert.match(score, /class JsonFormatter\(logging\.Formatter\)/);
          assert.match(score, /extra=_fit\(record\)/);
          break;
        case 'opentelemetry':
          assert.match(score, /configure_azure_monitor\(logger_name=logger\.name\)/);
          assert.match(score, /APPLICATIONINSIGHTS_CONNECTION_STRING/);
          assert.match(score, /tracer\.start_as_current_span\("score"/);
          assert.match(score, /span\.record_exception\(error\)/);
          break;
      }
      if (includeSample) {
        const sample = JSON.parse(files[1]!.content) as { data: number[][] };
        assert.deepEqual(sample.data, [
          [1, 2, 3, 4],
          [5, 6, 7, 8],
        ]);
        assert.match(
          files[2]!.content,
          /traces\n\| where message contains "input" or customDimensions contains "input"/,
        );
      }
    }
  }
});

void test('the model file and registered model name go in as Python string literals', () => {
  const managed = scaffoldFiles({
    framework: 'onnx',
    style: 'managedOnline',
    tracing: 'printJson',
    modelFileName: 'onnx/modèle.onnx',
    includeSample: false,
  })[0]!.content;
  assert.match(managed, /^MODEL_FILE_NAME = "onnx\/modèle\.onnx"$/m);
  const v1 = scaffoldFiles({
    framework: 'sklearn',
    style: 'legacyV1',
    tracing: 'logging',
    modelName: 'sklearn_regression_model.pkl',
    includeSample: false,
  })[0]!.content;
  assert.match(v1, /^MODEL_NAME = "sklearn_regression_model\.pkl"$/m);
  assert.match(v1, /^MODEL_FILE_NAME = "model\.pkl"$/m);
  assert.equal(defaultModelFileName('pytorch'), 'model.pt');
  assert.equal(defaultModelFileName('tensorflow'), 'model.keras');
});

void test('the target names the file and scopes the guide query; odd characters are replaced', () => {
  const files = scaffoldFiles({
    framework: 'sklearn',
    style: 'managedOnline',
    tracing: 'opentelemetry',
    includeSample: true,
    target: { kind: 'deployment', endpointName: 'fraud-ep', deploymentName: 'blue"\n' },
  });
  assert.match(files[0]!.content, /^"""Scoring script for fraud-ep\/blue__: scikit-learn model/);
  const guide = files.find((f) => f.path === 'SCORING.md')!.content;
  assert.doesNotMatch(guide, /Endpoint Name|Deployment Name/);
  assert.match(guide, /\/\/ Scope: \| where cloud_RoleName ==/);
  assert.match(guide, /APPLICATIONINSIGHTS_CONNECTION_STRING/);
  assert.match(
    guide,
    /pip install azureml-inference-server-http scikit-learn joblib numpy azure-monitor-opentelemetry/,
  );
  const v1Guide = renderGuide({
    framework: 'pickle',
    style: 'legacyV1',
    tracing: 'printJson',
    includeSample: true,
    target: { kind: 'legacyService', serviceName: 'my-service' },
  });
  assert.match(
    v1Guide,
    /cloud_RoleName == "my-service" or tostring\(customDimensions\["Service Name"\]\) == "my-service"/,
  );
  assert.ok(!v1Guide.includes('APPLICATIONINSIGHTS_CONNECTION_STRING'));
  assert.match(v1Guide, /Enable Application\s+Insights/);
});

void test('model file names must stay inside the model folder', () => {
  assert.equal(modelFileNameProblem('model.pkl'), undefined);
  assert.equal(modelFileNameProblem('my-model/model.pkl'), undefined);
  assert.equal(modelFileNameProblem('  '), 'empty');
  assert.equal(modelFileNameProblem('/etc/passwd'), 'absolute');
  assert.equal(modelFileNameProblem('C:\\models\\m.pkl'), 'absolute');
  assert.equal(modelFileNameProblem('../secret.pkl'), 'parent');
  assert.equal(modelFileNameProblem('a/../../b'), 'parent');
  assert.equal(modelFileNameProblem('mo"del.pkl'), 'characters');
  assert.equal(modelFileNameProblem('line\nbreak'), 'characters');
});

void test('the registered model name comes from any form of model reference', () => {
  assert.equal(modelNameFromReference('azureml:credit-model:3'), 'credit-model');
  assert.equal(modelNameFromReference('azureml:credit-model@latest'), 'credit-model');
  assert.equal(
    modelNameFromReference(
      '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/models/credit-model/versions/3',
    ),
    'credit-model',
  );
  assert.equal(modelNameFromReference('azureml://registries/reg/models/bert%20base/versions/1'), 'bert base');
  assert.equal(modelNameFromReference('plain_name.pkl'), 'plain_name.pkl');
  assert.equal(modelNameFromReference(undefined), undefined);
  assert.equal(modelNameFromReference('has spaces and: colons'), undefined);
});
