// A loaded trace's compact index: one row per call in typed-array columns
// (about 80 bytes a call), strings interned, tasks in their own small table.
// Built while the trace streams (in a worker on the server, in the CLI), then
// handed over as plain typed arrays (transferable, no object per call).
import { pagesPinned } from '../engine/observables';
import type { AnomalyKind } from '../protocol/trace-calls';
import type { TraceEvent } from './events';
import type { RawCall } from './reconstruct';
import type { TraceCallResult } from './verdict';

/** Every anomaly kind the engine reports, in bit order (a call's anomalies are a 16-bit mask). */
export const ANOMALY_KINDS = [
  'empty-result',
  'short-extraction',
  'enomem-as-short',
  'partial-pin',
  'bytes-overrun',
  'page-overrun',
  'pins-leaked',
  'inconsistent-iterator',
  'orig-overrun',
  'heap-overflow',
  'clobbered-pointer',
  'stale-page-pointer',
  'livelock',
  'undefined-behaviour',
  'wrong-iterator-type',
] as const satisfies readonly AnomalyKind[];
// Fails to compile when the engine gains a kind this list lacks.
type MissingKind = Exclude<AnomalyKind, (typeof ANOMALY_KINDS)[number]>;
const _allKinds: MissingKind extends never ? true : never = true;
void _allKinds;

export const VERDICTS = ['match', 'mismatch', 'incomplete'] as const;
/** Iterator kinds in the shape byte (0: inputs not recorded). */
export const ITER_KINDS = [null, 'ubuf', 'iovec', 'kvec', 'bvec', 'xarray', 'folioq', 'discard'] as const;

/** No value in an Int32 column (a return never seen). */
export const NO_INT = -0x80000000;

export interface IndexColumns {
  readonly count: number;
  /** Byte offset of the first line to read again, the bytes to read, and how many lines before `line` the span starts. */
  readonly spanStart: Float64Array;
  readonly spanBytes: Uint32Array;
  readonly spanLead: Uint32Array;
  /** First and last line of the call's own events (last = line + lastDelta). */
  readonly line: Uint32Array;
  readonly lastDelta: Uint32Array;
  readonly task: Uint32Array;
  /** -1: not shown by the trace. */
  readonly cpu: Int16Array;
  /** String ids (0: none). */
  readonly caller: Uint32Array;
  /** Seconds; NaN when not recorded. */
  readonly entryTs: Float64Array;
  /** Microseconds from entry to return; NaN when either is unknown. */
  readonly durationUs: Float32Array;
  /** Seconds from entry to the call's last event (its caller's unpins); NaN when unknown. */
  readonly tailS: Float32Array;
  /** ITER_KINDS index << 1 | 1 for a write. */
  readonly shape: Uint8Array;
  /** orig_len; NaN when not recorded. */
  readonly bytes: Float64Array;
  readonly pages: Uint32Array;
  readonly rounds: Uint16Array;
  readonly unpins: Uint32Array;
  readonly observedRet: Int32Array;
  readonly predictedRet: Int32Array;
  /** VERDICTS index; bit 2: pages and rounds are the trace's own (recorded GUP rounds), else the model's. */
  readonly verdict: Uint8Array;
  readonly anomalies: Uint16Array;
  /** Tasks (a pid and the comm it ran as). */
  readonly taskPid: Int32Array;
  readonly taskComm: Uint32Array;
  /** Interned strings; id 0 is null. */
  readonly strings: readonly string[];
  /** Unpin events after their call was handed out: when (seconds; NaN unknown). */
  readonly lateUnpinTs: Float64Array;
  readonly lateLines: number;
  /** Some call has pin rounds with arguments / unpin events (tells "not recorded" from 0). */
  readonly records: { readonly pinRounds: boolean; readonly unpins: boolean };
}

type Columns = { -readonly [K in keyof IndexColumns as IndexColumns[K] extends ArrayBufferView ? K : never]: IndexColumns[K] };

const COLUMN_TYPES = {
  spanStart: Float64Array,
  spanBytes: Uint32Array,
  spanLead: Uint32Array,
  line: Uint32Array,
  lastDelta: Uint32Array,
  task: Uint32Array,
  cpu: Int16Array,
  caller: Uint32Array,
  entryTs: Float64Array,
  durationUs: Float32Array,
  tailS: Float32Array,
  shape: Uint8Array,
  bytes: Float64Array,
  pages: Uint32Array,
  rounds: Uint16Array,
  unpins: Uint32Array,
  observedRet: Int32Array,
  predictedRet: Int32Array,
  verdict: Uint8Array,
  anomalies: Uint16Array,
} as const;

type CallColumn = keyof typeof COLUMN_TYPES;

