// Builds four bundles with esbuild:
//   dist/extension.js  the activation bundle (cjs, node): no Azure SDK inside;
//   dist/azure.js      src/azure/ and the Azure SDKs, required on first use;
//   dist/webview.js    the query panel's browser code (+ dist/webview.css);
//   dist/metrics.js    the Metrics view's browser code (+ dist/metrics.css).
// The extension reaches the Azure bundle only through src/azureLoader.ts, whose import of
// './azure/index' is rewritten here to an external require('./azure.js').
import * as esbuild from 'esbuild';
import { writeFileSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';

/** @type {esbuild.Plugin} */
const lazyAzure = {
  name: 'lazy-azure',
  setup(build) {
    build.onResolve({ filter: /^\.\/azure\/index(\.js)?$/ }, (args) =>
      args.importer.endsWith('azureLoader.ts') ? { path: './azure.js', external: true } : undefined,
    );
  },
};

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
};

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['vscode'],
    plugins: [lazyAzure],
  },
  {
    ...common,
    entryPoints: { azure: 'src/azure/index.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['vscode'],
    mainFields: ['module', 'main'],
  },
  {
    ...common,
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
  },
  {
    ...common,
    entryPoints: { metrics: 'src/webview/metrics/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
  },
];

mkdirSync('dist', { recursive: true });
if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('esbuild: watching');
} else {
  const results = await Promise.all(builds.map((options) => esbuild.build(options)));
  results.forEach((result, i) => {
    const name = Object.keys(builds[i].entryPoints)[0];
    writeFileSync(`dist/meta-${name}.json`, JSON.stringify(result.metafile));
  });
  const ext = results[0].metafile;
  const azureInActivation = Object.keys(ext.inputs).filter((p) => p.includes('node_modules/@azure/'));
  if (azureInActivation.length > 0) {
    console.error(
      'build: the activation bundle must not contain Azure SDK modules:',
      azureInActivation.slice(0, 5),
    );
    process.exit(1);
  }
  for (const [file, out] of Object.entries({
    ...results[0].metafile.outputs,
    ...results[1].metafile.outputs,
    ...results[2].metafile.outputs,
    ...results[3].metafile.outputs,
  })) {
    if (!file.endsWith('.map')) console.log(`build: ${file} ${(out.bytes / 1024).toFixed(1)} KiB`);
  }
}
