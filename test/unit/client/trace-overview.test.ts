// The editor's side of the overview against the real server store: the
// overview it builds from a real trace's bins adds up, and every cell,
// pin-balance bin and histogram bar the webview can click selects, through
// the server's filter, exactly the calls it counts. Also the Traces view's
// filter text.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTraceFilter, parseTraceFilter } from '../../../extension/client/features/trace-filter';
import { filterOf, histogramsOf, overviewOf, type Ask } from '../../../extension/client/trace-overview';
import type { RequestDescriptor, TraceBinsParams, TracePageParams } from '../../../extension/protocol/lsp';
import { inProcessLoader } from '../../../extension/server/index-loaders';
import { TraceStore } from '../../../extension/server/trace-store';
import { binAt } from '../../../extension/protocol/time-bins';
import { binOf, binRange, cellCounts } from '../../../webview/src/overview-plot';
import { REPO_ROOT } from '../../support/fixtures';
import { KERNEL_TRACES } from '../../support/kernel-traces';

/** Requests answered by the store, as the server's handlers answer them. */
function askStore(store: TraceStore): Ask {
  return (async (request: RequestDescriptor<unknown, unknown>, params: unknown) => {
    if (request.method === 'pinscope/trace/bins') return store.bins(params as TraceBinsParams);
    if (request.method === 'pinscope/trace/calls') {
      const p = params as TracePageParams;
      return store.index(p.traceId)?.calls(p.filter, p.offset, p.limit) ?? null;
    }
    throw new Error(`unexpected request ${request.method}`);
  }) as Ask;
}

function callsPicked(store: TraceStore, traceId: number, filter: ReturnType<typeof filterOf>): number[] {
  return store.index(traceId)!.calls(filter, 0, 2000).calls.map((c) => c.index);
}

describe('client: the trace overview from the server’s bins', () => {
  for (const [name, path] of [
    ['the bundled sample (three tasks, pins and unpins)', join(REPO_ROOT, 'samples/traces/direct-io.trace')],
    ['a real kprobe trace (-EFAULT calls)', join(KERNEL_TRACES, 'kprobe/efault.trace.txt')],
  ] as const) {
    it(`${name}: cells, pin bins and bars add up, and each selects exactly its calls`, async () => {
      const store = new TraceStore(inProcessLoader);
      const opened = await store.open({ path });
      assert.ok(opened.ok);
      const trace = opened.trace;
      const ask = askStore(store);
      const histograms = await histogramsOf(ask, trace.traceId);
      assert.ok(histograms);
      const overview = await overviewOf(ask, trace, histograms, { bins: 40, firstLane: 0 });
      assert.ok(overview);
      assert.equal(overview.calls, trace.totals.calls);
      assert.equal(overview.lanes.length, trace.totals.tasks);
      const cells = cellCounts(overview);
      let inCells = 0;
      for (const [key, counts] of cells) {
        inCells += counts[0]!;
        const lane: { pid: number | null; label: string } = overview.lanes[Math.floor(key / overview.window.bins)]!;
        const picked = callsPicked(store, trace.traceId, filterOf({ time: binRange(overview, key % overview.window.bins), pid: lane.pid! }));
        assert.equal(picked.length, counts[0], `cell ${key} of ${lane.label}`);
      }
      assert.equal(inCells, trace.totals.calls, 'every call is in one cell');
      // Every time bin, all tasks: together every call once.
      let inBins = 0;
      for (let bin = 0; bin < overview.window.bins; bin++) inBins += (callsPicked(store, trace.traceId, filterOf({ time: binRange(overview, bin) }))).length;
      assert.equal(inBins, trace.totals.calls);
      for (const histogram of overview.histograms) {
        assert.equal(histogram.counts.reduce((a, b) => a + b, 0) + histogram.unknown, trace.totals.calls, `${histogram.kind}: every call counted once`);
        for (let i = 0; i < histogram.counts.length; i++) {
          if (!histogram.counts[i]) continue;
          const range = { from: histogram.edges[i]!, to: i === histogram.counts.length - 1 ? histogram.edges[i + 1]! + 1 : histogram.edges[i + 1]! };
          const picked = callsPicked(store, trace.traceId, filterOf({ [histogram.kind]: range }));
          assert.equal(picked.length, histogram.counts[i], `${histogram.kind} class ${i} [${range.from}, ${range.to})`);
        }
      }
      if (overview.pins) assert.equal(overview.pins.outstanding.at(-1), trace.totals.pins.outstanding, 'the balance at the end is the trace’s');
      store.dispose();
    });
  }
});

