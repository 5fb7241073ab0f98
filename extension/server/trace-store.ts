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
import { rereadCall, rereadRaw, type Reread } from '../node/trace-index-load';
import type { VariantId } from '../protocol/dto';
import type {
  TraceBinsParams,
  TraceCallDetailDto,
  TraceCallSummaryDto,
  TraceFinishParams,
  TraceFollowParams,
  TraceInfoDto,
  TraceLinesDto,
  TraceOpenParams,
  TraceOpenResult,
} from '../protocol/lsp';
import type { TraceBinsDto, VariantDecisionDto } from '../protocol/trace-calls';
import { decodingKernel, forView, observedForView, TraceError, VariantInference, type TraceCallResult, type TraceFormat } from '../trace';
import { GrowingColumns, type IndexColumns } from '../trace/index-columns';
import type { DatSeekTable } from '../trace/tracedat';
import { TraceIndex } from '../trace/trace-index';
import type { FollowUpdate } from '../node/trace-follow';
import type { FollowLoader, LiveFollow } from './follow-loaders';

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
  /** How many pieces the file was read in, and how many of their readings were used (1 and 1: whole). */
  readonly pieces?: { readonly read: number; readonly kept: number };
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
  /** A trace followed as it is written, until it finishes. */
  readonly live?: Live;
}

interface Live {
  readonly follow: LiveFollow;
  readonly columns: GrowingColumns;
  readonly started: number;
  readonly request: IndexRequest;
  /** The reading stopped by itself: why. */
  failed: string | null;
}

/** Key of a file as loaded: a reload is skipped while it holds. */
function keyOf(path: string, kernel: string | null, variant: string, format: string): string {
  const stat = statSync(path);
  return JSON.stringify([path, stat.size, stat.mtimeMs, kernel, variant, format]);
}

const CONTEXT_MAX = 200;
/** A call spanning more lines than this sends only its own lines and their neighbours. */
const SPAN_LINES_MAX = 2000;
const CONTEXT_BYTES = 64 * 1024;

export class TraceStore {
  private readonly traces = new Map<number, Loaded>();
  private next = 1;

  constructor(
    private readonly loader: IndexLoader,
    private readonly follower?: FollowLoader,
  ) {}

