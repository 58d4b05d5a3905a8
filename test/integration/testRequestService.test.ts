// The real TestRequestService (src/testRequest/service.ts) against the emulator with a stand-in
// `vscode`: a request from editor text, its answer document, its history entry (and no key in it),
// the history's cap per endpoint, and a failure that is still recorded.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventEmitter, installStandInVscode, l10n, realVscodeAvailable } from '../support/standInVscode';
import type { AzureClient } from '../../src/azure/api';
import type { Endpoint } from '../../src/azure/models';
import type { BaseServices } from '../../src/services';
import type { TestRequestService } from '../../src/testRequest/service';
import { startTestAzure, type TestAzure } from './support';

const inExtensionHost = realVscodeAvailable();

class Uri {
  constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static from(parts: { scheme: string; path: string }) {
    return new Uri(parts.scheme, parts.path);
  }
  static parse(text: string) {
    const u = new URL(text);
    return new Uri(u.protocol.replace(/:$/, ''), u.pathname);
  }
  get fsPath() {
    return this.path;
  }
  toString() {
    return `${this.scheme}:${this.path}`;
  }
}

const providers = new Map<string, { provideTextDocumentContent(uri: Uri): string }>();
if (!inExtensionHost) {
  installStandInVscode({
    EventEmitter,
    l10n,
    Uri,
    workspace: {
      registerTextDocumentContentProvider: (
        scheme: string,
        provider: { provideTextDocumentContent(uri: Uri): string },
      ) => {
        providers.set(scheme, provider);
        return { dispose: () => providers.delete(scheme) };
      },
    },
  });
}

const SAMPLE = '{"data": [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]}';

