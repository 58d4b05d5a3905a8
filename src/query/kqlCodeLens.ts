// "Run Query" above each query of a .kql file; it sends that block to the trace query panel.
import * as vscode from 'vscode';
import { Commands } from '../constants';
import { queryBlocks } from '../core/kqlBlocks';

export class KqlCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return queryBlocks(document.getText()).map((block) => {
      const range = new vscode.Range(
        block.startLine,
        0,
        block.endLine,
        document.lineAt(block.endLine).text.length,
      );
      return new vscode.CodeLens(range, {
        title: vscode.l10n.t('$(play) Run Query'),
        command: Commands.runKqlFile,
        arguments: [document.uri, range],
      });
    });
  }
}
