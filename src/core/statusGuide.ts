// What a scoring answer's HTTP status means and what to do about it, in the terms of Azure ML's
// troubleshooting guide, "Troubleshoot online endpoint deployment and scoring", section "HTTP status
// codes" (learn.microsoft.com/azure/machine-learning/how-to-troubleshoot-online-endpoints
// #http-status-codes; MicrosoftDocs/azure-ai-docs, articles/machine-learning/
// how-to-troubleshoot-online-endpoints.md). The one table of those texts: the test request's answer
// document, Diagnose's report and the load probe's status counts read it, so a code reads the same
// everywhere.
// Texts go through @vscode/l10n (no `vscode` import), so they are read when asked for, never cached.
import * as l10n from '@vscode/l10n';

export const TROUBLESHOOTING_URL =
  'https://learn.microsoft.com/azure/machine-learning/how-to-troubleshoot-online-endpoints';

/** The status codes the guide's tables explain. */
export const GUIDE_STATUSES = [200, 401, 404, 408, 424, 429, 500, 502, 503, 504] as const;
export type GuideStatus = (typeof GUIDE_STATUSES)[number];

export interface StatusGuideText {
  status: GuideStatus;
  /** The guide's "Reason" column, a few words. */
  reason: string;
  /** What the code means, one or two sentences. */
  meaning: string;
  /** What to do about it; absent when the code needs nothing (200). */
  remedy?: string;
}

export function isGuideStatus(status: number): status is GuideStatus {
  return (GUIDE_STATUSES as readonly number[]).includes(status);
}

/** The guide's text for a status, or undefined when the guide does not list it. */
export function statusGuide(status: number): StatusGuideText | undefined {
  return isGuideStatus(status) ? guideOf(status) : undefined;
}

const MANAGED = 'common-error-codes-for-managed-online-endpoints';
const KUBERNETES = 'common-error-codes-for-kubernetes-online-endpoints';

/**
 * The guide's section of each code: the table of managed online endpoints or of Kubernetes ones
 * (500 is in both), and 503's own "How to prevent 503 status code errors".
 */
export const STATUS_ANCHOR: Record<GuideStatus, string> = {
  200: MANAGED,
  401: MANAGED,
  404: MANAGED,
  408: MANAGED,
  424: MANAGED,
  429: MANAGED,
  500: MANAGED,
  502: KUBERNETES,
  503: 'how-to-prevent-503-status-code-errors',
  504: KUBERNETES,
};

/** The link to a status's section of the guide (its HTTP status codes section for other codes). */
export function statusGuideUrl(status: number): string {
  return `${TROUBLESHOOTING_URL}#${isGuideStatus(status) ? STATUS_ANCHOR[status] : 'http-status-codes'}`;
}

/** The guide's text for a status it lists. */
export function guideOf(status: GuideStatus): StatusGuideText {
  switch (status) {
    case 200:
      return {
        status,
        reason: l10n.t('OK'),
        meaning: l10n.t('Your model executed successfully within your latency bounds.'),
      };
    case 401:
      return {
        status,
        reason: l10n.t('Unauthorized'),
        meaning: l10n.t(
          "You don't have permission to score, or the key or token expired or is in the wrong format.",
        ),
        remedy: l10n.t(
          "Check the endpoint's authentication mode (key, Azure ML token or Microsoft Entra token) and your role on the endpoint.",
        ),
      };
    case 404:
      return {
        status,
        reason: l10n.t('Not found'),
        meaning: l10n.t("The endpoint doesn't have any valid deployment with positive traffic."),
        remedy: l10n.t('Give a deployment traffic, or check the scoring URI.'),
      };
    case 408:
      return {
        status,
        reason: l10n.t('Request timeout'),
        meaning: l10n.t(
          'The model took longer than request_timeout_ms under request_settings of the deployment.',
        ),
        remedy: l10n.t('Make run() in score.py faster, or raise request_settings.request_timeout_ms.'),
      };
    case 424:
      return {
        status,
        reason: l10n.t('Model error'),
        meaning: l10n.t(
          'The model container answered with a non-200 status. The response headers ms-azureml-model-error-statuscode and ms-azureml-model-error-reason, and the Model Status Code dimension of the RequestsPerMinute metric, say which.',
        ),
        remedy: l10n.t(
          'Read the traceback in the inference server log. If liveness or readiness probes fail at the same time, give the probes more time in the probe settings.',
        ),
      };
    case 429:
      return {
        status,
        reason: l10n.t('Too many pending requests'),
        meaning: l10n.t(
          'The model gets more requests than it can handle: at most 2 × max_concurrent_requests_per_instance × instance_count requests run in parallel, and the rest are refused. A 429 also comes when the endpoint reaches its requests-per-second limit.',
        ),
        remedy: l10n.t(
          'Check request_settings and scale_settings (with WORKER_COUNT matching max_concurrent_requests_per_instance), add instances or autoscale, and resend with exponential backoff.',
        ),
      };
    case 500:
      return {
        status,
        reason: l10n.t('Internal server error'),
        meaning: l10n.t('Azure Machine Learning-provisioned infrastructure is failing.'),
        // The guide's "Request tracing" section: attach the failed request's id to a support ticket.
        remedy: l10n.t('If it persists, open a support request with the x-request-id of the failed request.'),
      };
    case 502:
      return {
        status,
        reason: l10n.t('Exception or crash in run()'),
        meaning: l10n.t(
          'On a Kubernetes online endpoint, run() in score.py raised an exception or crashed, or init() failed (a package missing from the environment, a syntax error).',
        ),
        remedy: l10n.t(
          'Read the inference server log and fix score.py (see ERROR: ResourceNotReady in the guide).',
        ),
      };
    case 503:
      return {
        status,
        reason: l10n.t('Large spikes in requests per second'),
        meaning: l10n.t(
          'Requests per second rose faster than the autoscaler could add replicas: it is made for gradual changes in load.',
        ),
        remedy: l10n.t(
          'Keep more replicas ready (a higher minimum), lower autoscale_target_utilization so that scaling starts earlier, raise autoscale_max_replicas if the maximum is reached, and resend with backoff.',
        ),
      };
    case 504:
      return {
        status,
        reason: l10n.t('Request times out'),
        meaning: l10n.t('The request timed out (the default timeout is 5 seconds).'),
        remedy: l10n.t(
          'Raise the timeout or make score.py faster by removing unnecessary calls; if neither helps, run() may hang or loop.',
        ),
      };
  }
}

/** Meaning and remedy as one paragraph, as both the answer document and Diagnose show them. */
export function statusGuideParagraph(guide: StatusGuideText): string {
  return guide.remedy ? `${guide.meaning} ${guide.remedy}` : guide.meaning;
}
