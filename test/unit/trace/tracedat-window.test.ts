// A trace.dat of many short-lived tasks, none of which calls again after its
// last call: that call is handed out RELEASE_LINES records after its task's
// last record, not when the file ends, so the calls held at once stay a few
// even as the tasks grow; and a call read again from its checkpoint is still
// the call the whole read made.
import assert from 'node:assert/strict';
import type { RawCall } from '../../../extension/trace';
import { RELEASE_LINES } from '../../../extension/trace/reconstruct';
import { bytesSource, openTraceDat, readTraceDat, readTraceDatSpan } from '../../../extension/trace/tracedat';
import { fixtureDat, synthesizeDat } from '../../support/tracedat';

const utf8 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

interface HandedOut {
  readonly call: RawCall;
  /** The record being read when the reader handed it out. */
  readonly at: number;
}

describe('trace: a trace.dat of many short-lived tasks is released as it is read', function () {
  this.timeout(180_000);

  it('each task\'s last call comes out RELEASE_LINES records after its last record, the calls held at once stay bounded, and every call read again equals the whole read', async () => {
    // 80 copies of a real recording, each its own task (pids renumbered) making five calls and then nothing.
    const copies = 80;
    const bytes = await synthesizeDat(fixtureDat('aligned.uncompressed'), { copies, cpus: 4, compression: 'none' });
    const out: HandedOut[] = [];
    const summary = await readTraceDat(bytesSource(bytes), { decode: utf8, onCall: (call, _facts, at) => out.push({ call, at }), checkpoints: true });
    const records = summary.dat.records;
    const calls = out.map((o) => o.call);
    assert.equal(calls.length, copies * 5);
    const tasks = new Set(calls.map((c) => c.pid));
    assert.equal(tasks.size, copies, 'one task a copy');
    assert.ok(records > 4 * RELEASE_LINES, `${records} records`);

    // Every call is out by RELEASE_LINES records after its last one (its task's next call may free it sooner).
    for (const { call, at } of out) assert.ok(at <= Math.min(records, call.lastLine + RELEASE_LINES), `the call at record ${call.line} (last ${call.lastLine}) handed out at record ${at}`);
    const lastOfTask = new Map<number | null, HandedOut>();
    for (const o of out) lastOfTask.set(o.call.pid, o);
    const early = [...lastOfTask.values()].filter((o) => o.at < records);
    assert.ok(early.length > copies / 2, `${early.length} of ${copies} tasks' last calls came out before the file ended`);
    for (const o of early) assert.equal(o.at, o.call.lastLine + RELEASE_LINES, `the task ${o.call.pid}'s last call waited exactly the window`);

    // Held at the moment each call is handed out: the calls started by then, less those already out.
    const starts = calls.map((c) => c.line).sort((a, b) => a - b);
    let started = 0;
    let most = 0;
    for (const [n, { at }] of out.entries()) {
      while (started < starts.length && starts[started]! <= at) started++;
      most = Math.max(most, started - n);
    }
    // What starts within one window (plus the longest call) can be held; the tasks of the whole file are not.
    const longest = Math.max(...calls.map((c) => c.lastLine - c.line));
    let inWindow = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (starts[i]! - starts[j]! > RELEASE_LINES + longest) j++;
      inWindow = Math.max(inWindow, i - j + 1);
    }
    assert.ok(most <= inWindow + 1, `at most ${most} calls held at once, ${inWindow} start within a window`);
    assert.ok(most < calls.length / 4, `at most ${most} of ${calls.length} calls held at once`);
    assert.equal(summary.late, 0, 'nothing of a task came after its call was handed out');

    // Read again from its checkpoint, each call is the one handed out.
    const file = await openTraceDat(bytesSource(bytes), utf8);
    for (const call of calls) {
      const again = (await readTraceDatSpan(bytesSource(bytes), file, summary.seek!, { from: call.spanLine, to: call.lastLine, pid: call.pid }, utf8)).filter((c) => c.line === call.line);
      assert.equal(again.length, 1, `the call at record ${call.line} is found again, once`);
      const { index: _i, ...want } = call;
      const { index: _j, ...got } = again[0]!;
      assert.deepEqual(got, want, `the call at record ${call.line}`);
    }
  });
});
