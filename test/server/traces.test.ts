// A loaded trace as a paged resource of the built server (dist/server.js and
// its trace worker), over LSP: open with progress, list, pages, go to, detail,
// lines, bins, unload; a load that is cancelled stops, and the server answers
// other requests while it reads.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import {
  TraceBinsRequest,
  TraceCallRequest,
  TraceCallsRequest,
  TraceGroupsRequest,
  TraceLinesRequest,
  TraceListRequest,
  TraceLoadProgressNotification,
  TraceLocateRequest,
  TraceOpenRequest,
  TraceTasksRequest,
  TraceUnloadRequest,
  type RequestDescriptor,
  type TraceLoadProgressParams,
} from '../../extension/protocol/lsp';
import { REPO_ROOT } from '../support/fixtures';
import { startServer, type ServerSession } from '../support/lsp-driver';

const SAMPLE = join(REPO_ROOT, 'samples/traces/direct-io.trace');

/** A kprobe trace of `calls` calls from `tasks` tasks (6 lines a call, like bench/trace.bench.ts). */
function kprobeTrace(calls: number, tasks: number): string {
  const lines = ['# tracer: nop', '#'];
  for (let i = 0; i < calls; i++) {
    const pid = 1000 + (i % tasks);
    const t = (d: number) => (i / 1e4 + d / 1e6).toFixed(6).padStart(12);
    const addr = (0x7f0000001000 + (i % 1000) * 4096).toString(16);
    lines.push(
      `        workload-${pid}     [001] ...1. ${t(0)}: xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=0x${addr} count=12288 nr_segs=1 orig_len=12288 new=0xffff888100b02de8 flags=0x0`,
      `        workload-${pid}     [001] ...1. ${t(1)}: pupf_entry: (pin_user_pages_fast+0x4/0x60) start=0x${addr} nr_pages=3 gup_flags=0x1 pages=0xffff888101f1ce38`,
      `        workload-${pid}     [001] ..... ${t(2)}: pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=3`,
      `        workload-${pid}     [001] ..... ${t(3)}: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=3 orig_iov_offset=12288 orig_count=0 orig_nr_segs=1 new_count=12288 new_nr_segs=3`,
      `        workload-${pid}     [001] ...1. ${t(4)}: unpin_page: (unpin_user_page+0x4/0x60) page=0xffffea000425a000`,
      `        workload-${pid}     [001] ...1. ${t(5)}: unpin_page: (unpin_user_page+0x4/0x60) page=0xffffea0004099240`,
    );
  }
  return lines.join('\n') + '\n';
}

