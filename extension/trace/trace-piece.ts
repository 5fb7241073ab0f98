// One piece of a plain text trace read in parallel with the others (see
// node/trace-pieces.ts), so that its calls and counts, merged with the other
// pieces' (index-merge.ts), are exactly what one reading of the whole file
// gives.
//
// A piece reads its own bytes [start, boundary) with a fresh reconstructor,
// then reads on past the boundary ("overrun") with all its state, because a
// task can carry state over it: an open call, its last finished call (late
// unpins and bvecs still attach to it), an iovec probe or a trace_marker
// waiting for the next entry. Beside its own reconstructor it runs a shadow
// one that starts fresh at the boundary, as the next piece does: fed the
// same events, the shadow makes exactly the next piece's calls, with the
// same indices. A carried task is settled once it is in the same state in
// both (Reconstructor.sameTask): from there on both make the same calls of
// it. Until then its calls and late lines are this piece's, and the next
// piece's own versions of them (the shadow's) are dropped at the merge. The
// piece stops once every carried task is settled; a piece that reaches the
// next boundary unsettled takes the next piece's range too (its own reading
// is then discarded at the merge).
import type { TraceFormat } from './detect';
import { TARGET, type SkippedLine, type TraceEvent } from './events';
import type { Decode, Find } from './line-scanner';
import { TraceReader, type TraceFacts, type TraceSummary } from './reader';
import { Reconstructor, taskKey, type RawCall, type TaskKey } from './reconstruct';

export interface PieceOptions {
  readonly decode: Decode;
  readonly find?: Find;
  /** The first piece: as the caller asked ('auto' detects, as a whole read does); the others: the format detected. */
  readonly format: TraceFormat | 'auto';
  /** The trace's facts, read from its top; null for the first piece (it reads the top itself). */
  readonly facts: TraceFacts | null;
  /** Byte of the file the piece starts at (a line's start). */
  readonly start: number;
  /** Where the next pieces start, in order (each a line's start past this piece's). */
  readonly boundaries: readonly number[];
  readonly skippedExamples?: number;
  /** Overrides RELEASE_LINES (tests). */
  readonly releaseLines?: number;
  /** A call of this piece, and its row in the piece (rows [0, pre) in start order, then the calls past its range). */
  readonly onCall: (call: RawCall, facts: TraceFacts, row: number) => void;
  /** A late line of this piece, in the order of the file. */
  readonly onLate: (event: TraceEvent) => void;
}

/** Its skipped lines and lost notices are of its range only (line numbers from 1 there). */
export interface PieceEnd extends Pick<TraceSummary, 'skipped' | 'lost' | 'format'> {
  /** Which piece comes next: the index in `boundaries` where this piece's range ended (boundaries.length: at the end of the file). */
  readonly next: number;
  /** Lines of the piece's range (its line numbers start at 1 there). */
  readonly lines: number;
  /** Rows [0, pre): calls started in the range; rows [pre, rows): the calls of carried tasks started past it. */
  readonly pre: number;
  readonly rows: number;
  /** For row pre + j: the next piece's row it comes before (the start order across both). */
  readonly ranks: Uint32Array;
  /** Rows of the next piece that are this piece's calls (its own readings of them), ascending. */
  readonly drop: Uint32Array;
  /** Late lines of the next piece that this piece counted (lines of its carried tasks), and which of the next piece's late unpins they are. */
  readonly dropLate: number;
  readonly dropUnpins: Uint32Array;
  /** Late unpins in the range, then for each later one of this piece: the next piece's late unpin it comes before. */
  readonly preUnpins: number;
  readonly unpinRanks: Uint32Array;
  /** The trace's facts. */
  readonly facts: TraceFacts;
  /**
   * function_graph nesting was seen: its parser keeps state across lines that
   * a piece does not have at its start, so the pieces cannot be exact (the
   * caller reads the file whole instead).
   */
  readonly nested: boolean;
}

interface Deferred {
  readonly event: TraceEvent;
  /** A carried task's line, not settled yet: this piece's. */
  readonly owned: boolean;
  /** The shadow's late unpins before it. */
  readonly rank: number;
}

/** What the piece has taken as its own at a boundary it stopped its range at. */
interface Cut {
  readonly next: number;
  readonly lines: number;
  readonly pre: number;
  readonly skipped: number;
  readonly lost: number;
  readonly preUnpins: number;
}

