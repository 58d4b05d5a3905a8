// The Diagnose report as Markdown: the verdict first, then each finding with its evidence lines
// and the fix, then what was checked. Log lines are untrusted text: they go only inside fenced
// blocks (whose fence they cannot close), names are escaped, and no HTML is written.
import * as vscode from 'vscode';
import {
  DOCS_ANCHOR,
  TRAFFIC_STATUS,
  type EvidenceSource,
  type FailureClass,
  type Finding,
  type TrafficClass,
} from '../core/diagnose';
import { guideOf, statusGuideParagraph, TROUBLESHOOTING_URL } from '../core/statusGuide';
import { portalResourceUrl } from '../core/armId';
import type { DiagnoseResult, SourceId } from './gather';

export function failureTitle(failure: FailureClass): string {
  switch (failure) {
    case 'imageBuild':
      return vscode.l10n.t('The environment image failed to build');
    case 'outOfQuota':
      return vscode.l10n.t('Out of quota');
    case 'modelDownload':
      return vscode.l10n.t('The model could not be downloaded');
    case 'initError':
      return vscode.l10n.t('init() in score.py raised an exception');
    case 'crashLoop':
      return vscode.l10n.t('The container keeps restarting (liveness or readiness probe failures)');
    case 'outOfMemory':
      return vscode.l10n.t('The container runs out of memory');
    case 'timeout408':
      return vscode.l10n.t('Requests time out (408)');
    case 'modelError424':
      return vscode.l10n.t('The model answers with errors (424)');
    case 'throttled429':
      return vscode.l10n.t('Requests over the concurrency limit are refused (429)');
    case 'scaleOut503':
      return vscode.l10n.t('The deployment is not keeping up with the load (503)');
    case 'serverError500':
      return vscode.l10n.t("Azure Machine Learning's infrastructure answers with errors (500)");
  }
}

function fixOf(f: Finding): string {
  switch (f.failure) {
    case 'imageBuild':
      return vscode.l10n.t(
        'Read the image build log named in the error, fix the environment (conda file or Dockerfile: a package or version that does not exist is the usual cause), then deploy again.',
      );
    case 'outOfQuota':
      return vscode.l10n.t(
        'Delete unused deployments, choose another instance type or region, or request more quota for this VM family in the subscription.',
      );
    case 'modelDownload':
      return vscode.l10n.t(
        'Check that the model is registered in this workspace and that its files exist in the workspace storage; the endpoint identity needs Storage Blob Data Reader on that account.',
      );
    case 'initError':
      return vscode.l10n.t(
        'Fix the exception in init() shown below (a missing file or package is the usual cause). Test score.py locally with the inference server before deploying again.',
      );
    case 'crashLoop':
      return f.figures.restarts
        ? vscode.l10n.t(
            "The container started {0} more times. If init() is slow, raise the probes' initial delay and failure threshold; otherwise fix what makes the scoring server stop answering.",
            String(f.figures.restarts),
          )
        : vscode.l10n.t(
            "If init() is slow, raise the probes' initial delay and failure threshold; otherwise fix what makes the scoring server stop answering.",
          );
    case 'outOfMemory':
      return vscode.l10n.t(
        'The worker was killed for using more memory than the instance has. Load the model once in init(), lower WORKER_COUNT, or choose an instance type with more memory.',
      );
    case 'timeout408':
    case 'modelError424':
    case 'throttled429':
    case 'scaleOut503':
    case 'serverError500':
      return trafficFix(f.failure, f.figures);
  }
}

/**
 * What the traffic shows (the share of answers with the code, and this deployment's own figures),
 * then the guide's meaning and remedy from the table the test request's answer reads too.
 */
function trafficFix(failure: TrafficClass, figures: Record<string, number>): string {
  const status = TRAFFIC_STATUS[failure];
  const guide = guideOf(status);
  const share = `${((figures.share ?? 0) * 100).toFixed(1)}%`;
  return [
    vscode.l10n.t(
      '{0} of requests in the last hour were answered {1} ({2}).',
      share,
      String(status),
      guide.reason,
    ),
    statusGuideParagraph(guide),
    figures.timeoutMs &&
      vscode.l10n.t('The request timeout of this deployment is {0} ms.', String(figures.timeoutMs)),
    figures.limit &&
      vscode.l10n.t(
        'For this deployment, 2 × max_concurrent_requests_per_instance × instance_count is {0}.',
        String(figures.limit),
      ),
  ]
    .filter(Boolean)
    .join(' ');
}

