// Legacy (until the Traces view pages, issue 11): traces loaded by
// TraceLoadRequest keep each call's summary and observation as objects and
// answer all summaries at once. New code uses TraceStore (trace-store.ts).
import { summarise } from './call-summary';
import { normaliseCall, replayCall } from '../engine';
import { readTraceFile } from '../node/trace-file';
import type { TraceCallDetailDto, TraceCallSummaryDto, TraceLoadParams, TraceLoadResult } from '../protocol/lsp';
import type { CallDto, VariantId } from '../protocol/dto';
import { forView, observedForView, replayTrace, TraceError, traceRecords, type ObservedForView, type TraceCallResult, type TraceFormat, type TraceRecords } from '../trace';

/** A traced call as kept: its summary, its input and what the view shows of the observation; the replay is recomputed on demand. */
interface KeptCall {
  readonly summary: TraceCallSummaryDto;
  readonly input: CallDto | null;
  readonly seen: ObservedForView;
  readonly replayable: boolean;
}

function keep(index: number, result: TraceCallResult): KeptCall {
  return { summary: summarise(index, result), input: result.input, seen: forView(result), replayable: result.predicted !== null };
}

export class LegacyTraceStore {
  private readonly traces = new Map<number, KeptCall[]>();
  /** Which probes each trace has, to tell "not recorded" from 0. */
  private readonly records = new Map<number, TraceRecords>();
  constructor(private readonly nextId: () => number) {}

  async load(params: TraceLoadParams, options: { signal?: AbortSignal; onProgress?: (read: number, total: number) => void }): Promise<TraceLoadResult> {
    const variant = (params.variant ?? 'auto') as VariantId | 'auto';
    const calls: KeptCall[] = [];
    try {
      // Variant auto: the trace's release, else its calls, decide (a second reading when the calls chose).
      const { summary, decision } = await replayTrace({ variant, kernel: params.kernel ?? null }, (replay) => {
        calls.length = 0;
        return readTraceFile(params.path, {
          format: (params.format ?? 'auto') as TraceFormat | 'auto',
          onCall: (call, trace) => calls.push(keep(calls.length, replay(call, trace))),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        });
      });
      const traceId = this.nextId();
      this.traces.set(traceId, calls);
      this.records.set(traceId, traceRecords(calls.map((c) => c.seen)));
      return {
        ok: true,
        traceId,
        path: params.path,
        format: summary.format,
        lines: summary.lines,
        kernelRelease: summary.kernelRelease,
        variant: decision,
        calls: calls.map((c) => c.summary),
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
      for (const { summary } of trace) {
        if (summary.caller !== caller) continue;
        calls++;
        for (const kind of summary.anomalies) if (kind !== 'partial-pin') anomalies.set(kind, (anomalies.get(kind) ?? 0) + 1);
      }
    }
    return { calls, anomalies };
  }

  has(traceId: number): boolean {
    return this.traces.has(traceId);
  }

  call(traceId: number, index: number): TraceCallDetailDto | null {
    const kept = this.traces.get(traceId)?.[index];
    if (!kept) return null;
    const records = this.records.get(traceId) ?? { pinRounds: false, unpins: false };
    // The same input through the same engine: the replay the summary was made from.
    const predicted = kept.replayable && kept.input ? replayCall(normaliseCall(kept.input)) : null;
    return { summary: kept.summary, predicted, observed: observedForView(kept.seen, records) };
  }
}
