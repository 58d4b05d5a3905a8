// Scope discovery: the names the rows carry, matched to a deployment or v1 service.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  candidatesOf,
  matchScope,
  parseRememberedScope,
  scopeDiscoveryQuery,
} from '../../src/core/telemetryScope';

void describe('telemetry scope discovery', () => {
  void it('merges role names and Service Name values with their row counts', () => {
    const columns = ['cloud_RoleName', 'service', 'rows'];
    const rows = [
      ['blue', 'blue', 40],
      ['fraud-detect-main', 'fraud-detect-main', 30],
      ['blue', '', 5],
      ['', 'loan-aci', 7],
      [null, null, 3],
    ];
    assert.deepEqual(candidatesOf(columns, rows), [
      { value: 'blue', rows: 45 },
      { value: 'fraud-detect-main', rows: 30 },
      { value: 'loan-aci', rows: 7 },
    ]);
  });

  void it('prefers a name holding endpoint and deployment, then the deployment name, and says who shares it', () => {
    const seen = [
      { value: 'blue', rows: 45 },
      { value: 'fraud-detect-main', rows: 30 },
      { value: 'green', rows: 3 },
    ];
    assert.deepEqual(
      matchScope(seen, { kind: 'deployment', endpointName: 'fraud-detect', deploymentName: 'main' }),
      { kind: 'exact', scope: { value: 'fraud-detect-main' } },
    );
    assert.deepEqual(
      matchScope(seen, {
        kind: 'deployment',
        endpointName: 'credit-risk',
        deploymentName: 'Blue',
        otherEndpoints: ['credit-risk', 'limit-advisor'],
      }),
      { kind: 'name', scope: { value: 'blue' }, sharedWith: ['limit-advisor'] },
    );
    assert.deepEqual(
      matchScope(seen, { kind: 'deployment', endpointName: 'fraud-detect', deploymentName: 'shadow' }),
      { kind: 'none' },
    );
    // "main" alone is not "fraud-detect-main": a partial name is no match.
    assert.deepEqual(
      matchScope([{ value: 'fraud-detect-main-old', rows: 1 }], {
        kind: 'deployment',
        endpointName: 'fraud-detect',
        deploymentName: 'main',
      }),
      { kind: 'none' },
    );
    assert.deepEqual(matchScope(seen, { kind: 'legacyService', serviceName: 'loan-aci' }), { kind: 'none' });
    assert.deepEqual(
      matchScope([{ value: 'Loan-ACI', rows: 1 }], { kind: 'legacyService', serviceName: 'loan-aci' }),
      {
        kind: 'name',
        scope: { value: 'Loan-ACI' },
        sharedWith: [],
      },
    );
  });

  void it('asks for recent requests only, summarized by name', () => {
    const q = scopeDiscoveryQuery();
    assert.match(q, /^requests\n\| where timestamp > ago\(\d+d\)/);
    assert.match(q, /summarize rows = count\(\) by cloud_RoleName, service/);
  });

  void it('reads a remembered scope back, refusing anything else', () => {
    assert.deepEqual(parseRememberedScope({ value: 'blue' }), { value: 'blue' });
    assert.deepEqual(parseRememberedScope({ unscoped: true }), { unscoped: true });
    assert.equal(parseRememberedScope({ value: '' }), undefined);
    assert.equal(parseRememberedScope('blue'), undefined);
    assert.equal(parseRememberedScope({ value: 'x'.repeat(300) }), undefined);
  });
});