describe('server: a trace as a paged resource over LSP', () => {
  let server: ServerSession;
  let dir: string;
  const progress: TraceLoadProgressParams[] = [];
  const send = <P, R>(request: RequestDescriptor<P, R>, params: P, token?: CancellationTokenSource['token']): Promise<R> =>
    server.connection.sendRequest(request.method, params, token) as Promise<R>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pinscope-traces-'));
    server = await startServer();
    server.connection.onNotification(TraceLoadProgressNotification.method, (p: TraceLoadProgressParams) => void progress.push(p));
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a trace with totals and progress; pages, goes to, details and unloads it', async () => {
    const path = join(dir, 'three-each.trace');
    writeFileSync(path, kprobeTrace(3000, 1000));
    const opened = await send(TraceOpenRequest, { path, loadId: 'a' });
    assert.ok(opened.ok, opened.ok ? '' : opened.error);
    const { trace } = opened;
    assert.equal(trace.totals.calls, 3000);
    assert.equal(trace.totals.tasks, 1000);
    assert.deepEqual(trace.totals.verdicts, { match: 3000, mismatch: 0, incomplete: 0 });
    assert.deepEqual(trace.totals.pins, { pinned: 9000, unpinned: 6000, outstanding: 3000 });
    assert.deepEqual(trace.totals.sizeClasses.map((s) => [s.label, s.calls]), [['4 KiB – 16 KiB', 3000]]);
    const last = progress.filter((p) => p.loadId === 'a').at(-1);
    assert.ok(last, 'progress was reported');
    assert.equal(last.calls, 3000);
    assert.equal(last.bytes, last.total);

    const list = await send(TraceListRequest, {});
    assert.deepEqual(list.map((t) => t.traceId), [trace.traceId]);

    const page = await send(TraceCallsRequest, { traceId: trace.traceId, offset: 500, limit: 500 });
    assert.ok(page);
    assert.equal(page.total, 3000);
    assert.equal(page.calls.length, 500);
    assert.equal(page.calls[0]!.index, 500);
    assert.equal(page.calls[0]!.input, 'UBUF read 12288');
    const tasks = await send(TraceTasksRequest, { traceId: trace.traceId, offset: 0, limit: 10 });
    assert.equal(tasks?.total, 1000);
    assert.deepEqual(tasks?.tasks[1], { pid: 1001, comm: 'workload', calls: 3, verdicts: { match: 3, mismatch: 0, incomplete: 0 }, anomalous: 0, firstCall: 1 });
    const ofTask = await send(TraceCallsRequest, { traceId: trace.traceId, filter: { pid: 1001 }, offset: 0, limit: 10 });
    assert.deepEqual(ofTask?.calls.map((c) => c.index), [1, 1001, 2001]);
    const groups = await send(TraceGroupsRequest, { traceId: trace.traceId, filter: { pid: 1001 } });
    assert.deepEqual(groups, [{ key: 'shape:UBUF read 12288', label: 'UBUF read 12288', kind: 'shape', calls: 3 }]);

    // Call 1001 starts at line 3 + 6 × 1001 and spans 6 lines.
    const byLine = await send(TraceLocateRequest, { traceId: trace.traceId, line: 3 + 6 * 1001 + 4, filter: { pid: 1001 } });
    assert.deepEqual([byLine?.row.index, byLine?.position, byLine?.exact], [1001, 1, true]);
    const byNumber = await send(TraceLocateRequest, { traceId: trace.traceId, call: 2999 });
    assert.equal(byNumber?.row.line, 3 + 6 * 2999);

    const detail = await send(TraceCallRequest, { traceId: trace.traceId, index: 1001 });
    assert.equal(detail?.summary.verdict, 'match');
    assert.equal(detail?.predicted?.ret, 3);
    assert.deepEqual(detail?.lines, { first: 3 + 6 * 1001, last: 3 + 6 * 1001 + 5 });
    const lines = await send(TraceLinesRequest, { traceId: trace.traceId, index: 1001, context: 2 });
    assert.equal(lines?.blocks[0]!.line, 3 + 6 * 1001 - 2);
    assert.equal(lines?.blocks[0]!.text.length, 10);
    assert.match(lines!.blocks[0]!.text[2]!, /workload-1001 .* xui_entry/);

    const hist = await send(TraceBinsRequest, { traceId: trace.traceId, kind: 'histogram', of: 'pages' });
    assert.ok(hist?.kind === 'histogram');
    assert.equal(hist.counts[3], 3000, 'three pages each');
    const pins = await send(TraceBinsRequest, { traceId: trace.traceId, kind: 'pins', buckets: 10 });
    assert.ok(pins?.kind === 'pins');
    assert.equal(pins.outstanding.at(-1), 3000);
    const timeline = await send(TraceBinsRequest, { traceId: trace.traceId, kind: 'timeline', buckets: 100, rowLimit: 5 });
    assert.ok(timeline?.kind === 'timeline');
    assert.equal(timeline.tasks, 1000);
    assert.equal(timeline.rows.length, 5);
    assert.equal(timeline.rows[0]!.spans!.length, 3 * 5, 'three spans of five numbers');

    assert.deepEqual(await send(TraceUnloadRequest, { traceId: trace.traceId }), { ok: true });
    assert.equal(await send(TraceCallsRequest, { traceId: trace.traceId, offset: 0, limit: 10 }), null, 'an unloaded trace answers null');
    assert.deepEqual(await send(TraceListRequest, {}), []);
  });

  it('answers other requests while a load reads, and a cancelled load stops', async function () {
    this.timeout(120000);
    const path = join(dir, 'big.trace');
    writeFileSync(path, kprobeTrace(150000, 5000));
    const cancel = new CancellationTokenSource();
    let finished = false;
    const loading = send(TraceOpenRequest, { path, loadId: 'big' }, cancel.token).finally(() => (finished = true));
    // The worker reads; the main thread still answers.
    while (!progress.some((p) => p.loadId === 'big')) await new Promise((r) => setTimeout(r, 20));
    const list = await send(TraceListRequest, {});
    assert.deepEqual(list, []);
    assert.equal(finished, false, 'answered while the load was still reading');
    cancel.cancel();
    const result = await loading;
    assert.deepEqual(result, { ok: false, error: 'cancelled', cancelled: true });
    assert.deepEqual(await send(TraceListRequest, {}), [], 'nothing kept');
    const opened = await send(TraceOpenRequest, { path: SAMPLE });
    assert.ok(opened.ok, 'the server still loads');
  });
});