/** The typed arrays of an index, for a worker's transfer list. */
export function columnBuffers(columns: IndexColumns): ArrayBuffer[] {
  const views: ArrayBufferView[] = [...(Object.keys(COLUMN_TYPES) as CallColumn[]).map((k) => columns[k]), columns.taskPid, columns.taskComm, columns.lateUnpinTs];
  return views.map((v) => v.buffer as ArrayBuffer);
}

/** Strings numbered as first seen; 0 is none (null). */
export class Strings {
  readonly list: string[] = [''];
  private readonly ids = new Map<string, number>();

  id(text: string | null): number {
    if (text === null) return 0;
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(text);
      this.ids.set(text, id);
    }
    return id;
  }
}

function int(value: number | null): number {
  return value === null || !Number.isInteger(value) || value < -0x7fffffff || value > 0x7fffffff ? NO_INT : value;
}

/** How the index tells tasks apart: the reconstructor's own key (pid, or the CPU when the format shows no pid) and the comm it ran as. */
export function taskIdentity(pid: number | null, cpu: number | null, comm: string | null): string {
  return `${pid ?? `cpu${cpu ?? '?'}`}|${comm ?? ''}`;
}

/** Collects calls as they stream (in any order: each goes to its own index) into columns. */
export class IndexBuilder {
  private capacity = 0;
  private count = 0;
  private columns = {} as Columns;
  private readonly strings = new Strings();
  private readonly tasks = new Map<string, number>();
  private taskPid: number[] = [];
  private taskComm: number[] = [];
  private lateUnpins: number[] = [];
  private lateLines = 0;
  private sawRounds = false;
  private sawUnpins = false;

  constructor(expectedCalls = 1024) {
    this.grow(Math.max(16, expectedCalls));
  }

  get calls(): number {
    return this.count;
  }

  private grow(capacity: number): void {
    const next = {} as Record<CallColumn, ArrayBufferView>;
    for (const key of Object.keys(COLUMN_TYPES) as CallColumn[]) {
      const column = new COLUMN_TYPES[key](capacity);
      const old = this.columns[key] as unknown as { length: number } | undefined;
      if (old) (column as unknown as { set(a: unknown): void }).set(old);
      next[key] = column;
    }
    this.columns = next as unknown as Columns;
    this.capacity = capacity;
  }

  private taskOf(pid: number | null, cpu: number | null, comm: string | null): number {
    const key = taskIdentity(pid, cpu, comm);
    let id = this.tasks.get(key);
    if (id === undefined) {
      id = this.taskPid.length;
      this.taskPid.push(pid ?? -1);
      this.taskComm.push(this.strings.id(comm));
      this.tasks.set(key, id);
    }
    return id;
  }

  /** `i`: the row the call goes to (default: its index, its place in start order). */
  add(raw: RawCall, result: TraceCallResult, i = raw.index): void {
    if (i >= this.capacity) this.grow(Math.max(i + 1, Math.ceil(this.capacity * 1.5)));
    this.count = Math.max(this.count, i + 1);
    const c = this.columns;
    const task = this.taskOf(raw.pid, raw.cpu, raw.comm);
    const caller = this.strings.id(result.observed.caller);
    c.spanStart[i] = raw.spanStart;
    c.spanBytes[i] = raw.spanEnd - raw.spanStart;
    c.spanLead[i] = raw.line - raw.spanLine;
    c.line[i] = raw.line;
    c.lastDelta[i] = raw.lastLine - raw.line;
    c.task[i] = task;
    c.cpu[i] = raw.cpu ?? -1;
    c.caller[i] = caller;
    c.entryTs[i] = raw.entryTs ?? NaN;
    c.durationUs[i] = raw.entryTs !== null && raw.exitTs !== null ? (raw.exitTs - raw.entryTs) * 1e6 : NaN;
    c.tailS[i] = raw.entryTs !== null && raw.lastTs !== null ? raw.lastTs - raw.entryTs : NaN;
    const input = result.input;
    c.shape[i] = input ? (ITER_KINDS.indexOf(input.iter) << 1) | (input.dir === 'write' ? 1 : 0) : 0;
    // orig_len past 2^53 is kept as text by decode: a column holds its nearest double.
    const origLen = result.observed.args?.origLen;
    c.bytes[i] = input ? input.len : origLen === undefined || origLen === null ? NaN : Number(origLen);
    const observedRounds = result.observed.pinRounds;
    const rounds = observedRounds.length ? observedRounds : (result.predicted?.pinRounds ?? []);
    c.pages[i] = pagesPinned(rounds);
    c.rounds[i] = Math.min(rounds.length, 0xffff);
    c.unpins[i] = result.observed.unpins;
    c.observedRet[i] = int(result.observed.ret);
    c.predictedRet[i] = int(result.predicted?.ret ?? null);
    c.verdict[i] = VERDICTS.indexOf(result.verdict) | (observedRounds.length ? 4 : 0);
    let bits = 0;
    for (const a of result.predicted?.anomalies ?? []) {
      const bit = (ANOMALY_KINDS as readonly string[]).indexOf(a.kind);
      if (bit >= 0) bits |= 1 << bit;
    }
    c.anomalies[i] = bits;
    if (observedRounds.length) this.sawRounds = true;
    if (result.observed.unpins > 0) this.sawUnpins = true;
  }

