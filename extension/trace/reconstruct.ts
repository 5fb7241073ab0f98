// Events -> calls. Pairs each entry with its return per task (tasks
// interleave across CPUs), attaches what happens inside (pin rounds, graph
// children) and after (bvecs printed at exit, the caller's unpins), and keeps
// calls whose pieces are missing, saying what is missing.
//
// Bounded: a call is handed out once nothing more can change it — its task
// started another call, or it returned and RELEASE_LINES relevant lines (lines
// with an event: noise does not count) went by without anything of its task
// (bvecs and the caller's unpins come soon after the return; in the real
// traces within 900 lines), or it stayed open that long with nothing of its
// task (its return was lost). Calls come out in start order, except that no more than
// MAX_WAITING calls wait behind one still open. Tasks with nothing pending
// are forgotten, so memory grows with neither the tasks nor the calls. A line
// of a task whose call was already handed out is counted as late (onLate).
import { ChurningMap } from './churning-map';
import type { TraceEvent } from './events';

/** Relevant lines (a trace.dat: records) after a call's last event before it is handed out. */
export const RELEASE_LINES = 10_000;
/** Calls handed out in start order wait at most this many behind one that is still open. */
export const MAX_WAITING = 5_000;

export interface PinRound {
  line: number;
  fields: Readonly<Record<string, string>>;
  /** pin_user_pages_fast's return, when recorded. */
  ret: number | null;
  /** Arguments recorded (a probe), not just the call seen (function tracer, function_graph). */
  detailed: boolean;
}

export interface RawCall {
  readonly index: number;
  readonly pid: number | null;
  readonly comm: string | null;
  readonly cpu: number | null;
  /** Line of the call's first event. */
  readonly line: number;
  readonly lines: number[];
  /** Line of the call's last event so far. */
  lastLine: number;
  /** The reconstructor's count of relevant lines at the call's last event (its release clock). */
  lastTick: number;
  /**
   * Bytes [spanStart, spanEnd) of the stream hold every line of the call (and
   * the marker it took): read them again from spanLine on and the call comes
   * out the same.
   */
  spanStart: number;
  spanEnd: number;
  spanLine: number;
  /** Timestamp of the call's last event with one. */
  lastTs: number | null;
  entryTs: number | null;
  exitTs: number | null;
  entry: Record<string, string> | null;
  /** Fields of an iovec probe (iovN_base/iovN_len …), possibly seen before the entry. */
  iov: Record<string, string> | null;
  /** Segments printed one per line (bpftrace), by index. */
  segments: Array<{ base: string; len: string }>;
  exit: Record<string, string> | null;
  /** iov_iter_bvec(new, dir, bv, nr, count) seen inside the call. */
  newIter: Record<string, string> | null;
  caller: string | null;
  pins: PinRound[];
  bvecs: Array<Record<string, string>>;
  unpins: string[];
  children: string[];
  /** Opened by function_graph or the function tracer (no arguments there). */
  graph: boolean;
  closed: boolean;
  /** A lost-events notice fell inside the call. */
  lostInside: boolean;
  /** The file ended, or the task started another call, before the return was seen. */
  returnMissing: boolean;
  /** trace_marker text seen on this task just before the call. */
  marker: string | null;
}

interface TaskState {
  readonly key: TaskKey;
  open: RawCall | null;
  /** The last finished call: bvecs printed at exit and later unpins still attach to it. */
  last: RawCall | null;
  pendingIov: { fields: Record<string, string>; line: number; start: number } | null;
  marker: string | null;
  markerLine: number;
  markerStart: number;
}

export interface ReconstructOptions {
  readonly onCall: (call: RawCall) => void;
  /** A line of a task whose call was already handed out (an unpin or a bvec long after the return). */
  readonly onLate?: (event: TraceEvent) => void;
  /** Overrides RELEASE_LINES (tests). */
  readonly releaseLines?: number;
  /** A task's call was released because the task went quiet (a read split into pieces watches its tasks). */
  readonly onQuiet?: (key: TaskKey) => void;
}

/** How the reconstructor tells tasks apart: the pid, or the CPU when the format shows no pid. */
export type TaskKey = number | string;

