// Scoring-file scaffolding: templates as data (python.ts) and pure renderers (render.ts).
export * from './options';
export { MAX_RECORD_BYTES, renderGuide, renderSampleRequest, renderScoreFile, scaffoldFiles } from './render';
export {
  prefillFromTarget,
  runScaffold,
  type Prefill,
  type ScaffoldFileSystem,
  type ScaffoldQuestions,
  type ScaffoldResult,
} from './flow';
