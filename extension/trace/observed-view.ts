// What the replay view shows of a traced call's observation. A trace either
// has a probe on pin_user_pages_fast / unpin_user_page or not; a call with no
// such event in a trace that never records them is "not recorded", not 0.
import { pagesPinned } from '../engine/observables';
import type { ObservedViewDto } from '../protocol/webview';
import type { ObservedDto } from './decode';

/** What the view needs of a traced call: kept per call by the server for every loaded trace. */
export interface ObservedForView {
  readonly observed: Pick<ObservedDto, 'ret' | 'bytes' | 'pinRounds' | 'unpins' | 'bvecs'>;
  readonly differences: readonly string[];
}

/** Only what the view needs: the rest of a traced call's observation (arguments, graph children) is let go. */
export function forView(call: ObservedForView): ObservedForView {
  const { ret, bytes, pinRounds, unpins, bvecs } = call.observed;
  return { observed: { ret, bytes, pinRounds, unpins, bvecs }, differences: call.differences };
}

export interface TraceRecords {
  /** Some call in the trace has pin rounds with their arguments and return. */
  readonly pinRounds: boolean;
  /** Some call in the trace has unpin_user_page events. */
  readonly unpins: boolean;
}

export function traceRecords(calls: readonly ObservedForView[]): TraceRecords {
  return {
    pinRounds: calls.some((c) => c.observed.pinRounds.length > 0),
    unpins: calls.some((c) => c.observed.unpins > 0),
  };
}

export function observedForView(call: ObservedForView, records: TraceRecords): Omit<ObservedViewDto, 'missing'> {
  const o = call.observed;
  return {
    ret: o.ret,
    bytes: o.bytes,
    pinned: records.pinRounds ? pagesPinned(o.pinRounds) : null,
    unpins: records.unpins ? o.unpins : null,
    bvecs: o.bvecs,
    pinRounds: o.pinRounds,
    differences: call.differences,
  };
}
