// The answer of a test request as a read-only Markdown document: status and its meaning (from Azure
// ML's troubleshooting guide), latency, the ids to trace it by, the headers that matter, the body.
import * as vscode from 'vscode';
import type { ScoringAnswer } from '../azure/api';
import { fenceFor, interpretAnswer, viewBody, type StatusMeaning } from '../core/scoring';
import { markdownCell, type HistoryEntry } from '../core/testRequestHistory';

/** Meaning of a status, in the terms of "Troubleshoot online endpoint deployment and scoring". */
export function meaningText(meaning: StatusMeaning, status: number): string {
  switch (meaning) {
    case 'ok':
      return vscode.l10n.t('Your model executed successfully within your latency bounds.');
    case 'badRequest':
      return vscode.l10n.t('The request was rejected as malformed before it reached the model.');
    case 'unauthorized':
      return vscode.l10n.t(
        "You don't have permission to score, or the key or token expired or is in the wrong format. Send again to fetch a fresh credential.",
      );
    case 'notFound':
      return vscode.l10n.t(
        "The endpoint doesn't have any deployment with positive traffic, the pinned deployment does not exist, or the URL is wrong.",
      );
    case 'timeout':
      return vscode.l10n.t(
        'The model took longer than request_timeout_ms under request_settings of the deployment.',
      );
    case 'modelError':
      return vscode.l10n.t(
        'The model container answered with a non-200 status: see ms-azureml-model-error-statuscode and ms-azureml-model-error-reason. If liveness or readiness probes are failing, adjust the probe settings.',
      );
    case 'tooManyRequests':
      return vscode.l10n.t(
        'Too many pending requests: at most 2 × max_concurrent_requests_per_instance × instance_count run in parallel, or the endpoint reached its requests-per-second limit. Resend with exponential backoff, or add instances.',
      );
    case 'internalError':
      return vscode.l10n.t('Azure Machine Learning-provisioned infrastructure is failing.');
    case 'badGateway':
      return vscode.l10n.t(
        'An exception or crash in run() of score.py (or a failing init()) on a Kubernetes online endpoint.',
      );
    case 'unavailable':
      return vscode.l10n.t(
        'Large spikes in requests per second: the autoscaler needs time to add replicas. Resend with backoff, or raise the minimum replicas.',
      );
    case 'gatewayTimeout':
      return vscode.l10n.t('The request timed out (the default timeout is 5 seconds).');
    default:
      return vscode.l10n.t('HTTP status {0}.', String(status));
  }
}

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

export function renderAnswer(entry: HistoryEntry, answer: ScoringAnswer): string {
  const facts = interpretAnswer(answer.status, answer.headers);
  const view = viewBody(answer.body, answer.headers['content-type'], !answer.truncated);
  const lines: string[] = [];
  lines.push(
    `# ${markdownCell(entry.endpoint.endpointName)} · ${answer.status} · ${ms(answer.totalMs)}`,
    '',
    `> ${meaningText(facts.meaning, answer.status)}`,
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
