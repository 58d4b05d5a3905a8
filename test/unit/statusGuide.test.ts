// The troubleshooting guide's status texts (src/core/statusGuide.ts): one table, and the test
// request's answer document and Diagnose's report show the same text for the same code, in English
// and in Spanish.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as coreL10n from '@vscode/l10n';
import { installStandInVscode } from '../support/standInVscode';
import { TRAFFIC_STATUS, type FailureClass } from '../../src/core/diagnose';
import {
  GUIDE_STATUSES,
  type GuideStatus,
  guideOf,
  statusGuide,
  statusGuideParagraph,
  statusGuideUrl,
  TROUBLESHOOTING_URL,
} from '../../src/core/statusGuide';
import type { ScoringAnswer } from '../../src/azure/api';
import type { DiagnoseResult } from '../../src/diagnose/gather';
import type { HistoryEntry } from '../../src/core/testRequestHistory';

type Bundle = Record<string, string>;
const spanish = JSON.parse(readFileSync('l10n/bundle.l10n.es.json', 'utf8')) as Bundle;

// vscode.l10n and @vscode/l10n both read the same bundle, as activate() arranges in VS Code.
let bundle: Bundle = {};
const format = (message: string, args: unknown[]) =>
  (bundle[message] ?? message).replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)]));
installStandInVscode({ l10n: { t: (message: string, ...args: unknown[]) => format(message, args) } });
function useLanguage(language: 'en' | 'es') {
  bundle = language === 'es' ? spanish : {};
  coreL10n.config({ contents: bundle });
}

/** Text as Markdown shows it: backslash escapes of ASCII punctuation read as the character. */
const shown = (markdown: string) => markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');

const entry: HistoryEntry = {
  id: 'h1',
  endpointId:
    '/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/w/onlineendpoints/ep',
  endpoint: { subscriptionId: 's', resourceGroup: 'rg', workspaceName: 'w', endpointName: 'ep' },
  source: { kind: 'text', label: 'sample-request.json', text: '{}' },
  sentAt: '2026-01-01T00:00:00.000Z',
  clientRequestId: 'c1',
};
const answerOf = (status: number): ScoringAnswer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: new TextEncoder().encode('{}'),
  totalBytes: 2,
  truncated: false,
  startedAt: new Date('2026-01-01T00:00:00.000Z'),
  headersMs: 5,
  totalMs: 6,
});
const resultOf = (failure: FailureClass): DiagnoseResult => ({
  diagnosis: { verdict: failure, findings: [{ failure, evidence: [], figures: { share: 0.25 } }] },
  evidence: {},
  sources: [],
});
const names = {
  endpoint: 'ep',
  deployment: 'blue',
  deploymentArmId: '/subscriptions/s/x',
  portalUrl: 'https://portal.azure.com',
};

void test('the table has every code of the guide, each with a reason, a meaning and its section', () => {
  for (const status of GUIDE_STATUSES) {
    const guide = guideOf(status);
    assert.equal(guide.status, status);
    assert.ok(guide.reason && guide.meaning, String(status));
    assert.equal(guide.remedy === undefined, status === 200, `remedy of ${status}`);
    assert.match(statusGuideUrl(status), new RegExp(`^${TROUBLESHOOTING_URL}#[a-z0-9-]+$`));
  }
  assert.equal(statusGuide(418), undefined);
  assert.equal(statusGuide(400), undefined, 'the guide lists no 400');
  assert.equal(statusGuideUrl(418), `${TROUBLESHOOTING_URL}#http-status-codes`);
  assert.equal(statusGuideParagraph(guideOf(200)), guideOf(200).meaning);
});

void test('the answer document and the Diagnose report show the guide text of the same code alike', async () => {
  const { renderAnswer } = await import('../../src/testRequest/render');
  const { renderReport } = await import('../../src/diagnose/report');
  try {
    for (const language of ['en', 'es'] as const) {
      useLanguage(language);
      for (const [failure, status] of Object.entries(TRAFFIC_STATUS) as [FailureClass, GuideStatus][]) {
        const paragraph = statusGuideParagraph(guideOf(status));
        const doc = shown(renderAnswer(entry, answerOf(status)));
        const report = shown(renderReport(resultOf(failure), names));
        assert.ok(doc.includes(paragraph), `${language} ${status}: the answer lacks\n${paragraph}\n${doc}`);
        assert.ok(
          report.includes(paragraph),
          `${language} ${status}: the report lacks\n${paragraph}\n${report}`,
        );
        assert.ok(
          report.includes(statusGuideUrl(status)),
          `${language} ${status}: the report links elsewhere`,
        );
        assert.ok(doc.includes(statusGuideUrl(status)), `${language} ${status}: the answer links elsewhere`);
      }
    }
    // The Spanish run really showed Spanish: the bundle has the texts and they differ.
    useLanguage('en');
    const english = statusGuideParagraph(guideOf(429));
    useLanguage('es');
    assert.notEqual(statusGuideParagraph(guideOf(429)), english);
  } finally {
    useLanguage('en');
  }
});

void test('codes only the answer document shows (Kubernetes 502, 504) read from the same table', async () => {
  const { renderAnswer } = await import('../../src/testRequest/render');
  for (const status of [200, 500, 502, 504] as const) {
    const doc = shown(renderAnswer(entry, answerOf(status)));
    assert.ok(doc.includes(statusGuideParagraph(guideOf(status))), String(status));
  }
  const teapot = renderAnswer(entry, answerOf(418));
  assert.match(teapot, /HTTP status 418\./);
});
