// The Pinscope language server: connection wiring only; the work is in
// handlers/, document-analysis.ts and workspace-index.ts.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_EXCLUDES } from '../node/source-tree';
import { loadCParserWasm } from '../node/wasm-locate';
import {
  CallAtCursorRequest,
  IndexListRequest,
  IndexRebuildRequest,
  IndexStatusNotification,
  RecipeRequest,
  ReplayCallRequest,
  ServerMemoryRequest,
  TraceBinsRequest,
  TraceCallRequest,
  TraceCallsRequest,
  TraceChangedNotification,
  TraceFinishRequest,
  TraceFollowRequest,
  TraceGroupsRequest,
  TraceLinesRequest,
  TraceListRequest,
  TraceLoadProgressNotification,
  TraceLocateRequest,
  TraceOpenRequest,
  TRACE_PAGE_MAX,
  TraceTasksRequest,
  TraceUnloadRequest,
  type IndexStatusParams,
  type TraceInfoDto,
  type TraceLoadProgressParams,
  type RecipeResult,
} from '../protocol/lsp';
import { printable, recipe, RecipeError } from '../trace';
import { createCParser } from '../source';
import { DocumentAnalysis } from './document-analysis';
import { callAtCursorHandler } from './handlers/call-at-cursor';
import { codeLensHandler } from './handlers/code-lens';
import { diagnosticsFor, type DiagnosticLevel } from './handlers/diagnostics';
import { hoverHandler } from './handlers/hover';
import { replayHandler } from './handlers/replay';
import { onLongRequest, onRequest } from './lsp-requests';
import { workerFollower } from './follow-loaders';
import { workerLoader } from './index-loaders';
import { TraceStore } from './trace-store';
import { WorkspaceIndex } from './workspace-index';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const parser = createCParser(loadCParserWasm());
// File names are any bytes but / and NUL: the log shows them escaped, like trace text.
const warn = (message: string) => connection.console.warn(printable(message));
const analysis = new DocumentAnalysis(parser, warn);
const index = new WorkspaceIndex(parser, warn);
// The bundle puts trace-worker.js beside server.js.
const traces = new TraceStore(workerLoader(join(__dirname, 'trace-worker.js')), workerFollower(join(__dirname, 'trace-worker.js')));
process.on('exit', () => traces.dispose());

let folders: string[] = [];
/** ripgrep for the index pre-filter: the client's (VS Code ships one) or `rg` on PATH. */
let ripgrep = 'rg';
let canReadSettings = false;
let hearsSettingChanges = false;
let canWatchFiles = false;
let canRefreshLenses = false;

interface Settings {
  readonly diagnostics: DiagnosticLevel;
  readonly exclude: readonly string[];
}

/** Read once and kept until the client says the settings changed (when it can say so). */
let cachedSettings: Promise<Settings> | null = null;

function settings(): Promise<Settings> {
  if (!hearsSettingChanges) return readSettings();
  cachedSettings ??= readSettings();
  return cachedSettings;
}

async function readSettings(): Promise<Settings> {
  const defaults: Settings = { diagnostics: 'information', exclude: DEFAULT_EXCLUDES };
  if (!canReadSettings) return defaults;
  const read = (await connection.workspace.getConfiguration('pinscope')) as { diagnostics?: { level?: DiagnosticLevel }; index?: { exclude?: string[] } } | null;
  return {
    diagnostics: read?.diagnostics?.level ?? defaults.diagnostics,
    exclude: [...DEFAULT_EXCLUDES, ...(read?.index?.exclude ?? [])],
  };
}

connection.onInitialize((params: InitializeParams) => {
  const roots = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  folders = roots.filter((uri) => uri.startsWith('file:')).map((uri) => fileURLToPath(uri));
  canReadSettings = params.capabilities.workspace?.configuration === true;
  hearsSettingChanges = canReadSettings && params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  const options = params.initializationOptions as { ripgrep?: unknown } | undefined;
  if (typeof options?.ripgrep === 'string') ripgrep = options.ripgrep;
  canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
    },
    serverInfo: { name: 'pinscope' },
  };
});

/** Indexes the workspace folders with progress, then announces the result. */
async function indexWorkspace(): Promise<IndexStatusParams> {
  const progress = await connection.window.createWorkDoneProgress().catch(() => null);
  const abort = new AbortController();
  progress?.token?.onCancellationRequested(() => abort.abort());
  progress?.begin('Pinscope: indexing', 0, 'reading C files', true);
  const { exclude } = await settings();
  const status = await index.build(folders, {
    exclude,
    ripgrep,
    signal: abort.signal,
    onProgress: (scanned) => progress?.report(`${scanned} C files read`),
  });
  progress?.done();
  void connection.sendNotification(IndexStatusNotification.method, status);
  return status;
}

connection.onInitialized(() => {
  if (hearsSettingChanges) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'pinscope' });
  if (canWatchFiles) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{c,h}' }] });
  }
  void indexWorkspace();
});

/** The version whose diagnostics each open document last got (opening also counts as a change). */
const published = new Map<string, number>();

async function analyse(document: TextDocument, again = false): Promise<void> {
  if (!again && published.get(document.uri) === document.version) return;
  const facts = await analysis.factsFor(document.uri, document.version, document.getText());
  // Edited again meanwhile: the newer version's analysis is scheduled already.
  if (documents.get(document.uri)?.version !== facts.version) return;
  published.set(document.uri, facts.version);
  index.update(document.uri, facts.entries);
  const { diagnostics } = await settings();
  void connection.sendDiagnostics({ uri: document.uri, version: facts.version, diagnostics: diagnosticsFor(facts, diagnostics) });
}