/** One complete kprobe call of `pid` entering at `ts` seconds (its later events a few µs on). */
function callAt(pid: number, ts: number): string {
  const t = (d: number) => (ts + d / 1e6).toFixed(6).padStart(12);
  const head = (d: number) => `        edge-${pid}     [001] ...1. ${t(d)}:`;
  return [
    `${head(0)} xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=0x7f0000001000 count=4096 nr_segs=1 orig_len=4096 new=0xffff888100b02de8 flags=0x0`,
    `${head(1)} pupf_entry: (pin_user_pages_fast+0x4/0x60) start=0x7f0000001000 nr_pages=1 gup_flags=0x1 pages=0xffff888101f1ce38`,
    `${head(2)} pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=1`,
    `${head(3)} xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=1 orig_iov_offset=4096 orig_count=0 orig_nr_segs=1 new_count=4096 new_nr_segs=1`,
  ].join('\n');
}

describe('client: the overview’s time bins and the calls a bin lists agree', () => {
  it('a call on a bin edge is counted in one bin and listed by that bin only; the window’s end is in the last bin', async () => {
    // Calls every 0.25 s from 1 s to 5 s: with 16 bins over [1, 5] every call starts on an edge, the last on the window's end.
    const dir = mkdtempSync(join(tmpdir(), 'pinscope-bin-edges-'));
    const path = join(dir, 'edges.trace');
    const times = Array.from({ length: 17 }, (_, k) => 1 + k * 0.25);
    writeFileSync(path, `# tracer: nop\n#\n${times.map((ts, k) => callAt(100 + (k % 3), ts)).join('\n')}\n`);
    const store = new TraceStore(inProcessLoader);
    try {
      const opened = await store.open({ path });
      assert.ok(opened.ok);
      const trace = opened.trace;
      assert.equal(trace.totals.calls, times.length);
      const ask = askStore(store);
      const overview = await overviewOf(ask, trace, [], { from: 1, to: 5, bins: 16, firstLane: 0 });
      assert.ok(overview);
      assert.deepEqual(overview.window, { from: 1, to: 5, bins: 16 });
      const ts = store.index(trace.traceId)!.calls({}, 0, 100).calls.map((c) => c.ts!);
      assert.deepEqual(ts, times, 'the calls start on the edges');
      // Counted: bin k holds the call at 1 + k/4, and the last bin also the one at 5 s (closed end).
      const counted = new Array<number>(16).fill(0);
      for (const [key, counts] of cellCounts(overview)) counted[key % 16]! += counts[0]!;
      assert.deepEqual(counted, [...new Array<number>(15).fill(1), 2]);
      // Listed: each bin's filter picks exactly the calls it counted, so every call once.
      const listed: number[] = [];
      for (let bin = 0; bin < 16; bin++) {
        const range = binRange(overview, bin);
        assert.equal(range.closed === true, bin === 15, `only the last bin is closed (bin ${bin})`);
        const picked = callsPicked(store, trace.traceId, filterOf({ time: range }));
        assert.equal(picked.length, counted[bin], `bin ${bin} [${range.from}, ${range.to}${range.closed ? ']' : ')'}`);
        for (const i of picked) assert.equal(binOf(overview, ts[i]!), bin, `call ${i} is listed by the bin the webview maps its time to`);
        listed.push(...picked);
      }
      assert.deepEqual(listed, times.map((_, i) => i), 'every call listed once, in order');
      // Per task, too: the cells of each lane list exactly their calls.
      for (const [key, counts] of cellCounts(overview)) {
        const lane: { pid: number | null } = overview.lanes[Math.floor(key / 16)]!;
        assert.equal(callsPicked(store, trace.traceId, filterOf({ time: binRange(overview, key % 16), pid: lane.pid! })).length, counts[0]);
      }
      // The pin balance, binned the same way: one page pinned per call at its return (2 µs in), never unpinned;
      // the last call returns after the window's end, so 16 are outstanding at it.
      assert.deepEqual(overview.pins?.outstanding, Array.from({ length: 16 }, (_, b) => b + 1));
      // Few calls per lane in this window: every call's span comes along (at most one per 4 pixel columns a lane), in its lane, at its time.
      const rows = store.index(trace.traceId)!.calls({}, 0, 100).calls;
      const spans = overview.spans!;
      assert.equal(spans.length, 6 * times.length);
      for (let k = 0; k < spans.length; k += 6) {
        const [lane, index, entry, exit, verdict, anomalous] = spans.slice(k, k + 6) as [number, number, number, number, number, number];
        assert.equal(overview.lanes[lane]!.pid, rows[index]!.pid, `span of call ${index}: its task's lane`);
        assert.equal(entry, times[index]);
        assert.ok(Math.abs(exit - entry - 3e-6) < 1e-9, `call ${index} returned 3 µs in`);
        assert.deepEqual([verdict, anomalous], [0, 0]);
      }
      // A lane with more calls than that in the window gets none: the spans stay bounded by the screen.
      const coarse = await overviewOf(ask, trace, [], { from: 1, to: 5, bins: 4, firstLane: 0 });
      assert.deepEqual(coarse?.spans, []);
      // Outside the window, no bin.
      assert.equal(binAt(overview.window, 0.999), -1);
      assert.equal(binAt(overview.window, 5.000001), -1);
      assert.equal(binAt(overview.window, 5), 15);
    } finally {
      store.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the server’s filter: [timeFrom, timeTo) unless timeToIncluded', async () => {
    const { index, rows } = await (async () => {
      const store = new TraceStore(inProcessLoader);
      const opened = await store.open({ path: join(KERNEL_TRACES, 'kprobe/efault.trace.txt') });
      assert.ok(opened.ok);
      const index = store.index(opened.trace.traceId)!;
      return { index, rows: index.calls({}, 0, 1000).calls };
    })();
    const pick = (filter: Parameters<typeof index.calls>[0]) => index.calls(filter, 0, 1000).calls.map((r) => r.index);
    const [a, b] = [rows[4]!.ts!, rows[7]!.ts!];
    assert.deepEqual(pick({ timeFrom: a, timeTo: b }), rows.filter((r) => r.ts! >= a && r.ts! < b).map((r) => r.index));
    assert.deepEqual(pick({ timeFrom: a, timeTo: b, timeToIncluded: true }), rows.filter((r) => r.ts! >= a && r.ts! <= b).map((r) => r.index));
    assert.ok(pick({ timeFrom: a, timeTo: b, timeToIncluded: true }).includes(rows[7]!.index));
    assert.ok(!pick({ timeFrom: a, timeTo: b }).includes(rows[7]!.index));
  });
});

describe('client: the Traces view’s filter text', () => {
  it('parses every term and prints back the same text', () => {
    const text = 'verdict:mismatch,incomplete anomaly:any pid:4711 comm:fio size:4096-65536';
    const parsed = parseTraceFilter(text);
    assert.ok('filter' in parsed);
    assert.deepEqual(parsed.filter, { verdicts: ['mismatch', 'incomplete'], anomaly: 'any', pid: 4711, comm: 'fio', bytesMin: 4096, bytesMax: 65536 });
    assert.equal(describeTraceFilter(parsed.filter), text);
    assert.deepEqual(parseTraceFilter('size:12288'), { filter: { bytesMin: 12288, bytesMax: 12288 } });
    assert.deepEqual(parseTraceFilter('  '), { filter: {} });
    assert.equal(describeTraceFilter({}), 'none');
  });

  it('says what is wrong with a term instead of guessing', () => {
    assert.deepEqual(parseTraceFilter('verdict:maybe'), { error: 'verdict "maybe" is not one of match, mismatch, incomplete' });
    assert.deepEqual(parseTraceFilter('pid:abc'), { error: 'pid "abc" is not a number' });
    assert.deepEqual(parseTraceFilter('4711'), { error: '"4711" is not a filter term (verdict:, anomaly:, pid:, comm:, size:)' });
    assert.deepEqual(parseTraceFilter('size:-'), { error: 'size "-" is not MIN-MAX, MIN-, -MAX or N (bytes)' });
  });
});
