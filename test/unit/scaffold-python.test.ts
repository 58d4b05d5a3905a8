// Runs every generated score.py with the machine's python3 against a stub model and stub
// framework modules written here (joblib, torch, tensorflow, onnxruntime, numpy, azureml,
// azure.monitor.opentelemetry, opentelemetry), first on PYTHONPATH. Checks what init() and run()
// log and what run() returns: success, bad input (400), model failure (500) and a 64 KB record.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  allCombinations,
  defaultModelFileName,
  MAX_RECORD_BYTES,
  scaffoldFiles,
  type Framework,
  type ScaffoldOptions,
} from '../../src/core/scaffold';

const exec = promisify(execFile);
const PYTHON = process.env.PYTHON ?? 'python3';
const REGISTERED_MODEL = 'my-registered-model';

// ---- stub modules (Python) ------------------------------------------------------------------

const stubs: Record<string, string> = {
  'stubmodel.py': `
import numpy

FEATURES = 4


def expect(path, kind):
    with open(path, "rb") as file:
        if file.read() != f"stub:{kind}".encode():
            raise ValueError(f"{path} is not the {kind} stub model")


def predict_rows(rows):
    rows = getattr(rows, "data", rows)
    sums = []
    for row in rows:
        if len(row) != FEATURES:
            raise ValueError(f"expected {FEATURES} features, got {len(row)}")
        sums.append(float(sum(row)))
    return sums


class SumModel:
    def predict(self, rows):
        return numpy.ndarray(predict_rows(rows))
`,
  'numpy/__init__.py': `
float32 = "float32"


class ndarray:
    def __init__(self, data, dtype=None):
        self.data, self.dtype = data, dtype

    def tolist(self):
        return self.data


def asarray(data, dtype=None):
    return data if isinstance(data, ndarray) else ndarray(data, dtype)
`,
  'joblib/__init__.py': `
import stubmodel


def load(path):
    stubmodel.expect(path, "sklearn")
    return stubmodel.SumModel()
`,
  'torch/__init__.py': `
import stubmodel

float32 = "torch.float32"
_grad_enabled = [True]


class device:
    def __init__(self, name):
        self.type = name


class cuda:
    @staticmethod
    def is_available():
        return False


class Tensor:
    def __init__(self, data):
        self.data = data

    def tolist(self):
        return self.data


def tensor(data, dtype=None, device=None):
    return Tensor(data)


class no_grad:
    def __enter__(self):
        _grad_enabled.append(False)

    def __exit__(self, *exc):
        _grad_enabled.pop()


class ScriptModule:
    training = True

    def eval(self):
        self.training = False
        return self

    def __call__(self, x):
        if self.training:
            raise RuntimeError("scored before eval()")
        if _grad_enabled[-1]:
            raise RuntimeError("scored outside no_grad()")
        return Tensor(stubmodel.predict_rows(x))


class jit:
    @staticmethod
    def load(path, map_location=None):
        stubmodel.expect(path, "pytorch")
        return ScriptModule()
`,
  'tensorflow/__init__.py': `
import types

import numpy
import stubmodel


class _Model:
    def predict(self, x, verbose="auto"):
        return numpy.ndarray(stubmodel.predict_rows(x))


def _load_model(path, compile=True):
    stubmodel.expect(path, "tensorflow")
    return _Model()


keras = types.SimpleNamespace(models=types.SimpleNamespace(load_model=_load_model))
`,
  'onnxruntime/__init__.py': `
import numpy
import stubmodel


class NodeArg:
    def __init__(self, name):
        self.name = name


def get_available_providers():
    return ["CPUExecutionProvider"]


class InferenceSession:
    def __init__(self, path, providers=None):
        stubmodel.expect(path, "onnx")

    def get_inputs(self):
        return [NodeArg("float_input")]

    def get_outputs(self):
        return [NodeArg("variable")]

    def run(self, output_names, feeds):
        return [numpy.ndarray(stubmodel.predict_rows(feeds["float_input"]))]
`,
  'azureml/__init__.py': '',
  'azureml/core/__init__.py': '',
  'azureml/core/model.py': `
import os


class Model:
    @staticmethod
    def get_model_path(model_name, version=None, _workspace=None):
        return os.path.join(os.environ["STUB_V1_MODEL_ROOT"], model_name)
`,
  'azureml/contrib/__init__.py': '',
  'azureml/contrib/services/__init__.py': '',
  'azureml/contrib/services/aml_response.py': `
class AMLResponse:
    def __init__(self, message, status_code, response_headers=None, json_str=False, run_function_failed=False):
        self.message, self.status_code, self.json_str = message, status_code, json_str
`,
  'azure/__init__.py': '',
  'azure/monitor/__init__.py': '',
  'azure/monitor/opentelemetry/__init__.py': `
import json
import logging
import os

STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class _ExporterHandler(logging.Handler):
    """Stands in for the Azure Monitor log exporter: prints what would become a trace."""

    def emit(self, record):
        attributes = {k: v for k, v in vars(record).items() if k not in STANDARD}
        line = {"message": record.getMessage(), "level": record.levelname, "attributes": attributes}
        print("@@OTEL " + json.dumps(line), flush=True)


def configure_azure_monitor(**kwargs):
    if not os.environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING"):
        raise ValueError("no connection string")
    print("@@CONFIGURED " + json.dumps(kwargs), flush=True)
    logging.getLogger(kwargs.get("logger_name")).addHandler(_ExporterHandler())
`,
  'opentelemetry/__init__.py': '',
  'opentelemetry/trace.py': `
import contextlib
import enum
import json


class StatusCode(enum.Enum):
    UNSET = 0
    OK = 1
    ERROR = 2


class Status:
    def __init__(self, status_code=StatusCode.UNSET, description=None):
        self.status_code, self.description = status_code, description


class Span:
    def __init__(self, name, attributes):
        self.name, self.attributes = name, dict(attributes or {})
        self.status, self.exceptions = None, []

    def set_attribute(self, key, value):
        self.attributes[key] = value

    def record_exception(self, exception, attributes=None, timestamp=None, escaped=False):
        self.exceptions.append(f"{type(exception).__name__}: {exception}")

    def set_status(self, status, description=None):
        self.status = status


_current = [Span("invalid", None)]


def get_current_span(context=None):
    return _current[-1]


class Tracer:
    @contextlib.contextmanager
    def start_as_current_span(self, name, context=None, kind=None, attributes=None, **kwargs):
        span = Span(name, attributes)
        _current.append(span)
        try:
            yield span
        finally:
            _current.pop()
            status = span.status.status_code.name if span.status else None
            line = {"name": span.name, "attributes": span.attributes, "status": status, "exceptions": span.exceptions}
            print("@@SPAN " + json.dumps(line), flush=True)


def get_tracer(name, *args, **kwargs):
    return Tracer()
`,
};

