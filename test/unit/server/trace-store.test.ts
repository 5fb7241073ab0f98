// The server's store of loaded traces keeps summaries, not replays: what it
// gives back for a call must be what replaying the trace gives.
import assert from 'node:assert/strict';
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
});
