// Activation: start the language server, register the commands and the
// replay panel. Everything heavy runs in the server.
import * as vscode from 'vscode';
import { registerCommand } from './lsp-requests';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CallSitesView } from './features/call-sites-view';
import { registerEditorCommands } from './features/editor-commands';
import { registerExportCommand, registerMoreCommands } from './features/more-commands';
import { VariantSourceProvider, VARIANT_SCHEME } from './features/step-source';
import { TraceEditorProvider, TRACE_EDITOR_VIEW_TYPE } from './features/trace-editor';
import { VariantsView } from './features/variants-view';
import { createStatusItem } from './features/status';
import { registerReplayCommands } from './features/replay-commands';
import { ReplayPanel } from './features/replay-panel';
import { TraceRecorder } from './features/record-trace';
import { MORE_COMMAND, OPEN_TRACE_CALL_COMMAND, TracesView } from './features/traces-view';
import { TraceLinesProvider, TRACE_LINES_SCHEME } from './features/trace-lines';
import { IndexStatusNotification, REPLAY_VIEW_TYPE, type IndexStatusParams } from '../protocol/lsp';
import type { RenderedMessage } from '../protocol/webview';
import { createLanguageClient } from './language-client';

/** What activate() returns: tests and other extensions await `ready`. */
export interface PinscopeApi {
  /** Resolves once the language server has answered `initialize`. */
  readonly ready: Promise<void>;
  /** Fires when the replay view has put a replay on screen. */
  readonly onDidRenderReplay: vscode.Event<RenderedMessage>;
  /** The Traces and Call Sites views' data (what the sidebar shows). */
  readonly traces: TracesView;
  readonly callSites: CallSitesView;
  readonly variants: VariantsView;
  /** Pinscope: Record Trace… (tests drive it with a preset). */
  readonly recorder: TraceRecorder;
  /** Stops and starts the language server (a restart, for tests and troubleshooting). */
  readonly server: { stop(): Promise<void>; start(): Promise<void> };
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): PinscopeApi {
  const log = vscode.window.createOutputChannel('Pinscope', { log: true });
  client = createLanguageClient(context, log);
  // The client keeps one handler per notification: fan the index status out to every view.
  const indexed = new vscode.EventEmitter<IndexStatusParams>();
  client.onNotification(IndexStatusNotification.method, (status: IndexStatusParams) => indexed.fire(status));
  const panel = new ReplayPanel(context.extensionUri, client, log);
  const lines = new TraceLinesProvider(client);
  const traces = new TracesView(client, panel, lines, log);
  const callSites = new CallSitesView(client);
  const variants = new VariantsView(client, panel);
  const recorder = new TraceRecorder(log, traces);
  context.subscriptions.push(
    log,
    panel,
    traces,
    callSites,
    ...registerReplayCommands(panel),
    ...registerEditorCommands(client, panel, log),
    ...registerMoreCommands(client, panel, log),
    registerExportCommand(panel),
    variants,
    vscode.window.registerTreeDataProvider('pinscope.variants', variants),
    vscode.window.registerCustomEditorProvider(TRACE_EDITOR_VIEW_TYPE, new TraceEditorProvider(context.extensionUri, client, traces, log), {
      // Hidden behind another editor, the webview is dropped and rebuilt from the server's bins (no reload of the file).
      webviewOptions: { retainContextWhenHidden: false },
    }),
    vscode.workspace.registerTextDocumentContentProvider(TRACE_LINES_SCHEME, lines),
    traces.watchServer(),
    vscode.workspace.registerTextDocumentContentProvider(VARIANT_SCHEME, new VariantSourceProvider()),
    panel.followCursor(),
    registerCommand('pinscope.stepAtCursor', () => panel.stepAtCursor()),
    registerCommand('pinscope.revealStep', (index: number) => panel.revealStep(index)),
    // A replay panel open when the window reloaded comes back with its replay.
    vscode.window.registerWebviewPanelSerializer(REPLAY_VIEW_TYPE, {
      deserializeWebviewPanel: async (restored: vscode.WebviewPanel, state: unknown) => {
        panel.adopt(restored, state);
      },
    }),
    registerCommand('pinscope.compareVariants', () => variants.compare()),
    vscode.window.registerTreeDataProvider('pinscope.traces', traces),
    vscode.window.registerTreeDataProvider('pinscope.callSites', callSites),
    registerCommand('pinscope.replayTraceFile', (uri?: vscode.Uri) => traces.replayTraceFile(uri)),
    registerCommand(OPEN_TRACE_CALL_COMMAND, (arg: Parameters<TracesView['openCallFrom']>[0], index?: number) => traces.openCallFrom(arg, index)),
    registerCommand('pinscope.revealCallSite', (node: Parameters<TracesView['revealCallSite']>[0]) => traces.revealCallSite(node)),
    registerCommand('pinscope.revealTraceLine', (node: Parameters<TracesView['revealTraceLine']>[0]) => traces.revealTraceLine(node)),
    registerCommand(MORE_COMMAND, (node: Parameters<TracesView['more']>[0]) => traces.more(node)),
    registerCommand('pinscope.filterTraces', (text?: string) => traces.setFilter(typeof text === 'string' ? text : undefined)),
    registerCommand('pinscope.goToTracedCall', (text?: string, traceId?: number) => traces.goTo(typeof text === 'string' ? text : undefined, traceId)),
    registerCommand('pinscope.unloadTrace', (node: Parameters<TracesView['unload']>[0]) => traces.unload(node)),
    registerCommand('pinscope.openWholeTraceFile', (arg?: Parameters<TracesView['openWholeFile']>[0]) => traces.openWholeFile(arg)),
    registerCommand('pinscope.showTraceOverview', async (node?: { trace?: { path: string } }) => {
      const path = node?.trace?.path ?? (await traces.pickLoaded())?.path;
      if (path) await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(path), TRACE_EDITOR_VIEW_TYPE);
    }),
    ...recorder.register(),
  );
  context.subscriptions.push(callSites.start(indexed.event), variants.start(indexed.event));
  const ready: Promise<void> = client.start().then(
    () => {
      void traces.refresh();
      void callSites.refresh();
      void variants.refresh();
    },
    (error: unknown) => {
      log.error(`the language server did not start: ${String(error)}`);
      throw error;
    },
  );
  context.subscriptions.push(indexed, createStatusItem(client, traces, ready.catch(() => undefined), indexed.event));
  const server = { stop: () => client!.stop(), start: () => client!.start() };
  return { ready, onDidRenderReplay: panel.onDidRender, traces, callSites, variants, recorder, server };
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