export class TracePiece {
  private readonly reader: TraceReader;
  private readonly calls: Reconstructor;
  private pos: number;
  private next = 0;
  private cut: Cut | null = null;
  private shadow: Reconstructor | null = null;
  private carried = new Set<TaskKey>();
  /** Calls of carried tasks started past the cut, with the shadow's count of calls started before each. */
  private readonly ownedPast = new Map<RawCall, number>();
  private readonly shadowDrop = new Set<RawCall>();
  /** Calls handed out past the cut, decided on at the end. */
  private heldPast: RawCall[] = [];
  private deferred: Deferred[] = [];
  private dropLate = 0;
  private dropUnpins: number[] = [];
  private shadowUnpins = 0;
  private unpins = 0;
  private touched: TaskKey[] = [];
  private nested = false;
  private facts: TraceFacts;
  /** Every carried task is settled: read no further. */
  done = false;

  constructor(private readonly options: PieceOptions) {
    this.pos = options.start;
    this.facts = options.facts ?? { kernelRelease: null, arch: null };
    this.reader = new TraceReader({
      decode: options.decode,
      ...(options.find ? { find: options.find } : {}),
      format: options.format,
      firstLine: 1,
      firstByte: options.start,
      ...(options.facts ? { facts: options.facts } : {}),
      ...(options.skippedExamples !== undefined ? { skippedExamples: options.skippedExamples } : {}),
      reconstruct: { ...(options.releaseLines !== undefined ? { releaseLines: options.releaseLines } : {}), onQuiet: (key) => this.touched.push(key) },
      onCall: (call, facts) => {
        this.facts = facts;
        if (this.cut === null || call.index < this.cut.pre) options.onCall(call, facts, call.index);
        else this.heldPast.push(call);
      },
      onLate: (event) => {
        if (event.kind === 'unpin') this.unpins++;
        if (this.cut === null) options.onLate(event);
        else this.deferred.push({ event, owned: this.carried.has(taskKey(event)), rank: this.shadowUnpins });
      },
      feed: (events, start, end) => this.feed(events, start, end),
    });
    this.calls = this.reader.reconstruction;
  }

