// The traces the server holds: each a compact index (columns, see
// trace/index-columns.ts) built off the main thread, and the file (or its
// decompressed copy) to read a call's lines again (a natively read trace.dat:
// its records, by number, from the load's checkpoint before them). Views ask for totals,
// pages and one call's detail; nothing sends every call.
import { summarise } from './call-summary';
import { statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatCallReader, readRange } from '../node/trace-file';
import { rereadCall, type Reread } from '../node/trace-index-load';
import type { VariantId } from '../protocol/dto';
import type {
  TraceBinsParams,
  TraceCallDetailDto,
  TraceCallSummaryDto,
  TraceInfoDto,
  TraceLinesDto,
  TraceOpenParams,
  TraceOpenResult,
} from '../protocol/lsp';
import type { TraceBinsDto, VariantDecisionDto } from '../protocol/trace-calls';
import { forView, observedForView, TraceError, type TraceCallResult, type TraceFormat } from '../trace';
import type { IndexColumns } from '../trace/index-columns';
import type { DatSeekTable } from '../trace/tracedat';
import { TraceIndex } from '../trace/trace-index';

/** What a loader is asked to read. */
export interface IndexRequest {
  readonly path: string;
  /** null: the trace's release decides. */
  readonly kernel: string | null;
  readonly variant: VariantId | 'auto';
  readonly format: TraceFormat | 'auto';
  readonly copyTo: string;
}

export interface LoaderProgress {
  readonly bytes: number;
  readonly total: number;
  readonly lines: number;
  readonly calls: number;
}

export interface LoadedColumns {
  readonly columns: IndexColumns;
  readonly format: TraceFormat;
  readonly lines: number;
  readonly bytes: number;
  readonly copied: boolean;
  /** A trace.dat read natively: calls are found again by record number. */
  readonly byRecord: boolean;
  /** Its checkpoints, to read a call's records from near its first. */
  readonly seek: DatSeekTable | null;
  readonly skipped: TraceInfoDto['skipped'];
  readonly lost: number;
  readonly kernelRelease: string | null;
  readonly decision: VariantDecisionDto;
  /** The kernel version the calls were decoded with. */
  readonly kernel: string;
}

/** Builds a trace's index: in a worker thread on the server (trace-worker.ts), in-process in tests. */
export type IndexLoader = (request: IndexRequest, signal: AbortSignal, onProgress: (p: LoaderProgress) => void) => Promise<LoadedColumns>;

interface Loaded {
  readonly info: TraceInfoDto;
  readonly index: TraceIndex;
  readonly reread: Reread;
  /** The file as it was loaded: a reload is skipped while these hold. */
  readonly key: string;
  readonly copy: string | null;
}

const CONTEXT_MAX = 200;
/** A call spanning more lines than this sends only its own lines and their neighbours. */
const SPAN_LINES_MAX = 2000;
const CONTEXT_BYTES = 64 * 1024;

export class TraceStore {
  private readonly traces = new Map<number, Loaded>();
  private next = 1;

  constructor(private readonly loader: IndexLoader) {}

