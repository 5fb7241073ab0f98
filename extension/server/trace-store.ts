// Traces loaded in this session: each call's replay kept on the server, the
// editor asks for the one it shows.
import { readTraceFile } from '../node/trace-file';
import type { TraceCallDetailDto, TraceCallSummaryDto, TraceLoadParams, TraceLoadResult } from '../protocol/lsp';
import type { VariantId } from '../protocol/dto';
import { observedForView, replayTraceCall, TraceError, traceRecords, type TraceCallResult, type TraceFormat, type TraceRecords } from '../trace';

function summarise(index: number, c: TraceCallResult): TraceCallSummaryDto {
  return {
    index,
    pid: c.pid,
    comm: c.comm,
    line: c.line,
    verdict: c.verdict,
    input: c.input ? `${c.input.iter.toUpperCase()} ${c.input.dir} ${c.input.len}` : null,
    observedRet: c.observed.ret,
    predictedRet: c.predicted?.ret ?? null,
    anomalies: c.predicted?.anomalies.map((a) => a.kind) ?? [],
    missing: c.missing,
    differences: c.differences,
    caller: c.observed.caller,
  };
}

export class TraceStore {
  private readonly traces = new Map<number, TraceCallResult[]>();
  /** Which probes each trace has, to tell "not recorded" from 0. */
  private readonly records = new Map<number, TraceRecords>();
  private next = 1;

  async load(params: TraceLoadParams, options: { signal?: AbortSignal; onProgress?: (read: number, total: number) => void }): Promise<TraceLoadResult> {
    const kernel = params.kernel ?? '6.12';
    const variant = (params.variant ?? 'auto') as VariantId | 'auto';
    const calls: TraceCallResult[] = [];
    try {
      const summary = await readTraceFile(params.path, {
        format: (params.format ?? 'auto') as TraceFormat | 'auto',
        onCall: (call) => calls.push(replayTraceCall(call, kernel, variant)),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      const traceId = this.next++;
      this.traces.set(traceId, calls);
      this.records.set(traceId, traceRecords(calls));
      return {
        ok: true,
        traceId,
        path: params.path,
        format: summary.format,
        lines: summary.lines,
        calls: calls.map((c, i) => summarise(i, c)),
        skipped: { lines: summary.skipped.lines, examples: summary.skipped.examples },
        lost: summary.lost.reduce((n, l) => n + l.count, 0),
      };
    } catch (error) {
      if (error instanceof TraceError) return { ok: false, error: error.message };
      throw error;
    }
  }

  /** Calls in every loaded trace made from `caller`, and the anomalies among them. */
  callsFrom(caller: string): { calls: number; anomalies: Map<string, number> } {
    let calls = 0;
    const anomalies = new Map<string, number>();
    for (const trace of this.traces.values()) {
      for (const c of trace) {
        if (c.observed.caller !== caller) continue;
        calls++;
        for (const a of c.predicted?.anomalies ?? []) if (a.kind !== 'partial-pin') anomalies.set(a.kind, (anomalies.get(a.kind) ?? 0) + 1);
      }
    }
    return { calls, anomalies };
  }

  call(traceId: number, index: number): TraceCallDetailDto | null {
    const c = this.traces.get(traceId)?.[index];
    if (!c) return null;
    const records = this.records.get(traceId) ?? { pinRounds: false, unpins: false };
    return { summary: summarise(index, c), predicted: c.predicted, observed: observedForView(c, records) };
  }
}
