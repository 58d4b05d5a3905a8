// Activation cost: how long Node takes to load dist/extension.js and run its activate() (what VS
// Code does on activation) against loading dist/azure.js (the SDK bundle required on first use).
// Each load runs in a fresh process so nothing is cached; `vscode` and the extension context are a
// stand-in that answers every call. Whether activation loaded the SDK bundle is read from Node's
// module cache after activate() returned and its microtasks and timers of the next turn ran.
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
  set: () => true,
});
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolveFilename.call(this, request, ...rest);
};
// The bundle copies the module's own properties (esbuild's ESM interop): name the ones it uses.
const api = {};
for (const name of JSON.parse(process.argv[3] || '[]')) api[name] = fake;
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: api };
const target = process.argv[1];
const activate = process.argv[2] === 'activate';
const t0 = performance.now();
const mod = require(target);
const requireMs = performance.now() - t0;
let activateMs = NaN;
if (activate) {
  if (typeof mod.activate !== 'function') throw new Error(target + ' exports no activate()');
  const t1 = performance.now();
  mod.activate(fake);
  activateMs = performance.now() - t1;
}
setTimeout(() => {
  const loaded = Object.keys(require.cache);
  console.log(JSON.stringify({
    ms: requireMs,
    activateMs,
    azureBundleLoaded: loaded.some((f) => f.endsWith('azure.js') && f !== target),
  }));
  process.exit(0);
}, 50);
`;

interface Sample {
  ms: number;
  activateMs: number;
  azureBundleLoaded: boolean;
}

function measure(file: string, activate: boolean): Sample[] {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const args = ['-e', childScript, file, activate ? 'activate' : 'load', JSON.stringify(vscodeNames(file))];
    const out = execFileSync(process.execPath, args, { encoding: 'utf8' });
    samples.push(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Sample);
  }
  return samples;
}

/** The members of `vscode` a bundle uses (vscode.window, vscode2.l10n, …), read from its text. */
function vscodeNames(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...new Set([...text.matchAll(/\bvscode\d*\.([A-Za-z_]\w*)/g)].map((m) => m[1]!))];
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
  const ext = measure(extension, true);
  const az = measure(azure, false);
  const extMs = median(ext.map((s) => s.ms));
  const activateMs = median(ext.map((s) => s.activateMs));
  const azMs = median(az.map((s) => s.ms));
  const kib = (f: string) => (statSync(f).size / 1024).toFixed(1);
  console.log(
    `dist/extension.js  ${kib(extension).padStart(8)} KiB  require ${extMs.toFixed(1)} ms, activate() ${activateMs.toFixed(1)} ms (medians of ${RUNS} fresh processes)`,
  );
  console.log(
    `dist/azure.js      ${kib(azure).padStart(8)} KiB  require ${azMs.toFixed(1)} ms (median of ${RUNS} fresh processes)`,
  );
  console.log(
    `Azure SDK modules inside the activation bundle: ${azureModulesIn(resolve('dist/meta-extension.json'))}; inside dist/azure.js: ${azureModulesIn(resolve('dist/meta-azure.json'))}`,
  );
  console.log(
    `Loading dist/extension.js and running activate() also loaded dist/azure.js: ${ext.some((s) => s.azureBundleLoaded) ? 'YES' : 'no'} (${ext.length} runs)`,
  );
  console.log(
    `The SDK bundle alone takes ${(azMs / Math.max(extMs + activateMs, 0.001)).toFixed(1)}x as long to load as loading and activating the extension bundle.`,
  );
  if (ext.some((s) => s.azureBundleLoaded)) process.exitCode = 1;
  return Promise.resolve();
}
