// The built server (dist/server.js) as a real process, driven over LSP.
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import {
  CodeLensRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  type CodeLens,
} from 'vscode-languageserver-protocol/node';
import {
  ReplayCallRequest,
  REPLAY_CALL_SITE_COMMAND,
  type ReplayCallParams,
  type ReplayCallResult,
  type ReplayCallSiteArgs,
} from '../../extension/protocol/lsp';
import { FIXTURES, fixtureText } from '../support/fixtures';
import { startServer, type ServerSession } from '../support/lsp-driver';

describe('server: code lenses over LSP', () => {
  let server: ServerSession;
  const uri = pathToFileURL(join(FIXTURES, 'c/call-sites.c')).toString();
  const text = fixtureText('c/call-sites.c');

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  function replay(params: ReplayCallParams): Promise<ReplayCallResult> {
    return server.connection.sendRequest(ReplayCallRequest.method, params);
  }

  async function lenses(): Promise<CodeLens[]> {
    return (await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  }

  it('announces code lenses in its capabilities', () => {
    assert.ok(server.initializeResult.capabilities.codeLensProvider);
  });

  it('returns one lens per live call, on the callee name', async () => {
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'c', version: 1, text },
    });
    const found = await lenses();
    const lines = text.split('\n');
    assert.equal(found.length, 3);
    for (const lens of found) {
      const { start, end } = lens.range;
      assert.equal(lines[start.line]!.slice(start.character, end.character), 'netfs_extract_user_iter');
      assert.equal(lens.command?.command, REPLAY_CALL_SITE_COMMAND);
    }
    const callers = found.map((lens) => (lens.command!.arguments![0] as ReplayCallSiteArgs).caller);
    assert.deepEqual(callers, ['one_line', 'spread_over_lines', 'kept_by_else']);
  });

  it('follows edits: a call added by didChange gets a lens', async () => {
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          text: 'static void added(void) { netfs_extract_user_iter(0, 0, 0, 0); }\n',
        },
      ],
    });
    const found = await lenses();
    assert.equal(found.length, 4);
    assert.equal(found[0]!.range.start.line, 0);
  });

  it('replays the lens call through pinscope/call/replay', async () => {
    const [lens] = await lenses();
    const args = lens!.command!.arguments![0] as ReplayCallSiteArgs;
    const reply = await replay({ call: args.call });
    assert.ok(reply.ok);
    assert.equal(reply.result.ret, 4);
    assert.deepEqual(reply.result.bvecs.map((bv) => bv.len), [0xf00, 0x1000, 0x1000, 0x100]);
  });

  it('answers a call that cannot be with an error naming the field', async () => {
    const reply = await replay({ call: { iter: 'ubuf', segments: [{ addr: '0x1000', len: 1 }], pageSize: 3 } });
    assert.equal(reply.ok, false);
    assert.match(!reply.ok ? reply.error : '', /^pageSize:/);
  });

  it('survives a file that does not parse', async () => {
    const broken = pathToFileURL(join(FIXTURES, 'c/broken.c')).toString();
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: broken, languageId: 'c', version: 1, text: 'int f( {{ ]] \u0000 netfs_extract_user_iter(' },
    });
    const found = await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: broken } });
    assert.deepEqual(found, []);
    assert.equal(server.stderr(), '');
  });
});