export function taskKey(event: TraceEvent): TaskKey {
  return event.pid ?? `cpu${event.cpu ?? '?'}`;
}

/** A call waiting to be handed out, and the task it belongs to (dropped once it is). */
interface Watched {
  readonly call: RawCall;
  readonly task: TaskState;
}

export class Reconstructor {
  private readonly tasks = new Map<TaskKey, TaskState>();
  /**
   * Calls not yet handed out, in start order, and which of them nothing more
   * can change. A handed-out call's slot is nulled at once: kept until the
   * next compaction, it would outlive the young heap.
   */
  private queue: Array<RawCall | null> = [];
  private head = 0;
  private readonly settled = new Set<RawCall>();
  /**
   * Every call not yet settled, by its index, in a min-heap by the tick it is
   * due to be looked at again. The heap holds numbers only: an entry outlives
   * its call by up to RELEASE_LINES, and one pointing at the call would keep
   * every young call alive into the old heap (measured: the whole file
   * promoted, a third of the reading's time in the collector).
   */
  private watch = new DueHeap();
  /** Not a Map: its rebuilt tables would carry young calls into the old heap (churning-map.ts). */
  private readonly watched = new ChurningMap<Watched>();
  private readonly releaseLines: number;
  private next = 0;
  private newest: RawCall | null = null;
  /** Where the line being fed sits in the stream. */
  private lineStart = 0;
  private lineEnd = 0;
  /** Relevant lines fed so far: the clock calls are released by. */
  private tick = 0;
  /** Lines of a task after its call was handed out. */
  late = 0;
  readonly lost: Array<{ line: number; cpu: number | null; count: number }> = [];

  constructor(private readonly options: ReconstructOptions) {
    this.releaseLines = options.releaseLines ?? RELEASE_LINES;
  }

  /** The next events come from the line at bytes [start, end) of the stream (end before its newline). */
  at(start: number, end: number): void {
    this.lineStart = start;
    this.lineEnd = end;
    this.atTick(this.tick + 1);
  }

  /**
   * The next events come from record `n` of a binary trace (trace.dat): the
   * record's number is the release clock, so a read resumed at a record
   * releases (and stamps lastTick) as the whole read did.
   */
  atTick(n: number): void {
    this.tick = n;
    if (this.watch.due(n)) this.review(n);
  }

  /** Calls started so far (the next call's index). */
  get started(): number {
    return this.next;
  }

  /** The call started last (kept apart: the queue may have handed it out and nulled its slot). */
  get lastStarted(): RawCall | null {
    return this.newest;
  }

  /** Relevant lines fed so far. */
  get ticks(): number {
    return this.tick;
  }

  /** Tasks whose state would change what comes next (a read split into pieces carries them over its boundary). */
  carried(): TaskKey[] {
    const keys: TaskKey[] = [];
    for (const [key, state] of this.tasks) if (!isEmpty(state)) keys.push(key);
    return keys;
  }

  /**
   * Task `key` is in the same state here as in `other`: fed the same events
   * from now on, both make the same calls of it. Calls are compared by what
   * they hold (not by index), their release clocks relative to each reconstructor's.
   */
  sameTask(key: TaskKey, other: Reconstructor): boolean {
    const a = this.tasks.get(key);
    const b = other.tasks.get(key);
    if (!a || isEmpty(a)) return !b || isEmpty(b);
    if (!b) return false;
    const ia = a.pendingIov;
    const ib = b.pendingIov;
    if ((ia === null) !== (ib === null) || (ia && ib && (ia.line !== ib.line || ia.start !== ib.start || ia.fields !== ib.fields))) return false;
    if (a.marker !== b.marker || (a.marker !== null && (a.markerLine !== b.markerLine || a.markerStart !== b.markerStart))) return false;
    return sameCall(a.open, this.tick, b.open, other.tick) && sameCall(a.last, this.tick, b.last, other.tick);
  }

  /** Task `key`'s open call and last finished call (those not yet settled). */
  taskCalls(key: TaskKey): RawCall[] {
    const state = this.tasks.get(key);
    return state ? [state.open, state.last].filter((c): c is RawCall => c !== null) : [];
  }