/**
 * Runs a batch of variants in one process (starting python costs more than running a variant):
 * for each, sets its environment, imports its score.py afresh, calls init(), then run() on each
 * case, printing markers between them. A variant that raises is reported and the next one runs.
 */
const harness = `
import importlib.util
import json
import logging
import os
import sys
import traceback

from azureml.contrib.services.aml_response import AMLResponse


def mark(tag, name):
    print(f"@@{tag} {name}", flush=True)


def report(value):
    if isinstance(value, AMLResponse):
        out = {"status": value.status_code, "body": value.message, "json_str": value.json_str}
    else:
        out = {"status": 200, "body": value}
    print("@@RESULT " + json.dumps(out), flush=True)


def reset_logging():
    # Each variant starts with the logger as a fresh process would have it.
    logger = logging.getLogger("score")
    logger.handlers.clear()
    logger.propagate = True
    logger.setLevel(logging.NOTSET)


def run_variant(variant):
    os.environ.update(variant["env"])
    for key in variant["unset"]:
        os.environ.pop(key, None)
    reset_logging()
    sys.modules.pop("score", None)
    spec = importlib.util.spec_from_file_location("score", variant["score"])
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    mark("CASE", "init")
    score.init()
    with open(variant["sample"], encoding="utf-8") as file:
        sample = file.read()
    cases = {
        "good": sample,
        "notJson": "this is not JSON",
        "noData": json.dumps({"rows": [[1, 2, 3, 4]]}),
        "modelError": json.dumps({"data": [[1.0, 2.0]]}),
        "big": json.dumps({"data": [[0.25, 1.5, 2.75, 3.125]] * 6000}),
    }
    for name, body in cases.items():
        mark("CASE", name)
        report(score.run(body))
    mark("CASE", "end")


with open(sys.argv[1], encoding="utf-8") as file:
    batch = json.load(file)
for variant in batch:
    mark("VARIANT", variant["name"])
    try:
        run_variant(variant)
    except Exception:
        print("@@CRASH " + json.dumps(traceback.format_exc()), flush=True)
`;