/**
 * Diagnostics and the index follow edits once the typing pauses: a burst of
 * edits (a paste, a replace-all, a key held down) is analysed once, at its
 * newest version. Lenses and hovers do not wait: they analyse the version
 * they are asked about, and only that one.
 */
const TYPING_PAUSE_MS = 60;
const waiting = new Map<string, ReturnType<typeof setTimeout>>();

function analyseWhenTypingPauses(uri: string): void {
  clearTimeout(waiting.get(uri));
  waiting.set(
    uri,
    setTimeout(() => {
      waiting.delete(uri);
      const document = documents.get(uri);
      if (document) void analyse(document);
    }, TYPING_PAUSE_MS),
  );
}

connection.onDidChangeConfiguration(() => {
  cachedSettings = null;
  // A new diagnostics level applies to the open files at once.
  for (const document of documents.all()) void analyse(document, true);
});
documents.onDidOpen((event) => void analyse(event.document));
documents.onDidChangeContent((event) => {
  analysis.changed(event.document.uri);
  analyseWhenTypingPauses(event.document.uri);
});
documents.onDidClose((event) => {
  clearTimeout(waiting.get(event.document.uri));
  waiting.delete(event.document.uri);
  published.delete(event.document.uri);
  analysis.forget(event.document.uri);
  void index.refreshFromDisk(event.document.uri);
});
connection.onDidChangeWatchedFiles(async (params) => {
  for (const change of params.changes) if (!documents.get(change.uri)) await index.refreshFromDisk(change.uri);
});

connection.onCodeLens(codeLensHandler(documents, analysis, (caller) => traces.callsFrom(caller)));
connection.onHover(hoverHandler(documents, analysis));
onRequest(connection, ReplayCallRequest, replayHandler());
onRequest(connection, CallAtCursorRequest, callAtCursorHandler(documents, analysis));
onLongRequest(connection, TraceOpenRequest, 'Pinscope: reading the trace', async (params, progress, signal) => {
  const mib = (n: number) => (n / 2 ** 20).toFixed(n < 10 * 2 ** 20 ? 1 : 0);
  const report = (p: { bytes: number; total: number; lines: number; calls: number }) => {
    progress(`${mib(p.bytes)} of ${mib(p.total)} MiB, ${p.calls.toLocaleString('en')} calls`, Math.round((100 * p.bytes) / Math.max(1, p.total)));
    const note: TraceLoadProgressParams = { loadId: params.loadId ?? null, path: params.path, ...p };
    void connection.sendNotification(TraceLoadProgressNotification.method, note);
  };
  const result = await traces.open(params, { signal, onProgress: report });
  if (result.ok && !result.reused && canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type);
  return result;
});
// A followed trace's totals as it grows (the follower sends at most about 4 updates a second).
const traceChanged = (trace: TraceInfoDto) => void connection.sendNotification(TraceChangedNotification.method, { trace });
onRequest(connection, TraceFollowRequest, (params) => traces.follow(params, traceChanged));
onRequest(connection, TraceFinishRequest, async (params) => {
  const result = await traces.finish(params, traceChanged);
  if (result.ok && canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type);
  return result;
});
onRequest(connection, TraceListRequest, () => traces.list());
onRequest(connection, ServerMemoryRequest, () => {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external, arrayBuffers };
});
onRequest(connection, TraceUnloadRequest, (params) => {
  const ok = traces.unload(params.traceId);
  if (ok && canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type);
  return { ok };
});
const page = (limit: number) => Math.max(0, Math.min(TRACE_PAGE_MAX, Math.floor(limit) || 0));
onRequest(connection, TraceTasksRequest, (p) => traces.index(p.traceId)?.tasks(p.filter, p.offset, page(p.limit)) ?? null);
onRequest(connection, TraceGroupsRequest, (p) => traces.index(p.traceId)?.groups(p.filter) ?? null);
onRequest(connection, TraceCallsRequest, (p) => traces.index(p.traceId)?.calls(p.filter, p.offset, page(p.limit)) ?? null);
onRequest(connection, TraceLocateRequest, (p) => traces.index(p.traceId)?.locate({ ...(p.call !== undefined ? { call: p.call } : {}), ...(p.line !== undefined ? { line: p.line } : {}) }, p.filter) ?? null);
onRequest(connection, TraceBinsRequest, (p) => traces.bins(p));
onRequest(connection, TraceLinesRequest, (p) => traces.lines(p.traceId, p.index, p.context));
onRequest(connection, TraceCallRequest, (params) => traces.call(params.traceId, params.index));
onRequest(connection, IndexRebuildRequest, async () => {
  index.clear();
  return indexWorkspace();
});
onRequest(connection, RecipeRequest, (params): RecipeResult => {
  try {
    const r = recipe(params.kernel, params.arch);
    return { ok: true, text: params.kind === 'shell' ? r.shell : params.kind === 'kprobe' ? r.kprobeEvents : r.bpftrace, notes: r.notes };
  } catch (error) {
    if (error instanceof RecipeError) return { ok: false, error: error.message };
    throw error;
  }
});
onRequest(connection, IndexListRequest, (params) => ({ complete: index.complete, entries: index.list(params.symbol) }));

documents.listen(connection);
connection.listen();