  /** Tasks seen and calls not yet handed out (tests of the bound). */
  get held(): { tasks: number; calls: number } {
    return { tasks: this.tasks.size, calls: this.queue.length - this.head };
  }

  private task(event: TraceEvent): TaskState {
    const key = taskKey(event);
    let state = this.tasks.get(key);
    if (!state) {
      state = { key, open: null, last: null, pendingIov: null, marker: null, markerLine: 0, markerStart: 0 };
      this.tasks.set(key, state);
    }
    return state;
  }

  /** The line being fed belongs to the call. */
  private attach(call: RawCall, event: TraceEvent): void {
    call.lines.push(event.line);
    call.lastLine = event.line;
    call.lastTick = this.tick;
    call.spanEnd = this.lineEnd + 1;
    if (event.ts !== null) call.lastTs = event.ts;
  }

  private start(event: TraceEvent, state: TaskState, graph: boolean): RawCall {
    if (state.open) this.finish(state, true);
    if (state.last) this.settle(state.last);
    state.last = null;
    const pending = state.pendingIov;
    // The span starts at the earliest line the call takes: its marker, its iovec line, its entry.
    let spanStart = pending?.start ?? this.lineStart;
    let spanLine = pending?.line ?? event.line;
    if (state.marker !== null && state.markerLine < spanLine) {
      spanStart = state.markerStart;
      spanLine = state.markerLine;
    }
    const call: RawCall = {
      index: this.next++,
      pid: event.pid,
      comm: event.comm,
      cpu: event.cpu,
      line: pending?.line ?? event.line,
      lines: pending ? [pending.line, event.line] : [event.line],
      lastLine: event.line,
      lastTick: this.tick,
      spanStart,
      spanEnd: this.lineEnd + 1,
      spanLine,
      lastTs: event.ts,
      entryTs: event.ts,
      exitTs: null,
      entry: null,
      iov: state.pendingIov?.fields ?? null,
      segments: [],
      exit: null,
      newIter: null,
      caller: event.caller ?? null,
      pins: [],
      bvecs: [],
      unpins: [],
      children: [],
      graph,
      closed: false,
      lostInside: false,
      returnMissing: false,
      marker: state.marker,
    };
    state.pendingIov = null;
    state.marker = null;
    state.open = call;
    this.queue.push(call);
    this.newest = call;
    this.watchAt(call, state, this.tick + this.releaseLines);
    return call;
  }

  /** Hands out the calls whose task has been quiet for releaseLines relevant lines, and forgets tasks with nothing left. */
  private review(tick: number): void {
    while (this.watch.due(tick)) {
      const entry = this.watched.get(this.watch.pop());
      if (!entry) continue; // handed out already
      const { call, task } = entry;
      const quietSince = call.lastTick;
      if (tick - quietSince < this.releaseLines) {
        this.watchAt(call, task, quietSince + this.releaseLines);
        continue;
      }
      // Nothing of its task for releaseLines relevant lines: an open call lost its return.
      if (task.open === call) this.finish(task, true);
      task.last = null;
      if (task.open === null && task.pendingIov === null && task.marker === null) this.tasks.delete(task.key);
      this.settle(call);
      this.options.onQuiet?.(task.key);
    }
  }

  private finish(state: TaskState, returnMissing: boolean): void {
    const call = state.open;
    if (!call) return;
    if (returnMissing && !call.exit && !call.graph) call.returnMissing = true;
    state.open = null;
    state.last = call;
  }

  private watchAt(call: RawCall, task: TaskState, due: number): void {
    this.watched.set(call.index, { call, task });
    this.watch.push(due, call.index);
  }

