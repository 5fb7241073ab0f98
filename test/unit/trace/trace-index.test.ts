// The trace index answers pages, filters, groups, "go to" and bins from its
// columns; each answer is checked against the calls streamed from the file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTraceIndex } from '../../../extension/node/trace-index-load';
import { TraceIndex } from '../../../extension/trace/trace-index';
import type { TraceCallRowDto } from '../../../extension/protocol/trace-calls';
import { REPO_ROOT } from '../../support/fixtures';
import { KERNEL_TRACES } from '../../support/kernel-traces';

async function indexOf(path: string): Promise<{ index: TraceIndex; rows: TraceCallRowDto[] }> {
  const { columns } = await loadTraceIndex({ path, kernel: '6.12', variant: 'auto', format: 'auto' });
  const index = new TraceIndex(columns);
  return { index, rows: index.calls({}, 0, 100000).calls };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** A kprobe call of task `pid` from `entry` to `exit` (seconds), as the recipe records it. */
function timedCall(pid: number, entry: number, exit: number, addr: number): string[] {
  const t = (s: number) => s.toFixed(6).padStart(12);
  const at = `0x${addr.toString(16)}`;
  const line = (ts: number, event: string) => `        dd-${pid}     [001] ...1. ${t(ts)}: ${event}`;
  return [
    line(entry, `xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=${at} count=4096 nr_segs=1 orig_len=4096 new=0xffff888100b02de8 flags=0x0`),
    line(entry + 1e-6, `pupf_entry: (pin_user_pages_fast+0x4/0x60) start=${at} nr_pages=1 gup_flags=0x1 pages=0xffff888101f1ce38`),
    line(entry + 2e-6, 'pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=1'),
    line(exit, 'xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=4096 orig_iov_offset=4096 orig_count=0 orig_nr_segs=1 new_count=4096 new_nr_segs=1'),
  ];
}

describe('trace: the index of a loaded trace', () => {
  it('filters narrow the calls as their rows say (verdict, anomaly, comm, pid, size, time, group)', async () => {
    const { index, rows } = await indexOf(join(KERNEL_TRACES, 'kprobe/efault.trace.txt'));
    assert.equal(rows.length, 12);
    const check = (filter: Parameters<TraceIndex['calls']>[0], want: (r: TraceCallRowDto) => boolean) =>
      assert.deepEqual(index.calls(filter, 0, 1000).calls.map((r) => r.index), rows.filter(want).map((r) => r.index), JSON.stringify(filter));
    check({ verdicts: ['match'] }, (r) => r.verdict === 'match');
    check({ verdicts: ['mismatch', 'incomplete'] }, (r) => r.verdict !== 'match');
    check({ anomaly: 'any' }, (r) => r.anomalies.length > 0);
    check({ anomaly: 'none' }, (r) => r.anomalies.length === 0);
    check({ pid: rows[3]!.pid! }, (r) => r.pid === rows[3]!.pid);
    check({ comm: (rows[0]!.comm ?? '').slice(1, 4) }, (r) => (r.comm ?? '').includes((rows[0]!.comm ?? '').slice(1, 4)));
    check({ bytesMin: 4096, bytesMax: 8191 }, (r) => r.bytes !== null && r.bytes >= 4096 && r.bytes <= 8191);
    check({ timeFrom: rows[4]!.ts!, timeTo: rows[7]!.ts! }, (r) => r.ts! >= rows[4]!.ts! && r.ts! < rows[7]!.ts!);
    check({ timeFrom: rows[4]!.ts!, timeTo: rows[7]!.ts!, timeToIncluded: true }, (r) => r.ts! >= rows[4]!.ts! && r.ts! <= rows[7]!.ts!);
    for (const group of index.groups({})) {
      const found = index.calls({ group: group.key }, 0, 1000);
      assert.equal(found.total, group.calls, group.key);
    }
    const page = index.calls({}, 10, 5);
    assert.deepEqual([page.total, page.offset, page.calls.map((r) => r.index)], [12, 10, [10, 11]]);
  });

  it('"go to" finds a call by number and by any of its lines, and its place under a filter', async () => {
    const { index, rows } = await indexOf(join(REPO_ROOT, 'samples/traces/direct-io.trace'));
    for (const row of rows) {
      for (let line = row.line; line <= row.lastLine; line++) {
        const found = index.locate({ line });
        assert.ok(found, `line ${line}`);
        assert.ok(found.exact && found.row.line <= line && line <= found.row.lastLine, `line ${line} is in the call found`);
      }
      assert.deepEqual(index.locate({ call: row.index })?.row, row);
    }
    const before = index.locate({ line: 1 });
    assert.deepEqual([before?.row.index, before?.exact], [0, false], 'a line before any call: the first call after it');
    assert.equal(index.locate({ line: 100000 }), null);
    assert.equal(index.locate({ call: rows.length }), null);
    const pid = rows[1]!.pid!;
    const mine = rows.filter((r) => r.pid === pid);
    assert.equal(index.locate({ call: mine[1]!.index }, { pid })?.position, 1);
    assert.equal(index.locate({ call: rows.find((r) => r.pid !== pid)!.index }, { pid })?.position, -1);
  });

  it('tasks, totals, histograms, pin bins and the timeline add up to the calls', async () => {
    const { index, rows } = await indexOf(join(KERNEL_TRACES, 'kprobe/iovec.trace.txt'));
    const totals = index.totals();
    assert.equal(totals.calls, rows.length);
    assert.equal(sum(Object.values(totals.verdicts)), rows.length);
    const tasks = index.tasks({}, 0, 1000);
    assert.equal(tasks.total, totals.tasks);
    assert.equal(sum(tasks.tasks.map((t) => t.calls)), rows.length);
    for (const of of ['bytes', 'pages', 'rounds', 'duration'] as const) {
      const h = index.histogram(of);
      assert.ok(h.kind === 'histogram');
      assert.equal(sum(h.counts) + h.unknown, rows.length, of);
      assert.equal(h.edges.length, h.counts.length + 1);
    }
    const pages = index.histogram('pages');
    assert.ok(pages.kind === 'histogram');
    rows.forEach((r) => assert.ok(pages.edges[0]! <= r.pages && r.pages < pages.edges.at(-1)!));
    const pins = index.pins({ buckets: 7 });
    assert.ok(pins.kind === 'pins');
    assert.equal(sum(pins.pinned), totals.pins.pinned);
    assert.equal(sum(pins.unpinned), totals.pins.unpinned);
    assert.equal(pins.outstanding.at(-1), totals.pins.outstanding);
    const timeline = index.timeline({ buckets: 50 });
    assert.ok(timeline.kind === 'timeline');
    let cells = 0;
    for (const row of timeline.rows) for (let k = 0; k < row.cells.length; k += 5) cells += row.cells[k + 1]!;
    assert.equal(cells, rows.filter((r) => r.ts !== null).length);
    assert.equal(timeline.tasks, totals.tasks);
  });

  it('zoomed in, a call that began before the window and still runs in it gets its span (no cell), under the same filter and bound', async () => {
    // Task 2000: a long call from 1.0 s to 1.5 s, then one at 2.5 s. Task 2001: calls at 1.2 s (returned by 1.21 s) and 1.6 s.
    const calls = [
      [2000, 1.0, 1.5],
      [2001, 1.2, 1.21],
      [2001, 1.6, 1.61],
      [2000, 2.5, 2.51],
    ] as const;
    const dir = mkdtempSync(join(tmpdir(), 'pinscope-running-'));
    try {
      const path = join(dir, 'running.trace');
      const lines = calls.flatMap(([pid, entry, exit], k) => timedCall(pid, entry, exit, 0x7f0000001000 + k * 0x1000).map((text) => ({ text, ts: Number(/ (\d+\.\d+): /.exec(text)![1]) })));
      lines.sort((a, b) => a.ts - b.ts);
      writeFileSync(path, ['# tracer: nop', '#', ...lines.map((l) => l.text)].join('\n') + '\n');
      const { index, rows } = await indexOf(path);
      assert.deepEqual(rows.map((r) => [r.pid, r.ts]), [[2000, 1.0], [2001, 1.2], [2001, 1.6], [2000, 2.5]]);
      const spansOf = (row: { spans: readonly number[] | null }) => {
        const out: number[][] = [];
        for (let k = 0; k + 5 <= (row.spans ?? []).length; k += 5) out.push(row.spans!.slice(k, k + 3).map((x) => Math.round(x * 1e6) / 1e6));
        return out;
      };
      // The window 1.3 s – 2.0 s: call 0 runs into it, call 2 starts in it, call 1 is over and call 3 is later.
      const zoomed = index.timeline({ from: 1.3, to: 2, buckets: 10 });
      assert.ok(zoomed.kind === 'timeline');
      assert.deepEqual(zoomed.rows.map((r) => r.pid), [2000, 2001], 'the task whose call runs into the window has a lane, first');
      assert.equal(zoomed.tasks, 2);
      assert.deepEqual(spansOf(zoomed.rows[0]!), [[0, 1.0, 1.5]], 'its span, from where it began (the view clips it)');
      assert.deepEqual(zoomed.rows[0]!.cells, [], 'no cell: it is counted where it began');
      assert.deepEqual(spansOf(zoomed.rows[1]!), [[2, 1.6, 1.61]]);
      assert.deepEqual(zoomed.rows[1]!.cells.slice(0, 2), [4, 1], 'one cell, call 2 in bin 4');
      // A window after the long call ended: no span of it.
      const later = index.timeline({ from: 1.55, to: 2, buckets: 10 });
      assert.ok(later.kind === 'timeline');
      assert.deepEqual(later.rows.map((r) => [r.pid, spansOf(r)]), [[2001, [[2, 1.6, 1.61]]]]);
      // The filter holds for the running call too: another task's, or another verdict, and it is not there.
      const other = index.timeline({ from: 1.3, to: 2, buckets: 10, filter: { pid: 2001 } });
      assert.ok(other.kind === 'timeline');
      assert.deepEqual(other.rows.map((r) => r.pid), [2001]);
      const verdict = rows[0]!.verdict;
      const unlike = index.timeline({ from: 1.3, to: 2, buckets: 10, filter: { verdicts: (['match', 'mismatch', 'incomplete'] as const).filter((v) => v !== verdict) } });
      assert.ok(unlike.kind === 'timeline');
      assert.ok(!unlike.rows.some((r) => spansOf(r).some(([i]) => i === 0)), 'call 0 is filtered out');
      // Bounded as before: a row with more calls than maxSpans (running ones included) sends none.
      const bounded = index.timeline({ from: 1.3, to: 2, buckets: 10, maxSpans: 0 });
      assert.ok(bounded.kind === 'timeline');
      assert.deepEqual(bounded.rows.map((r) => r.spans), [null, null]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
