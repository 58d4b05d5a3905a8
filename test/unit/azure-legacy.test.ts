// The v1 host and operation URL rules azureml-core follows, as pure functions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { operationUrlOf, v1HostOf } from '../../src/azure/legacy';

const base =
  'https://eastus.modelmanagement.azureml.net/modelmanagement/v1.0/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w';

void test('v1 host: "modelmanagement" first, "api" without it, nothing that is not https', () => {
  assert.equal(
    v1HostOf({
      api: 'https://eastus.api.azureml.ms',
      modelmanagement: 'https://eastus.modelmanagement.azureml.net',
    }),
    'https://eastus.modelmanagement.azureml.net',
  );
  assert.equal(v1HostOf({ api: 'https://eastus.api.azureml.ms' }), 'https://eastus.api.azureml.ms');
  assert.equal(
    v1HostOf({ modelmanagement: 'http://plain.example', api: 'https://eastus.api.azureml.ms' }),
    'https://eastus.api.azureml.ms',
  );
  assert.equal(v1HostOf({ modelmanagement: 42, api: '' }), undefined);
  assert.equal(v1HostOf(undefined), undefined);
});

void test('operation URL: the last segment of Operation-Location under {base}/operations, whatever the header holds', () => {
  for (const header of [
    '/api/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/operations/op-1',
    'https://elsewhere.example/any/path/op-1?api-version=2018-11-19',
    'operations/op-1/',
    'op-1',
  ])
    assert.equal(operationUrlOf(base, header, undefined), `${base}/operations/op-1`, header);
  assert.equal(operationUrlOf(base, undefined, 'op 2'), `${base}/operations/op%202`);
  assert.equal(operationUrlOf(base, undefined, undefined), undefined);
});
