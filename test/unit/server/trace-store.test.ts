// The server's store of loaded traces keeps columns, not calls: a call's
// detail is its lines read again by byte offset (a trace.dat: its records,
// natively) and replayed. For every call
// of every real trace (and the bundled sample, a gzip copy of one, and
// multi-MiB trace.dat files made of a real one's records, on four CPUs with
// migrating tasks) it must equal what streaming the whole trace gave.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describeCall } from '../../../extension/engine';
import { readTraceFile } from '../../../extension/node/trace-file';
import { inProcessLoader } from '../../../extension/server/index-loaders';
import { TraceStore } from '../../../extension/server/trace-store';
import { forView, observedForView, replayTrace, replayTraceCall, traceRecords, type TraceCallResult } from '../../../extension/trace';
import { REPO_ROOT } from '../../support/fixtures';
import { KERNEL_TRACES, traceFiles } from '../../support/kernel-traces';
import { fixtureDat, synthesizeDat } from '../../support/tracedat';

/** The whole trace streamed and replayed as the CLI does it (variant auto: decided by the trace). */
async function streamed(path: string, variant: 'v0' | 'v3' | 'auto'): Promise<TraceCallResult[]> {
  const direct: Array<TraceCallResult & { index: number }> = [];
  await replayTrace({ variant, kernel: null }, (replay) => {
    direct.length = 0;
    return readTraceFile(path, { onCall: (c, trace) => direct.push({ ...replay(c, trace), index: c.index }) });
  });
  return direct.sort((a, b) => a.index - b.index);
}

async function checkEveryCall(path: string, variant: 'v0' | 'v3' | 'auto', store = new TraceStore(inProcessLoader)): Promise<{ store: TraceStore; traceId: number }> {
  const opened = await store.open({ path, variant });
  assert.ok(opened.ok, opened.ok ? '' : opened.error);
  const { traceId } = opened.trace;
  const direct = await streamed(path, variant);
  assert.equal(opened.trace.totals.calls, direct.length, `${path}: calls`);
  const records = traceRecords(direct);
  const index = store.index(traceId)!;
  for (const [i, want] of direct.entries()) {
    const where = `${path} call ${i} (${variant})`;
    const got = await store.call(traceId, i);
    assert.ok(got, where);
    assert.deepEqual(got.predicted, want.predicted, `${where}: replay`);
    assert.deepEqual(got.observed, observedForView(forView(want), records), `${where}: observed`);
    assert.deepEqual(
      got.summary,
      {
        index: i,
        pid: want.pid,
        comm: want.comm,
        line: want.line,
        verdict: want.verdict,
        input: want.input ? describeCall(want.input) : null,
        observedRet: want.observed.ret,
        predictedRet: want.predicted?.ret ?? null,
        anomalies: want.predicted?.anomalies.map((a) => a.kind) ?? [],
        missing: want.missing,
        differences: want.differences,
        caller: want.observed.caller,
      },
      `${where}: summary`,
    );
    const row = index.row(i);
    assert.deepEqual(
      [row.pid, row.comm, row.line, row.lastLine, row.verdict, row.input, row.observedRet, row.predictedRet, row.caller, row.unpins],
      [want.pid, want.comm, want.line, Math.max(...want.lines), want.verdict, got.summary.input, want.observed.ret, want.predicted?.ret ?? null, want.observed.caller, want.observed.unpins],
      `${where}: row`,
    );
    assert.deepEqual(row.anomalies, got.summary.anomalies, `${where}: anomaly bits`);
  }
  return { store, traceId };
}

