// A trace file into its compact index (columns, no object per call), and one
// call read again from the file by its byte offsets and replayed: the same
// reader, reconstructor and engine as the load, so the same result.
import type { VariantId } from '../protocol/dto';
import { replayTraceCall, TraceError, type RawCall, type TraceCallResult, type TraceFormat } from '../trace';
import { IndexBuilder, type IndexColumns } from '../trace/index-columns';
import type { TraceIndex } from '../trace/trace-index';
import { newReader, readRange, readTraceFile, type ReadTraceResult } from './trace-file';

export interface IndexLoadOptions {
  readonly path: string;
  readonly kernel: string;
  readonly variant: VariantId | 'auto';
  readonly format: TraceFormat | 'auto';
  /** Where a gzip file or trace.dat is decompressed to, to be read again later. */
  readonly copyTo?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { bytes: number; total: number; lines: number; calls: number }) => void;
  /** Each call as it is replayed (the CLI's table), before it is let go. */
  readonly onCall?: (result: TraceCallResult, raw: RawCall) => void;
  /** Replay only calls whose index % of === part (another reader replays the rest; see mergeColumns). */
  readonly share?: { readonly part: number; readonly of: number };
}

export interface IndexLoadResult {
  readonly columns: IndexColumns;
  readonly summary: ReadTraceResult;
}

export async function loadTraceIndex(options: IndexLoadOptions): Promise<IndexLoadResult> {
  const builder = new IndexBuilder();
  const share = options.share && options.share.of > 1 ? options.share : null;
  const summary = await readTraceFile(options.path, {
    format: options.format,
    ...(options.copyTo ? { copyTo: options.copyTo } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onCall: (raw) => {
      if (share && raw.index % share.of !== share.part) return builder.add(raw, null);
      const result = replayTraceCall(raw, options.kernel, options.variant);
      builder.add(raw, result);
      options.onCall?.(result, raw);
    },
    // Late lines are counted once (by the first part).
    onLate: (event) => (share?.part ?? 0) === 0 && builder.late(event),
    onProgress: (bytes, total, lines) => options.onProgress?.({ bytes, total, lines, calls: builder.calls }),
  });
  return { columns: builder.finish(), summary };
}

/** What reading a call again needs to know about its trace. */
export interface Reread {
  /** The file the offsets point into (the trace, or its decompressed copy). */
  readonly path: string;
  readonly format: TraceFormat;
  readonly kernel: string;
  readonly variant: VariantId | 'auto';
}

/** The call `index` of the trace, read again from its lines and replayed. */
export function rereadCall(trace: Reread, index: TraceIndex, i: number): { raw: RawCall; result: TraceCallResult } {
  const span = index.span(i);
  const bytes = readRange(trace.path, span.start, span.bytes);
  let found: RawCall | null = null;
  const reader = newReader({
    format: trace.format,
    firstLine: span.line,
    firstByte: span.start,
    onCall: (raw) => {
      if (raw.line === span.callLine && found === null) found = raw;
    },
  });
  reader.push(bytes);
  reader.end();
  if (found === null) throw new TraceError(`${trace.path}: call ${i + 1} (line ${span.callLine}) is not where the index says: has the file changed since it was loaded?`);
  return { raw: found, result: replayTraceCall(found, trace.kernel, trace.variant) };
}
