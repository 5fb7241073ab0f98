// A plain text trace's index built in pieces, one per core (each in its own
// worker thread on the server), merged into exactly the index one reading
// gives (trace/trace-piece.ts says how a piece reads past its range,
// trace/index-merge.ts how the pieces are put together). Gzip files,
// trace.dat, function_graph text and small files are read whole.
import { open, type FileReadResult } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { VariantId } from '../protocol/dto';
import { replayTraceCall, TraceError, type TraceFacts, type TraceFormat, type TraceSummary } from '../trace';
import { IndexBuilder, columnBuffers, type IndexColumns } from '../trace/index-columns';
import { mergePieces, type PieceIndex } from '../trace/index-merge';
import { TracePiece, type PieceEnd } from '../trace/trace-piece';
import { TRACE_DAT_MAGIC } from '../trace/tracedat';
import { decodingKernel } from '../trace/trace-replay';
import type { CallEvidence } from '../trace/variant-inference';
import { VariantInference } from '../trace/variant-inference';
import { bufferText, GZIP, newReader, startsWith } from './trace-file';
import { runWorkerJob, type WorkerJobMessage } from './worker-task';

/** What one piece reads (plain data: it goes to a worker). */
export interface PieceSpec {
  readonly path: string;
  /** The first piece: as asked; the others: the format detected. */
  readonly format: TraceFormat | 'auto';
  /** null for the first piece. */
  readonly facts: TraceFacts | null;
  readonly start: number;
  readonly boundaries: readonly number[];
  /** The kernel to decode with and the variant to replay with. */
  readonly kernel: string;
  readonly variant: VariantId;
  readonly skippedExamples?: number;
  readonly releaseLines?: number;
}

export interface PieceProgress {
  readonly bytes: number;
  readonly lines: number;
  readonly calls: number;
}

/** Reads a piece: in this thread (tests, the CLI) or in a worker. */
export type PieceRunner = (spec: PieceSpec, onProgress: (progress: PieceProgress) => void, signal?: AbortSignal) => Promise<PieceIndex>;

export interface ParallelOptions {
  /** How many pieces (the cores to use); fewer than 2: read whole. */
  readonly pieces: number;
  /** Files smaller than this are read whole. */
  readonly minBytes: number;
  readonly run: PieceRunner;
  /** How the first piece is read (default: `run`): in this thread, the thread that waits for the others has work too. */
  readonly runFirst?: PieceRunner;
  /** The pieces start at these bytes (rounded on to a line's start) instead of equal shares (tests). */
  readonly at?: readonly number[];
}

const CHUNK_BYTES = 1 << 20;
/** Past its range a piece reads only until its carried tasks settle: smaller chunks, less read for nothing. */
const OVERRUN_CHUNK_BYTES = 64 << 10;
/** How far into the file the format and the trace's facts must be known; else it is read whole. */
const HEAD_BYTES = 4 << 20;

/** Reads one piece of the file, replaying the calls it owns. */
export async function readPiece(spec: PieceSpec, onProgress: (progress: PieceProgress) => void = () => undefined, signal?: AbortSignal): Promise<PieceIndex> {
  const builder = new IndexBuilder();
  let evidence = new Uint16Array(1024);
  const rules: CallEvidence[] = [];
  const ruleIds = new Map<string, number>();
  const piece = new TracePiece({
    ...bufferText,
    format: spec.format,
    facts: spec.facts,
    start: spec.start,
    boundaries: spec.boundaries,
    ...(spec.skippedExamples !== undefined ? { skippedExamples: spec.skippedExamples } : {}),
    ...(spec.releaseLines !== undefined ? { releaseLines: spec.releaseLines } : {}),
    onCall: (call, _facts, row) => {
      const result = replayTraceCall(call, spec.kernel, spec.variant);
      builder.add(call, result, row);
      if (row >= evidence.length) {
        const grown = new Uint16Array(Math.max(row + 1, evidence.length * 2));
        grown.set(evidence);
        evidence = grown;
      }
      const e = result.evidence;
      if (!e) return;
      let id = ruleIds.get(e.rule);
      if (id === undefined) {
        rules.push(e);
        id = rules.length;
        ruleIds.set(e.rule, id);
      }
      evidence[row] = id;
    },
    onLate: (event) => builder.late(event),
  });
  await feedPiece(piece, spec.path, spec.start, (bytes) => onProgress({ bytes, lines: piece.lines, calls: builder.calls }), signal);
  const end: PieceEnd = piece.end();
  const columns: IndexColumns = builder.finishAsAdded();
  return { columns, evidence: evidence.slice(0, columns.count), rules, end };
}

