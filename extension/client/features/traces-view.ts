// The Traces view and "Pinscope: Replay Trace File…": the server loads and
// replays a trace (with progress and cancel); the view lists its calls by
// task with their verdicts; a click opens the call's replay beside the code.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { IndexListRequest, TraceCallRequest, TraceLoadRequest, type TraceCallSummaryDto, type TraceLoadResult } from '../../protocol/lsp';
import { printable } from '../../trace/printable';
import { sendRequest, ServerUnavailable } from '../lsp-requests';
import type { ReplayPanel } from './replay-panel';

type LoadedTrace = Extract<TraceLoadResult, { ok: true }>;

type Node =
  | { readonly kind: 'trace'; readonly trace: LoadedTrace }
  | { readonly kind: 'task'; readonly trace: LoadedTrace; readonly label: string; readonly calls: readonly TraceCallSummaryDto[] }
  | { readonly kind: 'call'; readonly trace: LoadedTrace; readonly call: TraceCallSummaryDto };

export const OPEN_TRACE_CALL_COMMAND = 'pinscope.openTraceCall';

const VERDICT_ICON: Record<TraceCallSummaryDto['verdict'], vscode.ThemeIcon> = {
  match: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  mismatch: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  incomplete: new vscode.ThemeIcon('question'),
};

/** Which variant replayed the trace and why, and any calls against it (one sentence each). */
export function variantText(v: LoadedTrace['variant']): string {
  return [`Replayed as ${v.variant}: ${v.reason}`, v.contradiction, v.conflict].filter(Boolean).join('\n');
}

function tally(calls: readonly TraceCallSummaryDto[]): string {
  const count = (v: string) => calls.filter((c) => c.verdict === v).length;
  return `${calls.length} call(s): ${count('match')} match, ${count('mismatch')} mismatch, ${count('incomplete')} incomplete`;
}

