// Runs test files inside a VS Code extension host, in-process: the integration suites (plain
// node:test files that drive the emulator) then run with the host's Node, its TLS and its module
// loader, next to the activated extension. Used by `npm run test:desktop` (VS Code desktop through
// @vscode/test-electron) and by the e2e suite's test-host extension (code-server's extension host).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'amlmonitor.azureml-endpoint-monitor';

export interface HostRunResult {
  passed: number;
  failed: number;
  /** The spec reporter's text. */
  output: string;
}

/** Checks the extension activates and registers every command it declares, then runs files. */
export async function runInHost(repoRoot: string, files: string[]): Promise<HostRunResult> {
  let output = '';
  let passed = 0;
  let failed = 0;

  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this VS Code`);
  await ext.activate();
  const declared = ((ext.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []).map(
    (c) => c.command,
  );
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = declared.filter((c) => !registered.has(c));
  if (missing.length > 0 || declared.length === 0) {
    failed++;
    output += `✖ the extension registers every declared command (missing: ${missing.join(', ') || 'none declared'})\n`;
  } else {
    passed++;
    output += `✔ the extension activates and registers its ${declared.length} commands\n`;
  }

  // TypeScript test files load through tsx, from the repository's own node_modules.
  const tsx = createRequire(join(repoRoot, 'package.json'))('tsx/esm/api') as { register(): () => void };
  const unregister = tsx.register();
  try {
    const stream = run({ files, isolation: 'none', concurrency: false, cwd: repoRoot } as Parameters<typeof run>[0]);
    stream.on('test:pass', (t: { details: { type?: string } }) => {
      if (t.details.type !== 'suite') passed++;
    });
    stream.on('test:fail', (t: { details: { type?: string } }) => {
      if (t.details.type !== 'suite') failed++;
    });
    for await (const chunk of stream.compose(new spec())) output += String(chunk);
  } finally {
    unregister();
  }
  return { passed, failed, output };
}
