// A big plain text trace read in pieces by the built trace worker (one worker
// thread a piece: dist/trace-worker.js) gives the same index as one reading,
// and the language server opening it answers the same totals, pages and
// details as a server that reads it whole; the built `pinscope stats` reads
// it in pieces too, into the same numbers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerLoader } from '../../extension/server/index-loaders';
import { TraceCallRequest, TraceCallsRequest, TraceOpenRequest, TraceTasksRequest, type RequestDescriptor } from '../../extension/protocol/lsp';
import { pinscopeBuilt } from '../support/cli';
import { REPO_ROOT } from '../support/fixtures';
import { startServer, type ServerSession } from '../support/lsp-driver';
import { generated } from '../support/pieces-trace';

const WORKER = join(REPO_ROOT, 'dist/trace-worker.js');

describe('server: a big trace read in pieces, one worker thread each', () => {
  let dir: string;
  let path: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pinscope-pieces-'));
    // About 6 MiB: 40 tasks, markers, iovec probes, lost returns, late unpins, lost notices, a long open call.
    path = generated('server', 45_000, 40, 7, { v0Call: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The worker with the given pieces and size threshold (read by the worker from its environment). */
  async function load(pieces: number) {
    process.env.PINSCOPE_TRACE_PIECES = String(pieces);
    process.env.PINSCOPE_PIECES_MIN_BYTES = String(1 << 20);
    try {
      return await workerLoader(WORKER)({ path, kernel: null, variant: 'auto', format: 'auto', copyTo: join(dir, 'copy') }, new AbortController().signal, () => undefined);
    } finally {
      delete process.env.PINSCOPE_TRACE_PIECES;
      delete process.env.PINSCOPE_PIECES_MIN_BYTES;
    }
  }

  it('the trace worker reads it in 2 and in 3 pieces into exactly the columns, counts and decision of one reading', async function () {
    this.timeout(120_000);
    assert.ok(statSync(path).size > 4 << 20);
    const whole = await load(1);
    assert.deepEqual(whole.pieces, { read: 1, kept: 1 });
    assert.equal(whole.decision.variant, 'v0', 'the calls chose v0: the pieces were read a second time');
    for (const pieces of [2, 3]) {
      const split = await load(pieces);
      assert.deepEqual(split.pieces, { read: pieces, kept: pieces });
      assert.deepStrictEqual({ ...split, pieces: null }, { ...whole, pieces: null });
    }
  });

  it("trace/open answers the same totals, pages and call details from a server that reads in pieces as from one that reads whole", async function () {
    this.timeout(120_000);
    const servers: ServerSession[] = [];
    try {
      const answers = [];
      for (const pieces of ['1', '2']) {
        const server = await startServer({ env: { PINSCOPE_TRACE_PIECES: pieces, PINSCOPE_PIECES_MIN_BYTES: String(1 << 20) } });
        servers.push(server);
        const send = <P, R>(request: RequestDescriptor<P, R>, params: P): Promise<R> => server.connection.sendRequest(request.method, params) as Promise<R>;
        const opened = await send(TraceOpenRequest, { path, loadId: `pieces-${pieces}` });
        assert.ok(opened.ok, opened.ok ? '' : opened.error);
        // The time it took is the only thing allowed to differ.
        const { traceId, loadMs, ...trace } = opened.trace;
        assert.ok(loadMs >= 0);
        const calls = await send(TraceCallsRequest, { traceId, offset: 0, limit: 500 });
        const last = await send(TraceCallsRequest, { traceId, offset: trace.totals.calls - 300, limit: 300 });
        const tasks = await send(TraceTasksRequest, { traceId, offset: 0, limit: 100 });
        const detail = await send(TraceCallRequest, { traceId, index: Math.floor(trace.totals.calls / 2) });
        answers.push({ trace, calls, last, tasks, detail });
      }
      assert.ok(answers[0]!.trace.totals.calls > 5000);
      assert.deepStrictEqual(answers[1], answers[0]);
    } finally {
      for (const server of servers) await server.stop();
    }
  });

  it('pinscope stats reads a big trace in pieces, one worker thread each, into the same numbers as one reading', function () {
    this.timeout(120_000);
    // About 6 MiB, state carried over every boundary; the calls choose v0, so the pieces are read twice.
    const path = generated('cli-stats', 45_000, 40, 11, { v0Call: true });
    const stats = (pieces: number) => {
      const env = { PINSCOPE_TRACE_PIECES: String(pieces), PINSCOPE_PIECES_MIN_BYTES: String(1 << 20) };
      return [pinscopeBuilt(env, 'stats', path, '--json'), pinscopeBuilt(env, 'stats', path)];
    };
    const [wholeJson, wholeText] = stats(1);
    const [splitJson, splitText] = stats(2);
    for (const run of [wholeJson, wholeText, splitJson, splitText]) assert.equal(run!.status, 0, run!.stderr);
    const whole = JSON.parse(wholeJson!.stdout);
    const split = JSON.parse(splitJson!.stdout);
    assert.deepEqual(whole.pieces, { read: 1, kept: 1 });
    assert.deepEqual(split.pieces, { read: 2, kept: 2 });
    assert.ok(whole.totals.calls > 5000 && whole.totals.verdicts.mismatch + whole.totals.verdicts.incomplete > 0);
    assert.deepEqual({ ...split, pieces: null }, { ...whole, pieces: null });
    assert.equal(splitText!.stdout, wholeText!.stdout);
  });
});