/**
 * Pushes the file to `piece` from `start` until it is done (its range read
 * and its carried tasks settled) or sees function_graph nesting; `onChunk`
 * gets the bytes read so far. Inside the piece's range the next chunk is read
 * while the piece scans this one, into the other of two buffers (as a whole
 * file is read, trace-file.ts plainChunks): waiting for each read in turn
 * left a piece idle for a third of its time.
 */
export async function feedPiece(piece: TracePiece, path: string, start: number, onChunk: (bytes: number) => void = () => undefined, signal?: AbortSignal): Promise<void> {
  const file = await open(path, 'r');
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  let turn = 0;
  let pos = start;
  let ahead: Promise<FileReadResult<Buffer>> | null = null;
  try {
    while (!piece.done && !piece.nesting) {
      if (signal?.aborted) throw new TraceError('cancelled');
      const reading: Promise<FileReadResult<Buffer>> = ahead ?? file.read(buffers[turn]!, 0, Math.min(piece.overrunning ? OVERRUN_CHUNK_BYTES : CHUNK_BYTES, piece.room), pos);
      ahead = null;
      const { bytesRead } = await reading;
      if (bytesRead === 0) break;
      const chunk = buffers[turn]!.subarray(0, bytesRead);
      pos += bytesRead;
      turn ^= 1;
      // Read ahead only inside the range: past it the piece says after each chunk how much more it needs.
      const next: number = piece.overrunning ? 0 : Math.min(CHUNK_BYTES, piece.room - bytesRead);
      if (next > 0) ahead = file.read(buffers[turn]!, 0, next, pos);
      piece.push(chunk);
      onChunk(pos - start);
    }
  } finally {
    // Stopped early (done, cancelled, bad input) with a read in flight: let it finish first.
    await ahead?.catch(() => undefined);
    await file.close();
  }
}

/** The typed arrays of a piece's reading, for a worker's transfer list. */
export function pieceBuffers(piece: PieceIndex): ArrayBuffer[] {
  const e = piece.end;
  return [...columnBuffers(piece.columns), piece.evidence.buffer as ArrayBuffer, ...[e.ranks, e.drop, e.dropUnpins, e.unpinRanks].map((a) => a.buffer as ArrayBuffer)];
}

/** Pieces read in this thread, one after the other. */
export const inThreadPieces: PieceRunner = (spec, onProgress, signal) => readPiece(spec, onProgress, signal);

/**
 * How a load reads big plain text traces: from 32 MiB on in pieces, one per
 * core (at most 4), the first in this thread, the others each in a worker
 * thread running `script` (dist/trace-worker.js). PINSCOPE_TRACE_PIECES and
 * PINSCOPE_PIECES_MIN_BYTES override both numbers (tests, benches).
 */
export function piecesOnEveryCore(script: string): ParallelOptions {
  return {
    pieces: Number(process.env.PINSCOPE_TRACE_PIECES ?? Math.min(availableParallelism(), 4)),
    minBytes: Number(process.env.PINSCOPE_PIECES_MIN_BYTES ?? 32 << 20),
    run: workerPieces(script),
    runFirst: inThreadPieces,
  };
}

/** Messages from a piece's worker (trace-worker.ts run with `{ piece }`). */
export type PieceMessage = WorkerJobMessage<PieceProgress, { readonly type: 'done'; readonly piece: PieceIndex }>;

