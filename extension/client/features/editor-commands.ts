// Palette commands that need the editor's state: replay the call at the
// cursor, show the log.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CallAtCursorRequest } from '../../protocol/lsp';
import { registerCommand, sendRequest } from '../lsp-requests';
import type { ReplayPanel } from './replay-panel';

export function registerEditorCommands(client: LanguageClient, panel: ReplayPanel, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    registerCommand('pinscope.replayCallAtCursor', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage('Pinscope: open a C file and put the cursor on a call of netfs_extract_user_iter.');
        return;
      }
      const { line, character } = editor.selection.active;
      const args = await sendRequest(client, CallAtCursorRequest, { uri: editor.document.uri.toString(), line, character });
      if (!args) {
        void vscode.window.showInformationMessage('Pinscope: no call of netfs_extract_user_iter at or above the cursor.');
        return;
      }
      await panel.show(`example E1 at ${args.caller ?? 'file scope'}, line ${args.line + 1}`, args.call);
    }),
    registerCommand('pinscope.showLog', () => log.show()),
  ];
}
