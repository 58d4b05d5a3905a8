// The pieces score.py is assembled from, as data: per framework, per deployment style, per
// tracing style, plus the parts every variant shares. Each piece names the imports it needs, so
// a variant imports exactly what it uses (a test checks there is no unused import).
import type { DeploymentStyle, Framework, TracingStyle } from './options';

/** An import line, sorted into the standard-library or the third-party group. */
export interface PyImport {
  group: 'stdlib' | 'thirdParty';
  line: string;
}

const std = (line: string): PyImport => ({ group: 'stdlib', line });
const lib = (line: string): PyImport => ({ group: 'thirdParty', line });

export interface FrameworkPiece {
  /** Shown in the header and the guide. */
  label: string;
  /** What to pip install besides the inference server. */
  packages: string[];
  imports: PyImport[];
  /** Module-level lines after the constants (may be empty). */
  preamble: string[];
  /** Body of `_load_model(path)`. */
  load: string[];
  /** Body of `_to_features(data)`: JSON value → model input. Errors here are the caller's (400). */
  toFeatures: string[];
  /** Body of `_predict(features)`. Errors here are the model's (500). */
  predict: string[];
}

export const frameworkPieces: Record<Framework, FrameworkPiece> = {
  sklearn: {
    label: 'scikit-learn',
    packages: ['scikit-learn', 'joblib', 'numpy'],
    imports: [lib('import joblib'), lib('import numpy as np')],
    preamble: [],
    // sklearn.externals.joblib is gone from scikit-learn: joblib is its own package.
    load: ['return joblib.load(path)'],
    toFeatures: ['return np.asarray(data)'],
    predict: ['return model.predict(features)'],
  },
  pytorch: {
    label: 'PyTorch',
    packages: ['torch'],
    imports: [lib('import torch')],
    preamble: ['DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")'],
    load: [
      '# A TorchScript model (torch.jit.save) loads without its Python class. For a model saved',
      '# whole with torch.save(model), import its class and use torch.load(path, weights_only=False).',
      'loaded = torch.jit.load(path, map_location=DEVICE)',
      'loaded.eval()',
      'return loaded',
    ],
    toFeatures: ['return torch.tensor(data, dtype=torch.float32, device=DEVICE)'],
    predict: ['with torch.no_grad():', '    return model(features)'],
  },
  tensorflow: {
    label: 'TensorFlow/Keras',
    packages: ['tensorflow', 'numpy'],
    imports: [lib('import numpy as np'), lib('import tensorflow as tf')],
    preamble: [],
    load: [
      '# compile=False: scoring needs no optimizer or loss (and no custom ones to import).',
      'return tf.keras.models.load_model(path, compile=False)',
    ],
    toFeatures: ['return np.asarray(data, dtype=np.float32)'],
    predict: ['return model.predict(features, verbose=0)'],
  },
  onnx: {
    label: 'ONNX',
    packages: ['onnxruntime', 'numpy'],
    imports: [lib('import numpy as np'), lib('import onnxruntime as ort')],
    preamble: [],
    load: ['return ort.InferenceSession(path, providers=ort.get_available_providers())'],
    toFeatures: ['return np.asarray(data, dtype=np.float32)'],
    predict: [
      "# Feed the session's first input; with several outputs, return them all by name.",
      'input_name = model.get_inputs()[0].name',
      'outputs = model.run(None, {input_name: features})',
      'if len(outputs) == 1:',
      '    return outputs[0]',
      'return {meta.name: value for meta, value in zip(model.get_outputs(), outputs)}',
    ],
  },
  pickle: {
    label: 'pickle',
    packages: [],
    imports: [std('import pickle')],
    preamble: [],
    load: [
      '# Unpickling runs code from the file: load only models you trust.',
      'with open(path, "rb") as file:',
      '    return pickle.load(file)',
    ],
    toFeatures: [
      '# Passed as parsed from JSON; convert here if the model expects arrays or DataFrames.',
      'return data',
    ],
    predict: ['return model.predict(features)'],
  },
};

export interface StylePiece {
  label: string;
  imports: PyImport[];
  /** Module-level constants; `modelName` and `modelFile` are Python string literals. */
  constants: (modelFile: string, modelName: string) => string[];
  /** Body of `_model_path()`. */
  modelPath: string[];
}

export const stylePieces: Record<DeploymentStyle, StylePiece> = {
  managedOnline: {
    label: 'managed online endpoint',
    imports: [],
    constants: (modelFile) => [
      '# The model file inside the folder Azure ML mounts the registered model in (AZUREML_MODEL_DIR).',
      '# When you registered a folder, start with its name: "my-folder/<file>".',
      `MODEL_FILE_NAME = ${modelFile}`,
    ],
    modelPath: ['return os.path.join(os.environ["AZUREML_MODEL_DIR"], MODEL_FILE_NAME)'],
  },
  legacyV1: {
    label: 'v1 web service (ACI/AKS)',
    imports: [lib('from azureml.core.model import Model')],
    constants: (modelFile, modelName) => [
      '# The name the model is registered under in the workspace.',
      `MODEL_NAME = ${modelName}`,
      '# The file to load when the registered model is a folder.',
      `MODEL_FILE_NAME = ${modelFile}`,
    ],
    modelPath: [
      '# The path of the model file, or of its folder when a folder was registered.',
      'path = Model.get_model_path(model_name=MODEL_NAME)',
      'return os.path.join(path, MODEL_FILE_NAME) if os.path.isdir(path) else path',
    ],
  },
};

