// The Traces view and "Pinscope: Replay Trace File…". The server owns the
// loaded traces; this view holds only their totals and the pages it has
// shown: trace → task → groups (mismatches, anomalies, incomplete, shapes) →
// calls, each level asked of the server when expanded, calls a page at a
// time ("calls 1–500 of 266,720 — more…"). A filter narrows every level; a
// call opens its replay beside its call site or its own trace lines.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  IndexListRequest,
  TraceCallRequest,
  TraceCallsRequest,
  TraceChangedNotification,
  TraceFinishRequest,
  TraceFollowRequest,
  TraceGroupsRequest,
  TraceListRequest,
  TraceLoadProgressNotification,
  TraceLocateRequest,
  TraceOpenRequest,
  TraceTasksRequest,
  TraceUnloadRequest,
  TRACE_PAGE_MAX,
  type TraceCallRowDto,
  type TraceChangedParams,
  type TraceFilterDto,
  type TraceGroupDto,
  type TraceInfoDto,
  type TraceLoadProgressParams,
  type TraceTaskDto,
} from '../../protocol/lsp';
import { printable } from '../../trace/printable';
import { sendRequest, ServerUnavailable } from '../lsp-requests';
import type { ReplayPanel } from './replay-panel';
import { traceLinesUri, type TraceLinesProvider } from './trace-lines';
import { parseTraceFilter, describeTraceFilter } from './trace-filter';

/** Rows asked per page of tasks or calls. */
export const PAGE = 500;

/** A page of rows under a parent: the rows shown so far and how many there are. */
interface Paged<T> {
  total: number;
  rows: T[];
}

type Node =
  | { readonly kind: 'trace'; readonly trace: TraceInfoDto }
  | { readonly kind: 'filter'; readonly trace: TraceInfoDto }
  | { readonly kind: 'task'; readonly trace: TraceInfoDto; readonly task: TraceTaskDto }
  | { readonly kind: 'group'; readonly trace: TraceInfoDto; readonly filter: TraceFilterDto; readonly label: string; readonly calls: number; readonly key: string }
  | { readonly kind: 'call'; readonly trace: TraceInfoDto; readonly call: TraceCallRowDto }
  | { readonly kind: 'more'; readonly trace: TraceInfoDto; readonly parent: Node; readonly shown: number; readonly total: number; readonly what: 'tasks' | 'calls' }
  | { readonly kind: 'message'; readonly text: string };

export const OPEN_TRACE_CALL_COMMAND = 'pinscope.openTraceCall';
export const MORE_COMMAND = 'pinscope.traces.more';

const VERDICT_ICON: Record<TraceCallRowDto['verdict'], vscode.ThemeIcon> = {
  match: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  mismatch: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  incomplete: new vscode.ThemeIcon('question'),
};

const n = (x: number) => x.toLocaleString('en');

/** Which variant replayed the trace and why, and any calls against it (one sentence each). */
export function variantText(v: TraceInfoDto['decision']): string {
  return [`Replayed as ${v.variant}: ${v.reason}`, v.contradiction, v.conflict].filter(Boolean).join('\n');
}

function tally(verdicts: Readonly<Record<'match' | 'mismatch' | 'incomplete', number>>, calls: number, anomalous: number): string {
  return `${n(calls)} call(s): ${n(verdicts.match)} match, ${n(verdicts.mismatch)} mismatch, ${n(verdicts.incomplete)} incomplete${anomalous ? `, ${n(anomalous)} with anomalies` : ''}`;
}

/** The key a node's children are kept under. */
function keyOf(node: Node): string {
  switch (node.kind) {
    case 'trace':
      return `t${node.trace.traceId}`;
    case 'task':
      return `t${node.trace.traceId}/p${node.task.pid}`;
    case 'group':
      return `t${node.trace.traceId}/g${node.key}`;
    default:
      return '';
  }
}

