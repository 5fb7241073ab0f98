// Editing never backs the server up: a burst of edits is analysed once, at
// its newest version, and a request the client cancelled is dropped.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  CodeLensRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  LSPErrorCodes,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { startServer, type ServerSession } from '../support/lsp-driver';

const uri = pathToFileURL(join('/nonexistent', 'burst.c')).toString();
const text = Array.from({ length: 100 }, (_, i) => `static void f${i}(struct iov_iter *it)\n{\n\tnetfs_extract_user_iter(it, ${i}, 0, 0);\n}\n`).join('\n');

describe('server: editing', () => {
  let server: ServerSession;
  const published: PublishDiagnosticsParams[] = [];
  let wake: (() => void) | null = null;

  before(async () => {
    server = await startServer({
      beforeInitialized: (connection) =>
        connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
          if (p.uri !== uri) return;
          published.push(p);
          wake?.();
        }),
    });
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'c', version: 1, text } });
  });
  after(async () => {
    await server?.stop();
  });

  function diagnosticsOfVersion(version: number): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => {
      const check = () => {
        const found = published.find((p) => p.version === version);
        if (found) resolve(found);
      };
      wake = check;
      check();
    });
  }

  it('a burst of 200 edits is analysed once (for its newest version), not once per edit', async () => {
    await diagnosticsOfVersion(1);
    published.length = 0;
    // Each edit adds a character to the first function's name.
    for (let version = 2; version <= 201; version++) {
      void server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line: 0, character: 14 }, end: { line: 0, character: 14 } }, text: 'x' }],
      });
    }
    const last = await diagnosticsOfVersion(201);
    assert.equal(last.diagnostics.length, 100, 'every call still diagnosed');
    // The edits arrive within milliseconds, so one analysis is the rule; a
    // loaded machine pausing the server mid-burst may add one or two, never
    // one per edit (which is what re-analysing every change publishes).
    const versions = published.map((p) => p.version as number);
    assert.ok(versions.length <= 5, `diagnostics published for versions ${versions.join(', ')}`);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'never an older version after a newer one');
  });

  it('the lenses after the burst are those of the newest text', async () => {
    const lenses = await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.equal(lenses?.length, 100);
    assert.equal((lenses![0]!.command!.arguments![0] as { caller: string }).caller, `f0${'x'.repeat(200)}`);
  });

  it('a lens request the client cancelled is answered RequestCancelled, not computed', async () => {
    // The server is busy with the first analysis of a new 15,000-line file
    // (its diagnostics, 60 ms after opening), so the request and its
    // cancellation both wait until it gets to them, as during a burst.
    const busy = pathToFileURL(join('/nonexistent', 'busy.c')).toString();
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: busy, languageId: 'c', version: 1, text: text.repeat(30) } });
    await new Promise((resolve) => setTimeout(resolve, 80));
    const source = new CancellationTokenSource();
    const asked = server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }, source.token);
    source.cancel();
    await assert.rejects(asked, (error: { code?: number }) => error.code === LSPErrorCodes.RequestCancelled);
    // The server goes on answering.
    assert.equal((await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }))?.length, 100);
  });
});