  private settle(call: RawCall): void {
    this.watched.delete(call.index);
    this.settled.add(call);
    while (this.head < this.queue.length && this.settled.has(this.queue[this.head]!)) {
      const next = this.queue[this.head]!;
      this.settled.delete(next);
      this.queue[this.head++] = null;
      this.options.onCall(next);
    }
    if (this.queue.length - this.head > 2 * MAX_WAITING) this.overtake();
    // Drop handed-out calls now and then, so the queue does not grow with the file.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Too many calls wait behind open ones: hand out the settled ones now, out of start order. */
  private overtake(): void {
    const waiting: RawCall[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const call = this.queue[i]!;
      if (this.settled.delete(call)) this.options.onCall(call);
      else waiting.push(call);
    }
    this.queue = waiting;
    this.head = 0;
  }

  /** A line of the task with no call to attach it to: late, when it is the kind that follows a call. */
  private orphan(event: TraceEvent): void {
    this.late++;
    this.options.onLate?.(event);
  }

  feed(event: TraceEvent): void {
    if (event.kind === 'lost') {
      this.lost.push({ line: event.line, cpu: event.cpu, count: event.count ?? 0 });
      for (const state of this.tasks.values()) if (state.open) state.open.lostInside = true;
      return;
    }
    const state = this.task(event);
    const open = state.open;
    switch (event.kind) {
      case 'marker':
        state.marker = event.text ?? null;
        state.markerLine = event.line;
        state.markerStart = this.lineStart;
        return;
      case 'call-iov':
        // Inside an open call (function_graph opened it, or the entry came first), else for the next entry.
        if (open && !open.iov && !open.exit) {
          open.iov = own(event);
          this.attach(open, event);
        } else {
          state.pendingIov = { fields: own(event), line: event.line, start: this.lineStart };
        }
        return;
      case 'call-open':
        this.start(event, state, true);
        return;
      case 'call-entry': {
        // function_graph opened this call already: the probe adds its arguments.
        const call = open && open.graph && !open.entry ? open : this.start(event, state, false);
        call.entry = own(event);
        if (state.pendingIov && !call.iov) {
          call.iov = state.pendingIov.fields;
          call.lines.push(state.pendingIov.line);
          state.pendingIov = null;
        }
        if (call !== open || call.entryTs === null) call.entryTs = event.ts;
        if (call === open) this.attach(call, event);
        return;
      }
      case 'call-iov-segment': {
        const target = open ?? state.last;
        if (!target) return this.orphan(event);
        const idx = Number(event.fields.idx ?? target.segments.length);
        target.segments[idx] = { base: event.fields.base ?? '', len: event.fields.len ?? '' };
        this.attach(target, event);
        return;
      }
      case 'pin-entry': {
        if (!open) return;
        const detailed = Object.keys(event.fields).length > 0;
        const last = open.pins[open.pins.length - 1];
        // function_graph showed this round first; the probe inside it adds the arguments.
        if (detailed && last && !last.detailed && last.ret === null) {
          last.fields = event.fields;
          last.detailed = true;
          last.line = event.line;
        } else {
          open.pins.push({ line: event.line, fields: event.fields, ret: null, detailed });
        }
        this.attach(open, event);
        return;
      }
      case 'pin-exit': {
        const round = open?.pins[open.pins.length - 1];
        if (!open || !round || round.ret !== null) return;
        round.ret = Number(event.fields.ret ?? event.fields.retval ?? event.fields.arg1);
        this.attach(open, event);
        return;
      }
      case 'call-new-iter':
        if (!open) return;
        open.newIter = own(event);
        this.attach(open, event);
        return;
      case 'child':
        if (open && event.name) {
          open.children.push(event.name);
          this.attach(open, event);
        }
        return;
      case 'call-exit': {
        if (!open) return;
        open.exit = own(event);
        open.exitTs = event.ts;
        if (event.caller) open.caller = event.caller;
        this.attach(open, event);
        if (!open.graph) this.finish(state, false);
        return;
      }
      case 'call-close':
        if (!open) return;
        open.closed = true;
        this.attach(open, event);
        this.finish(state, false);
        return;
      case 'call-bvec': {
        const target = open ?? state.last;
        if (!target) return this.orphan(event);
        target.bvecs.push(own(event));
        this.attach(target, event);
        return;
      }
      case 'unpin': {
        // Inside a call the tracer never closes (function tracer), or after the last one.
        const target = open ?? state.last;
        if (!target) return this.orphan(event);
        target.unpins.push(event.fields.page ?? event.fields.arg1 ?? '');
        this.attach(target, event);
        return;
      }
    }
  }

  /**
   * A live trace gone quiet: hands out every call that has returned, without
   * waiting for its task's next call. What would still attach to one (a late
   * unpin) is dropped from here on; a file read again has it.
   */
  settleReturned(): void {
    for (const state of this.tasks.values()) {
      if (!state.last) continue;
      const call = state.last;
      state.last = null;
      this.settle(call);
    }
  }

  /** End of input: every call still open lost its return. */
  end(): void {
    for (const state of this.tasks.values()) if (state.open) this.finish(state, true);
    for (let i = this.head; i < this.queue.length; i++) this.options.onCall(this.queue[i]!);
    this.queue = [];
    this.head = 0;
    this.settled.clear();
    this.watch = new DueHeap();
    this.watched.clear();
  }
}

function isEmpty(state: TaskState): boolean {
  return state.open === null && state.last === null && state.pendingIov === null && state.marker === null;
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean = (x, y) => x === y): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i]!, b[i]!)) return false;
  return true;
}