  async open(params: TraceOpenParams, options: { signal?: AbortSignal; onProgress?: (p: LoaderProgress) => void } = {}): Promise<TraceOpenResult> {
    const kernel = params.kernel ?? null;
    const variant = (params.variant ?? 'auto') as VariantId | 'auto';
    const format = (params.format ?? 'auto') as TraceFormat | 'auto';
    let key: string;
    try {
      const stat = statSync(params.path);
      key = JSON.stringify([params.path, stat.size, stat.mtimeMs, kernel, variant, format]);
    } catch (error) {
      return { ok: false, error: `cannot read ${params.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, cancelled: false };
    }
    if (!params.reload) {
      for (const loaded of this.traces.values()) if (loaded.key === key) return { ok: true, trace: loaded.info, reused: true };
    }
    const traceId = this.next++;
    const copyTo = join(tmpdir(), `pinscope-${process.pid}-${traceId}.trace`);
    const started = Date.now();
    const abort = new AbortController();
    options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
    if (options.signal?.aborted) abort.abort();
    let built: LoadedColumns;
    try {
      built = await this.loader({ path: params.path, kernel, variant, format, copyTo }, abort.signal, options.onProgress ?? (() => undefined));
    } catch (error) {
      removeQuietly(copyTo);
      if (error instanceof TraceError) return { ok: false, error: error.message, cancelled: error.message === 'cancelled' };
      throw error;
    }
    const index = new TraceIndex(built.columns);
    const info: TraceInfoDto = {
      traceId,
      path: params.path,
      format: built.format,
      kernel: built.kernel,
      variant: built.decision.variant,
      decision: built.decision,
      kernelRelease: built.kernelRelease,
      lines: built.lines,
      bytes: built.bytes,
      seek: built.copied ? 'decompressed-copy' : built.byRecord ? 'records' : 'file',
      totals: index.totals(),
      skipped: built.skipped,
      lost: built.lost,
      loadMs: Date.now() - started,
      indexBytes: index.bytes,
    };
    if (!built.copied) removeQuietly(copyTo);
    this.traces.set(traceId, {
      info,
      index,
      key,
      copy: built.copied ? copyTo : null,
      reread: {
        path: built.copied ? copyTo : params.path,
        byRecord: built.byRecord,
        dat: built.byRecord && built.seek ? new DatCallReader(params.path, built.seek, built.bytes) : null,
        format: built.format,
        kernel: built.kernel,
        variant: built.decision.variant,
      },
    });
    return { ok: true, trace: info, reused: false };
  }

  list(): TraceInfoDto[] {
    return [...this.traces.values()].map((t) => t.info);
  }

  unload(traceId: number): boolean {
    const loaded = this.traces.get(traceId);
    if (!loaded) return false;
    if (loaded.copy) removeQuietly(loaded.copy);
    this.traces.delete(traceId);
    return true;
  }

  /** Deletes the decompressed copies (the server is exiting). */
  dispose(): void {
    for (const id of [...this.traces.keys()]) this.unload(id);
  }

  index(traceId: number): TraceIndex | null {
    return this.traces.get(traceId)?.index ?? null;
  }

  bins(params: TraceBinsParams): TraceBinsDto | null {
    const index = this.index(params.traceId);
    if (!index) return null;
    switch (params.kind) {
      case 'timeline':
        return index.timeline(params);
      case 'pins':
        return index.pins(params);
      case 'histogram':
        return index.histogram(params.of, params.filter);
    }
  }

  /** One call's detail: its lines read again and replayed. */
  async call(traceId: number, i: number): Promise<TraceCallDetailDto | null> {
    const loaded = this.traces.get(traceId);
    if (!loaded || !Number.isInteger(i) || i < 0 || i >= loaded.index.count) return null;
    const { result } = await rereadCall(loaded.reread, loaded.index, i);
    const span = loaded.index.span(i);
    return {
      summary: summarise(i, result),
      predicted: result.predicted,
      observed: observedForView(forView(result), loaded.index.c.records),
      lines: { first: span.callLine, last: span.lastLine },
    };
  }

  /**
   * The call's lines and `context` lines around them, never the whole file.
   * A natively read trace.dat has no text lines: one line says so, with the
   * call's records (its decoded fields are in the call's replay).
   */
  async lines(traceId: number, i: number, context = 5): Promise<TraceLinesDto | null> {
    const loaded = this.traces.get(traceId);
    if (!loaded || !Number.isInteger(i) || i < 0 || i >= loaded.index.count) return null;
    const n = Math.max(0, Math.min(CONTEXT_MAX, Math.floor(context)));
    const { raw } = await rereadCall(loaded.reread, loaded.index, i);
    const span = loaded.index.span(i);
    if (loaded.reread.byRecord) {
      const records = [...new Set(raw.lines)].sort((a, b) => a - b);
      const text = `trace.dat record ${span.callLine}: a binary trace has no text lines — the call's ${records.length} records are decoded in its replay`;
      return { path: loaded.info.path, blocks: [{ line: span.callLine, text: [text] }], callLines: records, elided: 0 };
    }
    const path = loaded.reread.path;
    const own = splitLines(readRange(path, span.start, span.bytes));
    const beforeStart = Math.max(0, span.start - CONTEXT_BYTES);
    const before = n ? splitLines(readRange(path, beforeStart, span.start - beforeStart)) : [];
    // A partial first line (the read started mid-line) is not shown.
    if (beforeStart > 0) before.shift();
    const afterBytes = n ? readRange(path, span.start + span.bytes, CONTEXT_BYTES) : Buffer.alloc(0);
    const after = splitLines(afterBytes);
    // A read that stopped at CONTEXT_BYTES may end mid-line.
    if (afterBytes.length === CONTEXT_BYTES && afterBytes[afterBytes.length - 1] !== 10) after.pop();
    const head = before.slice(Math.max(0, before.length - n));
    const tail = after.slice(0, n);
    const callLines = [...new Set(raw.lines)].sort((a, b) => a - b);
    let blocks: Array<{ line: number; text: string[] }>;
    let elided = 0;
    if (own.length <= SPAN_LINES_MAX) {
      blocks = [{ line: span.line - head.length, text: [...head, ...own, ...tail] }];
    } else {
      // Only the call's lines, each with a line either side, and the context at both ends.
      const keep = new Set<number>();
      for (const l of callLines) for (let d = -1; d <= 1; d++) keep.add(l - span.line + d);
      blocks = [];
      if (head.length) blocks.push({ line: span.line - head.length, text: head });
      for (let k = 0; k < own.length; k++) {
        if (!keep.has(k)) continue;
        const last = blocks[blocks.length - 1];
        if (last && last.line + last.text.length === span.line + k) last.text.push(own[k]!);
        else blocks.push({ line: span.line + k, text: [own[k]!] });
      }
      elided = own.length - [...keep].filter((k) => k >= 0 && k < own.length).length;
      const lastLine = span.line + own.length;
      const last = blocks[blocks.length - 1];
      if (tail.length) {
        if (last && last.line + last.text.length === lastLine) last.text.push(...tail);
        else blocks.push({ line: lastLine, text: tail });
      }
    }
    return { path: loaded.info.path, blocks, callLines, elided };
  }

  /** Calls in every loaded trace made from `caller`, and the anomalies among them (call-site lenses). */
  callsFrom(caller: string): { calls: number; anomalies: Map<string, number> } {
    const anomalies = new Map<string, number>();
    let total = 0;
    for (const { index } of this.traces.values()) {
      const found = index.matching({ caller });
      total += found.length;
      for (const i of found) for (const kind of index.anomaliesOf(i)) if (kind !== 'partial-pin') anomalies.set(kind, (anomalies.get(kind) ?? 0) + 1);
    }
    return { calls: total, anomalies };
  }
}

function splitLines(bytes: Buffer): string[] {
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // not there: nothing to free
  }
}
