// amlMonitor.scaffoldScoreFile: writes an instrumented score.py (and optionally a sample request
// and SCORING.md) from the palette, a folder in the explorer, or a deployment node, whose names
// prefill the choices. The templates are pure (src/core/scaffold); this file only asks and writes.
import * as vscode from 'vscode';
import {
  defaultModelFileName,
  modelFileNameProblem,
  modelNameFromReference,
  scaffoldFiles,
  SCORE_FILE,
  type DeploymentStyle,
  type Framework,
  type ModelFileProblem,
  type ScaffoldFile,
  type ScaffoldOptions,
  type ScaffoldTarget,
  type TracingStyle,
} from '../core/scaffold';
import type { Services } from '../services';
import { targetOf, type Target } from '../targets';
import { UserCancelledError } from './errorHandling';

interface Item<T> extends vscode.QuickPickItem {
  value: T;
}

/** What a tree node tells us before asking anything. */
interface Prefill {
  target?: ScaffoldTarget;
  style?: DeploymentStyle;
  modelName?: string;
}

export function scaffoldScoreFile(s: Services) {
  return async (arg?: unknown): Promise<void> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Writing a scoring file needs a trusted workspace. Trust this workspace, then try again.',
        ),
      );
      return;
    }
    const prefill = prefillFrom(targetOf(arg));
    const framework = await pick<Framework>(
      frameworkItems(),
      vscode.l10n.t('Which framework is the model from?'),
    );
    const style =
      prefill.style ??
      (await pick<DeploymentStyle>(styleItems(), vscode.l10n.t('Where does the model run?')));
    const tracing = await pick<TracingStyle>(
      tracingItems(),
      vscode.l10n.t('How should score.py send its traces to Application Insights?'),
    );
    const model =
      style === 'managedOnline' ? await askModelFile(framework) : await askModelName(prefill.modelName);
    const includeSample = await pick<boolean>(
      [
        { label: vscode.l10n.t('score.py only'), value: false },
        {
          label: vscode.l10n.t('score.py, sample-request.json and SCORING.md'),
          description: vscode.l10n.t('a request to try it, and how to see its traces'),
          value: true,
        },
      ],
      vscode.l10n.t('Also write a sample request and a short guide?'),
    );
    const folder = await targetFolder(arg);

    const options: ScaffoldOptions = { framework, style, tracing, includeSample, ...model };
    if (prefill.target) options.target = prefill.target;
    const files = scaffoldFiles(options);
    await confirmOverwrite(folder, files);
    for (const file of files) {
      await vscode.workspace.fs.writeFile(fileUri(folder, file), new TextEncoder().encode(file.content));
    }
    s.log.info(
      `scaffoldScoreFile: wrote ${files.map((f) => f.path).join(', ')} in ${folder.toString()} (${framework}, ${style}, ${tracing})`,
    );
    const score = files.find((f) => f.path === SCORE_FILE);
    if (score) await vscode.window.showTextDocument(fileUri(folder, score));
  };
}