export class TracesView implements vscode.TreeDataProvider<Node> {
  private readonly traces: LoadedTrace[] = [];
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly client: LanguageClient,
    private readonly panel: ReplayPanel,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The loaded traces, for tests and the status bar. */
  get loaded(): readonly LoadedTrace[] {
    return this.traces;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'trace') {
      const item = new vscode.TreeItem(vscode.workspace.asRelativePath(node.trace.path), vscode.TreeItemCollapsibleState.Expanded);
      const v = node.trace.variant;
      item.description = printable(`${node.trace.format} — ${v.variant}${v.contradiction || v.conflict ? ' ⚠' : ''} — ${tally(node.trace.calls)}`);
      item.tooltip = printable(variantText(v));
      item.iconPath = new vscode.ThemeIcon('pulse');
      item.resourceUri = vscode.Uri.file(node.trace.path);
      return item;
    }
    if (node.kind === 'task') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.description = tally(node.calls);
      item.iconPath = new vscode.ThemeIcon('person');
      return item;
    }
    const c = node.call;
    const item = new vscode.TreeItem(printable(`line ${c.line}: ${c.input ?? 'inputs not recorded'}`), vscode.TreeItemCollapsibleState.None);
    const ret = c.observedRet === null ? '' : ` → ${c.observedRet}`;
    item.description = printable(`${c.verdict}${ret}${c.anomalies.length ? ` · ${c.anomalies.join(', ')}` : ''}`);
    item.tooltip = [c.differences.join('; '), c.missing.length ? `missing: ${c.missing.join(', ')}` : '', c.caller ? `called from ${c.caller}` : '']
      .filter(Boolean)
      .map(printable)
      .join('\n');
    item.iconPath = VERDICT_ICON[c.verdict];
    item.contextValue = 'pinscope.tracedCall';
    item.command = { command: OPEN_TRACE_CALL_COMMAND, title: 'Replay', arguments: [node.trace.traceId, c.index] };
    return item;
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.traces.map((trace) => ({ kind: 'trace', trace }));
    if (node.kind === 'trace') {
      const byTask = new Map<string, TraceCallSummaryDto[]>();
      for (const call of node.trace.calls) {
        // A task's name is any bytes the process chose: shown escaped.
        const key = printable(`${call.comm ?? '?'} (pid ${call.pid ?? '?'})`);
        const group = byTask.get(key);
        if (group) group.push(call);
        else byTask.set(key, [call]);
      }
      return [...byTask].map(([label, calls]) => ({ kind: 'task', trace: node.trace, label, calls }));
    }
    if (node.kind === 'task') return node.calls.map((call) => ({ kind: 'call', trace: node.trace, call }));
    return [];
  }

  /** Pinscope: Replay Trace File… — a URI skips the dialog (tests, the explorer's context menu). */
  async replayTraceFile(uri?: vscode.Uri): Promise<LoadedTrace | undefined> {
    const file = uri ?? (await this.pickFile());
    if (!file) return undefined;
    const limitMiB = vscode.workspace.getConfiguration('pinscope').get<number>('maxTraceSizeMiB', 512);
    const size = (await vscode.workspace.fs.stat(file).then((s) => s.size, () => 0)) / 2 ** 20;
    if (!uri && size > limitMiB) {
      const go = await vscode.window.showWarningMessage(
        `${vscode.workspace.asRelativePath(file)} is ${size.toFixed(0)} MiB (more than pinscope.maxTraceSizeMiB = ${limitMiB}). Read it anyway? It streams, but takes a while.`,
        { modal: true },
        'Read it',
      );
      if (go !== 'Read it') return undefined;
    }
    if (!this.client.isRunning()) throw new ServerUnavailable();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Pinscope: replaying ${vscode.workspace.asRelativePath(file)}`, cancellable: true },
      (_progress, token) => {
        const settings = vscode.workspace.getConfiguration('pinscope');
        // The kernel only when the user set one: else the release the trace records decides (then 6.12).
        const kernel = settings.inspect<string>('kernel');
        const chosen = kernel?.workspaceFolderValue ?? kernel?.workspaceValue ?? kernel?.globalValue;
        const params = { path: file.fsPath, ...(chosen ? { kernel: chosen } : {}), variant: settings.get<string>('variant', 'auto') };
        return this.client.sendRequest(TraceLoadRequest.method, params, token) as Promise<TraceLoadResult>;
      },
    );
    if (!result.ok) {
      this.log.error(printable(`${file.fsPath}: ${result.error}`));
      void vscode.window.showErrorMessage(printable(`Pinscope could not read ${vscode.workspace.asRelativePath(file)}: ${result.error}`));
      return undefined;
    }
    this.traces.push(result);
    this.changed.fire(undefined);
    const skipped = result.skipped.lines ? `; ${result.skipped.lines} line(s) skipped (first at line ${result.skipped.examples[0]?.line})` : '';
    const anomalies = result.calls.filter((c) => c.anomalies.length).length;
    const summary = `${tally(result.calls)}; ${anomalies} with anomalies${skipped}${result.lost ? `; ${result.lost} events lost` : ''}`;
    this.log.info(printable(`${file.fsPath} (${result.format}): ${summary}; ${variantText(result.variant).replace(/\n/g, '; ')}`));
    void vscode.window.showInformationMessage(`Pinscope: ${summary}`);
    return result;
  }

  private async pickFile(): Promise<vscode.Uri | undefined> {
    const active = vscode.window.activeTextEditor?.document.uri;
    const picked = await vscode.window.showOpenDialog({
      title: 'Replay a trace file',
      canSelectMany: false,
      ...(active?.scheme === 'file' ? { defaultUri: active } : {}),
      filters: { 'Trace logs': ['trace', 'txt', 'log', 'gz', 'dat', 'json'], 'All files': ['*'] },
    });
    return picked?.[0];
  }

  /**
   * Shows the code a traced call came from: the call site in the workspace
   * when the trace names the caller and the index knows it, else the trace
   * line itself. The replay then opens beside it.
   */
  private async revealSource(trace: LoadedTrace, call: TraceCallSummaryDto): Promise<void> {
    let target: { uri: vscode.Uri; line: number } = { uri: vscode.Uri.file(trace.path), line: call.line - 1 };
    if (call.caller) {
      const list = await sendRequest(this.client, IndexListRequest, { symbol: 'netfs_extract_user_iter' });
      const site = list.entries.find((e) => e.kind === 'call' && e.function === call.caller);
      if (site) target = { uri: vscode.Uri.parse(site.uri), line: site.line };
    }
    const position = new vscode.Position(target.line, 0);
    await vscode.window.showTextDocument(target.uri, {
      viewColumn: vscode.ViewColumn.One,
      preserveFocus: true,
      selection: new vscode.Range(position, position),
    });
  }

  /** Inline actions get the tree node; the item's own command gets (traceId, index). */
  async openCallFrom(arg: Node | number, index?: number): Promise<void> {
    if (typeof arg === 'number') return this.openCall(arg, index ?? 0);
    if (arg.kind === 'call') return this.openCall(arg.trace.traceId, arg.call.index);
  }

  async revealCallSite(node: Node): Promise<void> {
    if (node.kind === 'call') await this.revealSource(node.trace, node.call);
  }

  async revealTraceLine(node: Node): Promise<void> {
    if (node.kind !== 'call') return;
    const at = new vscode.Position(node.call.line - 1, 0);
    await vscode.window.showTextDocument(vscode.Uri.file(node.trace.path), { selection: new vscode.Range(at, at), preview: true });
  }

  async openCall(traceId: number, index: number): Promise<void> {
    const trace = this.traces.find((t) => t.traceId === traceId);
    const detail = await sendRequest(this.client, TraceCallRequest, { traceId, index });
    if (!detail || !trace) return;
    const s = detail.summary;
    await this.revealSource(trace, s);
    const title = printable(`trace line ${s.line}, ${s.comm ?? '?'}[${s.pid ?? '?'}] — ${s.verdict}`);
    const v = trace.variant;
    const variant = { reason: `${v.variant}: ${v.reason}`, warning: v.contradiction ?? v.conflict };
    if (detail.predicted) await this.panel.showResult(title, detail.predicted, { ...detail.observed, missing: s.missing, variant });
    else this.panel.showMessage(printable(`${title}: the trace does not record enough to replay this call (missing: ${s.missing.join(', ')}).`));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