/** Two calls hold the same (fields compared by identity: both reconstructors were fed the same event objects). */
function sameCall(a: RawCall | null, aTick: number, b: RawCall | null, bTick: number): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.pid === b.pid &&
    a.comm === b.comm &&
    a.cpu === b.cpu &&
    a.line === b.line &&
    a.lastLine === b.lastLine &&
    a.lastTick - aTick === b.lastTick - bTick &&
    a.spanStart === b.spanStart &&
    a.spanEnd === b.spanEnd &&
    a.spanLine === b.spanLine &&
    Object.is(a.lastTs, b.lastTs) &&
    Object.is(a.entryTs, b.entryTs) &&
    Object.is(a.exitTs, b.exitTs) &&
    a.entry === b.entry &&
    a.iov === b.iov &&
    a.exit === b.exit &&
    a.newIter === b.newIter &&
    a.caller === b.caller &&
    a.graph === b.graph &&
    a.closed === b.closed &&
    a.lostInside === b.lostInside &&
    a.returnMissing === b.returnMissing &&
    a.marker === b.marker &&
    sameList(a.lines, b.lines) &&
    sameList(a.segments, b.segments, (x, y) => x === y || (x !== undefined && y !== undefined && x.base === y.base && x.len === y.len)) &&
    sameList(a.pins, b.pins, (x, y) => x.line === y.line && x.fields === y.fields && Object.is(x.ret, y.ret) && x.detailed === y.detailed) &&
    sameList(a.bvecs, b.bvecs) &&
    sameList(a.unpins, b.unpins) &&
    sameList(a.children, b.children)
  );
}

/** An event's fields, kept as they are: every parser builds them afresh for each line, so no copy is needed. */
function own(event: TraceEvent): Record<string, string> {
  return event.fields as Record<string, string>;
}

/** Call indices by the tick they are due at, earliest on top (two number arrays: no object per entry). */
class DueHeap {
  private readonly dues: number[] = [];
  private readonly ids: number[] = [];

  /** Something is due at or before `tick`. */
  due(tick: number): boolean {
    return this.dues.length > 0 && this.dues[0]! <= tick;
  }

  push(due: number, id: number): void {
    const { dues, ids } = this;
    let i = dues.length;
    dues.push(due);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (dues[parent]! <= due) break;
      dues[i] = dues[parent]!;
      ids[i] = ids[parent]!;
      i = parent;
    }
    dues[i] = due;
    ids[i] = id;
  }

  /** The id on top, removed. */
  pop(): number {
    const { dues, ids } = this;
    const top = ids[0]!;
    const lastDue = dues.pop()!;
    const lastId = ids.pop()!;
    const n = dues.length;
    if (n) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && dues[r]! < dues[l]! ? r : l;
        if (dues[child]! >= lastDue) break;
        dues[i] = dues[child]!;
        ids[i] = ids[child]!;
        i = child;
      }
      dues[i] = lastDue;
      ids[i] = lastId;
    }
    return top;
  }
}
