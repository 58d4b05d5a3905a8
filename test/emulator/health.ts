// Health profiles of emulated deployments: what their metrics, container logs and last failed
// operation look like. One profile per failure class of Azure ML's troubleshooting guide
// (MicrosoftDocs/azure-ai-docs, articles/machine-learning/how-to-troubleshoot-online-endpoints.md),
// plus a healthy one. The texts follow that page's error names; where it quotes no exact text,
// the line is marked (inferred).

export type HealthProfile =
  | 'healthy'
  | 'slow'
  | 'throttled'
  | 'crashLoop'
  | 'imageBuildFailure'
  | 'outOfQuota'
  | 'modelDownloadFailure'
  | 'initError'
  | 'outOfMemory'
  | 'modelError'
  | 'scaleOut'
  | 'serverErrors';

export const HEALTH_PROFILES: readonly HealthProfile[] = [
  'healthy',
  'slow',
  'throttled',
  'crashLoop',
  'imageBuildFailure',
  'outOfQuota',
  'modelDownloadFailure',
  'initError',
  'outOfMemory',
  'modelError',
  'scaleOut',
  'serverErrors',
];

/** Profiles whose deployment never came up: no traffic, so every traffic metric has no data. */
export function servesTraffic(profile: HealthProfile): boolean {
  return !['imageBuildFailure', 'outOfQuota', 'modelDownloadFailure', 'initError'].includes(profile);
}

export function provisioningStateOf(profile: HealthProfile): string | undefined {
  return servesTraffic(profile) ? undefined : 'Failed';
}

/** Share of requests per status code. Codes from the guide's "HTTP status codes" table. */
export function statusMixOf(profile: HealthProfile): Record<string, number> {
  switch (profile) {
    case 'slow':
      return { '200': 0.82, '408': 0.18 };
    case 'throttled':
      return { '200': 0.6, '429': 0.4 };
    case 'crashLoop':
      return { '200': 0.55, '502': 0.25, '503': 0.2 };
    case 'outOfMemory':
      return { '200': 0.88, '502': 0.12 };
    case 'modelError':
      return { '200': 0.75, '424': 0.25 };
    case 'scaleOut':
      return { '200': 0.7, '503': 0.3 };
    case 'serverErrors':
      // 5xx-heavy: the guide's managed-endpoint table, "500 Internal server error: Azure Machine
      // Learning-provisioned infrastructure is failing". Beside it the callers' usual few 400s.
      return { '200': 0.55, '400': 0.03, '500': 0.42 };
    case 'healthy':
      return { '200': 0.996, '400': 0.004 };
    default:
      return {};
  }
}

/** The model container's own status behind a 424 (modelStatusCode dimension). */
export function modelStatusOf(code: string): string {
  if (code === '424') return '500';
  // The platform answered before (or instead of) the model: no model status (inferred).
  if (code === '429' || code === '408' || code === '503' || code === '502' || code === '500') return '';
  return code;
}

/** P50/P90/P95/P99 in ms. */
export function latencyOf(profile: HealthProfile): [number, number, number, number] {
  switch (profile) {
    case 'slow':
      return [2400, 4300, 4800, 5000];
    case 'throttled':
      return [180, 420, 610, 900];
    case 'scaleOut':
      return [90, 300, 520, 1100];
    default:
      return [24, 48, 62, 95];
  }
}

export function memoryPercentOf(profile: HealthProfile): number {
  return profile === 'outOfMemory' ? 97 : 38;
}

export function cpuPercentOf(profile: HealthProfile): number {
  if (profile === 'throttled' || profile === 'scaleOut') return 92;
  if (profile === 'slow') return 71;
  return 22;
}

/** The error of the deployment's last failed operation (activity log), if the profile has one. */
export function failedOperationOf(
  profile: HealthProfile,
  names: { deployment: string; instanceType: string; instanceCount: number; subscriptionId: string },
): { code: string; message: string } | undefined {
  switch (profile) {
    case 'imageBuildFailure':
      // Guide: "ERROR: ImageBuildFailure" — the build log is in the workspace's storage (inferred text).
      return {
        code: 'ImageBuildFailure',
        message: `Image build failed for deployment ${names.deployment}. Check the build log at azureml-logs/image_build_logs in the workspace's default storage for details: conda env create failed with ResolvePackageNotFound: scikit-learn==0.99.`,
      };
    case 'outOfQuota':
      // Guide: "ERROR: OutOfQuota" / CPU quota (message shape inferred).
      return {
        code: 'OutOfQuota',
        message: `Not enough quota available for ${names.instanceType} in SubscriptionId ${names.subscriptionId}. Current usage/limit: 24/24. Additional needed: ${4 * names.instanceCount}. Please follow https://aka.ms/azureml/quota to request more quota.`,
      };
    case 'modelDownloadFailure':
      // Guide: "ERROR: BadArgument" / "Unable to download user model" (message inferred).
      return {
        code: 'BadArgument',
        message:
          'Unable to download user model. Check the storage initializer logs: the model blob was not found in the workspace storage account.',
      };
    case 'initError':
      // Guide: "ERROR: ResourceNotReady" — the user container crashes while running init().
      return {
        code: 'ResourceNotReady',
        message:
          'User container has crashed or terminated. Please see the troubleshooting guide: https://aka.ms/oe-tsg#error-resourcenotready',
      };
    default:
      return undefined;
  }
}

