// The scaffold command's flow without vscode: what to ask, in which order, and never writing over
// a file without a yes. The command passes in its quick picks and file system (tested in plain Node).
import type { Target } from '../../targets';
import {
  defaultModelFileName,
  modelNameFromReference,
  type DeploymentStyle,
  type Framework,
  type ScaffoldOptions,
  type ScaffoldTarget,
  type TracingStyle,
} from './options';
import { scaffoldFiles } from './render';

/** What a tree node tells us before asking anything. */
export interface Prefill {
  target?: ScaffoldTarget;
  style?: DeploymentStyle;
  modelName?: string;
}

export function prefillFromTarget(target: Target | undefined): Prefill {
  switch (target?.kind) {
    case 'deployment':
      return {
        target: {
          kind: 'deployment',
          endpointName: target.endpoint.endpointName,
          deploymentName: target.deployment.deploymentName,
        },
        style: 'managedOnline',
        modelName: modelNameFromReference(target.deployment.model),
      };
    case 'legacyService':
      return {
        target: { kind: 'legacyService', serviceName: target.service.serviceName },
        style: 'legacyV1',
      };
    default:
      return {};
  }
}

/** The questions. Each throws (the command's UserCancelledError) when dismissed. */
export interface ScaffoldQuestions<Folder> {
  framework(): Promise<Framework>;
  style(): Promise<DeploymentStyle>;
  tracing(): Promise<TracingStyle>;
  /** The model file inside AZUREML_MODEL_DIR, starting from `suggested`. */
  modelFile(suggested: string): Promise<string>;
  /** The registered model name (v1), starting from `suggested`. */
  modelName(suggested: string): Promise<string>;
  includeSample(): Promise<boolean>;
  folder(): Promise<Folder>;
  /** Asked once, naming every file that exists; false writes nothing. */
  confirmOverwrite(folder: Folder, existing: string[]): Promise<boolean>;
}

export interface ScaffoldFileSystem<Folder> {
  exists(folder: Folder, path: string): Promise<boolean>;
  write(folder: Folder, path: string, content: string): Promise<void>;
}

export type ScaffoldResult<Folder> =
  | { outcome: 'written'; folder: Folder; paths: string[]; options: ScaffoldOptions }
  | { outcome: 'declined'; folder: Folder; existing: string[] };

export async function runScaffold<Folder>(
  prefill: Prefill,
  ask: ScaffoldQuestions<Folder>,
  fs: ScaffoldFileSystem<Folder>,
): Promise<ScaffoldResult<Folder>> {
  const framework = await ask.framework();
  const style = prefill.style ?? (await ask.style());
  const tracing = await ask.tracing();
  const options: ScaffoldOptions = { framework, style, tracing, includeSample: false };
  if (style === 'managedOnline') options.modelFileName = await ask.modelFile(defaultModelFileName(framework));
  else options.modelName = await ask.modelName(prefill.modelName ?? 'model');
  options.includeSample = await ask.includeSample();
  if (prefill.target) options.target = prefill.target;
  const folder = await ask.folder();

  const files = scaffoldFiles(options);
  const existing: string[] = [];
  for (const file of files) if (await fs.exists(folder, file.path)) existing.push(file.path);
  if (existing.length > 0 && !(await ask.confirmOverwrite(folder, existing))) {
    return { outcome: 'declined', folder, existing };
  }
  for (const file of files) await fs.write(folder, file.path, file.content);
  return { outcome: 'written', folder, paths: files.map((f) => f.path), options };
}
