// Events -> calls. Pairs each entry with its return per task (tasks
// interleave across CPUs), attaches what happens inside (pin rounds, graph
// children) and after (bvecs printed at exit, the caller's unpins), and keeps
// calls whose pieces are missing, saying what is missing. Calls come out in
// the order they started, once nothing more can attach to them.
import type { TraceEvent } from './events';

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
  open: RawCall | null;
  /** The last finished call: bvecs printed at exit and later unpins still attach to it. */
  last: RawCall | null;
  pendingIov: { fields: Record<string, string>; line: number } | null;
  marker: string | null;
}

export interface ReconstructOptions {
  readonly onCall: (call: RawCall) => void;
}

export class Reconstructor {
  private readonly tasks = new Map<number | string, TaskState>();
  /** Calls not yet handed out, in start order, and which of them nothing more can change. */
  private readonly queue: RawCall[] = [];
  private head = 0;
  private readonly settled = new Set<RawCall>();
  private next = 0;
  readonly lost: Array<{ line: number; cpu: number | null; count: number }> = [];

  constructor(private readonly options: ReconstructOptions) {}

  private task(event: TraceEvent): TaskState {
    const key = event.pid ?? `cpu${event.cpu ?? '?'}`;
    let state = this.tasks.get(key);
    if (!state) {
      state = { open: null, last: null, pendingIov: null, marker: null };
      this.tasks.set(key, state);
    }
    return state;
  }

  private start(event: TraceEvent, state: TaskState, graph: boolean): RawCall {
    if (state.open) this.finish(state, true);
    if (state.last) {
      this.settle(state.last);
      state.last = null;
    }
    const call: RawCall = {
      index: this.next++,
      pid: event.pid,
      comm: event.comm,
      cpu: event.cpu,
      line: state.pendingIov?.line ?? event.line,
      lines: state.pendingIov ? [state.pendingIov.line, event.line] : [event.line],
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
    return call;
  }

  private finish(state: TaskState, returnMissing: boolean): void {
    const call = state.open;
    if (!call) return;
    if (returnMissing && !call.exit && !call.graph) call.returnMissing = true;
    state.open = null;
    state.last = call;
  }

  private settle(call: RawCall): void {
    this.settled.add(call);
    while (this.head < this.queue.length && this.settled.has(this.queue[this.head]!)) {
      const next = this.queue[this.head]!;
      this.settled.delete(next);
      this.head++;
      this.options.onCall(next);
    }
    // Drop handed-out calls now and then, so the queue does not grow with the file.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
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
        return;
      case 'call-iov':
        // Inside an open call (function_graph opened it, or the entry came first), else for the next entry.
        if (open && !open.iov && !open.exit) {
          open.iov = { ...event.fields };
          open.lines.push(event.line);
        } else {
          state.pendingIov = { fields: { ...event.fields }, line: event.line };
        }
        return;
      case 'call-open':
        this.start(event, state, true);
        return;
      case 'call-entry': {
        // function_graph opened this call already: the probe adds its arguments.
        const call = open && open.graph && !open.entry ? open : this.start(event, state, false);
        call.entry = { ...event.fields };
        if (state.pendingIov && !call.iov) {
          call.iov = state.pendingIov.fields;
          call.lines.push(state.pendingIov.line);
          state.pendingIov = null;
        }
        if (call !== open || call.entryTs === null) call.entryTs = event.ts;
        if (call === open) call.lines.push(event.line);
        return;
      }
      case 'call-iov-segment': {
        const target = open ?? state.last;
        if (!target) return;
        const idx = Number(event.fields.idx ?? target.segments.length);
        target.segments[idx] = { base: event.fields.base ?? '', len: event.fields.len ?? '' };
        target.lines.push(event.line);
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
        open.lines.push(event.line);
        return;
      }
      case 'pin-exit': {
        const round = open?.pins[open.pins.length - 1];
        if (!open || !round || round.ret !== null) return;
        round.ret = Number(event.fields.ret ?? event.fields.retval ?? event.fields.arg1);
        open.lines.push(event.line);
        return;
      }
      case 'call-new-iter':
        if (!open) return;
        open.newIter = { ...event.fields };
        open.lines.push(event.line);
        return;
      case 'child':
        if (open && event.name) {
          open.children.push(event.name);
          open.lines.push(event.line);
        }
        return;
      case 'call-exit': {
        if (!open) return;
        open.exit = { ...event.fields };
        open.exitTs = event.ts;
        if (event.caller) open.caller = event.caller;
        open.lines.push(event.line);
        if (!open.graph) this.finish(state, false);
        return;
      }
      case 'call-close':
        if (!open) return;
        open.closed = true;
        open.lines.push(event.line);
        this.finish(state, false);
        return;
      case 'call-bvec': {
        const target = open ?? state.last;
        if (!target) return;
        target.bvecs.push({ ...event.fields });
        target.lines.push(event.line);
        return;
      }
      case 'unpin': {
        // Inside a call the tracer never closes (function tracer), or after the last one.
        const target = open ?? state.last;
        if (!target) return;
        target.unpins.push(event.fields.page ?? event.fields.arg1 ?? '');
        target.lines.push(event.line);
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
    this.queue.length = 0;
    this.head = 0;
    this.settled.clear();
  }
}
