// The server on a workspace: index with a status notification, definition
// lenses with the variant, hovers, diagnostics, and incremental updates.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeLensRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  PublishDiagnosticsNotification,
  type Diagnostic,
  type Hover,
} from 'vscode-languageserver-protocol/node';
import {
  CallAtCursorRequest,
  IndexListRequest,
  IndexStatusNotification,
  TraceCallRequest,
  TraceCallsRequest,
  TraceOpenRequest,
  type IndexListResult,
  type TraceCallDetailDto,
  type TraceOpenResult,
  type IndexStatusParams,
  type ReplayCallSiteArgs,
} from '../../extension/protocol/lsp';
import { fixtureText, FIXTURES, REPO_ROOT } from '../support/fixtures';
import { startServer, type ServerSession } from '../support/lsp-driver';

const SAMPLE = join(REPO_ROOT, 'samples/kernel');
const uriOf = (path: string) => pathToFileURL(path).toString();

describe('server: source intelligence on a workspace', () => {
  let server: ServerSession;
  let status: Promise<IndexStatusParams>;
  const diagnostics = new Map<string, Diagnostic[]>();
  const diagnosticWaiters: Array<() => void> = [];

  before(async () => {
    server = await startServer({
      rootUri: uriOf(SAMPLE),
      beforeInitialized: (connection) => {
        // Readiness by event: the server announces the finished index.
        status = new Promise((resolve) => connection.onNotification(IndexStatusNotification.method, (p: IndexStatusParams) => resolve(p)));
        connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
          diagnostics.set(p.uri, p.diagnostics);
          diagnosticWaiters.splice(0).forEach((wake) => wake());
        });
      },
    });
  });
  after(async () => {
    await server?.stop();
  });

  function diagnosticsOf(uri: string): Promise<Diagnostic[]> {
    return new Promise((resolve) => {
      const check = () => (diagnostics.has(uri) ? resolve(diagnostics.get(uri)!) : diagnosticWaiters.push(check));
      check();
    });
  }

  async function open(path: string, text = fixtureText(path.startsWith(FIXTURES) ? path.slice(FIXTURES.length + 1) : join('..', '..', path.slice(REPO_ROOT.length + 1)))) {
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uriOf(path), languageId: 'c', version: 1, text } });
    return uriOf(path);
  }

  it('indexes the workspace and lists every entry with the definition variant', async () => {
    const ready = await status;
    assert.equal(ready.state, 'ready');
    assert.equal(ready.scanned, 4);
    assert.deepEqual(ready.filesWithErrors, []);
    const list = (await server.connection.sendRequest(IndexListRequest.method, { symbol: 'netfs_extract_user_iter' })) as IndexListResult;
    assert.equal(list.complete, true);
    assert.deepEqual(
      list.entries.map((e) => [e.uri.slice(uriOf(SAMPLE).length + 1), e.kind, e.line + 1, e.function, e.variant]),
      [
        ['fs/netfs/direct_read.c', 'call', 13, 'sample_unbuffered_read', null],
        ['fs/netfs/direct_write.c', 'call', 12, 'sample_unbuffered_write', null],
        ['fs/netfs/iterator.c', 'definition', 12, null, 'v3'],
        ['include/linux/netfs.h', 'declaration', 8, null, null],
      ],
    );
  });

  it('a definition gets a lens naming its variant, and a hover saying what it does', async () => {
    const uri = await open(join(SAMPLE, 'fs/netfs/iterator.c'));
    const lenses = (await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
    assert.deepEqual(lenses.map((l) => l.command?.title), ['Pinscope: variant v3']);
    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 11, character: 12 } })) as Hover;
    assert.match(JSON.stringify(hover.contents), /v3 — the fixed function/);
  });

  it('calls get diagnostics for an ignored result, an unhandled error and a count used as bytes', async () => {
    const uri = await open(join(FIXTURES, 'c/callers.c'));
    const found = await diagnosticsOf(uri);
    assert.deepEqual(found.map((d) => [d.code, d.range.start.line + 1]), [
      ['result-ignored', 8],
      ['negative-unhandled', 13],
      ['count-as-bytes', 38],
    ]);
    assert.ok(found.every((d) => d.severity === 3), 'information by default');
  });

  it('pinscope/call/atCursor finds the call holding or above the cursor', async () => {
    const uri = uriOf(join(FIXTURES, 'c/callers.c'));
    const at = (line: number) => server.connection.sendRequest(CallAtCursorRequest.method, { uri, line, character: 0 }) as Promise<ReplayCallSiteArgs | null>;
    assert.equal((await at(2)), null);
    assert.deepEqual([(await at(24))?.caller, (await at(24))?.line], ['careful', 22]);
    assert.equal((await at(8))?.caller, 'ignores');
  });

  it('a hover on a call describes how the caller handles the result, line by line', async () => {
    const uri = uriOf(join(FIXTURES, 'c/callers.c'));
    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 22, character: 8 } })) as Hover;
    const text = JSON.stringify(hover.contents);
    assert.match(text, /called from `careful`/);
    assert.match(text, /checks for an error: `n < 0` \(line 24\)/);
    assert.match(text, /records iov_iter_extract_will_pin/);
    assert.match(text, /kvfree\(\) \(line 30\)/);
  });

  it('pinscope/trace/open replays every call of a trace; its pages list them; pinscope/trace/call gives one replay', async () => {
    const opened = (await server.connection.sendRequest(TraceOpenRequest.method, { path: join(REPO_ROOT, 'samples/traces/direct-io.trace') })) as TraceOpenResult;
    assert.ok(opened.ok);
    const traceId = opened.trace.traceId;
    const page = (await server.connection.sendRequest(TraceCallsRequest.method, { traceId, offset: 0, limit: 500 })) as { total: number; calls: Array<{ line: number; pid: number; verdict: string; input: string }> };
    assert.equal(page.total, 4);
    assert.deepEqual(page.calls.map((c) => [c.line, c.pid, c.verdict, c.input]), [
      [7, 4711, 'match', 'UBUF read 12288'],
      [15, 4711, 'match', 'UBUF read 12288'],
      [23, 4712, 'match', 'UBUF read 12288'],
      [27, 4713, 'match', 'IOVEC write 6144'],
    ]);
    // variant auto: no release recorded, and line 23's -EFAULT return is one only v1 and later give.
    assert.deepEqual([opened.trace.decision.variant, opened.trace.decision.by, opened.trace.decision.lines], ['v3', 'behaviour', [23]]);
    const detail = (await server.connection.sendRequest(TraceCallRequest.method, { traceId, index: 1 })) as TraceCallDetailDto;
    assert.deepEqual([detail.predicted?.ret, detail.predicted?.bytes, detail.predicted?.anomalies.map((a) => a.kind)], [2, 7936, ['short-extraction', 'partial-pin']]);
    // The call sites the trace's callers name now count their traced calls.
    const readUri = await open(join(SAMPLE, 'fs/netfs/direct_read.c'));
    const lenses = (await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: readUri } })) ?? [];
    assert.deepEqual(lenses.map((l) => l.command?.title), ['Pinscope: replay (example E1) · 3 traced calls (1 short-extraction)']);
    const missing = (await server.connection.sendRequest(TraceOpenRequest.method, { path: join(REPO_ROOT, 'no-such.trace') })) as TraceOpenResult;
    assert.ok(!missing.ok && /cannot read .*no-such\.trace/.test(missing.error));
  });

  it('follows an edit: a call added to an open file joins the index', async () => {
    const uri = uriOf(join(SAMPLE, 'fs/netfs/iterator.c'));
    diagnostics.delete(uri); // the next publication is the edited text's
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'static void added(void) { netfs_extract_user_iter(0, 0, 0, 0); }\n' }],
    });
    await diagnosticsOf(uri);
    const list = (await server.connection.sendRequest(IndexListRequest.method, { symbol: 'netfs_extract_user_iter' })) as IndexListResult;
    const inFile = list.entries.filter((e) => e.uri === uri).map((e) => [e.kind, e.line + 1, e.function]);
    assert.deepEqual(inFile, [['call', 1, 'added'], ['definition', 13, null]]);
  });
});