function sourceName(source: EvidenceSource | SourceId): string {
  switch (source) {
    case 'deployment':
      return vscode.l10n.t('Deployment state and settings');
    case 'operation':
      return vscode.l10n.t('Last failed operation (activity log)');
    case 'storageInitializerLog':
      return vscode.l10n.t('Storage initializer log');
    case 'inferenceServerLog':
      return vscode.l10n.t('Inference server log');
    case 'eventLog':
      return vscode.l10n.t('Container events (AmlOnlineEndpointEventLog)');
    case 'metrics':
      return vscode.l10n.t('Status codes of the last hour (RequestsPerMinute)');
  }
}

/** Markdown text, with its special characters escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** A fenced block whose fence no line can close (long runs of ~ inside are broken up). */
function fenced(lines: string[]): string {
  const safe = lines.map((l) => l.replace(/~{3,}/g, (m) => m.split('').join(' ')));
  return ['~~~~text', ...safe, '~~~~'].join('\n');
}

export function renderReport(
  result: DiagnoseResult,
  names: { endpoint: string; deployment: string; deploymentArmId: string; portalUrl: string },
): string {
  const { diagnosis } = result;
  const out: string[] = [];
  out.push(
    `# ${escapeMarkdown(vscode.l10n.t('Diagnosis of {0}', `${names.endpoint}/${names.deployment}`))}`,
    '',
  );
  if (diagnosis.verdict === 'healthy') {
    // Short: a healthy deployment gets the verdict and what was checked, no noise.
    out.push(
      `**${escapeMarkdown(vscode.l10n.t('Healthy: nothing matches a failure class of the troubleshooting guide.'))}**`,
      '',
    );
  } else if (diagnosis.verdict === 'unknown') {
    out.push(
      `**${escapeMarkdown(vscode.l10n.t('The deployment failed, but what was gathered matches no failure class of the troubleshooting guide.'))}**`,
      '',
      escapeMarkdown(vscode.l10n.t('Read the logs with Get Logs, and the guide below.')),
      '',
    );
  } else {
    out.push(`**${escapeMarkdown(vscode.l10n.t('Verdict: {0}', failureTitle(diagnosis.verdict)))}**`, '');
  }
  diagnosis.findings.forEach((f, i) => {
    out.push(`## ${i + 1}. ${escapeMarkdown(failureTitle(f.failure))}`, '', escapeMarkdown(fixOf(f)), '');
    const bySource = new Map<EvidenceSource, string[]>();
    for (const e of f.evidence) {
      const list = bySource.get(e.source) ?? [];
      list.push(e.line !== undefined ? `${String(e.line).padStart(4)} | ${e.text}` : e.text);
      bySource.set(e.source, list);
    }
    for (const [source, list] of bySource) {
      const label =
        source === 'inferenceServerLog' || source === 'storageInitializerLog'
          ? vscode.l10n.t('{0} (line numbers of the last 400 lines)', sourceName(source))
          : sourceName(source);
      out.push(`*${escapeMarkdown(label)}*`, '', fenced(list), '');
    }
    const links = [
      `[${escapeMarkdown(vscode.l10n.t('Troubleshooting guide'))}](${TROUBLESHOOTING_URL}#${DOCS_ANCHOR[f.failure]})`,
    ];
    if (f.evidence.some((e) => e.source === 'metrics'))
      links.push(
        `[${escapeMarkdown(vscode.l10n.t('Metrics in the Azure portal'))}](${portalResourceUrl(names.portalUrl, names.deploymentArmId).replace(/\/overview$/, '/metrics')})`,
      );
    out.push(links.join(' · '), '');
  });
  out.push(`## ${escapeMarkdown(vscode.l10n.t('What was checked'))}`, '');
  if (result.evidence.provisioningState)
    out.push(
      `- ${escapeMarkdown(vscode.l10n.t('Provisioning state: {0}', result.evidence.provisioningState))}`,
    );
  for (const s of result.sources) {
    const status = s.failure
      ? vscode.l10n.t('could not be read: {0}', s.failure)
      : s.notConfigured
        ? vscode.l10n.t('not sent to Log Analytics (no diagnostic setting for the endpoint)')
        : vscode.l10n.t('read');
    out.push(`- ${escapeMarkdown(`${sourceName(s.source)}: ${status}`)}`);
  }
  out.push(
    '',
    `[${escapeMarkdown(vscode.l10n.t('Troubleshooting online endpoints'))}](${TROUBLESHOOTING_URL})`,
    '',
  );
  return out.join('\n');
}
