// What the user picks when scaffolding a scoring file, and the pure checks on it.

export const frameworks = ['sklearn', 'pytorch', 'tensorflow', 'onnx', 'pickle'] as const;
export type Framework = (typeof frameworks)[number];

/** managedOnline: v2 online endpoints (AZUREML_MODEL_DIR); legacyV1: ACI/AKS web services (Model.get_model_path). */
export const deploymentStyles = ['managedOnline', 'legacyV1'] as const;
export type DeploymentStyle = (typeof deploymentStyles)[number];

export const tracingStyles = ['printJson', 'logging', 'opentelemetry'] as const;
export type TracingStyle = (typeof tracingStyles)[number];

export interface ScaffoldOptions {
  framework: Framework;
  style: DeploymentStyle;
  tracing: TracingStyle;
  /** File of the model inside the registered model's folder; defaults per framework. */
  modelFileName?: string;
  /** Registered model name (legacy v1 Model.get_model_path); defaults to "model". */
  modelName?: string;
  /** Shown in the file headers and used to scope the guide's query, e.g. "endpoint/deployment". */
  target?: ScaffoldTarget;
  /** Also write sample-request.json and SCORING.md. */
  includeSample: boolean;
}

export type ScaffoldTarget =
  | { kind: 'deployment'; endpointName: string; deploymentName: string }
  | { kind: 'legacyService'; serviceName: string };

export interface ScaffoldFile {
  /** Relative to the target folder, forward slashes. */
  path: string;
  content: string;
}

export const SCORE_FILE = 'score.py';
export const SAMPLE_REQUEST_FILE = 'sample-request.json';
/** A file of its own rather than an edit of the user's README: writing it twice changes nothing. */
export const GUIDE_FILE = 'SCORING.md';

const defaultModelFiles: Record<Framework, string> = {
  sklearn: 'model.pkl',
  pytorch: 'model.pt',
  tensorflow: 'model.keras',
  onnx: 'model.onnx',
  pickle: 'model.pkl',
};

export function defaultModelFileName(framework: Framework): string {
  return defaultModelFiles[framework];
}

export type ModelFileProblem = 'empty' | 'absolute' | 'parent' | 'characters';

/** Why a model file name cannot go into os.path.join(AZUREML_MODEL_DIR, name), or undefined. */
export function modelFileNameProblem(name: string): ModelFileProblem | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'empty';
  if (/^([\\/]|[A-Za-z]:)/.test(trimmed)) return 'absolute';
  if (trimmed.split(/[\\/]/).includes('..')) return 'parent';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f"'\\]/.test(trimmed)) return 'characters';
  return undefined;
}

/**
 * The registered model's name from a deployment's model reference: "azureml:name:3",
 * ".../models/name/versions/3" (ARM id or registry URI) or a bare name.
 */
export function modelNameFromReference(reference: string | undefined): string | undefined {
  if (!reference) return undefined;
  const path = /\/models\/([^/]+)(?:\/versions\/[^/]+)?\/?$/i.exec(reference);
  if (path?.[1]) return decodeURIComponent(path[1]);
  const short = /^azureml:([^:/@]+)(?::[^:/]+|@[^:/]+)?$/i.exec(reference);
  if (short?.[1]) return short[1];
  return /^[\w.-]+$/.test(reference) ? reference : undefined;
}

/** Every combination of framework, deployment style and tracing style. */
export function allCombinations(): Pick<ScaffoldOptions, 'framework' | 'style' | 'tracing'>[] {
  return frameworks.flatMap((framework) =>
    deploymentStyles.flatMap((style) => tracingStyles.map((tracing) => ({ framework, style, tracing }))),
  );
}