function prefillFrom(target: Target | undefined): Prefill {
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

function frameworkItems(): Item<Framework>[] {
  return [
    { label: 'scikit-learn', description: vscode.l10n.t('joblib.load, model.predict'), value: 'sklearn' },
    { label: 'PyTorch', description: vscode.l10n.t('TorchScript, eval() and no_grad()'), value: 'pytorch' },
    {
      label: 'TensorFlow / Keras',
      description: vscode.l10n.t('tf.keras.models.load_model'),
      value: 'tensorflow',
    },
    { label: 'ONNX', description: vscode.l10n.t('onnxruntime.InferenceSession'), value: 'onnx' },
    {
      label: vscode.l10n.t('Other (pickle)'),
      description: vscode.l10n.t('any object with a predict method'),
      value: 'pickle',
    },
  ];
}

function styleItems(): Item<DeploymentStyle>[] {
  return [
    {
      label: vscode.l10n.t('Managed online endpoint'),
      description: vscode.l10n.t('loads the model from AZUREML_MODEL_DIR'),
      value: 'managedOnline',
    },
    {
      label: vscode.l10n.t('v1 web service (ACI or AKS)'),
      description: vscode.l10n.t('loads the model with Model.get_model_path'),
      value: 'legacyV1',
    },
  ];
}

function tracingItems(): Item<TracingStyle>[] {
  return [
    {
      label: vscode.l10n.t('Print JSON to stdout'),
      description: vscode.l10n.t('as the Azure ML documentation shows; no extra package'),
      value: 'printJson',
    },
    {
      label: vscode.l10n.t('Python logging'),
      description: vscode.l10n.t('a logger with a JSON formatter and structured extras'),
      value: 'logging',
    },
    {
      label: vscode.l10n.t('OpenTelemetry'),
      description: vscode.l10n.t('azure-monitor-opentelemetry: spans and logs, needs a connection string'),
      value: 'opentelemetry',
    },
  ];
}

async function pick<T>(items: Item<T>[], placeHolder: string): Promise<T> {
  const choice = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Scaffold Scoring File'),
    placeHolder,
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  if (!choice) throw new UserCancelledError();
  return choice.value;
}

function problemMessage(problem: ModelFileProblem): string {
  switch (problem) {
    case 'empty':
      return vscode.l10n.t('Enter the model file name.');
    case 'absolute':
      return vscode.l10n.t('Use a path relative to the model folder.');
    case 'parent':
      return vscode.l10n.t('The path must stay inside the model folder (no "..").');
    case 'characters':
      return vscode.l10n.t('Quotes, backslashes and control characters are not allowed.');
  }
}

async function askModelFile(framework: Framework): Promise<Pick<ScaffoldOptions, 'modelFileName'>> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Scaffold Scoring File'),
    prompt: vscode.l10n.t(
      'The model file inside the registered model (AZUREML_MODEL_DIR). Include the folder name if you registered a folder.',
    ),
    value: defaultModelFileName(framework),
    ignoreFocusOut: true,
    validateInput: (text) => {
      const problem = modelFileNameProblem(text);
      return problem ? problemMessage(problem) : undefined;
    },
  });
  if (value === undefined) throw new UserCancelledError();
  return { modelFileName: value.trim() };
}

async function askModelName(prefilled: string | undefined): Promise<Pick<ScaffoldOptions, 'modelName'>> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Scaffold Scoring File'),
    prompt: vscode.l10n.t(
      'The name the model is registered under in the workspace (for Model.get_model_path).',
    ),
    value: prefilled ?? 'model',
    ignoreFocusOut: true,
    validateInput: (text) =>
      /^[\w.-]+$/.test(text.trim())
        ? undefined
        : vscode.l10n.t('A registered model name has letters, digits, "-", "_" and "." only.'),
  });
  if (value === undefined) throw new UserCancelledError();
  return { modelName: value.trim() };
}

/** The explorer's folder, else the workspace folder (picked when several), else a folder dialog. */
async function targetFolder(arg: unknown): Promise<vscode.Uri> {
  if (arg instanceof vscode.Uri) {
    const stat = await vscode.workspace.fs.stat(arg);
    return stat.type & vscode.FileType.Directory ? arg : vscode.Uri.joinPath(arg, '..');
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1 && folders[0]) return folders[0].uri;
  if (folders.length > 1) {
    const folder = await vscode.window.showWorkspaceFolderPick({
      placeHolder: vscode.l10n.t('Folder to write score.py in'),
      ignoreFocusOut: true,
    });
    if (!folder) throw new UserCancelledError();
    return folder.uri;
  }
  const chosen = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Write score.py Here'),
  });
  const folder = chosen?.[0];
  if (!folder) throw new UserCancelledError();
  return folder;
}

function fileUri(folder: vscode.Uri, file: ScaffoldFile): vscode.Uri {
  return vscode.Uri.joinPath(folder, ...file.path.split('/'));
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch (e) {
    if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return false;
    throw e;
  }
}

/** Never overwrites silently: one modal question naming every file that exists. */
async function confirmOverwrite(folder: vscode.Uri, files: ScaffoldFile[]): Promise<void> {
  const existing: string[] = [];
  for (const file of files) if (await exists(fileUri(folder, file))) existing.push(file.path);
  if (existing.length === 0) return;
  const overwrite = vscode.l10n.t('Overwrite');
  const choice = await vscode.window.showWarningMessage(
    existing.length === 1
      ? vscode.l10n.t('{0} already exists in {1}. Overwrite it?', existing[0] ?? '', folderName(folder))
      : vscode.l10n.t('{0} already exist in {1}. Overwrite them?', existing.join(', '), folderName(folder)),
    { modal: true, detail: vscode.l10n.t('The current contents will be replaced.') },
    overwrite,
  );
  if (choice !== overwrite) throw new UserCancelledError();
}

function folderName(folder: vscode.Uri): string {
  return vscode.workspace.asRelativePath(folder, true) || folder.path;
}