/** Pieces read each in a worker thread running `script` (dist/trace-worker.js); Cancel ends them. */
export function workerPieces(script: string): PieceRunner {
  return (spec, onProgress, signal) =>
    runWorkerJob(script, { piece: spec }, { what: "a trace piece's reader", ...(signal ? { signal } : {}), onProgress, answer: (done: { readonly type: 'done'; readonly piece: PieceIndex }) => done.piece });
}

export interface ParallelRead {
  readonly path: string;
  readonly format: TraceFormat | 'auto';
  readonly kernel: string | null;
  readonly variant: VariantId | 'auto';
  readonly skippedExamples?: number;
  /** Overrides RELEASE_LINES (tests). */
  readonly releaseLines?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { bytes: number; total: number; lines: number; calls: number }) => void;
}

/**
 * The format, the facts, where the format is known (detectEnd: a reader
 * given 'auto' has detected it by then) and where the top ends (topEnd: the
 * facts are known), when the file is plain text worth splitting; else null
 * (read it whole).
 */
async function splittable(
  path: string,
  format: TraceFormat | 'auto',
): Promise<{ size: number; format: TraceFormat; facts: TraceFacts; detectEnd: number; topEnd: number } | null> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const head = Buffer.allocUnsafe(Math.min(size, HEAD_BYTES));
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    if (startsWith(bytes, GZIP) || startsWith(bytes, TRACE_DAT_MAGIC)) return null;
    // The reader a whole read would use, fed line by line until it knows the format (the whole file, when it is in the head).
    const known = (reader: ReturnType<typeof newReader>): number | null => {
      for (let pos = 0; pos < bytes.length; ) {
        const nl = bytes.indexOf(10, pos);
        if (nl < 0) break;
        reader.push(bytes.subarray(pos, nl + 1));
        pos = nl + 1;
        if (reader.known) return pos;
      }
      return null;
    };
    try {
      const detecting = newReader({ format, onCall: () => undefined });
      let detectEnd = known(detecting);
      let detected = detecting.known?.format ?? null;
      if (detectEnd === null) {
        if (bytesRead < size) return null;
        detected = detecting.end().format;
        detectEnd = size;
      }
      // function_graph text nests across lines: its parser's state at a piece's start is not known there.
      if (detected === 'fgraph') return null;
      const top = newReader({ format: detected!, onCall: () => undefined });
      const topEnd = known(top);
      if (topEnd === null) return null;
      return { size, format: detected!, facts: top.known!.facts, detectEnd, topEnd };
    } catch {
      // Not a trace (or binary): a whole read says why.
      return null;
    }
  } finally {
    await file.close();
  }
}

/** Line starts at or after each of `at` (ascending, past `from`, before `size`, no two the same). */
export async function lineStarts(path: string, at: readonly number[], from: number, size: number): Promise<number[]> {
  const file = await open(path, 'r');
  const out: number[] = [];
  try {
    const buffer = Buffer.allocUnsafe(64 << 10);
    for (const target of at) {
      let pos = Math.max(target, from, (out[out.length - 1] ?? 0) + 1);
      // The byte before `pos` must be a newline: look for the first one at or after pos - 1.
      let found = -1;
      for (let scan = pos - 1; scan < size && found < 0; scan += buffer.length) {
        const { bytesRead } = await file.read(buffer, 0, buffer.length, scan);
        if (bytesRead === 0) break;
        const nl = buffer.subarray(0, bytesRead).indexOf(10);
        if (nl >= 0) found = scan + nl + 1;
      }
      pos = found;
      if (pos < 0 || pos >= size) break;
      if (pos > (out[out.length - 1] ?? from - 1)) out.push(pos);
    }
  } finally {
    await file.close();
  }
  return out;
}

export interface ParallelResult extends TraceSummary {
  readonly columns: IndexColumns;
  readonly inference: VariantInference;
  readonly kernel: string;
  readonly variant: VariantId;
  readonly pieces: { readonly read: number; readonly kept: number };
}