  /** A line that came after its call was handed out (Reconstructor's onLate). */
  late(event: TraceEvent): void {
    this.lateLines++;
    if (event.kind === 'unpin') {
      this.lateUnpins.push(event.ts ?? NaN);
      this.sawUnpins = true;
    }
  }

  /**
   * Calls [from, to) and what was added to the tables since `since` (a live
   * trace sends only these on, see IndexDelta). The calls must all have been
   * added: a live reader's calls below its next one to hand out.
   */
  delta(since: DeltaMark, to: number): IndexDelta {
    const rows = {} as Record<CallColumn, ArrayBufferView>;
    for (const key of Object.keys(COLUMN_TYPES) as CallColumn[]) rows[key] = (this.columns[key] as unknown as { slice(a: number, b: number): ArrayBufferView }).slice(since.calls, to);
    // Only the tasks these calls name (a task first seen in a call handed out early, past `to`, comes with that call).
    let tasks = since.tasks;
    for (let i = since.calls; i < to; i++) tasks = Math.max(tasks, this.columns.task[i]! + 1);
    return {
      from: since.calls,
      to,
      rows: rows as unknown as IndexDelta['rows'],
      taskFrom: since.tasks,
      taskPid: Int32Array.from(this.taskPid.slice(since.tasks, tasks)),
      taskComm: Uint32Array.from(this.taskComm.slice(since.tasks, tasks)),
      stringFrom: since.strings,
      strings: this.strings.list.slice(since.strings),
      lateFrom: since.late,
      lateUnpinTs: Float64Array.from(this.lateUnpins.slice(since.late)),
      lateLines: this.lateLines,
      records: { pinRounds: this.sawRounds, unpins: this.sawUnpins },
    };
  }

  /**
   * The columns, cut to the calls seen, tasks and strings numbered in the
   * order of the calls (canonical: see canonicalIds). The builder is spent.
   */
  finish(): IndexColumns {
    return canonicalIds(this.finishAsAdded());
  }

  /** The columns with tasks and strings numbered as the calls were added. */
  finishAsAdded(): IndexColumns {
    const cut = {} as Record<CallColumn, ArrayBufferView>;
    for (const key of Object.keys(COLUMN_TYPES) as CallColumn[]) cut[key] = (this.columns[key] as unknown as { slice(a: number, b: number): ArrayBufferView }).slice(0, this.count);
    this.columns = {} as Columns;
    return {
      ...(cut as unknown as Columns),
      count: this.count,
      taskPid: Int32Array.from(this.taskPid),
      taskComm: Uint32Array.from(this.taskComm),
      strings: this.strings.list,
      lateUnpinTs: Float64Array.from(this.lateUnpins),
      lateLines: this.lateLines,
      records: { pinRounds: this.sawRounds, unpins: this.sawUnpins },
    };
  }
}

/**
 * The same index with its tasks numbered in the order of their first call and
 * its strings in the order of first use (a task's comm at its first call, then
 * the call's caller), so that it depends only on the calls, not on the order
 * they were handed out in (which the reconstructor's MAX_WAITING may change,
 * and which a trace read in pieces does not share). The call columns `task`
 * and `caller` are renumbered in place.
 */
export function canonicalIds(columns: IndexColumns): IndexColumns {
  const { task, caller, taskPid, taskComm, strings } = columns;
  const taskTo = new Int32Array(taskPid.length).fill(-1);
  const stringTo = new Int32Array(strings.length).fill(-1);
  const pids: number[] = [];
  const comms: number[] = [];
  const list: string[] = [''];
  stringTo[0] = 0;
  const str = (id: number): number => {
    if (stringTo[id]! < 0) {
      stringTo[id] = list.length;
      list.push(strings[id]!);
    }
    return stringTo[id]!;
  };
  for (let i = 0; i < columns.count; i++) {
    const t = task[i]!;
    if (taskTo[t]! < 0) {
      taskTo[t] = pids.length;
      pids.push(taskPid[t]!);
      comms.push(str(taskComm[t]!));
    }
    task[i] = taskTo[t]!;
    caller[i] = str(caller[i]!);
  }
  return { ...columns, taskPid: Int32Array.from(pids), taskComm: Uint32Array.from(comms), strings: list };
}

