// The trace index answers pages, filters, groups, "go to" and bins from its
// columns; each answer is checked against the calls streamed from the file.
import assert from 'node:assert/strict';
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
});
