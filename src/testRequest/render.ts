// The answer of a test request as a read-only Markdown document: status and its meaning (from Azure
// ML's troubleshooting guide), latency, the ids to trace it by, the headers that matter, the body.
import * as vscode from 'vscode';
import type { ScoringAnswer } from '../azure/api';
import { fenceFor, interpretAnswer, viewBody } from '../core/scoring';
import {
  guideOf,
  isGuideStatus,
  statusGuide,
  statusGuideParagraph,
  statusGuideUrl,
} from '../core/statusGuide';
import { markdownCell, type HistoryEntry } from '../core/testRequestHistory';

/**
 * What a status means and what to do, in the troubleshooting guide's words (the table Diagnose
 * reads too). 400 is not in the guide's tables: the inference server answers it for a body run()
 * rejects, or the front end for a request it cannot read.
 */
export function meaningText(status: number, pinned: boolean): string {
  const guide = statusGuide(status);
  if (!guide)
    return status === 400
      ? vscode.l10n.t('The request was rejected as malformed (by the front end, or by run() in score.py).')
      : vscode.l10n.t('HTTP status {0}.', String(status));
  const paragraph = statusGuideParagraph(guide);
  // (inferred) A pinned deployment the endpoint does not have answers 404 too; the guide lists only
  // the no-traffic case.
  if (status === 404 && pinned)
    return `${paragraph} ${vscode.l10n.t('Or the pinned deployment does not exist in this endpoint.')}`;
  if (status === 401) return `${paragraph} ${vscode.l10n.t('Resend to fetch a fresh key or token.')}`;
  return paragraph;
}

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

export function renderAnswer(entry: HistoryEntry, answer: ScoringAnswer): string {
  const facts = interpretAnswer(answer.headers);
  const view = viewBody(answer.body, answer.headers['content-type'], !answer.truncated);
  const lines: string[] = [];
  lines.push(
    `# ${markdownCell(entry.endpoint.endpointName)} · ${answer.status} · ${ms(answer.totalMs)}`,
    '',
    `> ${meaningText(answer.status, entry.deployment !== undefined)}`,
  );
  if (facts.modelError) {
    lines.push(
      '>',
      `> ${vscode.l10n.t(
        'The model container answered {0} ({1}).',
        facts.modelError.statusCode !== undefined ? String(facts.modelError.statusCode) : '?',
        markdownCell(facts.modelError.reason ?? '-'),
      )}`,
    );
  }
  if (isGuideStatus(answer.status))
    lines.push(
      '>',
      `> [${vscode.l10n.t('Troubleshooting guide: {0} {1}', String(answer.status), guideOf(answer.status).reason)}](${statusGuideUrl(answer.status)})`,
    );
  if (facts.retryAfterSeconds !== undefined)
    lines.push(
      '>',
      `> ${vscode.l10n.t('Azure asks to retry after {0} s.', String(facts.retryAfterSeconds))}`,
    );
  const row = (label: string, value: string) => `| ${label} | ${markdownCell(value)} |`;
  lines.push(
    '',
    `| ${vscode.l10n.t('Request')} | |`,
    '|---|---|',
    row(vscode.l10n.t('Endpoint'), entry.endpoint.endpointName),
    row(
      vscode.l10n.t('Deployment'),
      entry.deployment
        ? vscode.l10n.t('{0} (pinned with azureml-model-deployment)', entry.deployment)
        : facts.servedBy
          ? vscode.l10n.t('{0} (chosen by the endpoint traffic)', facts.servedBy)
          : vscode.l10n.t('chosen by the endpoint traffic'),
    ),
    row(vscode.l10n.t('Request body'), entry.source.label),
    row(vscode.l10n.t('Sent at'), answer.startedAt.toISOString()),
    row(
      vscode.l10n.t('Latency'),
      [
        vscode.l10n.t('{0} in total', ms(answer.totalMs)),
        vscode.l10n.t('{0} until the headers', ms(answer.headersMs)),
        facts.runMs !== undefined ? vscode.l10n.t('{0} in run()', ms(facts.runMs)) : undefined,
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    row(vscode.l10n.t('Request id (x-request-id)'), facts.requestId ?? '-'),
    row(
      vscode.l10n.t('Client request id (x-ms-client-request-id)'),
      facts.clientRequestId ?? entry.clientRequestId,
    ),
  );
  if (facts.notable.length > 0) {
    lines.push('', `## ${vscode.l10n.t('Headers')}`, '', '| | |', '|---|---|');
    for (const h of facts.notable) lines.push(`| \`${h.name}\` | ${markdownCell(h.value)} |`);
  }
  lines.push('', `## ${vscode.l10n.t('Body')}`, '');
  const size = answer.truncated
    ? vscode.l10n.t('{0} bytes, the first {1} shown', String(answer.totalBytes), String(answer.body.length))
    : vscode.l10n.t('{0} bytes', String(answer.totalBytes));
  switch (view.kind) {
    case 'empty':
      lines.push(vscode.l10n.t('(empty)'));
      break;
    case 'binary':
      lines.push(vscode.l10n.t('Binary content ({0}), not shown.', size));
      break;
    default: {
      lines.push(`${view.kind === 'json' ? 'JSON' : vscode.l10n.t('Text')} · ${size}`, ''); // l10n-ignore: JSON is a format name
      const fence = fenceFor(view.text);
      lines.push(`${fence}${view.kind === 'json' ? 'json' : 'text'}`, view.text, fence);
    }
  }
  lines.push(
    '',
    '---',
    vscode.l10n.t(
      'Trace This Request and Resend are in the editor title bar. Telemetry reaches Application Insights and Log Analytics minutes after the request.',
    ),
    '',
  );
  return lines.join('\n');
}
