// Trace This Request against the emulator: the model's calls (App Insights dependencies) and the
// container's console lines (AmlOnlineEndpointConsoleLog) join the one timeline; the App* tables of
// a workspace-based component hold every row with the same ids; and the lookup reads them when the
// component itself refuses the query.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { installStandInVscode, l10n, realVscodeAvailable } from '../support/standInVscode';
import type { ScoringSession } from '../../src/azure/api';
import type { Endpoint } from '../../src/azure/models';
import { startTestAzure, type TestAzure } from './support';

if (!realVscodeAvailable()) installStandInVscode({ l10n });

const SAMPLE = new TextEncoder().encode('{"data": [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]}');
const CREDIT = {
  subscriptionId: '5f3c2a1e-8b7d-4c6e-9a0f-1d2e3f4a5b6c',
  resourceGroup: 'rg-ml-prod',
  workspaceName: 'mlw-credit-prod',
};
const LOG_ML_PROD =
  '/subscriptions/5f3c2a1e-8b7d-4c6e-9a0f-1d2e3f4a5b6c/resourceGroups/rg-ml-prod/providers/Microsoft.OperationalInsights/workspaces/log-ml-prod';
const POLL = { pollMs: 100, maxWaitMs: 20_000 };

void describe('Trace This Request: dependencies, console lines and the App* tables', () => {
  let t: TestAzure;
  let credit: Endpoint;
  let session: ScoringSession;
  let counter = 0;

  before(async () => {
    t = await startTestAzure({ logIntervalMs: 0 });
    credit = (await t.client.listEndpoints(CREDIT)).find((e) => e.endpointName === 'credit-risk')!;
    session = await t.client.openScoringSession(credit);
  });
  after(() => t.stop());
  beforeEach(() => {
    t.emu.faults.clear();
    t.emu.telemetry.ingestionDelayMs = 0;
  });

  /** One request pinned to blue (Application Insights on, Managed, logs to log-ml-prod). */
  const send = async () => {
    const clientRequestId = `trace-${++counter}`;
    const answer = await session.send({ body: SAMPLE, clientRequestId, deployment: 'blue' });
    assert.equal(answer.status, 200);
    return { requestId: answer.headers['x-request-id'] ?? '', clientRequestId };
  };

  void it('the timeline shows the model’s call to its feature store and the lines the container printed', async () => {
    const { lookUp, renderTrace } = await import('../../src/testRequest/trace');
    const ids = await send();
    const { found } = await lookUp(t.client, credit, ids, POLL);
    assert.equal(found.requests.length, 1);
    // The call carries a trace of its own (the inference server starts the request span only when
    // it logs the request): it is found by instance and time.
    assert.equal(found.dependencies.length, 1, JSON.stringify(found.dependencies));
    const dep = found.dependencies[0]!;
    assert.equal(dep.name, 'POST /features/lookup');
    assert.equal(dep.target, 'featurestore.internal:443');
    assert.equal(dep.success, true);
    assert.notEqual(dep.operation_Id, found.requests[0]?.operation_Id);
    // Console: score.py's print (through azmlinfsrv.print) and the server's access line.
    const lines = found.console.map((c) => String(c.Message));
    assert.ok(
      lines.some((l) => / I \[\d+\] azmlinfsrv\.print - \{"event":"request"/.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => / azmlinfsrv - POST \/score 200 /.test(l)),
      lines.join('\n'),
    );
    const doc = renderTrace('credit-risk', ids, found, 0);
    assert.match(doc, /\*\*received\*\*[\s\S]*\*\*dependency\*\*[\s\S]*\*\*answered\*\*/);
    assert.match(doc, /Call POST \/features\/lookup to featurestore\.internal:443: 200 in \d+ ms/);
    assert.match(
      doc,
      /\*\*console\*\*\n\n {2}```text\n {2}\[blue-[0-9a-f-]+\] \d{4}-\d\d-\d\d [\d:,]+ I \[17\] azmlinfsrv\.print - /,
    );
  });

  void it('a workspace-based component’s rows are also in AppRequests, AppTraces and AppDependencies, with the same ids', async () => {
    const ids = await send();
    const component = (await t.client.getWorkspace(CREDIT)).applicationInsightsId ?? '';
    const la = { kind: 'logAnalytics' as const, resourceId: LOG_ML_PROD };
    const ai = { kind: 'appInsights' as const, resourceId: component };
    const rows = async (target: typeof la | typeof ai, kql: string) =>
      (await t.client.query(target, kql, { duration: 'PT1H' })).tables[0]?.rows ?? [];
    const classic = await rows(
      ai,
      `requests | where tostring(customDimensions["ai.operation.id"]) == "${ids.requestId}" | project operation_Id, resultCode, cloud_RoleInstance`,
    );
    const workspace = await rows(
      la,
      `AppRequests | where tostring(Properties["ai.operation.id"]) == "${ids.requestId}" | project OperationId, ResultCode, AppRoleInstance, _ResourceId, Type`,
    );
    assert.equal(classic.length, 1);
    assert.equal(workspace.length, 1);
    assert.deepEqual(workspace[0]?.slice(0, 3), classic[0]);
    assert.equal(String(workspace[0]?.[3]), component.toLowerCase());
    assert.equal(workspace[0]?.[4], 'AppRequests');
    const collected = await rows(
      la,
      `AppTraces | where Message == "model_data_collection" and tostring(Properties["Request Id"]) == "${ids.requestId}" | project Properties`,
    );
    assert.equal(collected.length, 1);
    assert.equal((collected[0]?.[0] as Record<string, unknown>)['Client Request Id'], ids.clientRequestId);
    const instance = String(classic[0]?.[2]);
    const deps = await rows(
      la,
      `AppDependencies | where AppRoleInstance == "${instance}" and Name == "POST /features/lookup" | project DependencyType, Target, Success, DurationMs, OperationId`,
    );
    assert.ok(deps.length >= 1);
    assert.deepEqual(deps.at(-1)?.slice(0, 3), ['HTTP', 'featurestore.internal:443', true]);
  });

  void it('when the component refuses the query, the request is read from its Log Analytics workspace (App* tables)', async () => {
    const { lookUp, renderTrace } = await import('../../src/testRequest/trace');
    const ids = await send();
    // A role on the Log Analytics workspace only: the component answers 403 to every query.
    t.emu.faults.add({ path: /\/components\/appi-credit-prod\/query$/i, kind: '403', times: Infinity });
    const { found } = await lookUp(t.client, credit, ids, POLL);
    assert.ok(t.emu.faults.hits()[0]! > 0, 'the component was not asked');
    assert.equal(found.requests.length, 1);
    assert.equal(found.requests[0]?.resultCode, '200');
    assert.match(String(found.requests[0]?.cloud_RoleInstance), /^blue-/);
    assert.ok(found.traces.some((tr) => tr.message === 'model_data_collection'));
    assert.ok(found.traces.some((tr) => String(tr.message).includes('"event":"request"')));
    // Matched by instance and a second either side: the previous test's call may be in the window.
    assert.ok(found.dependencies.length >= 1);
    assert.ok(found.dependencies.every((d) => d.name === 'POST /features/lookup' && d.type === 'HTTP'));
    assert.equal(found.traffic.length, 1);
    assert.ok(
      found.notes.some((n) => /App\* tables/.test(n)),
      found.notes.join('\n'),
    );
    const doc = renderTrace('credit-risk', ids, found, 0);
    assert.match(doc, /Inference server: POST \/score 200 in \d+ ms on blue-/);
    assert.match(doc, /\*\*dependency\*\*/);
  });

  void it('a failure other than a refusal (500) is reported, not hidden by reading elsewhere', async () => {
    const { lookUpOnce } = await import('../../src/testRequest/trace');
    const ids = await send();
    t.emu.faults.add({ path: /\/components\/appi-credit-prod\/query$/i, kind: '500', times: Infinity });
    await assert.rejects(lookUpOnce(t.client, credit, ids), /failed/);
  });
});