/**
 * Reads a plain text trace in pieces, replaying its calls with `variant`
 * (null: the one known before any call, as a streaming replay does); null
 * when the file is not one to split (read it whole).
 */
export async function readInPieces(read: ParallelRead, parallel: ParallelOptions, variant: VariantId | null): Promise<ParallelResult | null> {
  if (parallel.pieces < 2) return null;
  const top = await splittable(read.path, read.format);
  if (!top || top.size < parallel.minBytes) return null;
  const shares = parallel.at ?? Array.from({ length: parallel.pieces - 1 }, (_, i) => Math.floor((top.size * (i + 1)) / parallel.pieces));
  const boundaries = await lineStarts(read.path, shares, top.topEnd, top.size);
  if (boundaries.length === 0) return null;
  const forced = read.variant === 'auto' ? null : read.variant;
  const kernel = decodingKernel(read.kernel, top.facts.kernelRelease);
  const replayWith = variant ?? new VariantInference(forced, top.facts.kernelRelease).provisional();
  const starts = [0, ...boundaries];
  const progress: PieceProgress[] = starts.map(() => ({ bytes: 0, lines: 0, calls: 0 }));
  const report = () => {
    // Summed over the pieces (a piece's overrun is read twice: the sums can pass the file's, so they are capped).
    const sum = (f: (p: PieceProgress) => number) => progress.reduce((n, p) => n + f(p), 0);
    read.onProgress?.({ bytes: Math.min(top.size, sum((p) => p.bytes)), total: top.size, lines: sum((p) => p.lines), calls: sum((p) => p.calls) });
  };
  const controller = new AbortController();
  const stop = () => controller.abort();
  read.signal?.addEventListener('abort', stop, { once: true });
  let pieces: Array<PieceIndex | null>;
  // A piece that saw function_graph nesting ends the others: the file is read whole.
  let nested = false;
  try {
    pieces = await Promise.all(
      starts.map((start, k) =>
        (k === 0 ? (parallel.runFirst ?? parallel.run) : parallel.run)(
            {
              path: read.path,
              // The first piece detects the format as a whole read does, unless it ends before that is done.
              format: k === 0 && boundaries[0]! >= top.detectEnd ? read.format : top.format,
              facts: k === 0 ? null : top.facts,
              start,
              boundaries: boundaries.slice(k),
              kernel,
              variant: replayWith,
              ...(read.skippedExamples !== undefined ? { skippedExamples: read.skippedExamples } : {}),
              ...(read.releaseLines !== undefined ? { releaseLines: read.releaseLines } : {}),
            },
            (p) => {
              progress[k] = p;
              report();
            },
            controller.signal,
          )
          .then((piece) => {
            if (piece.end.nested) {
              nested = true;
              controller.abort();
            }
            return piece;
          })
          .catch((error: unknown) => {
            if (nested && error instanceof TraceError && error.message === 'cancelled' && !read.signal?.aborted) return null;
            // One piece failing (or Cancel) stops the others.
            controller.abort();
            throw error;
          }),
      ),
    );
  } finally {
    read.signal?.removeEventListener('abort', stop);
  }
  if (read.signal?.aborted) throw new TraceError('cancelled');
  if (nested || pieces.some((p) => p === null || p.end.nested)) return null;
  const merged = mergePieces(pieces as PieceIndex[], forced, read.skippedExamples ?? 5);
  return {
    columns: merged.columns,
    format: pieces[0]!.end.format,
    lines: merged.lines,
    bytes: top.size,
    calls: merged.columns.count,
    skipped: merged.skipped,
    lost: merged.lost,
    late: merged.late,
    kernelRelease: merged.facts.kernelRelease,
    arch: merged.facts.arch,
    inference: merged.inference,
    kernel,
    variant: replayWith,
    pieces: { read: pieces.length, kept: merged.kept },
  };
}
