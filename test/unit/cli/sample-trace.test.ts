// The bundled sample trace stays what the README and the demo say it is.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readTraceFile } from '../../../extension/node/trace-file';
import { replayTraceCall, type TraceCallResult } from '../../../extension/trace';
import { REPO_ROOT } from '../../support/fixtures';

async function replay(variant: 'v0' | 'v3'): Promise<TraceCallResult[]> {
  const out: TraceCallResult[] = [];
  await readTraceFile(join(REPO_ROOT, 'samples/traces/direct-io.trace'), { onCall: (c) => out.push(replayTraceCall(c, '6.12', variant)) });
  return out;
}

describe('samples: the bundled trace', () => {
  it('replays to four matches as v3', async () => {
    assert.deepEqual((await replay('v3')).map((c) => [c.line, c.verdict]), [[7, 'match'], [15, 'match'], [23, 'match'], [27, 'match']]);
  });

  it('as v0 the EFAULT call mismatches: v0 would have returned 0', async () => {
    const v0 = await replay('v0');
    assert.deepEqual(v0.map((c) => c.verdict), ['match', 'match', 'mismatch', 'match']);
    assert.match(v0[2]!.differences[0]!, /return: kernel -14, model 0/);
  });
});
