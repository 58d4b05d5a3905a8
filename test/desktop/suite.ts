// The extensionTestsPath module of `npm run test:desktop`: VS Code desktop calls run() in its
// extension host once the development extension is loaded.
import { runInHost } from './hostSuite';

export async function run(): Promise<void> {
  const repoRoot = process.env.AML_REPO_ROOT;
  const files = JSON.parse(process.env.AML_HOST_TEST_FILES ?? '[]') as string[];
  if (!repoRoot) throw new Error('AML_REPO_ROOT is not set (run through npm run test:desktop)');
  const result = await runInHost(repoRoot, files);
  console.log(result.output);
  if (result.failed > 0) throw new Error(`${result.failed} test(s) failed in VS Code desktop`);
  if (result.unfinished.length > 0 || result.passed + result.skipped !== result.expected)
    throw new Error(
      `${result.expected} tests listed, ${result.passed + result.skipped} finished in VS Code desktop`,
    );
}
