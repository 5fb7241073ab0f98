// A traced call's one-line summary as the views list it (the store's call detail).
import { describeCall } from '../engine';
import type { TraceCallSummaryDto } from '../protocol/lsp';
import type { TraceCallResult } from '../trace';

export function summarise(index: number, c: TraceCallResult): TraceCallSummaryDto {
  return {
    index,
    pid: c.pid,
    comm: c.comm,
    line: c.line,
    verdict: c.verdict,
    input: c.input ? describeCall(c.input) : null,
    observedRet: c.observed.ret,
    predictedRet: c.predicted?.ret ?? null,
    anomalies: c.predicted?.anomalies.map((a) => a.kind) ?? [],
    missing: c.missing,
    differences: c.differences,
    caller: c.observed.caller,
  };
}
