// A recording as a live trace of the built server (dist/server.js and its
// trace worker): the server follows a file that the test appends to in pieces
// (cut mid-line), the totals it notifies and the pages it answers grow as the
// calls complete, and the finished trace equals opening the finished file.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TraceCallRequest,
  TraceCallsRequest,
  TraceChangedNotification,
  TraceFinishRequest,
  TraceFollowRequest,
  TraceGroupsRequest,
  TraceLinesRequest,
  TraceListRequest,
  TraceOpenRequest,
  TraceTasksRequest,
  TraceUnloadRequest,
  type RequestDescriptor,
  type TraceChangedParams,
  type TraceInfoDto,
} from '../../extension/protocol/lsp';
import { fixtureText } from '../support/fixtures';
import { startServer, type ServerSession } from '../support/lsp-driver';

/** One pinscope record in the test guest: busybox dd, three 8 KiB writes and three 16 KiB reads. */
const RECORDED = fixtureText('recorded/dd-kprobe.trace');

/** Byte offsets that cut the text in the middle of lines (never right after a newline). */
function midLineCuts(text: string, pieces: number): number[] {
  const cuts: number[] = [];
  for (let k = 1; k < pieces; k++) {
    let at = Math.floor((text.length * k) / pieces);
    while (text[at - 1] === '\n' || text[at] === '\n') at++;
    cuts.push(at);
  }
  return cuts;
}

/** Calls whose return line is whole in `text` (what a quiet file shows). */
function returnedIn(text: string): number {
  return text.split('\n').slice(0, -1).filter((l) => / xui_exit: /.test(l)).length;
}

