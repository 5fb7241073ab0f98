// The Call Sites view: the index of netfs_extract_user_iter across the
// workspace, by file, with the definition's variant; a click reveals the line.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { IndexListRequest, type IndexEntryDto, type IndexStatusParams } from '../../protocol/lsp';
import { sendRequest } from '../lsp-requests';

type Node = { readonly kind: 'file'; readonly uri: string; readonly entries: IndexEntryDto[] } | { readonly kind: 'entry'; readonly entry: IndexEntryDto };

export class CallSitesView implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private entries: IndexEntryDto[] = [];

  constructor(private readonly client: LanguageClient) {}

  /** Refreshes whenever the server announces a finished index. */
  start(indexed: vscode.Event<IndexStatusParams>): vscode.Disposable {
    return indexed(() => void this.refresh());
  }

  async refresh(): Promise<void> {
    const list = await sendRequest(this.client, IndexListRequest, { symbol: 'netfs_extract_user_iter' });
    this.entries = [...list.entries];
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'file') {
      const uri = vscode.Uri.parse(node.uri);
      const item = new vscode.TreeItem(vscode.workspace.asRelativePath(uri), vscode.TreeItemCollapsibleState.Expanded);
      item.resourceUri = uri;
      item.iconPath = vscode.ThemeIcon.File;
      return item;
    }
    const e = node.entry;
    const label = e.kind === 'call' ? `${e.function ?? '(file scope)'}()` : e.kind === 'definition' ? `definition — ${e.variant ?? '?'}` : 'declaration';
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.description = `line ${e.line + 1}`;
    item.iconPath = new vscode.ThemeIcon(e.kind === 'call' ? 'call-outgoing' : e.kind === 'definition' ? 'symbol-function' : 'symbol-interface');
    const position = new vscode.Position(e.line, e.col);
    item.command = { command: 'vscode.open', title: 'Reveal', arguments: [vscode.Uri.parse(e.uri), { selection: new vscode.Range(position, position) }] };
    return item;
  }

  getChildren(node?: Node): Node[] {
    if (node?.kind === 'entry') return [];
    if (node?.kind === 'file') return node.entries.map((entry) => ({ kind: 'entry', entry }));
    const byFile = new Map<string, IndexEntryDto[]>();
    for (const e of this.entries) {
      const group = byFile.get(e.uri);
      if (group) group.push(e);
      else byFile.set(e.uri, [e]);
    }
    return [...byFile].map(([uri, entries]) => ({ kind: 'file', uri, entries }));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
