// A trace file into its compact index (columns, no object per call), and one
// call read again from the file by its byte offsets and replayed: the same
// reader, reconstructor and engine as the load, so the same result.
import type { VariantId } from '../protocol/dto';
import type { VariantDecisionDto } from '../protocol/trace-calls';
import { replayTrace, replayTraceCall, TraceError, type RawCall, type TraceCallResult, type TraceFormat } from '../trace';
import { IndexBuilder, type IndexColumns } from '../trace/index-columns';
import type { TraceIndex } from '../trace/trace-index';
import { newReader, readRange, readTraceFile, type DatCallReader, type ReadTraceResult } from './trace-file';
import { readInPieces, type ParallelOptions } from './trace-pieces';

export interface IndexLoadOptions {
  readonly path: string;
  /** null: the trace's release decides (else 6.12). */
  readonly kernel: string | null;
  /** 'auto': the trace's release, else its calls decide (the file is then read twice when they chose another than the newest). */
  readonly variant: VariantId | 'auto';
  readonly format: TraceFormat | 'auto';
  /** Where a gzip file or trace.dat is decompressed to, to be read again later. */
  readonly copyTo?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { bytes: number; total: number; lines: number; calls: number }) => void;
  /** Overrides RELEASE_LINES (tests). */
  readonly releaseLines?: number;
  /** A plain text file big enough is read in pieces, one per core (trace-pieces.ts): the same index. */
  readonly parallel?: ParallelOptions;
}

export interface IndexLoadResult {
  readonly columns: IndexColumns;
  readonly summary: ReadTraceResult;
  readonly decision: VariantDecisionDto;
  /** The kernel version the calls were decoded with. */
  readonly kernel: string;
  /** How many pieces the file was read in (1: whole), and of them how many were kept (a piece that read past the next one's range makes that one's reading unused). */
  readonly pieces: { readonly read: number; readonly kept: number };
}

export async function loadTraceIndex(options: IndexLoadOptions): Promise<IndexLoadResult> {
  if (options.parallel) {
    const inPieces = await loadInPieces(options, options.parallel);
    if (inPieces) return inPieces;
  }
  let builder = new IndexBuilder();
  const outcome = await replayTrace({ variant: options.variant, kernel: options.kernel }, (replay) => {
    // A second reading (the calls chose another variant) starts afresh.
    builder = new IndexBuilder();
    return readTraceFile(options.path, {
      format: options.format,
      ...(options.copyTo ? { copyTo: options.copyTo } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      datCheckpoints: true,
      ...(options.releaseLines !== undefined ? { reconstruct: { releaseLines: options.releaseLines } } : {}),
      onCall: (raw, trace) => builder.add(raw, replay(raw, trace)),
      onLate: (event) => builder.late(event),
      onProgress: (bytes, total, lines) => options.onProgress?.({ bytes, total, lines, calls: builder.calls }),
    });
  });
  return { columns: builder.finish(), summary: outcome.summary, decision: outcome.decision, kernel: outcome.kernel, pieces: { read: 1, kept: 1 } };
}

/** The index read in pieces, as loadTraceIndex reads it whole (a second reading when the calls chose another variant); null: read it whole. */
async function loadInPieces(options: IndexLoadOptions, parallel: ParallelOptions): Promise<IndexLoadResult | null> {
  const read = {
    path: options.path,
    format: options.format,
    kernel: options.kernel,
    variant: options.variant,
    ...(options.releaseLines !== undefined ? { releaseLines: options.releaseLines } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  let result = await readInPieces(read, parallel, null);
  if (!result) return null;
  const decision = result.inference.decision();
  if (decision.variant !== result.variant) {
    result = await readInPieces(read, parallel, decision.variant);
    if (!result) throw new Error('a trace read in pieces could not be read in pieces again');
  }
  const { columns, format, lines, bytes, calls, skipped, lost, late, kernelRelease, arch, kernel, pieces } = result;
  return { columns, summary: { format, lines, bytes, calls, skipped, lost, late, kernelRelease, arch, copied: false, byRecord: false }, decision, kernel, pieces };
}

/** What reading a call again needs to know about its trace. */
export interface Reread {
  /** The file the offsets point into (the trace, or its decompressed copy). */
  readonly path: string;
  /** A trace.dat read natively: a call is found again by its record numbers, reading them natively from the checkpoint before them. */
  readonly byRecord: boolean;
  /** With byRecord: the reader of its records (the load's checkpoints, the metadata once read). */
  readonly dat: DatCallReader | null;
  readonly format: TraceFormat;
  /** As the load decided them: the same replay. */
  readonly kernel: string;
  readonly variant: VariantId;
}

/** The call `index` of the trace, read again (its lines by byte offset, or a trace.dat's records natively from a checkpoint) and replayed. */
export async function rereadCall(trace: Reread, index: TraceIndex, i: number): Promise<{ raw: RawCall; result: TraceCallResult }> {
  const raw = await rereadRaw(trace, index, i);
  return { raw, result: replayTraceCall(raw, trace.kernel, trace.variant) };
}

/** The call `index` of the trace, read again but not replayed (its lines are all a caller wants). */
export async function rereadRaw(trace: Reread, index: TraceIndex, i: number): Promise<RawCall> {
  const span = index.span(i);
  let found: RawCall | null = null;
  if (trace.byRecord) {
    if (!trace.dat) throw new TraceError(`${trace.path}: a trace.dat loaded without checkpoints: its calls cannot be read again`);
    // The span's records of the call's own task: a trace.dat's records always name their pid.
    const pid = index.c.taskPid[index.c.task[i]!]!;
    const calls = await trace.dat.calls({ from: span.line, to: span.lastLine, pid: pid >= 0 ? pid : null });
    found = calls.find((c) => c.line === span.callLine) ?? null;
  } else {
    const reader = newReader({
      format: trace.format,
      firstLine: span.line,
      firstByte: span.start,
      onCall: (raw) => {
        if (raw.line === span.callLine && found === null) found = raw;
      },
    });
    reader.push(readRange(trace.path, span.start, span.bytes));
    reader.end();
  }
  const where = trace.byRecord ? 'record' : 'line';
  if (found === null) throw new TraceError(`${trace.path}: call ${i + 1} (${where} ${span.callLine}) is not where the index says: has the file changed since it was loaded?`);
  return found;
}
