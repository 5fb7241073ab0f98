// What the replay view shows of a traced call's observation. A trace either
// has a probe on pin_user_pages_fast / unpin_user_page or not; a call with no
// such event in a trace that never records them is "not recorded", not 0.
import type { ObservedViewDto } from '../protocol/webview';
import type { TraceCallResult } from './verdict';

export interface TraceRecords {
  /** Some call in the trace has pin rounds with their arguments and return. */
  readonly pinRounds: boolean;
  /** Some call in the trace has unpin_user_page events. */
  readonly unpins: boolean;
}

export function traceRecords(calls: readonly TraceCallResult[]): TraceRecords {
  return {
    pinRounds: calls.some((c) => c.observed.pinRounds.length > 0),
    unpins: calls.some((c) => c.observed.unpins > 0),
  };
}

export function observedForView(call: TraceCallResult, records: TraceRecords): Omit<ObservedViewDto, 'missing'> {
  const o = call.observed;
  return {
    ret: o.ret,
    bytes: o.bytes,
    pinned: records.pinRounds ? o.pinRounds.reduce((sum, r) => sum + Math.max(0, r.ret), 0) : null,
    unpins: records.unpins ? o.unpins : null,
    bvecs: o.bvecs,
    pinRounds: o.pinRounds,
    differences: call.differences,
  };
}
