// The editor's side of the overview against the real server store: the
// overview it builds from a real trace's bins adds up, and every cell,
// pin-balance bin and histogram bar the webview can click selects, through
// the server's filter, exactly the calls it counts. Also the Traces view's
// filter text.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describeTraceFilter, parseTraceFilter } from '../../../extension/client/features/trace-filter';
import { filterOf, histogramsOf, overviewOf, type Ask } from '../../../extension/client/trace-overview';
import type { RequestDescriptor, TraceBinsParams, TracePageParams } from '../../../extension/protocol/lsp';
import { inProcessLoader } from '../../../extension/server/index-loaders';
import { TraceStore } from '../../../extension/server/trace-store';
import { binRange, cellCounts } from '../../../webview/src/overview-plot';
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
