// amlMonitor.scaffoldScoreFile: writes an instrumented score.py (and optionally a sample request
// and SCORING.md) from the palette, a folder in the explorer, or a deployment node, whose names
// prefill the choices. The templates are pure (src/core/scaffold); this file only asks and writes.
import * as vscode from 'vscode';
import {
  modelFileNameProblem,
  prefillFromTarget,
  runScaffold,
  SCORE_FILE,
  type DeploymentStyle,
  type Framework,
  type ModelFileProblem,
  type ScaffoldFileSystem,
  type ScaffoldQuestions,
  type TracingStyle,
} from '../core/scaffold';
import type { Services } from '../services';
import { targetOf } from '../targets';
import { UserCancelledError, type UserInput } from '../ui';

interface Item<T> extends vscode.QuickPickItem {
  value: T;
}

export function scaffoldScoreFile(s: Services) {
  return async (arg?: unknown): Promise<void> => {
    if (!vscode.workspace.isTrusted) {
      void s.ui.notify(
        'warning',
        vscode.l10n.t(
          'Writing a scoring file needs a trusted workspace. Trust this workspace, then try again.',
        ),
      );
      return;
    }
    const result = await runScaffold(prefillFromTarget(targetOf(arg)), questions(s.ui, arg), fileSystem);
    if (result.outcome === 'declined') throw new UserCancelledError();
    const { folder, paths, options } = result;
    s.log.info(
      `scaffoldScoreFile: wrote ${paths.join(', ')} in ${folder.toString()} (${options.framework}, ${options.style}, ${options.tracing})`,
    );
    await vscode.window.showTextDocument(fileUri(folder, SCORE_FILE));
  };
}

function questions(ui: UserInput, arg: unknown): ScaffoldQuestions<vscode.Uri> {
  return {
    framework: () =>
      pick<Framework>(ui, frameworkItems(), vscode.l10n.t('Which framework is the model from?')),
    style: () => pick<DeploymentStyle>(ui, styleItems(), vscode.l10n.t('Where does the model run?')),
    tracing: () =>
      pick<TracingStyle>(
        ui,
        tracingItems(),
        vscode.l10n.t('How should score.py send its traces to Application Insights?'),
      ),
    modelFile: (suggested) => askModelFile(ui, suggested),
    modelName: (suggested) => askModelName(ui, suggested),
    includeSample: () =>
      pick<boolean>(
        ui,
        [
          { label: vscode.l10n.t('score.py only'), value: false },
          {
            label: vscode.l10n.t('score.py, sample-request.json and SCORING.md'),
            description: vscode.l10n.t('a request to try it, and how to see its traces'),
            value: true,
          },
        ],
        vscode.l10n.t('Also write a sample request and a short guide?'),
      ),
    folder: () => targetFolder(ui, arg),
    confirmOverwrite: (folder, existing) => confirmOverwrite(ui, folder, existing),
  };
}

const fileSystem: ScaffoldFileSystem<vscode.Uri> = {
  exists: async (folder, path) => {
    try {
      await vscode.workspace.fs.stat(fileUri(folder, path));
      return true;
    } catch (e) {
      if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return false;
      throw e;
    }
  },
  write: async (folder, path, content) => {
    await vscode.workspace.fs.writeFile(fileUri(folder, path), new TextEncoder().encode(content));
  },
};

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

async function pick<T>(ui: UserInput, items: Item<T>[], placeHolder: string): Promise<T> {
  const choice = await ui.pick(items, {
    title: vscode.l10n.t('Scaffold Scoring File'),
    placeHolder,
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
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

async function askModelFile(ui: UserInput, suggested: string): Promise<string> {
  const value = await ui.input({
    title: vscode.l10n.t('Scaffold Scoring File'),
    prompt: vscode.l10n.t(
      'The model file inside the registered model (AZUREML_MODEL_DIR). Include the folder name if you registered a folder.',
    ),
    value: suggested,
    ignoreFocusOut: true,
    validateInput: (text) => {
      const problem = modelFileNameProblem(text);
      return problem ? problemMessage(problem) : undefined;
    },
  });
  return value.trim();
}

async function askModelName(ui: UserInput, suggested: string): Promise<string> {
  const value = await ui.input({
    title: vscode.l10n.t('Scaffold Scoring File'),
    prompt: vscode.l10n.t(
      'The name the model is registered under in the workspace (for Model.get_model_path).',
    ),
    value: suggested,
    ignoreFocusOut: true,
    validateInput: (text) =>
      /^[\w.-]+$/.test(text.trim())
        ? undefined
        : vscode.l10n.t('A registered model name has letters, digits, "-", "_" and "." only.'),
  });
  return value.trim();
}

/** The explorer's folder, else the workspace folder (picked when several), else a folder dialog. */
async function targetFolder(ui: UserInput, arg: unknown): Promise<vscode.Uri> {
  if (arg instanceof vscode.Uri) {
    const stat = await vscode.workspace.fs.stat(arg);
    return stat.type & vscode.FileType.Directory ? arg : vscode.Uri.joinPath(arg, '..');
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1 && folders[0]) return folders[0].uri;
  if (folders.length > 1) {
    const folder = await ui.pickWorkspaceFolder({
      placeHolder: vscode.l10n.t('Folder to write score.py in'),
      ignoreFocusOut: true,
    });
    return folder.uri;
  }
  const chosen = await ui.openDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Write score.py Here'),
  });
  const folder = chosen[0];
  if (!folder) throw new UserCancelledError();
  return folder;
}

function fileUri(folder: vscode.Uri, path: string): vscode.Uri {
  return vscode.Uri.joinPath(folder, ...path.split('/'));
}

/** Never overwrites silently: one modal question naming every file that exists. */
async function confirmOverwrite(ui: UserInput, folder: vscode.Uri, existing: string[]): Promise<boolean> {
  return ui.confirm(
    existing.length === 1
      ? vscode.l10n.t('{0} already exists in {1}. Overwrite it?', existing[0] ?? '', folderName(folder))
      : vscode.l10n.t('{0} already exist in {1}. Overwrite them?', existing.join(', '), folderName(folder)),
    vscode.l10n.t('The current contents will be replaced.'),
    vscode.l10n.t('Overwrite'),
  );
}

function folderName(folder: vscode.Uri): string {
  return vscode.workspace.asRelativePath(folder, true) || folder.path;
}
