// The status bar item: the index's state and the traces loaded.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { IndexListRequest, type IndexStatusParams } from '../../protocol/lsp';
import { sendRequest } from '../lsp-requests';
import { printable } from '../../trace/printable';
import type { TracesView } from './traces-view';

export function createStatusItem(client: LanguageClient, traces: TracesView, ready: Promise<void>, indexed: vscode.Event<IndexStatusParams>): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('pinscope.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Pinscope';
  item.command = 'pinscope.showLog';
  let index = 'indexing…';
  let skippedNote = '';
  const render = () => {
    const loaded = traces.loaded.length;
    item.text = `$(pulse) Pinscope: ${index}${loaded ? ` · ${loaded} trace${loaded === 1 ? '' : 's'}` : ''}`;
    item.tooltip = `Pinscope: the workspace index and the traces loaded (click for the log)${skippedNote}`;
    item.show();
  };
  render();
  // The index may have finished before this item listened: ask once the server is up.
  void ready.then(async () => {
    const list = await sendRequest(client, IndexListRequest, {});
    if (list.complete) {
      index = `${list.entries.length} entries`;
      render();
    }
  });
  const subscriptions = [
    item,
    traces.onDidChangeTreeData(render),
    indexed((status) => {
      const skipped = status.skipped ?? [];
      index = status.state === 'ready' ? `${status.entries} entries${skipped.length ? ` · ${skipped.length} skipped` : ''}` : status.state;
      // The first few here; every one, with its reason, in the log.
      skippedNote = skipped.length ? `\n\nSkipped:\n${skipped.slice(0, 5).map((s) => printable(`${vscode.Uri.parse(s.uri).fsPath}: ${s.reason}`)).join('\n')}${skipped.length > 5 ? `\n… and ${skipped.length - 5} more in the log` : ''}` : '';
      render();
    }),
  ];
  return vscode.Disposable.from(...subscriptions);
}