export interface TracingPiece {
  label: string;
  packages: string[];
  imports: PyImport[];
  /** What the header says about where the records go. */
  header: string[];
  /** Module-level definitions before init() (may be empty). */
  setup: string[];
  /** First lines of init() (may be empty). */
  initFirst: string[];
  /** Body of `_emit(event, record, error=False)`. */
  emit: string[];
  /** Extra lines at the start of `_fail` (may be empty). */
  onFailure: string[];
  /** Whether run() wraps its work in a span. */
  span: boolean;
}

export const tracingPieces: Record<TracingStyle, TracingPiece> = {
  printJson: {
    label: 'print JSON to stdout',
    packages: [],
    imports: [],
    header: [
      'Records are printed to stdout as JSON. With Application Insights enabled on the deployment,',
      'Azure ML sends what the script prints to the traces table.',
    ],
    setup: [],
    initFirst: [],
    emit: [
      'line = {"event": event, "level": "ERROR" if error else "INFO", **_fit(record)}',
      'print(json.dumps(line, default=str), flush=True)',
    ],
    onFailure: [],
    span: false,
  },
  logging: {
    label: 'Python logging (JSON)',
    packages: [],
    imports: [std('import logging'), std('from datetime import datetime, timezone')],
    header: [
      'Records go through the logging module as one JSON line on stdout (the `extra` fields at the',
      'top level). With Application Insights enabled on the deployment, Azure ML sends stdout to the',
      'traces table.',
    ],
    setup: [
      'logger = logging.getLogger("score")',
      '',
      '',
      'class JsonFormatter(logging.Formatter):',
      '    """Formats a log record and the fields passed in `extra` as one JSON object."""',
      '',
      '    # Attributes every LogRecord has; anything else came from `extra`.',
      '    STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}',
      '',
      '    def format(self, record: logging.LogRecord) -> str:',
      '        entry = {',
      '            "timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),',
      '            "level": record.levelname,',
      '            "logger": record.name,',
      '            "message": record.getMessage(),',
      '        }',
      '        entry.update((k, v) for k, v in vars(record).items() if k not in self.STANDARD_ATTRIBUTES)',
      '        return json.dumps(entry, default=str)',
      '',
      '',
      'class StdoutHandler(logging.Handler):',
      '    """Writes to sys.stdout as it is at each call, so the server\'s capture of stdout sees it."""',
      '',
      '    def emit(self, record: logging.LogRecord) -> None:',
      '        try:',
      '            print(self.format(record), flush=True)',
      '        except Exception:',
      '            self.handleError(record)',
      '',
      '',
      'def _configure_logging() -> None:',
      '    handler = StdoutHandler()',
      '    handler.setFormatter(JsonFormatter())',
      '    logger.handlers[:] = [handler]',
      '    logger.setLevel(logging.INFO)',
      "    logger.propagate = False  # the server's own handlers would print each record again",
    ],
    initFirst: ['_configure_logging()'],
    emit: ['logger.log(logging.ERROR if error else logging.INFO, event, extra=_fit(record))'],
    onFailure: [],
    span: false,
  },
  opentelemetry: {
    label: 'OpenTelemetry (azure-monitor-opentelemetry)',
    packages: ['azure-monitor-opentelemetry'],
    imports: [
      std('import logging'),
      lib('from azure.monitor.opentelemetry import configure_azure_monitor'),
      lib('from opentelemetry import trace'),
      lib('from opentelemetry.trace import Status, StatusCode'),
    ],
    header: [
      'Records are sent with OpenTelemetry (azure-monitor-opentelemetry) to the Application Insights',
      'resource named by the APPLICATIONINSIGHTS_CONNECTION_STRING environment variable: set it on',
      'the deployment. Their fields become customDimensions; each request is also a span. Without',
      'the variable, records are printed to stdout as JSON.',
    ],
    setup: [
      'logger = logging.getLogger("score")',
      'tracer = trace.get_tracer(__name__)',
      'exporting = False',
      '',
      '',
      'def _configure_telemetry() -> None:',
      '    global exporting',
      '    logger.setLevel(logging.INFO)',
      '    # configure_azure_monitor reads the connection string from this variable.',
      '    exporting = bool(os.environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING"))',
      '    if exporting:',
      '        configure_azure_monitor(logger_name=logger.name)',
      '    else:',
      '        warning = "APPLICATIONINSIGHTS_CONNECTION_STRING is not set: records go to stdout"',
      '        print(json.dumps({"event": warning, "level": "WARNING"}), flush=True)',
    ],
    initFirst: ['_configure_telemetry()'],
    emit: [
      'fitted = _fit(record)',
      'level = "ERROR" if error else "INFO"',
      'if not exporting:',
      '    # Printed records still reach the traces table when Application Insights is enabled.',
      '    print(json.dumps({"event": event, "level": level, **fitted}, default=str), flush=True)',
      '    return',
      '# customDimensions hold strings and numbers: nested values are sent as JSON text.',
      'attributes = {',
      '    key: value if isinstance(value, (str, int, float, bool)) else json.dumps(value, default=str)',
      '    for key, value in fitted.items()',
      '}',
      'logger.log(getattr(logging, level), event, extra=attributes)',
    ],
    onFailure: [
      'span = trace.get_current_span()',
      'span.record_exception(error)',
      'span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))',
    ],
    span: true,
  },
};

/** Imports every variant uses. */
export const commonImports: PyImport[] = [
  std('import json'),
  std('import os'),
  std('import time'),
  std('import traceback'),
  std('import uuid'),
  std('from typing import Any'),
  lib('from azureml.contrib.services.aml_response import AMLResponse'),
];