  async open(params: TraceOpenParams, options: { signal?: AbortSignal; onProgress?: (p: LoaderProgress) => void } = {}): Promise<TraceOpenResult> {
    const kernel = params.kernel ?? null;
    const variant = (params.variant ?? 'auto') as VariantId | 'auto';
    const format = (params.format ?? 'auto') as TraceFormat | 'auto';
    let key: string;
    try {
      key = keyOf(params.path, kernel, variant, format);
    } catch (error) {
      return { ok: false, error: `cannot read ${params.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, cancelled: false };
    }
    if (!params.reload) {
      for (const loaded of this.traces.values()) if (loaded.key === key && !loaded.live) return { ok: true, trace: loaded.info, reused: true };
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
    const info = infoOf(traceId, params.path, built, index, Date.now() - started);
    if (!built.copied) removeQuietly(copyTo);
    const dat = built.byRecord && built.seek ? new DatCallReader(params.path, built.seek, built.bytes) : null;
    // A trace.dat's metadata (kallsyms, formats) is read once, now, not when the first call is opened; a failure shows then.
    dat?.warm().catch(() => undefined);
    this.traces.set(traceId, {
      info,
      index,
      key,
      copy: built.copied ? copyTo : null,
      reread: {
        path: built.copied ? copyTo : params.path,
        byRecord: built.byRecord,
        dat,
        format: built.format,
        kernel: built.kernel,
        variant: built.decision.variant,
      },
    });
    // The load ran in a worker: the first call is read and replayed once here, after the answer, so the
    // reader and the engine are compiled in this thread before the user's first click asks for a call.
    if (index.count > 0) setImmediate(() => void this.call(traceId, 0).catch(() => undefined));
    return { ok: true, trace: info, reused: false };
  }

  /**
   * Follows a file as it is written (a recording): the trace is held from
   * now on, its index grows with each update the follower sends, and
   * `onChange` hears of each (the totals: the views ask again for their pages).
   */
  follow(params: TraceFollowParams, onChange: (info: TraceInfoDto) => void): TraceOpenResult {
    if (!this.follower) return { ok: false, error: 'this server cannot follow a trace', cancelled: false };
    const request: IndexRequest = {
      path: params.path,
      kernel: params.kernel ?? null,
      variant: (params.variant ?? 'auto') as VariantId | 'auto',
      format: (params.format ?? 'auto') as TraceFormat | 'auto',
      copyTo: '',
    };
    try {
      if (!statSync(params.path).isFile()) return { ok: false, error: `${params.path} is not a file`, cancelled: false };
    } catch (error) {
      return { ok: false, error: `cannot read ${params.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, cancelled: false };
    }
    const traceId = this.next++;
    const columns = new GrowingColumns();
    const index = new TraceIndex(columns.view());
    // Until the first call: what the settings say (the recorded release decides then).
    const decision = new VariantInference(request.variant === 'auto' ? null : request.variant, null).decision();
    const info: TraceInfoDto = {
      traceId,
      path: params.path,
      format: request.format,
      kernel: decodingKernel(request.kernel, null),
      variant: decision.variant,
      decision,
      kernelRelease: null,
      lines: 0,
      bytes: 0,
      seek: 'file',
      totals: index.totals(),
      skipped: { lines: 0, examples: [] },
      lost: 0,
      loadMs: 0,
      indexBytes: index.bytes,
      live: true,
    };
    /** The reading stopped by itself: what was read stays, no longer live; finish says why. */
    const stop = (error: Error) => {
      const held = this.traces.get(traceId);
      if (!held?.live || held.live.failed) return;
      held.live.failed = error.message;
      held.live.follow.stop();
      const stopped = { ...held.info, live: false };
      this.traces.set(traceId, { ...held, info: stopped });
      onChange(stopped);
    };
    const live: Live = {
      columns,
      started: Date.now(),
      request,
      failed: null,
      follow: this.follower(
        { path: request.path, kernel: request.kernel, variant: request.variant, format: request.format },
        (update) => {
          const held = this.traces.get(traceId);
          if (!held?.live || held.live.failed) return;
          try {
            onChange(this.grow(held, update));
          } catch (error) {
            stop(error as Error);
          }
        },
        (error) => stop(error),
      ),
    };
    this.traces.set(traceId, {
      info,
      index,
      key: '',
      copy: params.temporary ? params.path : null,
      reread: { path: params.path, byRecord: false, dat: null, format: request.format as TraceFormat, kernel: info.kernel, variant: info.decision.variant },
      live,
    });
    return { ok: true, trace: info, reused: false };
  }

  /** A followed trace's update: its columns grow, its index is built again over them (no copy). */
  private grow(held: Loaded, update: FollowUpdate): TraceInfoDto {
    const live = held.live!;
    live.columns.apply(update.delta);
    const index = new TraceIndex(live.columns.view());
    const s = update.state;
    const info: TraceInfoDto = {
      ...held.info,
      kernel: s.kernel,
      variant: s.decision.variant,
      decision: s.decision,
      kernelRelease: s.kernelRelease,
      lines: s.lines,
      bytes: s.bytes,
      totals: index.totals(),
      loadMs: Date.now() - live.started,
      indexBytes: index.bytes,
    };
    this.traces.set(held.info.traceId, { ...held, info, index, reread: { ...held.reread, kernel: s.kernel, variant: s.decision.variant } });
    return info;
  }

  /**
   * The followed file is complete: read to its end, the last calls handed
   * out, lost events and skipped lines counted. When the live reading could
   * differ from a fresh one (FollowEnd.exact), the file is read once more and
   * that index replaces it. `savedAs`: the name the trace is listed under.
   */
  async finish(params: TraceFinishParams, onChange: (info: TraceInfoDto) => void): Promise<TraceOpenResult> {
    const held = this.traces.get(params.traceId);
    if (!held) return { ok: false, error: `the server does not hold trace ${params.traceId}`, cancelled: false };
    const live = held.live;
    if (!live) return { ok: true, trace: held.info, reused: true };
    if (live.failed) {
      this.traces.set(params.traceId, { ...held, live: undefined } as Loaded);
      return { ok: false, error: live.failed, cancelled: false };
    }
    let end;
    try {
      end = await live.follow.finish();
    } catch (error) {
      this.traces.set(params.traceId, { ...held, info: { ...held.info, live: false }, live: undefined } as Loaded);
      return { ok: false, error: (error as Error).message, cancelled: false };
    }
    const current = this.traces.get(params.traceId);
    if (!current) return { ok: false, error: 'the trace was unloaded while it finished', cancelled: true };
    const grown = this.grow(current, end.update);
    let done = this.traces.get(params.traceId)!;
    const followed = live.request.path;
    const summary = end.summary;
    let info: TraceInfoDto = {
      ...grown,
      format: summary.format,
      lines: summary.lines,
      bytes: summary.bytes,
      skipped: { lines: summary.skipped.lines, examples: summary.skipped.examples },
      lost: summary.lost.reduce((n, l) => n + l.count, 0),
    };
    let index = done.index;
    let reread: Reread = { ...done.reread, format: summary.format };
    if (!end.exact) {
      let built: LoadedColumns;
      try {
        built = await this.loader({ ...live.request, copyTo: '' }, new AbortController().signal, () => undefined);
      } catch (error) {
        return { ok: false, error: (error as Error).message, cancelled: false };
      }
      if (!this.traces.has(params.traceId)) return { ok: false, error: 'the trace was unloaded while it finished', cancelled: true };
      index = new TraceIndex(built.columns);
      info = { ...infoOf(params.traceId, info.path, built, index, 0), loadMs: 0 };
      reread = { path: followed, byRecord: false, dat: null, format: built.format, kernel: built.kernel, variant: built.decision.variant };
    }
    const path = params.savedAs ?? followed;
    info = { ...info, path, seek: path === followed ? 'file' : 'decompressed-copy', loadMs: Date.now() - live.started, live: false };
    let key = '';
    try {
      key = keyOf(path, live.request.kernel, live.request.variant, live.request.format);
    } catch {
      // The saved copy is gone already: the trace is not found again by its name.
    }
    done = { info, index, key, copy: done.copy, reread };
    this.traces.set(params.traceId, done);
    onChange(info);
    return { ok: true, trace: info, reused: false };
  }

  list(): TraceInfoDto[] {
    return [...this.traces.values()].map((t) => t.info);
  }

  unload(traceId: number): boolean {
    const loaded = this.traces.get(traceId);
    if (!loaded) return false;
    loaded.live?.follow.stop();
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
    const raw = await rereadRaw(loaded.reread, loaded.index, i);
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

/** A loaded trace's info, from what its loader built. */
function infoOf(traceId: number, path: string, built: LoadedColumns, index: TraceIndex, loadMs: number): TraceInfoDto {
  return {
    traceId,
    path,
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
    loadMs,
    indexBytes: index.bytes,
  };
}