void describe('TestRequestService (emulator, stand-in vscode)', { skip: inExtensionHost }, () => {
  let t: TestAzure;
  let service: TestRequestService;
  let credit: Endpoint;
  const state = new Map<string, unknown>();
  const logLines: string[] = [];

  before(async () => {
    t = await startTestAzure({ logIntervalMs: 0 });
    const { TestRequestService: Service } = await import('../../src/testRequest/service');
    const client: AzureClient = t.client;
    const base = {
      context: {
        workspaceState: {
          get: (key: string) => state.get(key),
          update: (key: string, value: unknown) => {
            state.set(key, JSON.parse(JSON.stringify(value)) as unknown);
            return Promise.resolve();
          },
        },
      },
      log: { info: (m: string) => logLines.push(m), warn: () => undefined, error: () => undefined },
      settings: {},
      azure: { getClient: () => Promise.resolve(client) },
    } as unknown as BaseServices;
    service = new Service(base);
    const endpoints = await t.client.listEndpoints({
      subscriptionId: '5f3c2a1e-8b7d-4c6e-9a0f-1d2e3f4a5b6c',
      resourceGroup: 'rg-ml-prod',
      workspaceName: 'mlw-credit-prod',
    });
    credit = endpoints.find((e) => e.endpointName === 'credit-risk')!;
  });
  after(async () => {
    service.dispose();
    await t.stop();
  });

  void it('sends editor text, shows the answer beside it and records it without the key', async () => {
    const sent = await service.send(credit, { kind: 'text', label: 'Untitled-1', text: SAMPLE }, 'green');
    assert.equal(sent.answer.status, 200);
    const doc = providers.get('amlmonitor-answer')?.provideTextDocumentContent(sent.uri) ?? '';
    assert.match(doc, /# credit-risk · 200 ·/);
    assert.match(doc, /Your model executed successfully/);
    assert.match(doc, /green \(pinned with azureml-model-deployment\)/);
    assert.ok(doc.includes(sent.entry.requestId ?? 'missing'), 'the request id is in the document');
    assert.match(doc, /```json\n\[\n {2}0,\n {2}1\n\]\n```/);
    const [entry] = service.entries(credit.armId);
    assert.equal(entry?.status, 200);
    assert.equal(entry?.servedBy, 'green');
    assert.equal(entry?.deployment, 'green');
    assert.deepEqual(service.entryOf(sent.uri), sent.entry);
    const { primaryKey, secondaryKey } = t.emu.scoring.keysOf(credit.armId);
    const stored = JSON.stringify([...state.values()]) + doc + logLines.join('\n');
    assert.ok(
      !stored.includes(primaryKey) && !stored.includes(secondaryKey),
      'a key reached the history, document or log',
    );
  });

  void it('a 424 shows what the troubleshooting guide says and the container status', async () => {
    const sent = await service.send(
      credit,
      { kind: 'text', label: 'bad.json', text: '{"data": [["x"]]}' },
      'blue',
    );
    assert.equal(sent.answer.status, 424);
    const doc = providers.get('amlmonitor-answer')?.provideTextDocumentContent(sent.uri) ?? '';
    assert.match(doc, /non-200 status/);
    assert.match(doc, /The model container answered 500 \(model_error\)/);
    assert.match(doc, /`ms-azureml-model-error-statuscode` \| 500/);
  });

  void it('keeps at most ten requests per endpoint, newest first', async () => {
    for (let i = 0; i < 11; i++)
      await service.send(credit, { kind: 'text', label: `r${i}`, text: SAMPLE }, undefined);
    const entries = service.entries(credit.armId);
    assert.equal(entries.length, 10);
    assert.equal(entries[0]?.source.label, 'r10');
    assert.ok(entries.every((e) => e.source.kind === 'text' && e.source.text === SAMPLE));
  });

  void it('a failure before any answer is recorded with its reason', async () => {
    t.emu.faults.add({ path: '/onlineEndpoints/credit-risk/listKeys', kind: '403' });
    await assert.rejects(service.send(credit, { kind: 'text', label: 'x', text: SAMPLE }, undefined));
    const [entry] = service.entries(credit.armId);
    assert.equal(entry?.status, undefined);
    assert.match(entry?.failure ?? '', /credential/);
  });

  void it('Trace This Request: waits while telemetry is late, then finds the request in every table', async () => {
    const { lookUp, renderTrace } = await import('../../src/testRequest/trace');
    // Longer than one pass over the 500,000-row benchmark component takes.
    t.emu.telemetry.ingestionDelayMs = 4000;
    const sent = await service.send(
      credit,
      { kind: 'text', label: 'bad', text: '{"data": [["x"]]}' },
      'blue',
    );
    const ids = { requestId: sent.entry.requestId!, clientRequestId: sent.entry.clientRequestId };
    const waits: number[] = [];
    const { found, attempts } = await lookUp(t.client, sent.entry.endpoint, ids, {
      pollMs: 300,
      maxWaitMs: 60_000,
      onWaiting: (n) => waits.push(n),
    });
    t.emu.telemetry.ingestionDelayMs = 0;
    assert.ok(attempts > 1 && waits.length === attempts - 1, 'the first empty answer was taken as final');
    assert.equal(found.requests.length, 1);
    assert.equal(found.requests[0]?.resultCode, '500');
    assert.equal(found.exceptions.length, 1);
    assert.equal(found.exceptions[0]?.type, 'ValueError');
    assert.equal(found.traffic.length, 1);
    assert.equal(found.traffic[0]?.responseCode, 424);
    assert.equal(found.traffic[0]?.modelStatusCode, 500);
    const doc = renderTrace('credit-risk', ids, found, 1000);
    assert.match(doc, /\*\*received\*\*[\s\S]*\*\*exception\*\*[\s\S]*\*\*answered\*\*/);
    assert.match(doc, /Exception ValueError/);
    // What score.py printed, matched by instance and time (it carries no request id).
    assert.match(doc, /"event":"request failed"/);
    assert.match(doc, /Answered 424/);
  });

  void it('Trace This Request: an id nobody sent ends with "nothing found", after waiting', async () => {
    const { lookUp, renderTrace } = await import('../../src/testRequest/trace');
    const ids = { requestId: 'never-sent', clientRequestId: 'never-sent' };
    const { found, attempts } = await lookUp(t.client, credit, ids, { pollMs: 50, maxWaitMs: 3000 });
    assert.ok(attempts >= 2);
    assert.match(renderTrace('credit-risk', ids, found, 3000), /Nothing found after/);
  });
});
