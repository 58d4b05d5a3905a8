// Activation cost: how long Node takes to load dist/extension.js (what VS Code requires on
// activation) against dist/azure.js (the SDK bundle required on first use). Each load runs in a
// fresh process so nothing is cached; `vscode` is a stand-in object (this measures parse and
// top-level evaluation, it is not a test of behaviour).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

const RUNS = 7;

const childScript = `
const Module = require('node:module');
const fake = new Proxy(function () {}, {
  get: (_t, p) => (p === '__esModule' ? false : p === Symbol.toPrimitive ? () => '' : fake),
  apply: () => fake,
  construct: () => fake,
});
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolveFilename.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fake };
const target = process.argv[1];
const t0 = performance.now();
require(target);
const ms = performance.now() - t0;
const loaded = Object.keys(require.cache);
console.log(JSON.stringify({
  ms,
  azureBundleLoaded: loaded.some((f) => f.endsWith('azure.js') && f !== target),
}));
`;

interface Sample {
  ms: number;
  azureBundleLoaded: boolean;
}

function measure(file: string): Sample[] {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, ['-e', childScript, file], { encoding: 'utf8' });
    samples.push(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Sample);
  }
  return samples;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function azureModulesIn(metaFile: string): number {
  if (!existsSync(metaFile)) return NaN;
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { inputs: Record<string, unknown> };
  return Object.keys(meta.inputs).filter((p) => p.includes('node_modules/@azure')).length;
}

export default function activationBench(): Promise<void> {
  const extension = resolve('dist/extension.js');
  const azure = resolve('dist/azure.js');
  for (const file of [extension, azure]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  }
  const ext = measure(extension);
  const az = measure(azure);
  const extMs = median(ext.map((s) => s.ms));
  const azMs = median(az.map((s) => s.ms));
  const kib = (f: string) => (statSync(f).size / 1024).toFixed(1);
  console.log(
    `dist/extension.js  ${kib(extension).padStart(8)} KiB  require ${extMs.toFixed(1)} ms (median of ${RUNS} fresh processes)`,
  );
  console.log(
    `dist/azure.js      ${kib(azure).padStart(8)} KiB  require ${azMs.toFixed(1)} ms (median of ${RUNS} fresh processes)`,
  );
  console.log(
    `Azure SDK modules inside the activation bundle: ${azureModulesIn(resolve('dist/meta-extension.json'))}; inside dist/azure.js: ${azureModulesIn(resolve('dist/meta-azure.json'))}`,
  );
  console.log(
    `Loading dist/extension.js also loaded dist/azure.js: ${ext.some((s) => s.azureBundleLoaded) ? 'yes' : 'no'}`,
  );
  console.log(
    `The SDK bundle alone takes ${(azMs / Math.max(extMs, 0.001)).toFixed(1)}x as long to load as the activation bundle; activation skips it until the first Azure call.`,
  );
  return Promise.resolve();
}