/** py_compile is run separately; this parses with Python 3.9's grammar and flags imports a variant never uses. */
const unusedImports = `
import ast
import json
import sys

problems = {}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as file:
        # feature_version: the grammar of the oldest Python the templates promise (3.9).
        tree = ast.parse(file.read(), path, feature_version=(3, 9))
    imported = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                imported[alias.asname or alias.name.split(".")[0]] = alias.name
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    unused = sorted(name for name in imported if name not in used)
    if unused:
        problems[path] = unused
print(json.dumps({"version": sys.version_info[:2], "problems": problems}))
`;

// ---- the variants ---------------------------------------------------------------------------

interface Variant {
  name: string;
  options: ScaffoldOptions;
  dir: string;
  /** OpenTelemetry variants run twice: exporting (connection string set) and printing (not set). */
  connectionString: boolean;
}

let root = '';
let stubDir = '';
const variants: Variant[] = allCombinations().flatMap((c) =>
  (c.tracing === 'opentelemetry' ? [true, false] : [false]).map((connectionString) => ({
    name: `${c.framework}-${c.style}-${c.tracing}${c.tracing === 'opentelemetry' && !connectionString ? '-stdout' : ''}`,
    options: {
      ...c,
      includeSample: true,
      modelName: REGISTERED_MODEL,
      target: { kind: 'deployment', endpointName: 'fraud-ep', deploymentName: 'blue' },
    },
    dir: '',
    connectionString,
  })),
);
const compiled = variants.filter((v) => !v.name.endsWith('-stdout'));

function write(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** The stub model file each framework's stub loader expects (pickle: a real pickle of SumModel). */
function modelBytes(framework: Framework): string {
  return framework === 'pickle' ? '(cstubmodel\nSumModel\no.' : `stub:${framework}`;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'aml-scaffold-py-'));
  stubDir = join(root, 'stubs');
  for (const [path, content] of Object.entries(stubs)) write(join(stubDir, path), content.trimStart());
  write(join(root, 'harness.py'), harness.trimStart());
  write(join(root, 'unused_imports.py'), unusedImports.trimStart());
  for (const v of variants) {
    v.dir = join(root, v.name);
    for (const file of scaffoldFiles(v.options)) write(join(v.dir, file.path), file.content);
    const modelFile = defaultModelFileName(v.options.framework);
    const modelDir =
      v.options.style === 'managedOnline' ? join(v.dir, 'model') : join(v.dir, 'v1', REGISTERED_MODEL);
    write(join(modelDir, modelFile), modelBytes(v.options.framework));
  }
});

after(() => rmSync(root, { recursive: true, force: true }));

void test('python3 -m py_compile accepts every variant', async () => {
  const files = compiled.map((v) => join(v.dir, 'score.py'));
  await exec(PYTHON, ['-B', '-m', 'py_compile', ...files]);
});

void test('python3 is 3.9 or later; every variant parses as Python 3.9 and imports nothing it does not use', async () => {
  const files = compiled.map((v) => join(v.dir, 'score.py'));
  const { stdout } = await exec(PYTHON, ['-B', join(root, 'unused_imports.py'), ...files]);
  const { version, problems } = JSON.parse(stdout) as { version: [number, number]; problems: object };
  assert.ok(version[0] === 3 && version[1] >= 9, `python ${version.join('.')}`);
  assert.deepEqual(problems, {});
});

// ---- running them ---------------------------------------------------------------------------

interface Section {
  records: Record<string, unknown>[];
  /** The stdout lines that carried a record, for the size check. */
  recordLines: string[];
  result?: { status: number; body: unknown; json_str?: boolean };
  spans: { name: string; attributes: Record<string, unknown>; status: string | null; exceptions: string[] }[];
  configured: Record<string, unknown>[];
}

interface VariantRun {
  sections: Map<string, Section>;
  /** The traceback when the variant raised. */
  crash?: string;
}