function stamp(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

function bootLines(t: string, pid: number): string[] {
  return [
    `${t} I [${pid}] azmlinfsrv - Azure ML Inferencing HTTP server v1.4.0`,
    `${t} I [${pid}] azmlinfsrv - Server Settings: entry_script=score.py, scoring_timeout=60000 ms, workers=1`,
    `${t} I [${pid}] azmlinfsrv.user_script - Invoking user's init function`,
  ];
}

/**
 * Fixed container logs of a profile (undefined: the emulator's live log generator serves it).
 * Formats follow microsoft/azureml-inference-server's log lines; gunicorn's SIGKILL line is its
 * own (gunicorn/arbiter.py, "Perhaps out of memory?").
 */
export function logsOf(
  profile: HealthProfile,
  now: Date,
): { inferenceServer?: string[]; storageInitializer?: string[] } | undefined {
  const t = stamp(new Date(now.getTime() - 5 * 60_000));
  switch (profile) {
    case 'imageBuildFailure':
    case 'outOfQuota':
      // The containers were never created: neither has written a line.
      return { storageInitializer: [], inferenceServer: [] };
    case 'modelDownloadFailure':
      return {
        storageInitializer: [
          `${t} | INFO | Storage initializer starting`,
          `${t} | INFO | Downloading model artifacts to /var/azureml-app/azureml-models`,
          `${t} | ERROR | Failed to download model: BlobNotFound: The specified blob does not exist. RequestId:2c1b-7f0e`,
          `${t} | ERROR | Storage initializer failed: unable to download user model from azureml://datastores/workspaceblobstore/paths/models/credit/model.pkl`,
        ],
        inferenceServer: [],
      };
    case 'initError':
      return {
        inferenceServer: [
          ...bootLines(t, 9),
          `${t} E [9] azmlinfsrv - User's init function failed`,
          `${t} E [9] azmlinfsrv - Encountered Exception Traceback (most recent call last):`,
          `  File "/var/azureml-server/aml_blueprint.py", line 108, in setup`,
          `    self.user_script.invoke_init()`,
          `  File "/var/azureml-app/score.py", line 14, in init`,
          `    model = joblib.load(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model.pkl"))`,
          `FileNotFoundError: [Errno 2] No such file or directory: '/var/azureml-app/azureml-models/credit/8/model.pkl'`,
          `${t} E [9] azmlinfsrv - Worker exiting (pid: 9)`,
        ],
      };
    case 'crashLoop': {
      const lines: string[] = [];
      for (let i = 0; i < 3; i++) {
        lines.push(...bootLines(t, 9 + i));
        lines.push(`${t} I [${9 + i}] azmlinfsrv.user_script - Users's init has completed successfully`);
        // Kubelet's own wording of a failed probe (inferred as it reaches the container log).
        lines.push(
          `${t} W [${9 + i}] azmlinfsrv - Liveness probe failed: Get "http://10.0.0.4:5001/": context deadline exceeded`,
        );
        lines.push(`${t} I [${9 + i}] gunicorn.error - Handling signal: term`);
      }
      return { inferenceServer: lines };
    }
    case 'outOfMemory':
      return {
        inferenceServer: [
          ...bootLines(t, 9),
          `${t} I [9] azmlinfsrv.user_script - Users's init has completed successfully`,
          `${t} I [9] azmlinfsrv - POST /score 200 812.4ms`,
          `${t} E [1] gunicorn.error - Worker (pid:9) was sent SIGKILL! Perhaps out of memory?`,
          `${t} I [31] gunicorn.error - Booting worker with pid: 31`,
        ],
      };
    case 'modelError':
      return {
        inferenceServer: [
          ...bootLines(t, 9),
          `${t} I [9] azmlinfsrv.user_script - Users's init has completed successfully`,
          `${t} E [9] azmlinfsrv - POST /score 500 12.1ms`,
          `${t} E [9] azmlinfsrv - Encountered Exception: Traceback (most recent call last):`,
          `  File "/var/azureml-app/score.py", line 27, in run`,
          `ValueError: Expected 2D array, got 1D array instead`,
        ],
      };
    default:
      return undefined;
  }
}