  /** Bytes to push before the next boundary (the chunks pushed must stop there). */
  get room(): number {
    const at = this.options.boundaries[this.next];
    return at === undefined ? Infinity : at - this.pos;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length > this.room) throw new Error('a piece was pushed past its boundary');
    this.reader.push(chunk);
    this.pos += chunk.length;
    // Done in this chunk: the boundary it ends at is the next piece's concern.
    if (this.room === 0 && !this.done) this.boundary();
  }

  /** Past its range, waiting for carried tasks to settle (a few lines, usually: read in small chunks). */
  get overrunning(): boolean {
    return this.cut !== null;
  }

  /** function_graph nesting was seen (see PieceEnd.nested): reading on is for nothing. */
  get nesting(): boolean {
    return this.nested;
  }

  /** Lines read so far (the overrun's too). */
  get lines(): number {
    return this.reader.lines;
  }

  private boundary(): void {
    if (this.cut !== null) this.absorb();
    this.cut = {
      next: this.next,
      lines: this.reader.lines,
      pre: this.calls.started,
      skipped: this.reader.skipped.lines,
      lost: this.calls.lost.length,
      preUnpins: this.unpins,
    };
    this.next++;
    this.carried = new Set(this.calls.carried());
    this.shadowDrop.clear();
    this.ownedPast.clear();
    this.dropLate = 0;
    this.dropUnpins = [];
    this.shadowUnpins = 0;
    this.shadow = new Reconstructor({
      onCall: () => undefined,
      onLate: (event) => {
        if (this.carried.has(taskKey(event))) {
          this.dropLate++;
          if (event.kind === 'unpin') this.dropUnpins.push(this.shadowUnpins);
        }
        if (event.kind === 'unpin') this.shadowUnpins++;
      },
      ...(this.options.releaseLines !== undefined ? { releaseLines: this.options.releaseLines } : {}),
      onQuiet: (key) => this.touched.push(key),
    });
    if (this.carried.size === 0) this.done = true;
  }

  /** The next boundary came before every carried task settled: the next piece's range is this piece's too. */
  private absorb(): void {
    for (const call of this.heldPast) this.options.onCall(call, this.facts, call.index);
    this.heldPast = [];
    for (const { event } of this.deferred) this.options.onLate(event);
    this.deferred = [];
    this.cut = null;
    this.shadow = null;
  }

  private feed(events: readonly TraceEvent[], start: number, end: number): void {
    const calls = this.calls;
    const shadow = this.shadow;
    this.touched = [];
    calls.at(start, end);
    shadow?.at(start, end);
    for (const event of events) {
      if (event.kind === 'call-close' || (event.kind === 'call-open' && event.name === TARGET)) this.nested = true;
      if (!shadow || event.kind === 'lost') {
        calls.feed(event);
        shadow?.feed(event);
        continue;
      }
      const key = taskKey(event);
      const carried = this.carried.has(key);
      const started = calls.started;
      calls.feed(event);
      if (carried && calls.started > started) this.ownedPast.set(calls.lastStarted!, shadow.started);
      const shadowStarted = shadow.started;
      shadow.feed(event);
      if (carried && shadow.started > shadowStarted) this.shadowDrop.add(shadow.lastStarted!);
      if (carried) this.touched.push(key);
    }
    if (!shadow) return;
    for (const key of this.touched) if (this.carried.has(key)) this.settleIfSame(key, shadow);
    if (this.carried.size === 0) this.done = true;
  }

  /** A carried task in the same state as in the shadow: its calls from here on (those it holds now too) are the next piece's. */
  private settleIfSame(key: TaskKey, shadow: Reconstructor): void {
    if (!this.calls.sameTask(key, shadow)) return;
    const held = this.calls.taskCalls(key);
    // A call started in the range is never the same as one the shadow started (their lines differ); kept as a guard.
    if (held.some((c) => c.index < this.cut!.pre)) return;
    this.carried.delete(key);
    for (const call of held) this.ownedPast.delete(call);
    for (const call of shadow.taskCalls(key)) this.shadowDrop.delete(call);
  }

  /** The file ended, or the piece is done: its own calls handed out (onCall), and what the merge needs. */
  end(): PieceEnd {
    if (!this.done) {
      // The end of the file came first: the rest of the file is this piece's (the last piece, or one that took the rest).
      if (this.cut !== null) this.absorb();
      const summary = this.reader.end();
      return {
        next: this.options.boundaries.length,
        lines: summary.lines,
        pre: this.calls.started,
        rows: this.calls.started,
        ranks: new Uint32Array(0),
        drop: new Uint32Array(0),
        dropLate: 0,
        dropUnpins: new Uint32Array(0),
        preUnpins: this.unpins,
        unpinRanks: new Uint32Array(0),
        skipped: summary.skipped,
        lost: summary.lost,
        format: summary.format,
        facts: this.reader.known?.facts ?? this.facts,
        nested: this.nested,
      };
    }
    const cut = this.cut!;
    // Hands out every call still held (the overrun's open calls are not this piece's: what end() does to them does not matter).
    this.calls.end();
    const past = this.heldPast.filter((call) => this.ownedPast.has(call)).sort((a, b) => a.index - b.index);
    const ranks = new Uint32Array(past.length);
    past.forEach((call, j) => {
      ranks[j] = this.ownedPast.get(call)!;
      this.options.onCall(call, this.facts, cut.pre + j);
    });
    const unpinRanks: number[] = [];
    for (const { event, owned, rank } of this.deferred) {
      if (!owned) continue;
      this.options.onLate(event);
      if (event.kind === 'unpin') unpinRanks.push(rank);
    }
    const skipped = this.reader.skipped;
    return {
      next: cut.next,
      lines: cut.lines,
      pre: cut.pre,
      rows: cut.pre + past.length,
      ranks,
      drop: Uint32Array.from([...this.shadowDrop].map((c) => c.index)).sort(),
      dropLate: this.dropLate,
      dropUnpins: Uint32Array.from(this.dropUnpins),
      preUnpins: cut.preUnpins,
      unpinRanks: Uint32Array.from(unpinRanks),
      skipped: { lines: cut.skipped, examples: skipped.examples.filter((s) => s.line <= cut.lines) },
      lost: this.calls.lost.slice(0, cut.lost),
      format: this.reader.known!.format,
      facts: this.reader.known!.facts,
      nested: this.nested,
    };
  }
}
