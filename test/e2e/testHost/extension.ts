// A test-only extension installed next to the product in code-server: its command runs the
// integration suites inside code-server's extension host (the remote/workspace host users get in
// code-server, Codespaces and Remote-SSH) and writes the result to AML_HOST_RESULTS.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { runInHost } from '../../desktop/hostSuite';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('amlMonitorE2e.runIntegrationSuites', async () => {
      const resultsPath = process.env.AML_HOST_RESULTS;
      const repoRoot = process.env.AML_REPO_ROOT;
      if (!resultsPath || !repoRoot) throw new Error('AML_HOST_RESULTS and AML_REPO_ROOT must be set');
      const files = JSON.parse(process.env.AML_HOST_TEST_FILES ?? '[]') as string[];
      try {
        const result = await runInHost(repoRoot, files);
        writeFileSync(resultsPath, JSON.stringify(result));
      } catch (e) {
        writeFileSync(
          resultsPath,
          JSON.stringify({
            passed: 0,
            failed: 1,
            skipped: 0,
            skippedSuites: [],
            expected: 1,
            unfinished: [],
            output: e instanceof Error ? (e.stack ?? e.message) : String(e),
          }),
        );
      }
    }),
  );
}

export function deactivate(): void {
  // The command's registration is disposed with the context.
}
