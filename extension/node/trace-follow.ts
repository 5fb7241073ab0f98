// A trace file that is still being written (a recording), read as it grows:
// each read picks up at the last offset, one reader (its bounded
// reconstructor) keeps its state across reads, the index grows, and what it
// gained goes on as a delta (IndexDelta), never every call. When the file is
// quiet, the calls that have returned are handed out without waiting for
// their task's next call (TraceReader.flushReturned): they show while the
// workload sleeps.
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { VariantId } from '../protocol/dto';
import type { VariantDecisionDto } from '../protocol/trace-calls';
import { decodingKernel, StreamingReplay, TraceError, type TraceFormat, type TraceReader, type TraceSummary } from '../trace';
import { IndexBuilder, markAfter, NO_DELTA, type DeltaMark, type IndexDelta } from '../trace/index-columns';
import { newReader } from './trace-file';

export interface FollowOptions {
  readonly path: string;
  /** null: the trace's release decides (else 6.12). */
  readonly kernel: string | null;
  readonly variant: VariantId | 'auto';
  /** Give it: 'auto' detects the format only after 200 lines (or at the end). */
  readonly format: TraceFormat | 'auto';
}

/** What a followed trace says of itself so far. */
export interface FollowState {
  readonly lines: number;
  readonly bytes: number;
  readonly kernelRelease: string | null;
  readonly decision: VariantDecisionDto;
  /** The kernel version the calls are decoded with. */
  readonly kernel: string;
}

export interface FollowUpdate {
  readonly delta: IndexDelta;
  readonly state: FollowState;
}

export interface FollowEnd {
  /** The last calls (every call is out now). */
  readonly update: FollowUpdate;
  readonly summary: TraceSummary;
  /**
   * False when reading the finished file afresh could give other columns: a
   * line of a task came after a quiet-time flush had handed out its call (it
   * would have been attached to it), or the calls chose another variant than
   * the one they were replayed with as they came.
   */
  readonly exact: boolean;
}

const CHUNK_BYTES = 1 << 20;

export class TraceFollower {
  private readonly builder = new IndexBuilder();
  private readonly reader: TraceReader;
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  /** As pinscope replay reads: the variant from the recorded release (else the newest), checked by the calls. */
  private readonly replaying: StreamingReplay;
  private release: string | null = null;
  private offset = 0;
  /** Calls handed out: all below `next`, and these above it (the reconstructor may hand some out early). */
  private next = 0;
  private readonly ahead = new Set<number>();
  private sent: DeltaMark = NO_DELTA;
  private sentLines = -1;
  private lateSeen = 0;
  private quiet = false;
  private flushedOnce = false;
  private lateAfterFlush = false;

  private constructor(
    private readonly options: FollowOptions,
    private readonly file: FileHandle,
  ) {
    this.replaying = new StreamingReplay(options);
    this.reader = newReader({
      format: options.format,
      onCall: (raw, trace) => {
        this.release = trace.kernelRelease;
        this.builder.add(raw, this.replaying.replay(raw, trace));
        if (raw.index === this.next) {
          this.next++;
          while (this.ahead.delete(this.next)) this.next++;
        } else this.ahead.add(raw.index);
      },
      onLate: (event) => {
        this.builder.late(event);
        this.lateSeen++;
        if (this.flushedOnce) this.lateAfterFlush = true;
      },
    });
  }

  static async open(options: FollowOptions): Promise<TraceFollower> {
    try {
      return new TraceFollower(options, await open(options.path, 'r'));
    } catch (error) {
      throw new TraceError(`cannot read ${options.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }

  /** Reads what the file gained since the last read; the bytes read. */
  async read(): Promise<number> {
    const size = (await stat(this.options.path)).size;
    if (size < this.offset) throw new TraceError(`${this.options.path}: the file shrank while it was followed (${size} bytes, ${this.offset} read)`);
    let total = 0;
    for (;;) {
      const { bytesRead } = await this.file.read(this.buffer, 0, CHUNK_BYTES, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      total += bytesRead;
      // The scanner keeps copies of what it holds on to: the buffer is free again after push.
      this.located(() => this.reader.push(this.buffer.subarray(0, bytesRead)));
    }
    if (total > 0) this.quiet = false;
    return total;
  }

  /** The reader's errors name the file. */
  private located<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof TraceError) throw new TraceError(`${this.options.path}: ${error.message}`, error.unsupported);
      throw error;
    }
  }

  /** The file is quiet: hand out the calls that have returned (once per quiet spell). */
  flushReturned(): void {
    if (this.quiet) return;
    this.quiet = true;
    this.flushedOnce = true;
    this.reader.flushReturned();
  }

  private state(): FollowState {
    const decision = this.replaying.inference(this.release).decision();
    return { lines: this.reader.lines, bytes: this.offset, kernelRelease: this.release, decision, kernel: decodingKernel(this.options.kernel, this.release) };
  }

  /** What the index gained since the last update; null when nothing did. */
  update(): FollowUpdate | null {
    if (this.next === this.sent.calls && this.lateSeen === this.sent.late && this.reader.lines === this.sentLines) return null;
    const delta = this.builder.delta(this.sent, this.next);
    this.sent = markAfter(delta);
    this.sentLines = this.reader.lines;
    return { delta, state: this.state() };
  }

  /** The file is complete (read to its end): every call is handed out. */
  end(): FollowEnd {
    const summary = this.located(() => this.reader.end());
    this.next = this.builder.calls;
    this.ahead.clear();
    this.sentLines = -1;
    const update = this.update()!;
    // The calls were replayed with the provisional variant (fixed by the release): exact when the decision kept it.
    const provisional = this.replaying.inference(this.release).provisional();
    const exact = !this.lateAfterFlush && (!this.replaying.started || update.state.decision.variant === provisional);
    return { update, summary, exact };
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

/** How often the file is looked at, how long it must be still to count as quiet, and how often updates go out. */
export const FOLLOW_TIMING = { pollMs: 100, quietMs: 500, updateMs: 250 };

export interface FollowControl {
  /** Stops following (the trace was unloaded): rejects with TraceError('cancelled'). */
  readonly signal: AbortSignal;
  /** Resolves when the writer has closed the file: it is read to its end, and the reader ended. */
  readonly finished: Promise<void>;
  readonly onUpdate: (update: FollowUpdate) => void;
}

/** Follows the file until it is finished; updates at most every FOLLOW_TIMING.updateMs. */
export async function followTrace(options: FollowOptions, control: FollowControl): Promise<FollowEnd> {
  const follower = await TraceFollower.open(options);
  let finishing = false;
  const finished = control.finished.then(() => void (finishing = true));
  const aborted = new Promise<void>((resolve) => control.signal.addEventListener('abort', () => resolve(), { once: true }));
  let lastGrowth = Date.now();
  let lastSent = 0;
  try {
    for (;;) {
      if (control.signal.aborted) throw new TraceError('cancelled');
      // Asked to finish before this read: the writer is done, so this read reaches the end.
      const last = finishing;
      const read = await follower.read();
      const now = Date.now();
      if (read > 0) lastGrowth = now;
      else if (last) break;
      else if (now - lastGrowth >= FOLLOW_TIMING.quietMs) follower.flushReturned();
      if (now - lastSent >= FOLLOW_TIMING.updateMs) {
        const update = follower.update();
        if (update) {
          control.onUpdate(update);
          lastSent = now;
        }
      }
      if (read === 0) await Promise.race([new Promise((r) => setTimeout(r, FOLLOW_TIMING.pollMs)), finished, aborted]);
    }
    return follower.end();
  } finally {
    await follower.close();
  }
}
