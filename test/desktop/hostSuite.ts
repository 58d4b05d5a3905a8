// Runs test files inside a VS Code extension host, in-process: the integration suites (plain
// node:test files that drive the emulator) then run with the host's Node, its TLS and its module
// loader, next to the activated extension. Used by `npm run test:desktop` (VS Code desktop through
// @vscode/test-electron) and by the e2e suite's test-host extension (code-server's extension host).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { run } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'amlmonitor.azureml-endpoint-monitor';

interface Event {
  nesting: number;
  name: string;
  file?: string;
  line?: number;
  column?: number;
  /** On test:enqueue: 'test' or 'suite'. */
  type?: string;
  /** On test:pass: set when the test (or suite) was skipped, or is a todo. */
  skip?: boolean | string;
  todo?: boolean | string;
  details?: { type?: string; error?: unknown; duration_ms?: number };
}

export interface HostRunResult {
  passed: number;
  failed: number;
  /** Tests marked skip or todo: they ran nothing and are not counted as passed. */
  skipped: number;
  /** Suites marked skip: the tests inside them are not even listed. */
  skippedSuites: string[];
  /**
   * Tests the runner listed (enqueued) in the files: every one must end passed, failed or skipped.
   * Derived from the suites themselves, so adding a test needs no number edited anywhere.
   */
  expected: number;
  /** Listed tests that never reported an outcome (the run ended early, or lost them). */
  unfinished: string[];
  /** The spec reporter's text. */
  output: string;
}

/** Checks the extension activates and registers every command it declares, then runs files. */
export async function runInHost(repoRoot: string, files: string[]): Promise<HostRunResult> {
  let output = '';
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const skippedSuites: string[] = [];
  /** Listed tests not finished yet, by key. */
  const listed = new Map<string, string>();
  let expected = 0;

  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this VS Code`);
  await ext.activate();
  const declared = (
    (ext.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []
  ).map((c) => c.command);
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = declared.filter((c) => !registered.has(c));
  expected++;
  if (missing.length > 0 || declared.length === 0) {
    failed++;
    output += `✖ the extension registers every declared command (missing: ${missing.join(', ') || 'none declared'})\n`;
  } else {
    passed++;
    output += `✔ the extension activates and registers its ${declared.length} commands\n`;
  }

  // TypeScript test files load through tsx, from the repository's own node_modules: its main
  // entry registers the same hooks as `node --import tsx` (ESM and CommonJS), for this process.
  const tsxEntry = createRequire(join(repoRoot, 'package.json')).resolve('tsx');
  await import(pathToFileURL(tsxEntry).href);

  // In-process (isolation 'none') the run ends only when the process runs out of work, which an
  // extension host never does (and aborting it does not end its stream either): the run is over
  // once every top-level test of the files has completed and nothing new was queued for a moment.
  const pending = new Set<string>();
  const key = (t: Event): string => `${t.file ?? ''}:${t.line ?? 0}:${t.column ?? 0}:${t.name}`;
  const stream = run({ files, isolation: 'none', concurrency: false, cwd: repoRoot } as Parameters<
    typeof run
  >[0]);
  await new Promise<void>((done) => {
    let idle: NodeJS.Timeout | undefined;
    stream.on('test:enqueue', (t: Event) => {
      if (t.nesting === 0) pending.add(key(t));
      if (t.type !== 'suite' && !listed.has(key(t))) {
        listed.set(key(t), t.name);
        expected++;
      }
      clearTimeout(idle);
    });
    stream.on('test:complete', (t: Event) => {
      if (t.nesting === 0) pending.delete(key(t));
      clearTimeout(idle);
      if (pending.size === 0) idle = setTimeout(done, 1000);
    });
    stream.on('test:pass', (t: Event) => {
      listed.delete(key(t));
      const indent = '  '.repeat(t.nesting);
      if (t.skip !== undefined && t.skip !== false) {
        // A skipped suite is reported too: it hides every test in it.
        if (t.details?.type === 'suite') skippedSuites.push(t.name);
        else skipped++;
        output += `${indent}﹣ ${t.details?.type === 'suite' ? 'suite ' : ''}${t.name} (skipped${typeof t.skip === 'string' ? `: ${t.skip}` : ''})\n`;
        return;
      }
      if (t.todo !== undefined && t.todo !== false) {
        skipped++;
        output += `${indent}﹣ ${t.name} (todo${typeof t.todo === 'string' ? `: ${t.todo}` : ''})\n`;
        return;
      }
      if (t.details?.type === 'suite') return;
      passed++;
      output += `${indent}✔ ${t.name} (${Math.round(t.details?.duration_ms ?? 0)} ms)\n`;
    });
    stream.on('test:fail', (t: Event) => {
      listed.delete(key(t));
      // A failing suite (a hook, or its body throwing) fails the run even when no test inside says so.
      failed++;
      const error = t.details?.error;
      const why =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.stack
            : error.stack
          : String(error);
      output += `${'  '.repeat(t.nesting)}✖ ${t.name} (${t.file ?? ''}, ${Math.round(t.details?.duration_ms ?? 0)} ms)\n${String(why).replace(/^/gm, '    ')}\n`;
    });
    stream.on('test:diagnostic', (t: Event & { message?: string }) => {
      if (t.nesting === 0 && t.message) output += `ℹ ${t.message}\n`;
    });
  });
  const unfinished = [...listed.values()];
  if (unfinished.length > 0) output += `never finished: ${unfinished.join('; ')}\n`;
  output += `${passed} passed, ${failed} failed, ${skipped} skipped of ${expected} listed; ${skippedSuites.length} suites skipped\n`;
  return { passed, failed, skipped, skippedSuites, expected, unfinished, output };
}