/** Splits the harness's stdout into variants and cases; the tracing style decides what a record line is. */
function parseBatch(stdout: string): Map<string, VariantRun> {
  const runs = new Map<string, VariantRun>();
  let run: VariantRun | undefined;
  let current: Section | undefined;
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const [, tag, payload = ''] = /^@@(\w+) (.*)$/.exec(line) ?? [];
    if (tag === 'VARIANT') {
      run = { sections: new Map() };
      current = undefined;
      runs.set(payload, run);
      continue;
    }
    assert.ok(run, `output before the first variant: ${line}`);
    if (tag === 'CRASH') {
      run.crash = JSON.parse(payload) as string;
      continue;
    }
    if (tag === 'CASE') {
      current = { records: [], recordLines: [], spans: [], configured: [] };
      run.sections.set(payload, current);
      continue;
    }
    assert.ok(current, `output before the first case: ${line}`);
    if (tag === 'CONFIGURED') current.configured.push(JSON.parse(payload) as Record<string, unknown>);
    else if (tag === 'RESULT') current.result = JSON.parse(payload) as Section['result'];
    else if (tag === 'SPAN') current.spans.push(JSON.parse(payload) as Section['spans'][number]);
    else if (tag === 'OTEL') {
      const { message, level, attributes } = JSON.parse(payload) as {
        message: string;
        level: string;
        attributes: Record<string, unknown>;
      };
      current.records.push({ event: message, level, ...attributes });
      current.recordLines.push(JSON.stringify(attributes));
    } else if (line.startsWith('{')) {
      const record = JSON.parse(line) as Record<string, unknown>;
      current.records.push({ event: record.event ?? record.message, ...record });
      current.recordLines.push(line);
    } else assert.fail(`unexpected output line: ${line.slice(0, 200)}`);
  }
  return runs;
}

/** OpenTelemetry sends nested values as JSON text; the other styles keep them nested. */
const nested = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

/** The environment a variant's deployment would give it. */
function variantEnv(v: Variant): { env: Record<string, string>; unset: string[] } {
  const connection = 'APPLICATIONINSIGHTS_CONNECTION_STRING';
  return {
    env: {
      AZUREML_MODEL_DIR:
        v.options.style === 'managedOnline' ? join(v.dir, 'model') : join(v.dir, 'no-such-dir'),
      STUB_V1_MODEL_ROOT: join(v.dir, 'v1'),
      ...(v.connectionString
        ? { [connection]: 'InstrumentationKey=00000000-0000-0000-0000-000000000000' }
        : {}),
    },
    unset: v.connectionString ? [] : [connection],
  };
}