describe('server: a trace followed as it is written', function () {
  this.timeout(60_000);
  let server: ServerSession;
  let dir: string;
  let changes: TraceInfoDto[] = [];
  const send = <P, R>(request: RequestDescriptor<P, R>, params: P): Promise<R> => server.connection.sendRequest(request.method, params) as Promise<R>;

  /** The first notification (past or to come) of `traceId` that `test` accepts. */
  async function changed(traceId: number, test: (t: TraceInfoDto) => boolean, what: string): Promise<TraceInfoDto> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = changes.find((t) => t.traceId === traceId && test(t));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no change notification with ${what}; last: ${JSON.stringify(changes.at(-1)?.totals.calls)} calls, ${changes.at(-1)?.bytes} bytes`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pinscope-live-'));
    server = await startServer();
    server.connection.onNotification(TraceChangedNotification.method, (p: TraceChangedParams) => void changes.push(p.trace));
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => (changes = []));

  it('grows as pieces cut mid-line arrive: totals notified, pages and details answered while it grows; finished, it equals the finished file opened', async () => {
    const path = join(dir, 'recording.trace');
    const saved = join(dir, 'recording.trace.gz');
    writeFileSync(path, '');
    const followed = await send(TraceFollowRequest, { path, format: 'kprobe' });
    assert.ok(followed.ok, followed.ok ? '' : followed.error);
    const traceId = followed.trace.traceId;
    assert.equal(followed.trace.live, true);
    assert.equal(followed.trace.totals.calls, 0);

    const cuts = [...midLineCuts(RECORDED, 5), RECORDED.length];
    let written = 0;
    const seen: number[] = [];
    for (const cut of cuts) {
      appendFileSync(path, RECORDED.slice(written, cut));
      written = cut;
      if (cut === RECORDED.length) break;
      // The file is quiet now: every call that has returned shows, without waiting for its task's next call.
      const expected = returnedIn(RECORDED.slice(0, cut));
      const now = await changed(traceId, (t) => t.bytes === Buffer.byteLength(RECORDED.slice(0, cut)) && t.totals.calls === expected, `${expected} calls after ${cut} bytes`);
      assert.equal(now.live, true);
      seen.push(now.totals.calls);
      const page = await send(TraceCallsRequest, { traceId, offset: 0, limit: 100 });
      assert.ok(page);
      assert.equal(page.total, expected);
      assert.deepEqual(
        page.calls.map((c) => c.index),
        [...Array(expected).keys()],
      );
      if (expected > 0) {
        // A call's detail while the file grows: its lines read again from the followed file.
        const detail = await send(TraceCallRequest, { traceId, index: expected - 1 });
        assert.ok(detail, 'the detail of a call shown while it grows');
        assert.equal(detail.summary.verdict, 'match');
        assert.equal(detail.summary.line, page.calls[expected - 1]!.line);
      }
    }
    assert.ok(seen.some((n) => n > 0 && n < 6), `calls appeared before the end: ${seen.join(', ')}`);
    assert.ok(seen.every((n, k) => k === 0 || n >= seen[k - 1]!), `the count only grows: ${seen.join(', ')}`);

    writeFileSync(saved, 'the saved copy');
    const finished = await send(TraceFinishRequest, { traceId, savedAs: saved });
    assert.ok(finished.ok, finished.ok ? '' : finished.error);
    const live = finished.trace;
    assert.equal(live.live, false);
    assert.equal(live.path, saved, 'listed under the saved copy');
    assert.equal(live.traceId, traceId);
    assert.equal(changes.at(-1)?.live, false, 'the end is notified');

    const opened = await send(TraceOpenRequest, { path, format: 'kprobe' });
    assert.ok(opened.ok, opened.ok ? '' : opened.error);
    const fresh = opened.trace;
    assert.notEqual(fresh.traceId, traceId);
    assert.deepEqual(live.totals, fresh.totals);
    assert.equal(live.totals.calls, 6);
    assert.deepEqual(live.totals.verdicts, { match: 6, mismatch: 0, incomplete: 0 });
    for (const key of ['format', 'kernel', 'variant', 'decision', 'kernelRelease', 'lines', 'bytes', 'skipped', 'lost'] as const) assert.deepEqual(live[key], fresh[key], key);
    const pages = await Promise.all([traceId, fresh.traceId].map((id) => send(TraceCallsRequest, { traceId: id, offset: 0, limit: 100 })));
    assert.deepEqual(pages[0], pages[1]);
    const tasks = await Promise.all([traceId, fresh.traceId].map((id) => send(TraceTasksRequest, { traceId: id, offset: 0, limit: 100 })));
    assert.deepEqual(tasks[0], tasks[1]);
    const groups = await Promise.all([traceId, fresh.traceId].map((id) => send(TraceGroupsRequest, { traceId: id })));
    assert.deepEqual(groups[0], groups[1]);
    for (let i = 0; i < 6; i++) {
      const [a, b] = await Promise.all([traceId, fresh.traceId].map((id) => send(TraceCallRequest, { traceId: id, index: i })));
      assert.deepEqual(a, b, `call ${i}`);
    }
    const [linesLive, linesFresh] = await Promise.all([traceId, fresh.traceId].map((id) => send(TraceLinesRequest, { traceId: id, index: 2 })));
    assert.deepEqual(linesLive!.blocks, linesFresh!.blocks);
    await send(TraceUnloadRequest, { traceId: fresh.traceId });
    await send(TraceUnloadRequest, { traceId });
  });

  it('a temporary file is the server\'s: unloading the trace while it is followed stops the following and deletes the file', async () => {
    const path = join(dir, 'temporary.trace');
    writeFileSync(path, RECORDED.slice(0, RECORDED.length >> 1));
    const followed = await send(TraceFollowRequest, { path, format: 'kprobe', temporary: true });
    assert.ok(followed.ok);
    await changed(followed.trace.traceId, (t) => t.totals.calls > 0, 'calls');
    assert.deepEqual((await send(TraceUnloadRequest, { traceId: followed.trace.traceId })).ok, true);
    assert.equal(existsSync(path), false);
    const list = await send(TraceListRequest, {});
    assert.ok(!list.some((t) => t.traceId === followed.trace.traceId));
    assert.ok(server.alive());
  });

  it('a followed file that turns out not to be a trace: the reading stops with the file named, the trace is no longer live', async () => {
    const path = join(dir, 'binary.trace');
    writeFileSync(path, '');
    const followed = await send(TraceFollowRequest, { path, format: 'kprobe' });
    assert.ok(followed.ok);
    appendFileSync(path, Buffer.from([0, 1, 2, 3, 0, 0, 0, 0xff, 0xfe, 0, 0, 7, 8, 9, 0, 0]));
    const stopped = await changed(followed.trace.traceId, (t) => t.live === false, 'live false');
    assert.equal(stopped.totals.calls, 0);
    const finished = await send(TraceFinishRequest, { traceId: followed.trace.traceId });
    assert.equal(finished.ok, false);
    assert.match(finished.ok ? '' : finished.error, /binary\.trace: .*binary/);
    assert.ok(server.alive());
  });
});
