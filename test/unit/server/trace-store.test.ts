// The server's store of loaded traces keeps summaries, not replays: what it
// gives back for a call must be what replaying the trace gives.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceFile } from '../../../extension/node/trace-file';
import { TraceStore } from '../../../extension/server/trace-store';
import { observedForView, replayTraceCall, traceRecords, type TraceCallResult } from '../../../extension/trace';
import { REPO_ROOT } from '../../support/fixtures';
import { SHARED_DATA } from '../../support/shared-data';

async function loadBoth(path: string, variant: 'v0' | 'v3'): Promise<{ store: TraceStore; traceId: number; direct: TraceCallResult[] }> {
  const store = new TraceStore();
  const loaded = await store.load({ path, variant } as never, {});
  assert.ok(loaded.ok);
  const direct: TraceCallResult[] = [];
  await readTraceFile(path, { onCall: (c) => direct.push(replayTraceCall(c, '6.12', variant)) });
  assert.equal(loaded.calls.length, direct.length);
  return { store, traceId: loaded.traceId, direct };
}

describe('server: the store of loaded traces', () => {
  for (const [name, path] of [
    ['the bundled sample', join(REPO_ROOT, 'samples/traces/direct-io.trace')],
    ['a real kprobe trace of shared/data', join(SHARED_DATA, 'kprobe/efault.trace.txt')],
    ['a real trace.dat, read without trace-cmd', join(SHARED_DATA, 'tracecmd/efault.trace.dat')],
  ] as const) {
    it(`${name}: each call's replay, recomputed on demand, is the one the trace gave (v3 and v0)`, async function () {
      for (const variant of ['v3', 'v0'] as const) {
        const { store, traceId, direct } = await loadBoth(path, variant);
        const records = traceRecords(direct);
        direct.forEach((want, index) => {
          const got = store.call(traceId, index);
          assert.ok(got);
          assert.deepEqual(got.predicted, want.predicted, `call ${index} (${variant})`);
          assert.deepEqual(got.observed, observedForView(want, records));
          assert.equal(got.summary.verdict, want.verdict);
        });
      }
    });
  }

  it('variant auto: a trace of a v0 kernel (no release recorded) is decided by its calls, and every summary is v0\'s', async () => {
    // The real efault trace as a pre-fix kernel ends it: a failed first extraction returns 0, not -14.
    const lines = readFileSync(join(SHARED_DATA, 'kprobe/efault.trace.txt'), 'utf8').split('\n');
    const exit = lines.findIndex((l) => l.includes('xui_exit') && l.includes(' ret=-14 '));
    const v0 = lines.map((l) => (l.includes('xui_exit') ? l.replace(' ret=-14 ', ' ret=0 ') : l));
    const path = join(mkdtempSync(join(tmpdir(), 'pinscope-store-')), 'v0.trace');
    writeFileSync(path, v0.join('\n'));
    const loaded = await new TraceStore().load({ path }, {});
    assert.ok(loaded.ok);
    assert.equal(loaded.kernelRelease, null);
    assert.equal(loaded.variant.by, 'behaviour');
    assert.deepEqual([loaded.variant.variant, loaded.variant.contradiction], ['v0', null]);
    assert.equal(loaded.variant.lines[0], exit - 2, 'the first deciding call opens three lines before its return (lines count from 1)');
    // Every summary comes from one variant, the one decided.
    const direct: TraceCallResult[] = [];
    await readTraceFile(path, { onCall: (c) => direct.push(replayTraceCall(c, '6.12', loaded.variant.variant)) });
    assert.deepEqual(loaded.calls.map((c) => c.verdict), direct.map((c) => c.verdict));
    assert.ok(loaded.calls.every((c) => c.verdict === 'match'), 'a v0 kernel doing what v0 does');
  });
});