async function runBatch(batch: Variant[]): Promise<{ runs: Map<string, VariantRun>; stderr: string }> {
  const specFile = join(root, `batch-${batch[0]?.name ?? 'empty'}.json`);
  const spec = batch.map((v) => ({
    name: v.name,
    score: join(v.dir, 'score.py'),
    sample: join(v.dir, 'sample-request.json'),
    ...variantEnv(v),
  }));
  writeFileSync(specFile, JSON.stringify(spec));
  const { stdout, stderr } = await exec(PYTHON, ['-B', join(root, 'harness.py'), specFile], {
    env: { PATH: process.env.PATH, PYTHONPATH: stubDir, PYTHONUTF8: '1' },
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { runs: parseBatch(stdout), stderr };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function only(
  section: Section | undefined,
  caseName: string,
): { record: Record<string, unknown>; line: string } {
  assert.ok(section, `no output for case ${caseName}`);
  assert.equal(section.records.length, 1, `${caseName}: expected ONE record, got ${section.records.length}`);
  return { record: section.records[0]!, line: section.recordLines[0]! };
}

function checkVariant(v: Variant, sections: Map<string, Section>): void {
  const otel = v.options.tracing === 'opentelemetry';
  const sample = JSON.parse(
    scaffoldFiles(v.options).find((f) => f.path === 'sample-request.json')!.content,
  ) as {
    data: number[][];
  };

  // init(): one record with the load time, the model from the right place.
  const initSection = sections.get('init');
  if (otel && !v.connectionString) {
    // Without a connection string the OpenTelemetry variant says so, then prints its records.
    const warning = initSection?.records.shift();
    initSection?.recordLines.shift();
    assert.equal(warning?.level, 'WARNING');
    assert.match(String(warning?.event), /APPLICATIONINSIGHTS_CONNECTION_STRING is not set/);
  }
  const init = only(initSection, 'init').record;
  assert.equal(init.event, 'model loaded');
  assert.equal(typeof init.duration_ms, 'number');
  const expectedDir = v.options.style === 'managedOnline' ? 'model' : `v1/${REGISTERED_MODEL}`;
  assert.ok(String(init.model_path).endsWith(`${expectedDir}/${defaultModelFileName(v.options.framework)}`));
  if (otel) assert.deepEqual(initSection?.configured, v.connectionString ? [{ logger_name: 'score' }] : []);
  if (v.options.tracing === 'logging') {
    assert.equal(init.logger, 'score');
    assert.match(String(init.timestamp), /^\d{4}-\d\d-\d\dT/);
  }

  // A good request: one record with input, output, duration and request id; the predictions returned.
  const good = sections.get('good');
  const { record } = only(good, 'good');
  assert.match(String(record.request_id), UUID);
  assert.deepEqual(nested(record.input), sample.data);
  assert.deepEqual(nested(record.output), [10, 26]);
  assert.equal(typeof record.duration_ms, 'number');
  assert.equal(record.level, 'INFO');
  assert.deepEqual(good?.result, { status: 200, body: [10, 26] });
  if (otel) {
    assert.equal(good?.spans.length, 1);
    assert.equal(good?.spans[0]?.attributes.request_id, record.request_id);
    assert.equal(good?.spans[0]?.status, null);
  }

  // Bad input: 400 with the reason; the exception is logged with its traceback.
  for (const [caseName, errorType, reason] of [
    ['notJson', 'JSONDecodeError', 'Expecting value'],
    ['noData', 'ValueError', '"data" field'],
  ] as const) {
    const section = sections.get(caseName);
    const failed = only(section, caseName).record;
    assert.equal(failed.level, 'ERROR', caseName);
    assert.equal(failed.status, 400, caseName);
    assert.match(String(failed.error), new RegExp(`^${errorType}: `), caseName);
    assert.match(String(failed.traceback), /^Traceback \(most recent call last\)/, caseName);
    assert.match(String(failed.request_id), UUID);
    const result = section?.result;
    assert.equal(result?.status, 400, caseName);
    assert.equal(result?.json_str, true);
    const body = result?.body as { error: string; request_id: string };
    assert.ok(body.error.startsWith('Invalid input: ') && body.error.includes(reason), body.error);
    assert.equal(body.request_id, failed.request_id);
    if (otel) {
      assert.equal(section?.spans[0]?.status, 'ERROR');
      assert.equal(section?.spans[0]?.exceptions.length, 1);
    }
  }
  assert.equal(only(sections.get('notJson'), 'notJson').record.input, 'this is not JSON');

  // The model fails: 500, details in the log only.
  const broken = sections.get('modelError');
  const failure = only(broken, 'modelError').record;
  assert.equal(failure.status, 500);
  assert.equal(failure.error, 'ValueError: expected 4 features, got 2');
  assert.deepEqual(nested(failure.input), [[1, 2]]);
  assert.equal(broken?.result?.status, 500);
  const body = broken?.result?.body as { error: string; request_id: string };
  assert.ok(!body.error.includes('features'), 'a model failure does not leak its message');
  assert.equal(body.request_id, failure.request_id);

  // A record over 64 KB is cut to fit and marked; the caller still gets the whole answer.
  const big = sections.get('big');
  const { record: bigRecord, line } = only(big, 'big');
  assert.ok(Buffer.byteLength(line) <= MAX_RECORD_BYTES, `record of ${Buffer.byteLength(line)} bytes`);
  assert.equal(bigRecord.truncated, true);
  assert.ok(typeof bigRecord.input === 'string' && bigRecord.input.endsWith('\u2026'));
  assert.ok(bigRecord.input.startsWith('[[0.25, 1.5, 2.75, 3.125]'));
  assert.equal(big?.result?.status, 200);
  assert.equal((big?.result?.body as number[]).length, 6000);

  assert.ok(sections.has('end'), 'the harness ran to the end');
  for (const section of sections.values()) {
    for (const l of section.recordLines) assert.ok(Buffer.byteLength(l) <= MAX_RECORD_BYTES);
  }
}

void test('every variant runs against stub frameworks: logs one record per call and answers properly', async () => {
  const started = Date.now();
  // Two processes of half the variants each, side by side: python's start-up is the slow part on a shared machine.
  const queue = [0, 1].map((half) => variants.filter((_, i) => i % 2 === half));
  const failures: string[] = [];
  let checked = 0;
  await Promise.all(
    [0, 1].map(async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        const { runs, stderr } = await runBatch(batch);
        if (stderr) failures.push(`${batch[0]?.options.framework}: stderr: ${stderr}`);
        for (const v of batch) {
          const run = runs.get(v.name);
          try {
            assert.ok(run, 'did not run');
            assert.equal(run.crash, undefined);
            checkVariant(v, run.sections);
            checked++;
          } catch (e) {
            failures.push(`${v.name}: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      }
    }),
  );
  assert.deepEqual(failures, []);
  assert.equal(checked, variants.length);
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds < 60, `took ${seconds} s`);
});