describe('server: the store of loaded traces (columns, details read again)', () => {
  it('the bundled sample: every call read again by offset equals the streamed one (v3 and v0)', async () => {
    for (const variant of ['v3', 'v0'] as const) await checkEveryCall(join(REPO_ROOT, 'samples/traces/direct-io.trace'), variant);
  });

  it('every real trace of the fixtures, every call: read again by offset and replayed, it equals the streamed one', async () => {
    const files = traceFiles().filter((f) => !f.path.endsWith('.dat'));
    assert.ok(files.length >= 20, 'the real traces are all there');
    let calls = 0;
    for (const file of files) {
      const { store, traceId } = await checkEveryCall(join(KERNEL_TRACES, file.path), 'auto');
      calls += store.index(traceId)!.count;
    }
    assert.ok(calls > 50);
  });

  it('a gzip trace is read again from a decompressed copy, freed on unload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinscope-gz-'));
    try {
      const path = join(dir, 'efault.trace.gz');
      writeFileSync(path, gzipSync(readFileSync(join(KERNEL_TRACES, 'kprobe/efault.trace.txt'))));
      const { store, traceId } = await checkEveryCall(path, 'auto');
      const [info] = store.list();
      assert.equal(info!.seek, 'decompressed-copy');
      const copy = join(tmpdir(), `pinscope-${process.pid}-${traceId}.trace`);
      assert.ok(existsSync(copy));
      assert.equal(store.unload(traceId), true);
      assert.equal(existsSync(copy), false, 'the copy is deleted');
      assert.equal(await store.call(traceId, 0), null, 'an unloaded trace answers null');
      assert.equal(store.unload(traceId), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a trace.dat (read natively, trace-cmd or not) is read again by record number, every call equal to the streamed one', async () => {
    const path = join(KERNEL_TRACES, 'tracecmd/efault.trace.dat');
    const { store, traceId } = await checkEveryCall(path, 'auto');
    const [info] = store.list();
    assert.equal(info!.seek, 'records');
    assert.equal(existsSync(join(tmpdir(), `pinscope-${process.pid}-${traceId}.trace`)), false, 'no text copy is kept');
    // No text to show: one line says so, and the call's records are its lines.
    const detail = (await store.call(traceId, 0))!;
    const lines = (await store.lines(traceId, 0))!;
    assert.deepEqual(lines.blocks, [
      { line: detail.lines!.first, text: [`trace.dat record ${detail.lines!.first}: a binary trace has no text lines — the call's ${lines.callLines.length} records are decoded in its replay`] },
    ]);
    assert.equal(lines.callLines[0], detail.lines!.first);
    assert.equal(lines.callLines[lines.callLines.length - 1], detail.lines!.last);
    store.dispose();
  });

  it('a multi-MiB trace.dat of a real one\'s records (4 CPUs, every task migrating within its calls, lost events), uncompressed and zlib: every call read again from its checkpoint equals the streamed one', async function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'pinscope-dat-'));
    try {
      for (const compression of ['none', 'zlib'] as const) {
        const path = join(dir, `big.${compression}.trace.dat`);
        writeFileSync(path, await synthesizeDat(fixtureDat('aligned.uncompressed'), { copies: 40, cpus: 4, compression, lostEvery: 50 }));
        const { store, traceId } = await checkEveryCall(path, 'auto');
        assert.equal(store.list()[0]!.seek, 'records');
        assert.equal(store.index(traceId)!.count, 200);
        store.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a trace.dat changed after it was loaded: a call is not read from the old checkpoints, and the message says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinscope-dat-'));
    try {
      const path = join(dir, 'changing.trace.dat');
      writeFileSync(path, await synthesizeDat(fixtureDat('aligned.uncompressed'), { copies: 4, cpus: 2, compression: 'none' }));
      const store = new TraceStore(inProcessLoader);
      const opened = await store.open({ path });
      assert.ok(opened.ok);
      writeFileSync(path, await synthesizeDat(fixtureDat('aligned.uncompressed'), { copies: 5, cpus: 3, compression: 'none' }));
      await assert.rejects(store.call(opened.trace.traceId, 3), (e: Error) => e.message.includes(path) && /has changed since it was loaded/.test(e.message));
      store.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("variant auto: a trace of a v0 kernel (no release recorded) is decided by its calls; every call's detail is v0's", async () => {
    // The real efault trace as a pre-fix kernel ends it: a failed first extraction returns 0, not -14.
    const lines = readFileSync(join(KERNEL_TRACES, 'kprobe/efault.trace.txt'), 'utf8').split('\n');
    const v0 = lines.map((l) => (l.includes('xui_exit') ? l.replace(' ret=-14 ', ' ret=0 ') : l));
    const dir = mkdtempSync(join(tmpdir(), 'pinscope-store-'));
    try {
      const path = join(dir, 'v0.trace');
      writeFileSync(path, v0.join('\n'));
      const { store } = await checkEveryCall(path, 'auto');
      const [info] = store.list();
      assert.deepEqual([info!.decision.by, info!.decision.variant, info!.variant, info!.kernelRelease], ['behaviour', 'v0', 'v0', null]);
      assert.equal(info!.totals.verdicts.match, info!.totals.calls, 'a v0 kernel doing what v0 does');
      const direct: TraceCallResult[] = [];
      await readTraceFile(path, { onCall: (c) => direct.push(replayTraceCall(c, '6.12', 'v0')) });
      assert.deepEqual((await store.call(info!.traceId, 0))?.predicted, direct[0]!.predicted);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opening the same file again answers the loaded trace; reload reads it again', async () => {
    const store = new TraceStore(inProcessLoader);
    const path = join(REPO_ROOT, 'samples/traces/direct-io.trace');
    const first = await store.open({ path });
    const again = await store.open({ path });
    assert.ok(first.ok && again.ok);
    assert.equal(again.reused, true);
    assert.equal(again.trace.traceId, first.trace.traceId);
    const reloaded = await store.open({ path, reload: true });
    assert.ok(reloaded.ok && !reloaded.reused && reloaded.trace.traceId !== first.trace.traceId);
    assert.equal(store.list().length, 2);
  });

  it("a call's lines come with their context, as in the file", async () => {
    const store = new TraceStore(inProcessLoader);
    const path = join(REPO_ROOT, 'samples/traces/direct-io.trace');
    const opened = await store.open({ path });
    assert.ok(opened.ok);
    const file = readFileSync(path, 'utf8').split('\n');
    const detail = (await store.call(opened.trace.traceId, 1))!;
    const lines = (await store.lines(opened.trace.traceId, 1, 3))!;
    assert.equal(lines.blocks.length, 1);
    const [block] = lines.blocks;
    assert.equal(block!.line, Math.max(1, detail.lines!.first - 3));
    block!.text.forEach((text, k) => assert.equal(text, file[block!.line - 1 + k], `line ${block!.line + k}`));
    assert.ok(block!.line + block!.text.length - 1 >= detail.lines!.last);
    assert.ok(lines.callLines.includes(detail.lines!.first) && lines.callLines.includes(detail.lines!.last));
  });

  it('every call through the pages (a page of one at a time), each call recomputed on demand equals the trace', async () => {
    // What the one-message load once answered (every summary): the same calls, paged.
    const store = new TraceStore(inProcessLoader);
    const path = join(REPO_ROOT, 'samples/traces/direct-io.trace');
    const opened = await store.open({ path, variant: 'v3' });
    assert.ok(opened.ok);
    const { traceId } = opened.trace;
    const direct = await streamed(path, 'v3');
    const index = store.index(traceId)!;
    const paged = [];
    for (let offset = 0; ; offset++) {
      const page = index.calls({}, offset, 1);
      assert.equal(page.total, direct.length);
      if (page.calls.length === 0) break;
      paged.push(...page.calls);
    }
    assert.deepEqual(paged.map((r) => [r.index, r.line, r.pid, r.verdict]), direct.map((d, i) => [i, d.line, d.pid, d.verdict]));
    for (const [i, want] of direct.entries()) assert.deepEqual((await store.call(traceId, i))?.predicted, want.predicted);
    store.dispose();
  });
});
