// The reconstructor's memory grows with neither the tasks nor the calls: a
// call is handed out once its task started another or RELEASE_LINES went by,
// tasks with nothing pending are forgotten, late lines are counted.
import assert from 'node:assert/strict';
import { TraceReader, type RawCall } from '../../../extension/trace';
import { RELEASE_LINES } from '../../../extension/trace/reconstruct';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function callLines(pid: number, ts: number, withReturn = true): string[] {
  const t = (d: number) => (ts + d / 1e6).toFixed(6).padStart(12);
  const lines = [
    `        test-${pid}     [001] ...1. ${t(0)}: xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=0x7f0000001000 count=4096 nr_segs=1 orig_len=4096 new=0xffff888100b02de8 flags=0x0`,
    `        test-${pid}     [001] ...1. ${t(1)}: pupf_entry: (pin_user_pages_fast+0x4/0x60) start=0x7f0000001000 nr_pages=1 gup_flags=0x1 pages=0xffff888101f1ce38`,
    `        test-${pid}     [001] ..... ${t(2)}: pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=1`,
  ];
  if (withReturn) {
    lines.push(`        test-${pid}     [001] ..... ${t(3)}: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=1 orig_iov_offset=4096 orig_count=0 orig_nr_segs=1 new_count=4096 new_nr_segs=1`);
  }
  return lines;
}

function unpinLine(pid: number, ts: number): string {
  return `        test-${pid}     [001] ...1. ${ts.toFixed(6).padStart(12)}: unpin_page: (unpin_user_page+0x4/0x60) page=0xffffea000425a000`;
}

function reader(calls: RawCall[]): TraceReader {
  return new TraceReader({ format: 'kprobe', decode: (b, s, e) => decoder.decode(b.subarray(s, e)), onCall: (c) => calls.push(c) });
}

describe('trace: bounded reconstruction', () => {
  it('30,000 short-lived tasks of three calls each: held tasks and calls stay bounded, every call comes out in start order', () => {
    const calls: RawCall[] = [];
    const r = reader(calls);
    let most = { tasks: 0, calls: 0 };
    const tasks = 30000;
    for (let t = 0; t < tasks; t++) {
      const lines: string[] = [];
      for (let k = 0; k < 3; k++) lines.push(...callLines(1000 + t, t * 1e-3 + k * 1e-5), unpinLine(1000 + t, t * 1e-3 + k * 1e-5 + 5e-6));
      r.push(encoder.encode(lines.join('\n') + '\n'));
      const held = r.held;
      most = { tasks: Math.max(most.tasks, held.tasks), calls: Math.max(most.calls, held.calls) };
    }
    const summary = r.end();
    assert.equal(summary.calls, tasks * 3);
    assert.deepEqual(calls.map((c) => c.index), calls.map((_, i) => i), 'start order');
    assert.ok(calls.every((c) => c.unpins.length === 1 && c.exit !== null && !c.returnMissing));
    // A task's lines: 15. The window holds the tasks of RELEASE_LINES lines, not all 30,000.
    const window = Math.ceil(RELEASE_LINES / 15) + 2;
    assert.ok(most.tasks <= window, `held at most ${most.tasks} tasks (window ${window})`);
    assert.ok(most.calls <= 3 * window, `held at most ${most.calls} calls`);
  });

  it('an unpin long after its call is counted as late; a call whose return never comes is released with "return never seen"', () => {
    const calls: RawCall[] = [];
    const r = reader(calls);
    const filler: string[] = [];
    // Other tasks, enough lines to pass the window.
    for (let k = 0; k < RELEASE_LINES / 4 + 10; k++) filler.push(...callLines(50000 + (k % 100), 2 + k * 1e-5));
    r.push(encoder.encode([...callLines(7, 1), ...callLines(8, 1.5, false), ...filler, unpinLine(7, 9)].join('\n') + '\n'));
    const held = r.held.calls;
    const summary = r.end();
    assert.equal(summary.late, 1, 'the unpin came after its call was handed out');
    const [seven, eight] = calls.filter((c) => c.pid === 7 || c.pid === 8);
    assert.equal(seven!.unpins.length, 0);
    assert.equal(eight!.returnMissing, true);
    assert.ok(held < 200, `only the last window's calls held before the end (${held})`);
  });
});
