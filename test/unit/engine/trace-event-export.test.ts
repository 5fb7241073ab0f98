import assert from 'node:assert/strict';
import { EXAMPLE_E1, normaliseCall, replayCall, toChromeTraceEvents } from '../../../extension/engine';

describe('engine: Chrome trace-event export', () => {
  it('one complete event per step, in order, with the state after it; anomalies as instants', () => {
    const result = replayCall(normaliseCall({ ...EXAMPLE_E1, unmapped: [{ addr: '0x7f0000003000', len: 1 }] }));
    const { traceEvents } = toChromeTraceEvents(result, 'E4');
    const steps = traceEvents.filter((e) => e.ph === 'X');
    assert.equal(steps.length, result.steps.length);
    assert.deepEqual(steps.map((e) => e.ts), result.steps.map((_, i) => i * 10));
    assert.equal(steps[2]!.args.npages, result.steps[2]!.state.npages);
    assert.deepEqual(traceEvents.filter((e) => e.ph === 'i').map((e) => e.name), ['short-extraction', 'partial-pin']);
    assert.deepEqual(JSON.parse(JSON.stringify(traceEvents)), traceEvents);
  });
});