export class TracesView implements vscode.TreeDataProvider<Node> {
  private traces: TraceInfoDto[] = [];
  /** Pages shown under each expanded node (tasks under a trace, calls under a group). */
  private readonly pages = new Map<string, Paged<TraceTaskDto> | Paged<TraceCallRowDto>>();
  /** Rows shown under a node before its trace changed (a live trace): asked again, as many, when it is drawn. */
  private readonly shown = new Map<string, number>();
  private filter: TraceFilterDto = {};
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly traceClosed = new vscode.EventEmitter<number>();
  /** Fires when the server no longer holds a trace (unloaded, or forgotten by a restart). */
  readonly onDidForget = this.traceClosed.event;
  private loadCount = 0;

  constructor(
    private readonly client: LanguageClient,
    private readonly panel: ReplayPanel,
    private readonly lines: TraceLinesProvider,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The traces the server holds, as last asked. */
  get loaded(): readonly TraceInfoDto[] {
    return this.traces;
  }

  /** The filter every level applies. */
  get activeFilter(): TraceFilterDto {
    return this.filter;
  }

  /** Asks the server which traces it holds (after a restart: none), and forgets the rest. */
  async refresh(): Promise<void> {
    const held = this.client.isRunning() ? await sendRequest(this.client, TraceListRequest, {}).catch(() => [] as TraceInfoDto[]) : [];
    const ids = new Set(held.map((t) => t.traceId));
    for (const gone of this.traces.filter((t) => !ids.has(t.traceId))) this.traceClosed.fire(gone.traceId);
    this.traces = [...held];
    this.pages.clear();
    this.changed.fire(undefined);
  }

  /** Follows the server: asks again whenever it (re)starts, and hears a live trace grow. */
  watchServer(): vscode.Disposable {
    const state = this.client.onDidChangeState(() => void this.refresh());
    const changes = this.client.onNotification(TraceChangedNotification.method, (p: TraceChangedParams) => this.changedOnServer(p.trace));
    return vscode.Disposable.from(state, changes);
  }

  /**
   * A trace the server follows grew (or finished): its totals are replaced and
   * the pages shown under it are asked again (as many rows as were shown),
   * so calls appear as they complete.
   */
  private changedOnServer(trace: TraceInfoDto): void {
    const at = this.traces.findIndex((t) => t.traceId === trace.traceId);
    if (at < 0) return;
    this.traces[at] = trace;
    const own = `t${trace.traceId}`;
    for (const [key, page] of this.pages) {
      if (key !== own && !key.startsWith(`${own}/`)) continue;
      this.shown.set(key, page.rows.length);
      this.pages.delete(key);
    }
    this.changed.fire(undefined);
  }

  /** How many rows to ask for first under `key`: a page, or what was shown before the trace changed. */
  private firstLimit(key: string): number {
    const before = this.shown.get(key);
    this.shown.delete(key);
    return Math.min(TRACE_PAGE_MAX, Math.max(PAGE, before ?? 0));
  }

  /**
   * A recording's trace, live: the server follows `path` as the recorder
   * writes it (the file is the server's: deleted when the trace is unloaded).
   */
  async follow(path: string, format: string): Promise<TraceInfoDto | undefined> {
    const settings = vscode.workspace.getConfiguration('pinscope');
    const kernel = settings.inspect<string>('kernel');
    const chosen = kernel?.workspaceFolderValue ?? kernel?.workspaceValue ?? kernel?.globalValue;
    const result = await sendRequest(this.client, TraceFollowRequest, { path, format, temporary: true, variant: settings.get<string>('variant', 'auto'), ...(chosen ? { kernel: chosen } : {}) });
    if (!result.ok) {
      this.log.error(printable(`${path}: ${result.error}`));
      return undefined;
    }
    this.traces.push(result.trace);
    this.changed.fire(undefined);
    return result.trace;
  }

  /** The recording ended: the server reads the rest, and lists the trace under its saved copy. */
  async finish(traceId: number, savedAs: string): Promise<TraceInfoDto | undefined> {
    const result = await sendRequest(this.client, TraceFinishRequest, { traceId, savedAs });
    if (!result.ok) {
      this.log.error(printable(`${savedAs}: ${result.error}`));
      void vscode.window.showErrorMessage(printable(`Pinscope could not finish reading the recording ${vscode.workspace.asRelativePath(savedAs)}: ${result.error}`));
      await this.refresh();
      return undefined;
    }
    this.changedOnServer(result.trace);
    const summary = tally(result.trace.totals.verdicts, result.trace.totals.calls, result.trace.totals.anomalous);
    this.log.info(printable(`${savedAs} (${result.trace.format}, recorded): ${summary}; ${variantText(result.trace.decision).replace(/\n/g, '; ')}`));
    void vscode.window.showInformationMessage(printable(`Pinscope: recorded ${summary}${result.trace.lost ? `; ${n(result.trace.lost)} events lost` : ''}`));
    return result.trace;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (node.kind) {
      case 'trace': {
        const t = node.trace;
        const item = new vscode.TreeItem(vscode.workspace.asRelativePath(t.path), vscode.TreeItemCollapsibleState.Expanded);
        const v = t.decision;
        item.description = printable(`${t.live ? 'recording — ' : ''}${t.format} — ${v.variant}${v.contradiction || v.conflict ? ' ⚠' : ''} — ${tally(t.totals.verdicts, t.totals.calls, t.totals.anomalous)}`);
        // Escaped a line at a time: the tooltip's own line breaks stay breaks.
        item.tooltip = [variantText(v), t.path, `${n(t.totals.tasks)} task(s), ${n(t.lines)} lines${t.skipped.lines ? `, ${n(t.skipped.lines)} skipped` : ''}; read in ${(t.loadMs / 1000).toFixed(1)} s`]
          .flatMap((text) => text.split('\n'))
          .map(printable)
          .join('\n');
        item.iconPath = new vscode.ThemeIcon('pulse');
        item.contextValue = 'pinscope.trace';
        item.id = keyOf(node);
        return item;
      }
      case 'filter': {
        const item = new vscode.TreeItem(printable(`Filter: ${describeTraceFilter(this.filter)}`), vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('filter');
        item.command = { command: 'pinscope.filterTraces', title: 'Change the filter', arguments: [] };
        return item;
      }
      case 'task': {
        const task = node.task;
        // A task's name is any bytes the process chose: shown escaped.
        const item = new vscode.TreeItem(printable(`${task.comm ?? '?'} (pid ${task.pid ?? '?'})`), Collapsed);
        item.description = tally(task.verdicts, task.calls, task.anomalous);
        item.iconPath = new vscode.ThemeIcon('person');
        item.id = keyOf(node);
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(printable(node.label), Collapsed);
        item.description = `${n(node.calls)} call(s)`;
        item.iconPath = new vscode.ThemeIcon(node.key.startsWith('mismatch') ? 'error' : node.key.startsWith('anomaly') ? 'warning' : node.key.startsWith('incomplete') ? 'question' : 'symbol-class');
        item.id = keyOf(node);
        return item;
      }
      case 'call': {
        const c = node.call;
        const item = new vscode.TreeItem(printable(`call ${n(c.index + 1)} · line ${n(c.line)}: ${c.input ?? 'inputs not recorded'}`), vscode.TreeItemCollapsibleState.None);
        const ret = c.observedRet === null ? '' : ` → ${c.observedRet}`;
        item.description = printable(`${c.verdict}${ret}${c.anomalies.length ? ` · ${c.anomalies.join(', ')}` : ''}`);
        item.tooltip = [`${c.comm ?? '?'}[${c.pid ?? '?'}], lines ${c.line}–${c.lastLine}`, c.durationUs !== null ? `${c.durationUs} µs inside the call` : '', c.caller ? `called from ${c.caller}` : '']
          .filter(Boolean)
          .map(printable)
          .join('\n');
        item.iconPath = VERDICT_ICON[c.verdict];
        item.contextValue = 'pinscope.tracedCall';
        item.command = { command: OPEN_TRACE_CALL_COMMAND, title: 'Replay', arguments: [node.trace.traceId, c.index] };
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(`${node.what} 1–${n(node.shown)} of ${n(node.total)} — more…`, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: MORE_COMMAND, title: 'Show more', arguments: [node] };
        return item;
      }
      case 'message':
        return new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
    }
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) return this.traces.map((trace) => ({ kind: 'trace', trace }));
    try {
      if (node.kind === 'trace') return await this.tasksOf(node);
      if (node.kind === 'task') return await this.groupsOf(node);
      if (node.kind === 'group') return await this.callsOf(node);
    } catch (error) {
      if (error instanceof ServerUnavailable) return [{ kind: 'message', text: error.message }];
      throw error;
    }
    return [];
  }

  /** The server forgot the trace (a restart, an unload elsewhere): ask again what it holds. */
  private forgotten(): Node[] {
    void this.refresh();
    return [{ kind: 'message', text: 'The language server no longer holds this trace: load it again.' }];
  }

  private async tasksOf(node: Extract<Node, { kind: 'trace' }>): Promise<Node[]> {
    const key = keyOf(node);
    let page = this.pages.get(key) as Paged<TraceTaskDto> | undefined;
    if (!page) {
      const first = await sendRequest(this.client, TraceTasksRequest, { traceId: node.trace.traceId, filter: this.filter, offset: 0, limit: this.firstLimit(key) });
      if (!first) return this.forgotten();
      this.pages.set(key, (page = { total: first.total, rows: [...first.tasks] }));
    }
    const filtered = Object.keys(this.filter).length > 0;
    const nodes: Node[] = filtered ? [{ kind: 'filter', trace: node.trace }] : [];
    nodes.push(...page.rows.map((task): Node => ({ kind: 'task', trace: node.trace, task })));
    if (page.rows.length < page.total) nodes.push({ kind: 'more', trace: node.trace, parent: node, shown: page.rows.length, total: page.total, what: 'tasks' });
    if (filtered && page.total === 0) nodes.push({ kind: 'message', text: 'No call matches the filter.' });
    return nodes;
  }

  private async groupsOf(node: Extract<Node, { kind: 'task' }>): Promise<Node[]> {
    const pid = node.task.pid;
    const taskFilter: TraceFilterDto = pid === null ? this.filter : { ...this.filter, pid };
    const groups = await sendRequest(this.client, TraceGroupsRequest, { traceId: node.trace.traceId, filter: taskFilter });
    if (!groups) return this.forgotten();
    const all: Node = { kind: 'group', trace: node.trace, filter: taskFilter, label: 'all calls', calls: node.task.calls, key: `${pid}/all` };
    return [all, ...groups.map((g: TraceGroupDto): Node => ({ kind: 'group', trace: node.trace, filter: { ...taskFilter, group: g.key }, label: g.label, calls: g.calls, key: `${pid}/${g.key}` }))];
  }

  private async callsOf(node: Extract<Node, { kind: 'group' }>): Promise<Node[]> {
    const key = keyOf(node);
    let page = this.pages.get(key) as Paged<TraceCallRowDto> | undefined;
    if (!page) {
      const first = await sendRequest(this.client, TraceCallsRequest, { traceId: node.trace.traceId, filter: node.filter, offset: 0, limit: this.firstLimit(key) });
      if (!first) return this.forgotten();
      this.pages.set(key, (page = { total: first.total, rows: [...first.calls] }));
    }
    const nodes: Node[] = page.rows.map((call) => ({ kind: 'call', trace: node.trace, call }));
    if (page.rows.length < page.total) nodes.push({ kind: 'more', trace: node.trace, parent: node, shown: page.rows.length, total: page.total, what: 'calls' });
    return nodes;
  }

  /** "— more…": the next page under the same parent. */
  async more(node: Node): Promise<void> {
    if (node.kind !== 'more') return;
    const parent = node.parent;
    const page = this.pages.get(keyOf(parent));
    if (!page) return;
    const traceId = node.trace.traceId;
    if (parent.kind === 'trace') {
      const next = await sendRequest(this.client, TraceTasksRequest, { traceId, filter: this.filter, offset: page.rows.length, limit: PAGE });
      if (!next) return void this.refresh();
      (page.rows as TraceTaskDto[]).push(...next.tasks);
    } else if (parent.kind === 'group') {
      const next = await sendRequest(this.client, TraceCallsRequest, { traceId, filter: parent.filter, offset: page.rows.length, limit: PAGE });
      if (!next) return void this.refresh();
      (page.rows as TraceCallRowDto[]).push(...next.calls);
    }
    this.changed.fire(parent);
  }

  /**
   * Pinscope: Filter Traced Calls… — "verdict:mismatch anomaly:any pid:4711
   * comm:fio size:4096-65536"; empty clears it. A text given skips the input box.
   */
  async setFilter(text?: string): Promise<TraceFilterDto | undefined> {
    const query =
      text ??
      (await vscode.window.showInputBox({
        title: 'Filter traced calls',
        prompt: 'verdict:match|mismatch|incomplete  anomaly:any|none|<kind>  pid:N  comm:TEXT  size:MIN-MAX (bytes)  — empty clears',
        value: describeTraceFilter(this.filter, ''),
        validateInput: (value) => {
          const parsed = parseTraceFilter(value);
          return 'error' in parsed ? parsed.error : undefined;
        },
      }));
    if (query === undefined) return undefined;
    const parsed = parseTraceFilter(query);
    if ('error' in parsed) {
      void vscode.window.showErrorMessage(`Pinscope: ${parsed.error}`);
      return undefined;
    }
    this.filter = parsed.filter;
    this.pages.clear();
    this.changed.fire(undefined);
    return this.filter;
  }

  /** Pinscope: Go to Traced Call… — "N" (call number) or "line L"; opens that call's replay. */
  async goTo(text?: string, traceId?: number): Promise<TraceCallRowDto | undefined> {
    const trace = this.traces.find((t) => t.traceId === traceId) ?? (this.traces.length === 1 ? this.traces[0] : await this.pickTrace());
    if (!trace) return undefined;
    const query = text ?? (await vscode.window.showInputBox({ title: `Go to a call of ${vscode.workspace.asRelativePath(trace.path)}`, prompt: `a call number (1–${n(trace.totals.calls)}) or "line L" (a line of the trace)` }));
    if (!query) return undefined;
    const match = /^\s*(?:(line|l)\s*)?#?([\d,_]+)\s*$/i.exec(query);
    if (!match) {
      void vscode.window.showErrorMessage(`Pinscope: "${query}" is neither a call number nor "line L".`);
      return undefined;
    }
    const value = Number(match[2]!.replace(/[,_]/g, ''));
    const located = await sendRequest(this.client, TraceLocateRequest, match[1] ? { traceId: trace.traceId, line: value } : { traceId: trace.traceId, call: value - 1 });
    if (!located) {
      void vscode.window.showWarningMessage(match[1] ? `Pinscope: no call at or after line ${n(value)}.` : `Pinscope: the trace has ${n(trace.totals.calls)} calls; there is no call ${n(value)}.`);
      return undefined;
    }
    if (match[1] && !located.exact) void vscode.window.showInformationMessage(`Pinscope: no call covers line ${n(value)}; the next one starts at line ${n(located.row.line)}.`);
    await this.openCall(trace.traceId, located.row.index);
    return located.row;
  }

  /** The one trace loaded, or the one the user picks. */
  pickLoaded(): Promise<TraceInfoDto | undefined> {
    return this.traces.length === 1 ? Promise.resolve(this.traces[0]) : this.pickTrace();
  }

  private async pickTrace(): Promise<TraceInfoDto | undefined> {
    const picked = await vscode.window.showQuickPick(
      this.traces.map((trace) => ({ label: vscode.workspace.asRelativePath(trace.path), description: `${n(trace.totals.calls)} calls`, trace })),
      { title: 'Which trace?' },
    );
    return picked?.trace;
  }

  /** Pinscope: Replay Trace File… — a URI skips the dialog (tests, the explorer's context menu). */
  async replayTraceFile(uri?: vscode.Uri): Promise<TraceInfoDto | undefined> {
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
    const trace = await this.open(file);
    if (!trace) return undefined;
    const t = trace.totals;
    const skipped = trace.skipped.lines ? `; ${n(trace.skipped.lines)} line(s) skipped (first at line ${trace.skipped.examples[0]?.line})` : '';
    const summary = `${tally(t.verdicts, t.calls, 0)}; ${n(t.anomalous)} with anomalies${skipped}${trace.lost ? `; ${n(trace.lost)} events lost` : ''}`;
    this.log.info(printable(`${file.fsPath} (${trace.format}): ${summary}; ${variantText(trace.decision).replace(/\n/g, '; ')}`));
    void vscode.window.showInformationMessage(`Pinscope: ${summary}`);
    return trace;
  }

  /**
   * The trace of `file`, loaded once: the server answers a file it holds
   * already (same size, mtime, kernel, variant) without reading it again.
   */
  async open(file: vscode.Uri): Promise<TraceInfoDto | undefined> {
    if (!this.client.isRunning()) throw new ServerUnavailable();
    const settings = vscode.workspace.getConfiguration('pinscope');
    const loadId = `load-${process.pid}-${++this.loadCount}`;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Pinscope: reading ${vscode.workspace.asRelativePath(file)}`, cancellable: true },
      (progress, token) => {
        let reported = 0;
        const listening = this.client.onNotification(TraceLoadProgressNotification.method, (p: TraceLoadProgressParams) => {
          if (p.loadId !== loadId || !p.total) return;
          const percent = (p.bytes / p.total) * 100;
          progress.report({ increment: percent - reported, message: `${(p.bytes / 2 ** 20).toFixed(0)} of ${(p.total / 2 ** 20).toFixed(0)} MiB, ${n(p.calls)} calls` });
          reported = percent;
        });
        // The kernel only when the user set one: else the release the trace records decides (then 6.12).
        const kernel = settings.inspect<string>('kernel');
        const chosen = kernel?.workspaceFolderValue ?? kernel?.workspaceValue ?? kernel?.globalValue;
        const params = { path: file.fsPath, ...(chosen ? { kernel: chosen } : {}), variant: settings.get<string>('variant', 'auto'), loadId };
        return (this.client.sendRequest(TraceOpenRequest.method, params, token) as Promise<import('../../protocol/lsp').TraceOpenResult>).finally(() => listening.dispose());
      },
    );
    if (!result.ok) {
      if (result.cancelled) return undefined;
      this.log.error(printable(`${file.fsPath}: ${result.error}`));
      void vscode.window.showErrorMessage(printable(`Pinscope could not read ${vscode.workspace.asRelativePath(file)}: ${result.error}`));
      return undefined;
    }
    const at = this.traces.findIndex((t) => t.traceId === result.trace.traceId);
    if (at >= 0) this.traces[at] = result.trace;
    else this.traces.push(result.trace);
    this.changed.fire(undefined);
    // Its calls are what the user looks at next: the replay panel is made now, not on the first click.
    this.panel.prepare();
    return result.trace;
  }

  /** Unload Trace: the server frees it; the view and any editor of it let go. */
  async unload(arg: Node | number): Promise<boolean> {
    const traceId = typeof arg === 'number' ? arg : arg.kind === 'trace' ? arg.trace.traceId : undefined;
    if (traceId === undefined) return false;
    const { ok } = await sendRequest(this.client, TraceUnloadRequest, { traceId });
    await this.refresh();
    return ok;
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

  /** The call site in the workspace when the trace names the caller and the index knows it. */
  private async callSite(caller: string | null): Promise<{ uri: vscode.Uri; line: number } | null> {
    if (!caller) return null;
    const list = await sendRequest(this.client, IndexListRequest, { symbol: 'netfs_extract_user_iter' });
    const site = list.entries.find((e) => e.kind === 'call' && e.function === caller);
    return site ? { uri: vscode.Uri.parse(site.uri), line: site.line } : null;
  }

  /** Inline actions get the tree node; the item's own command gets (traceId, index). */
  async openCallFrom(arg: Node | number, index?: number): Promise<void> {
    if (typeof arg === 'number') return this.openCall(arg, index ?? 0);
    if (arg.kind === 'call') return this.openCall(arg.trace.traceId, arg.call.index);
  }

  async revealCallSite(node: Node): Promise<void> {
    if (node.kind !== 'call') return;
    const site = await this.callSite(node.call.caller);
    if (!site) {
      void vscode.window.showInformationMessage(node.call.caller ? `Pinscope: the workspace index has no call of netfs_extract_user_iter in ${node.call.caller}.` : 'Pinscope: the trace does not say which function made this call.');
      return;
    }
    const at = new vscode.Position(site.line, 0);
    await vscode.window.showTextDocument(site.uri, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(at, at) });
  }

  /** Reveal Trace Line: the call's own lines with context, read-only (never the whole file). */
  async revealTraceLine(node: Node): Promise<vscode.TextEditor | undefined> {
    if (node.kind !== 'call') return undefined;
    return this.lines.show(traceLinesUri(node.trace.traceId, node.call.index, node.trace.path), node.call.line, vscode.ViewColumn.One);
  }

  /** Open Whole Trace File: the file itself as text, on request only. */
  async openWholeFile(arg?: Node | vscode.Uri): Promise<void> {
    const traceId = arg instanceof vscode.Uri ? Number(new URLSearchParams(arg.query).get('trace')) : arg && 'trace' in arg ? arg.trace.traceId : undefined;
    const trace = this.traces.find((t) => t.traceId === traceId) ?? (await this.pickTrace());
    if (trace) await vscode.window.showTextDocument(vscode.Uri.file(trace.path), { preview: true });
  }

  /**
   * The call's replay beside the code, shown first (whatever happens to the
   * reveal), then its call site or, when the workspace has none, its lines
   * (not from the trace editor, which they would cover).
   */
  async openCall(traceId: number, index: number, options: { revealSource?: boolean } = {}): Promise<void> {
    const detail = await sendRequest(this.client, TraceCallRequest, { traceId, index });
    const trace = this.traces.find((t) => t.traceId === traceId);
    if (!detail) {
      this.panel.showMessage('The language server no longer holds this trace (it was unloaded, or the server restarted): load the file again.');
      await this.refresh();
      return;
    }
    const s = detail.summary;
    const title = printable(`call ${n(index + 1)}, trace line ${n(s.line)}, ${s.comm ?? '?'}[${s.pid ?? '?'}] — ${s.verdict}`);
    const v = trace?.decision;
    const variant = v ? { variant: { reason: `${v.variant}: ${v.reason}`, warning: v.contradiction ?? v.conflict } } : {};
    // The code waits for the replay to be on screen (at most a second): opening a document would compete with its drawing.
    const rendered = this.panel.nextRender(1000);
    if (detail.predicted) await this.panel.showResult(title, detail.predicted, { ...detail.observed, missing: s.missing, ...variant });
    else this.panel.showMessage(printable(`${title}: the trace does not record enough to replay this call (missing: ${s.missing.join(', ')}).`));
    if (options.revealSource === false) return;
    if (detail.predicted) await rendered;
    try {
      const site = await this.callSite(s.caller);
      if (site) {
        const at = new vscode.Position(site.line, 0);
        const editor = await vscode.window.showTextDocument(site.uri, { viewColumn: this.panel.codeColumn(), preserveFocus: true, selection: new vscode.Range(at, at) });
        if (editor.viewColumn) this.panel.keepBeside(editor.viewColumn);
      } else if (trace) {
        const editor = await this.lines.show(traceLinesUri(traceId, index, trace.path), s.line, this.panel.codeColumn());
        if (editor.viewColumn) this.panel.keepBeside(editor.viewColumn);
      }
    } catch (error) {
      // The replay is on screen already; a reveal that fails only goes to the log.
      this.log.warn(`could not show where call ${index + 1} of trace ${traceId} came from: ${(error as Error).message}`);
    }
  }

  dispose(): void {
    this.changed.dispose();
    this.traceClosed.dispose();
  }
}