/** How much of an index a live trace has sent on: calls, tasks, strings, late unpins. */
export interface DeltaMark {
  readonly calls: number;
  readonly tasks: number;
  readonly strings: number;
  readonly late: number;
}

/** Nothing sent yet (string 0, none, both sides have from the start). */
export const NO_DELTA: DeltaMark = { calls: 0, tasks: 0, strings: 1, late: 0 };

/** What an index gained: its calls [from, to) and the new rows of its tables (plain typed arrays: transferable). */
export interface IndexDelta {
  readonly from: number;
  readonly to: number;
  readonly rows: { readonly [K in CallColumn]: IndexColumns[K] };
  readonly taskFrom: number;
  readonly taskPid: Int32Array;
  readonly taskComm: Uint32Array;
  readonly stringFrom: number;
  readonly strings: readonly string[];
  readonly lateFrom: number;
  readonly lateUnpinTs: Float64Array;
  /** Totals so far, not increments. */
  readonly lateLines: number;
  readonly records: IndexColumns['records'];
}

/** Where the next delta starts. */
export function markAfter(delta: IndexDelta): DeltaMark {
  return { calls: delta.to, tasks: delta.taskFrom + delta.taskPid.length, strings: delta.stringFrom + delta.strings.length, late: delta.lateFrom + delta.lateUnpinTs.length };
}

/** The typed arrays of a delta, for a worker's transfer list. */
export function deltaBuffers(delta: IndexDelta): ArrayBuffer[] {
  return [...Object.values(delta.rows), delta.taskPid, delta.taskComm, delta.lateUnpinTs].map((v) => (v as ArrayBufferView).buffer as ArrayBuffer);
}

type Growable = Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

function appended<T extends Growable>(old: T, used: number, add: T): T {
  let out = old;
  if (used + add.length > old.length) {
    out = new (old.constructor as new (n: number) => T)(Math.max(16, used + add.length, Math.ceil(old.length * 1.5)));
    out.set(old.subarray(0, used));
  }
  out.set(add, used);
  return out;
}

/**
 * An index that grows by deltas (a live trace on the server): columns with
 * room to spare, seen through views cut to what has arrived (no copy per update).
 */
export class GrowingColumns {
  private count = 0;
  private readonly rows = {} as Record<CallColumn, Growable>;
  private taskPid: Int32Array = new Int32Array(16);
  private taskComm: Uint32Array = new Uint32Array(16);
  private tasks = 0;
  private readonly strings: string[] = [''];
  private lateUnpinTs: Float64Array = new Float64Array(16);
  private late = 0;
  private lateLines = 0;
  private records: IndexColumns['records'] = { pinRounds: false, unpins: false };

  constructor() {
    for (const key of Object.keys(COLUMN_TYPES) as CallColumn[]) this.rows[key] = new COLUMN_TYPES[key](1024);
  }

  /** Adds a delta; one that does not start where the last ended is a bug upstream. */
  apply(delta: IndexDelta): void {
    if (delta.from !== this.count || delta.taskFrom !== this.tasks || delta.stringFrom !== this.strings.length || delta.lateFrom !== this.late) {
      throw new Error(`a live trace's update does not follow the last one (calls ${delta.from} after ${this.count})`);
    }
    for (const key of Object.keys(COLUMN_TYPES) as CallColumn[]) this.rows[key] = appended(this.rows[key], this.count, delta.rows[key] as Growable);
    this.count = delta.to;
    this.taskPid = appended(this.taskPid, this.tasks, delta.taskPid);
    this.taskComm = appended(this.taskComm, this.tasks, delta.taskComm);
    this.tasks += delta.taskPid.length;
    this.strings.push(...delta.strings);
    this.lateUnpinTs = appended(this.lateUnpinTs, this.late, delta.lateUnpinTs);
    this.late += delta.lateUnpinTs.length;
    this.lateLines = delta.lateLines;
    this.records = delta.records;
  }

  /** The columns as they stand: views into the growing arrays (rows once written never change, so an older view stays valid). */
  view(): IndexColumns {
    const cut = {} as Record<CallColumn, ArrayBufferView>;
    for (const key of Object.keys(COLUMN_TYPES) as CallColumn[]) cut[key] = this.rows[key].subarray(0, this.count);
    return {
      ...(cut as unknown as Columns),
      count: this.count,
      taskPid: this.taskPid.subarray(0, this.tasks),
      taskComm: this.taskComm.subarray(0, this.tasks),
      strings: this.strings,
      lateUnpinTs: this.lateUnpinTs.subarray(0, this.late),
      lateLines: this.lateLines,
      records: this.records,
    };
  }
}
