// The Variants view: the definitions the workspace has (with their variant)
// and the built-in catalogue v0 … v3; each can be compared on the call on screen.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { EXAMPLE_E1 } from '../../engine/examples';
import { VARIANT_TABLE } from '../../engine/variants';
import { IndexListRequest, type IndexEntryDto, type IndexStatusParams } from '../../protocol/lsp';
import { sendRequest } from '../lsp-requests';
import type { ReplayPanel } from './replay-panel';

type Node =
  | { readonly kind: 'group'; readonly label: string }
  | { readonly kind: 'definition'; readonly entry: IndexEntryDto }
  | { readonly kind: 'catalogue'; readonly id: 'v0' | 'v1' | 'v2' | 'v3' };

export class VariantsView implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private definitions: IndexEntryDto[] = [];

  constructor(
    private readonly client: LanguageClient,
    private readonly panel: ReplayPanel,
  ) {}

  /** Refreshes whenever the server announces a finished index. */
  start(indexed: vscode.Event<IndexStatusParams>): vscode.Disposable {
    return indexed(() => void this.refresh());
  }

  async refresh(): Promise<void> {
    const list = await sendRequest(this.client, IndexListRequest, { symbol: 'netfs_extract_user_iter' });
    this.definitions = list.entries.filter((e) => e.kind === 'definition');
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') return new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
    if (node.kind === 'definition') {
      const item = new vscode.TreeItem(`${node.entry.variant ?? '?'} — ${vscode.workspace.asRelativePath(vscode.Uri.parse(node.entry.uri))}`);
      item.description = `line ${node.entry.line + 1}`;
      item.iconPath = new vscode.ThemeIcon('symbol-function');
      const at = new vscode.Position(node.entry.line, node.entry.col);
      item.command = { command: 'vscode.open', title: 'Reveal', arguments: [vscode.Uri.parse(node.entry.uri), { selection: new vscode.Range(at, at) }] };
      return item;
    }
    const v = VARIANT_TABLE[node.id];
    const item = new vscode.TreeItem(`${v.id} ${v.title}`);
    item.description = v.commit;
    item.contextValue = 'pinscope.variant';
    item.iconPath = new vscode.ThemeIcon('versions');
    item.command = { command: 'pinscope.compareVariants', title: 'Compare on this call', arguments: [] };
    return item;
  }

  getChildren(node?: Node): Node[] {
    if (!node) return [{ kind: 'group', label: 'In this workspace' }, { kind: 'group', label: 'Catalogue' }];
    if (node.kind !== 'group') return [];
    if (node.label === 'Catalogue') return (['v0', 'v1', 'v2', 'v3'] as const).map((id) => ({ kind: 'catalogue', id }));
    return this.definitions.map((entry) => ({ kind: 'definition', entry }));
  }

  /** Pinscope: Compare Variants — the call on screen (or example E1) through v0 … v3. */
  compare(): Promise<unknown> {
    const shown = this.panel.shown;
    return this.panel.compare(shown?.result.call ?? EXAMPLE_E1, `${shown?.title ?? 'example E1'}: v0 … v3`);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
