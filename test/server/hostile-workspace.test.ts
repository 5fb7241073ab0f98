// The real server process over LSP on a workspace of hostile files, run
// without root's read override: the index is exact for the good files, each
// hostile file is named in the index status and the log, and opening the
// worst of them in the editor neither crashes nor stalls the server.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodeLensRequest, DidOpenTextDocumentNotification, HoverRequest, LogMessageNotification, type LogMessageParams } from 'vscode-languageserver-protocol/node';
import { IndexListRequest, IndexStatusNotification, type IndexListResult, type IndexStatusParams } from '../../extension/protocol/lsp';
import { hostileTree, withoutReadOverride, type HostileTree } from '../support/hostile-tree';
import { startServer, type ServerSession } from '../support/lsp-driver';

describe('server: a hostile workspace', function () {
  this.timeout(120_000);
  let tree: HostileTree;
  let server: ServerSession;
  let status: Promise<IndexStatusParams>;
  const log: string[] = [];
  const relativeOf = (uri: string) => fileURLToPath(uri).slice(tree.root.length + 1);

  before(async () => {
    tree = hostileTree({ unreadable: true });
    server = await startServer({
      rootUri: pathToFileURL(tree.root).toString(),
      command: withoutReadOverride,
      beforeInitialized: (connection) => {
        status = new Promise((resolve) => connection.onNotification(IndexStatusNotification.method, (p: IndexStatusParams) => resolve(p)));
        connection.onNotification(LogMessageNotification.method, (p: LogMessageParams) => void log.push(p.message));
      },
    });
  });
  after(async () => {
    await server?.stop();
    tree?.remove();
  });

  it('indexes every good call exactly and names each hostile file in the status and the log', async () => {
    const done = await status;
    assert.equal(done.state, 'ready', done.message);
    const list = (await server.connection.sendRequest(IndexListRequest.method, {})) as IndexListResult;
    const calls = list.entries.filter((e) => e.kind === 'call').map((e) => `${relativeOf(e.uri)}:${e.line + 1} ${e.function}`);
    assert.deepEqual(calls.sort(), tree.expected);
    assert.deepEqual(done.skipped.map((n) => relativeOf(n.uri)).sort(), [...tree.skipped.keys()].sort());
    for (const notice of done.skipped) {
      const path = relativeOf(notice.uri);
      assert.match(notice.reason, tree.skipped.get(path)!, path);
      assert.ok(log.some((m) => m.startsWith(`index: skipped ${join(tree.root, path)}: `)), `the log names ${path}`);
    }
    assert.deepEqual(done.warnings.map((n) => relativeOf(n.uri)), [...tree.warned.keys()]);
  });

  it('opening the deep, the huge and the binary file: answers for each, no crash, the huge one named in the log', async () => {
    const open = async (name: string, text: string) => {
      const uri = pathToFileURL(join(tree.root, name)).toString();
      await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'c', version: 1, text } });
      return uri;
    };
    const deep = await open('deep.c', readFileSync(join(tree.root, 'deep.c'), 'utf8'));
    const deepLenses = await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: deep } });
    assert.equal(deepLenses?.length, 1);
    const huge = await open('huge.c', readFileSync(join(tree.root, 'huge.c'), 'utf8'));
    assert.deepEqual(await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: huge } }), []);
    assert.ok(log.some((m) => m.startsWith(`${huge}: not analysed: 32.0 M characters, over the 4.0 M limit`)), log.join('\n'));
    const binary = await open('binary.c', readFileSync(join(tree.root, 'binary.c'), 'latin1'));
    assert.deepEqual(await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: binary } }), []);
    // Still the same process, still answering.
    assert.ok(await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: deep }, position: { line: 3, character: 10 } }));
    assert.ok(server.alive());
    assert.equal(server.stderr(), '');
  });
});
