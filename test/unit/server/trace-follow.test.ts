// Following a growing trace file (node/trace-follow.ts), in this thread: the
// index it sends on in deltas, put together (GrowingColumns), is the index a
// load of the finished file builds; and it says when it is not (a quiet-time
// flush handed a call out before its unpins came), so the server reads it again.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceFollower } from '../../../extension/node/trace-follow';
import { loadTraceIndex } from '../../../extension/node/trace-index-load';
import { GrowingColumns, type IndexColumns } from '../../../extension/trace/index-columns';
import { fixtureText } from '../../support/fixtures';

const RECORDED = fixtureText('recorded/dd-kprobe.trace');

/** The columns as plain arrays (a view and a cut copy compare equal). */
function plain(c: IndexColumns): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) out[k] = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
  return out;
}

describe('server: following a trace file as it grows', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'pinscope-follow-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Appends the text in pieces ending at `cuts`, flushing after each when `quiet`; the columns put together and the end. */
  async function follow(name: string, cuts: number[], quiet: boolean) {
    const path = join(dir, name);
    writeFileSync(path, '');
    const follower = await TraceFollower.open({ path, kernel: null, variant: 'auto', format: 'kprobe' });
    const grown = new GrowingColumns();
    const counts: number[] = [];
    let written = 0;
    try {
      for (const cut of [...cuts, RECORDED.length]) {
        appendFileSync(path, RECORDED.slice(written, cut));
        written = cut;
        await follower.read();
        if (quiet) follower.flushReturned();
        const update = follower.update();
        if (update) grown.apply(update.delta);
        counts.push(grown.view().count);
      }
      const end = follower.end();
      grown.apply(end.update.delta);
      return { path, columns: grown.view(), end, counts };
    } finally {
      await follower.close();
    }
  }

  it('pieces cut mid-line, each followed by a quiet spell that hands out no call early: the same columns as the finished file loaded, and it says so', async () => {
    // Cuts inside each entry line after the first: the call before is complete (unpins included) when the file goes quiet.
    const entries = [...RECORDED.matchAll(/xui_entry: /g)].map((m) => m.index!).slice(1);
    const { path, columns, end, counts } = await follow('exact.trace', entries, true);
    assert.equal(end.exact, true);
    assert.deepEqual(counts, [1, 2, 3, 4, 5, 6]);
    const loaded = await loadTraceIndex({ path, kernel: null, variant: 'auto', format: 'kprobe' });
    assert.deepEqual(plain(columns), plain(loaded.columns));
    assert.equal(end.summary.calls, 6);
    assert.deepEqual(end.update.state.decision, loaded.decision);
  });

  it('a quiet spell between a call\'s return and its unpins: the call shows at once, and the follower says a fresh reading could differ', async () => {
    const firstUnpin = RECORDED.indexOf('unpin_page:');
    const { columns, end, counts } = await follow('late.trace', [firstUnpin], true);
    assert.equal(counts[0], 1, 'the returned call is handed out while the file is quiet');
    assert.equal(end.exact, false);
    assert.equal(columns.count, 6);
  });

  it('without quiet spells (a busy stream) a call waits for its task\'s next one, and the result is exact', async () => {
    const firstUnpin = RECORDED.indexOf('unpin_page:');
    const { path, columns, end, counts } = await follow('busy.trace', [firstUnpin], false);
    assert.equal(counts[0], 0);
    assert.equal(end.exact, true);
    const loaded = await loadTraceIndex({ path, kernel: null, variant: 'auto', format: 'kprobe' });
    assert.deepEqual(plain(columns), plain(loaded.columns));
  });
});
