// Questions about a loaded trace answered from its columns: totals, pages of
// tasks, groups and calls under a filter, "go to call N / line L", and the
// overview's bins. Nothing here reads the file; a call's detail is the
// shell's (it reads the call's lines again, see server/trace-store.ts).
import type {
  AnomalyKind,
  CountDto,
  SizeClassDto,
  TraceBinsDto,
  TraceCallRowDto,
  TraceFilterDto,
  TraceGroupDto,
  TraceTaskDto,
  TraceTotalsDto,
  TraceVerdict,
} from '../protocol/trace-calls';
import { binAt, type TimeBins } from '../protocol/time-bins';
import { ANOMALY_KINDS, ITER_KINDS, NO_INT, VERDICTS, type IndexColumns } from './index-columns';

const SIZE_CLASSES: ReadonlyArray<readonly [string, number, number]> = [
  ['0 B', 0, 0],
  ['1 B – 511 B', 1, 511],
  ['512 B – 4 KiB', 512, 4095],
  ['4 KiB – 16 KiB', 4096, 16383],
  ['16 KiB – 64 KiB', 16384, 65535],
  ['64 KiB – 256 KiB', 65536, 262143],
  ['256 KiB – 1 MiB', 262144, 1048575],
  ['1 MiB – 4 MiB', 1048576, 4194303],
  ['4 MiB or more', 4194304, Number.MAX_SAFE_INTEGER],
];

/** Shapes listed as groups: the commonest ones. */
const SHAPE_GROUPS = 50;
const SPANS_DEFAULT = 200;
/** Spans asked per row at most: about one per pixel column of a wide screen. */
const SPANS_MAX = 4096;

export class TraceIndex {
  /** Each task's calls in start order: calls taskCalls[taskStart[t] .. taskStart[t+1]). */
  private readonly taskStart: Uint32Array;
  private readonly taskCalls: Uint32Array;
  private readonly cache = new Map<string, Uint32Array>();

  constructor(readonly c: IndexColumns) {
    const tasks = c.taskPid.length;
    const counts = new Uint32Array(tasks + 1);
    for (let i = 0; i < c.count; i++) counts[c.task[i]! + 1]!++;
    for (let t = 0; t < tasks; t++) counts[t + 1]! += counts[t]!;
    this.taskStart = counts;
    const fill = counts.slice(0, tasks);
    this.taskCalls = new Uint32Array(c.count);
    for (let i = 0; i < c.count; i++) this.taskCalls[fill[c.task[i]!]!++] = i;
  }

  get count(): number {
    return this.c.count;
  }

  /** Bytes the index holds (its typed arrays). */
  get bytes(): number {
    let n = this.taskStart.byteLength + this.taskCalls.byteLength;
    for (const value of Object.values(this.c)) if (ArrayBuffer.isView(value)) n += value.byteLength;
    return n;
  }

  // ---- one call ----

  verdictOf(i: number): TraceVerdict {
    return VERDICTS[this.c.verdict[i]! & 3]!;
  }

  anomaliesOf(i: number): AnomalyKind[] {
    const bits = this.c.anomalies[i]!;
    return bits ? ANOMALY_KINDS.filter((_, b) => bits & (1 << b)) : [];
  }

  /** describeCall's text, from the columns. */
  shapeOf(i: number): string | null {
    const shape = this.c.shape[i]!;
    const iter = ITER_KINDS[shape >> 1];
    if (!iter) return null;
    return `${iter.toUpperCase()} ${shape & 1 ? 'write' : 'read'} ${this.c.bytes[i]}`;
  }

  private str(id: number): string | null {
    return id === 0 ? null : this.c.strings[id]!;
  }

  row(i: number): TraceCallRowDto {
    const c = this.c;
    const task = c.task[i]!;
    const pid = c.taskPid[task]!;
    const num = (v: number) => (Number.isNaN(v) ? null : v);
    const ret = (v: number) => (v === NO_INT ? null : v);
    return {
      index: i,
      pid: pid < 0 ? null : pid,
      comm: this.str(c.taskComm[task]!),
      cpu: c.cpu[i]! < 0 ? null : c.cpu[i]!,
      line: c.line[i]!,
      lastLine: c.line[i]! + c.lastDelta[i]!,
      ts: num(c.entryTs[i]!),
      durationUs: num(c.durationUs[i]!),
      verdict: this.verdictOf(i),
      input: this.shapeOf(i),
      bytes: num(c.bytes[i]!),
      observedRet: ret(c.observedRet[i]!),
      predictedRet: ret(c.predictedRet[i]!),
      pages: c.pages[i]!,
      rounds: c.rounds[i]!,
      unpins: c.unpins[i]!,
      anomalies: this.anomaliesOf(i),
      caller: this.str(c.caller[i]!),
    };
  }

  /** Where to read the call again: bytes [start, start + bytes) from line `line`. */
  span(i: number): { start: number; bytes: number; line: number; callLine: number; lastLine: number } {
    const c = this.c;
    return { start: c.spanStart[i]!, bytes: c.spanBytes[i]!, line: c.line[i]! - c.spanLead[i]!, callLine: c.line[i]!, lastLine: c.line[i]! + c.lastDelta[i]! };
  }

  // ---- filters ----

  private predicate(filter: TraceFilterDto): ((i: number) => boolean) | null {
    const c = this.c;
    const tests: Array<(i: number) => boolean> = [];
    if (filter.comm !== undefined) {
      const text = filter.comm;
      const ok = new Uint8Array(c.taskPid.length);
      for (let t = 0; t < ok.length; t++) ok[t] = (this.str(c.taskComm[t]!) ?? '').includes(text) ? 1 : 0;
      tests.push((i) => ok[c.task[i]!] === 1);
    }
    if (filter.verdicts) {
      let mask = 0;
      for (const v of filter.verdicts) mask |= 1 << VERDICTS.indexOf(v);
      tests.push((i) => ((mask >> (c.verdict[i]! & 3)) & 1) === 1);
    }
    if (filter.anomaly !== undefined) {
      const a = filter.anomaly;
      if (a === 'any') tests.push((i) => c.anomalies[i] !== 0);
      else if (a === 'none') tests.push((i) => c.anomalies[i] === 0);
      else {
        const bit = 1 << (ANOMALY_KINDS as readonly string[]).indexOf(a);
        tests.push((i) => (c.anomalies[i]! & bit) !== 0);
      }
    }
    if (filter.caller !== undefined) {
      const id = c.strings.indexOf(filter.caller);
      tests.push((i) => id > 0 && c.caller[i] === id);
    }
    if (filter.group !== undefined) tests.push(this.groupTest(filter.group));
    const range = (column: ArrayLike<number>, min: number | undefined, max: number | undefined) => {
      if (min === undefined && max === undefined) return;
      const lo = min ?? -Infinity;
      const hi = max ?? Infinity;
      tests.push((i) => column[i]! >= lo && column[i]! <= hi);
    };
    range(c.bytes, filter.bytesMin, filter.bytesMax);
    range(c.pages, filter.pagesMin, filter.pagesMax);
    range(c.rounds, filter.roundsMin, filter.roundsMax);
    range(c.durationUs, filter.durationUsMin, filter.durationUsMax);
    if (filter.timeFrom !== undefined || filter.timeTo !== undefined) {
      // Half-open, as the overview's bins: a call on an edge belongs to the later bin only.
      const lo = filter.timeFrom ?? -Infinity;
      const hi = filter.timeTo ?? Infinity;
      tests.push(filter.timeToIncluded ? (i) => c.entryTs[i]! >= lo && c.entryTs[i]! <= hi : (i) => c.entryTs[i]! >= lo && c.entryTs[i]! < hi);
    }
    if (tests.length === 0) return null;
    if (tests.length === 1) return tests[0]!;
    return (i) => tests.every((t) => t(i));
  }

  private groupTest(key: string): (i: number) => boolean {
    const c = this.c;
    if (key === 'mismatch' || key === 'incomplete' || key === 'match') {
      const v = VERDICTS.indexOf(key);
      return (i) => (c.verdict[i]! & 3) === v;
    }
    if (key.startsWith('anomaly:')) {
      const bit = 1 << (ANOMALY_KINDS as readonly string[]).indexOf(key.slice(8));
      return (i) => bit !== 0 && (c.anomalies[i]! & bit) !== 0;
    }
    if (key.startsWith('shape:')) {
      const shape = key.slice(6);
      return (i) => this.shapeOf(i) === shape;
    }
    return () => false;
  }

  /** Calls that match, in start order (the last few answers are kept: pages of one filter come in a row). */
  matching(filter: TraceFilterDto = {}): Uint32Array {
    const key = JSON.stringify(filter, Object.keys(filter).sort());
    const hit = this.cache.get(key);
    if (hit) return hit;
    const test = this.predicate(filter);
    let out: Uint32Array;
    if (!test && filter.pid === undefined) {
      out = new Uint32Array(this.c.count);
      for (let i = 0; i < out.length; i++) out[i] = i;
    } else {
      out = Uint32Array.from(this.select(filter, test ?? (() => true)));
    }
    if (this.cache.size >= 4) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, out);
    return out;
  }

  private callsOfPid(pid: number): Uint32Array {
    const parts: Uint32Array[] = [];
    for (let t = 0; t < this.c.taskPid.length; t++) if (this.c.taskPid[t] === pid) parts.push(this.taskCalls.subarray(this.taskStart[t]!, this.taskStart[t + 1]!));
    if (parts.length === 1) return parts[0]!;
    const all = Uint32Array.from(parts.flatMap((p) => [...p]));
    return all.sort();
  }

  // ---- pages ----

  calls(filter: TraceFilterDto | undefined, offset: number, limit: number): { total: number; offset: number; calls: TraceCallRowDto[] } {
    const found = this.matching(filter);
    const from = Math.max(0, Math.min(offset, found.length));
    const calls: TraceCallRowDto[] = [];
    for (let k = from; k < Math.min(found.length, from + limit); k++) calls.push(this.row(found[k]!));
    return { total: found.length, offset: from, calls };
  }

  tasks(filter: TraceFilterDto | undefined, offset: number, limit: number): { total: number; offset: number; tasks: TraceTaskDto[] } {
    const found = this.matching(filter);
    const c = this.c;
    const n = c.taskPid.length;
    const calls = new Uint32Array(n);
    const verdicts = new Uint32Array(n * 3);
    const anomalous = new Uint32Array(n);
    const first = new Uint32Array(n).fill(0xffffffff);
    for (const i of found) {
      const t = c.task[i]!;
      calls[t]!++;
      verdicts[t * 3 + (c.verdict[i]! & 3)]!++;
      if (c.anomalies[i]) anomalous[t]!++;
      if (i < first[t]!) first[t] = i;
    }
    const order: number[] = [];
    for (let t = 0; t < n; t++) if (calls[t]) order.push(t);
    order.sort((a, b) => first[a]! - first[b]!);
    const from = Math.max(0, Math.min(offset, order.length));
    const tasks = order.slice(from, from + limit).map((t) => this.taskDto(t, calls[t]!, verdicts.subarray(t * 3, t * 3 + 3), anomalous[t]!, first[t]!));
    return { total: order.length, offset: from, tasks };
  }

  private taskDto(t: number, calls: number, v: ArrayLike<number>, anomalous: number, firstCall: number): TraceTaskDto {
    const pid = this.c.taskPid[t]!;
    return {
      pid: pid < 0 ? null : pid,
      comm: this.str(this.c.taskComm[t]!),
      calls,
      verdicts: { match: v[0]!, mismatch: v[1]!, incomplete: v[2]! },
      anomalous,
      firstCall,
    };
  }

  groups(filter: TraceFilterDto | undefined): TraceGroupDto[] {
    const found = this.matching(filter);
    const c = this.c;
    let mismatch = 0;
    let incomplete = 0;
    const kinds = new Uint32Array(ANOMALY_KINDS.length);
    const shapes = new Map<string, number>();
    for (const i of found) {
      const v = c.verdict[i]! & 3;
      if (v === 1) mismatch++;
      else if (v === 2) incomplete++;
      const bits = c.anomalies[i]!;
      if (bits) for (let b = 0; b < kinds.length; b++) if (bits & (1 << b)) kinds[b]!++;
      const shape = this.shapeOf(i) ?? 'inputs not recorded';
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    }
    const groups: TraceGroupDto[] = [];
    if (mismatch) groups.push({ key: 'mismatch', label: 'mismatches', kind: 'mismatch', calls: mismatch });
    ANOMALY_KINDS.forEach((kind, b) => {
      if (kinds[b]) groups.push({ key: `anomaly:${kind}`, label: kind, kind: 'anomaly', calls: kinds[b]! });
    });
    if (incomplete) groups.push({ key: 'incomplete', label: 'incomplete', kind: 'incomplete', calls: incomplete });
    [...shapes]
      .filter(([shape]) => shape !== 'inputs not recorded')
      .sort((a, b) => b[1] - a[1])
      .slice(0, SHAPE_GROUPS)
      .forEach(([shape, calls]) => groups.push({ key: `shape:${shape}`, label: shape, kind: 'shape', calls }));
    return groups;
  }

  /** "Go to call N" (0-based) or the call covering trace line L (else the first starting after it). */
  locate(target: { call?: number; line?: number }, filter?: TraceFilterDto): { row: TraceCallRowDto; position: number; exact: boolean } | null {
    const c = this.c;
    let index = -1;
    let exact = true;
    if (target.call !== undefined) {
      if (!Number.isInteger(target.call) || target.call < 0 || target.call >= c.count) return null;
      index = target.call;
    } else if (target.line !== undefined) {
      const line = target.line;
      let after = -1;
      for (let i = 0; i < c.count; i++) {
        const first = c.line[i]!;
        if (first <= line && line <= first + c.lastDelta[i]!) {
          if (index < 0 || first > c.line[index]!) index = i; // the innermost (latest-starting) call covering it
        } else if (first > line && (after < 0 || first < c.line[after]!)) after = i;
      }
      if (index < 0) {
        index = after;
        exact = false;
      }
      if (index < 0) return null;
    } else return null;
    const found = this.matching(filter);
    return { row: this.row(index), position: binarySearch(found, index), exact };
  }

  // ---- totals ----

  totals(): TraceTotalsDto {
    const c = this.c;
    const verdicts = { match: 0, mismatch: 0, incomplete: 0 };
    const kinds = new Uint32Array(ANOMALY_KINDS.length);
    const callers = new Map<number, number>();
    const sizes = new Uint32Array(SIZE_CLASSES.length);
    let anomalous = 0;
    let first = Infinity;
    let last = -Infinity;
    let pinned = 0;
    let unpinned = c.lateUnpinTs.length;
    for (let i = 0; i < c.count; i++) {
      verdicts[VERDICTS[c.verdict[i]! & 3]!]++;
      const bits = c.anomalies[i]!;
      if (bits) {
        anomalous++;
        for (let b = 0; b < kinds.length; b++) if (bits & (1 << b)) kinds[b]!++;
      }
      const caller = c.caller[i]!;
      if (caller) callers.set(caller, (callers.get(caller) ?? 0) + 1);
      const bytes = c.bytes[i]!;
      if (!Number.isNaN(bytes)) {
        const k = SIZE_CLASSES.findIndex(([, lo, hi]) => bytes >= lo && bytes <= hi);
        if (k >= 0) sizes[k]!++;
      }
      const ts = c.entryTs[i]!;
      if (!Number.isNaN(ts)) {
        if (ts < first) first = ts;
        const end = ts + Math.max(0, Number.isNaN(c.tailS[i]!) ? 0 : c.tailS[i]!);
        if (end > last) last = end;
      }
      if (c.verdict[i]! & 4) pinned += c.pages[i]!;
      unpinned += c.unpins[i]!;
    }
    const callerList: CountDto[] = [...callers].sort((a, b) => b[1] - a[1]).map(([id, calls]) => ({ key: c.strings[id]!, calls }));
    const anomalies: CountDto[] = [];
    ANOMALY_KINDS.forEach((kind, b) => kinds[b] && anomalies.push({ key: kind, calls: kinds[b]! }));
    const sizeClasses: SizeClassDto[] = SIZE_CLASSES.map(([label, min, max], k) => ({ label, min, max, calls: sizes[k]! })).filter((s) => s.calls > 0);
    const busiest = [];
    for (let t = 0; t < c.taskPid.length; t++) busiest.push(t);
    busiest.sort((a, b) => this.taskSize(b) - this.taskSize(a));
    return {
      calls: c.count,
      tasks: c.taskPid.length,
      verdicts,
      anomalous,
      anomalies,
      callers: callerList.slice(0, 100),
      callersMore: Math.max(0, callerList.length - 100),
      busiestTasks: busiest.slice(0, 20).map((t) => this.wholeTask(t)),
      sizeClasses,
      time: first <= last ? { first, last } : null,
      pins: { pinned, unpinned, outstanding: pinned - unpinned },
      lateLines: c.lateLines,
    };
  }

  private taskSize(t: number): number {
    return this.taskStart[t + 1]! - this.taskStart[t]!;
  }

  private wholeTask(t: number): TraceTaskDto {
    const calls = this.taskCalls.subarray(this.taskStart[t]!, this.taskStart[t + 1]!);
    const v = [0, 0, 0];
    let anomalous = 0;
    for (const i of calls) {
      v[this.c.verdict[i]! & 3]!++;
      if (this.c.anomalies[i]) anomalous++;
    }
    return this.taskDto(t, calls.length, v, anomalous, calls[0] ?? 0);
  }

  // ---- the overview's bins ----

  private window(from: number | undefined, to: number | undefined): { from: number; to: number } {
    const time = this.timeRange();
    const lo = from ?? time?.first ?? 0;
    const hi = to ?? time?.last ?? 0;
    return { from: lo, to: hi > lo ? hi : lo + 1e-6 };
  }

  private timeRange(): { first: number; last: number } | null {
    let first = Infinity;
    let last = -Infinity;
    const c = this.c;
    for (let i = 0; i < c.count; i++) {
      const ts = c.entryTs[i]!;
      if (Number.isNaN(ts)) continue;
      if (ts < first) first = ts;
      const end = ts + (Number.isNaN(c.tailS[i]!) ? 0 : Math.max(0, c.tailS[i]!));
      if (end > last) last = end;
    }
    return first <= last ? { first, last } : null;
  }

  timeline(params: { filter?: TraceFilterDto; from?: number; to?: number; buckets: number; rowOffset?: number; rowLimit?: number; maxSpans?: number }): TraceBinsDto {
    const c = this.c;
    const { from, to } = this.window(params.from, params.to);
    const buckets = clampInt(params.buckets, 1, 4096);
    const bins: TimeBins = { from, to, bins: buckets };
    const found = this.matching({ ...params.filter, ...windowed(params.filter, from, to) });
    // Tasks in the window, by first call (a call still running from before the window first); each with
    // its calls there. A running call has no cell (it is counted in the bin it began in), only its span.
    const perTask = new Map<number, { running: number[]; calls: number[] }>();
    const listOf = (i: number) => {
      const t = c.task[i]!;
      let lists = perTask.get(t);
      if (!lists) perTask.set(t, (lists = { running: [], calls: [] }));
      return lists;
    };
    for (const i of this.runningInto(params.filter, from)) listOf(i).running.push(i);
    for (const i of found) listOf(i).calls.push(i);
    const rowOffset = Math.max(0, params.rowOffset ?? 0);
    const rowLimit = clampInt(params.rowLimit ?? 200, 1, 1000);
    const maxSpans = clampInt(params.maxSpans ?? SPANS_DEFAULT, 0, SPANS_MAX);
    const rows = [...perTask].slice(rowOffset, rowOffset + rowLimit).map(([t, { running, calls }]) => {
      const cells = new Map<number, [number, number, number, number]>();
      for (const i of calls) {
        const b = binAt(bins, c.entryTs[i]!);
        let cell = cells.get(b);
        if (!cell) cells.set(b, (cell = [0, 0, 0, 0]));
        cell[0]++;
        const v = c.verdict[i]! & 3;
        if (v === 1) cell[1]++;
        if (v === 2) cell[2]++;
        if (c.anomalies[i]) cell[3]++;
      }
      const flat: number[] = [];
      for (const [b, cell] of [...cells].sort((x, y) => x[0] - y[0])) flat.push(b, ...cell);
      let spans: number[] | null = null;
      if (running.length + calls.length <= maxSpans) {
        spans = [];
        // The view clips a span at the window's edges.
        for (const i of [...running, ...calls]) {
          const ts = c.entryTs[i]!;
          const d = c.durationUs[i]!;
          spans.push(i, ts, Number.isNaN(d) ? ts : ts + d / 1e6, c.verdict[i]! & 3, c.anomalies[i] ? 1 : 0);
        }
      }
      const pid = c.taskPid[t]!;
      return { pid: pid < 0 ? null : pid, comm: this.str(c.taskComm[t]!), cells: flat, spans };
    });
    return { kind: 'timeline', from, to, buckets, tasks: perTask.size, rows };
  }

  /** Calls (under `filter`) that began before `from` and had not returned by then, in start order. */
  private runningInto(filter: TraceFilterDto | undefined, from: number): number[] {
    const c = this.c;
    const test = this.predicate({ ...filter, ...before(filter, from) })!;
    // False for an unknown time or duration (NaN).
    return this.select(filter ?? {}, (i) => c.entryTs[i]! + c.durationUs[i]! / 1e6 > from && test(i));
  }

  /** The calls passing `test`, in start order: among the pid's calls when the filter names one (a pid is not in the predicate). */
  private select(filter: TraceFilterDto, test: (i: number) => boolean): number[] {
    const found: number[] = [];
    if (filter.pid !== undefined) {
      for (const i of this.callsOfPid(filter.pid)) if (test(i)) found.push(i);
    } else {
      for (let i = 0; i < this.c.count; i++) if (test(i)) found.push(i);
    }
    return found;
  }

  /** Pins taken (at each call's return) and unpin events (at the call's last event), binned, and the running balance. */
  pins(params: { from?: number; to?: number; buckets: number }): TraceBinsDto {
    const c = this.c;
    const { from, to } = this.window(params.from, params.to);
    const buckets = clampInt(params.buckets, 1, 4096);
    const bins: TimeBins = { from, to, bins: buckets };
    const pinned = new Array<number>(buckets).fill(0);
    const unpinned = new Array<number>(buckets).fill(0);
    let before = 0;
    const put = (ts: number, n: number, into: number[], sign: number) => {
      if (Number.isNaN(ts) || n === 0) return;
      if (ts < from) before += sign * n;
      else if (ts <= to) into[binAt(bins, ts)]! += n;
    };
    for (let i = 0; i < c.count; i++) {
      const ts = c.entryTs[i]!;
      if (c.verdict[i]! & 4) put(ts + (Number.isNaN(c.durationUs[i]!) ? 0 : c.durationUs[i]! / 1e6), c.pages[i]!, pinned, 1);
      put(ts + (Number.isNaN(c.tailS[i]!) ? 0 : c.tailS[i]!), c.unpins[i]!, unpinned, -1);
    }
    for (const ts of c.lateUnpinTs) put(ts, 1, unpinned, -1);
    const outstanding: number[] = [];
    let balance = before;
    for (let b = 0; b < buckets; b++) outstanding.push((balance += pinned[b]! - unpinned[b]!));
    return { kind: 'pins', from, to, buckets, pinned, unpinned, outstanding };
  }

  histogram(of: 'bytes' | 'pages' | 'rounds' | 'duration', filter?: TraceFilterDto): TraceBinsDto {
    const c = this.c;
    const column: ArrayLike<number> = of === 'bytes' ? c.bytes : of === 'pages' ? c.pages : of === 'rounds' ? c.rounds : c.durationUs;
    const found = this.matching(filter);
    let max = 0;
    let unknown = 0;
    for (const i of found) {
      const v = column[i]!;
      if (Number.isNaN(v)) unknown++;
      else if (v > max) max = v;
    }
    // Linear up to 16 for counts of pages and rounds, then powers of two; bytes and times in powers of two.
    const edges: number[] = of === 'pages' || of === 'rounds' ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] : [0, 1];
    while (edges[edges.length - 1]! <= max) edges.push(edges[edges.length - 1]! * 2);
    const counts = new Array<number>(edges.length - 1).fill(0);
    for (const i of found) {
      const v = column[i]!;
      if (Number.isNaN(v)) continue;
      let b = upperBound(edges, v) - 1;
      if (b >= counts.length) b = counts.length - 1;
      counts[Math.max(0, b)]!++;
    }
    return { kind: 'histogram', of, edges, counts, unknown };
  }
}

/** The filter's time range within the window [from, to] (the window's end is in its last bin). */
function windowed(filter: TraceFilterDto | undefined, from: number, to: number): Pick<TraceFilterDto, 'timeFrom' | 'timeTo' | 'timeToIncluded'> {
  const timeFrom = Math.max(from, filter?.timeFrom ?? -Infinity);
  if (filter?.timeTo !== undefined && filter.timeTo < to) return { timeFrom, timeTo: filter.timeTo, timeToIncluded: filter.timeToIncluded === true };
  return { timeFrom, timeTo: to, timeToIncluded: filter?.timeTo === undefined || filter.timeTo > to || filter.timeToIncluded === true };
}

/** The part of `filter`'s time range before `from` (calls that began before a window starting there). */
function before(filter: TraceFilterDto | undefined, from: number): Pick<TraceFilterDto, 'timeTo' | 'timeToIncluded'> {
  if (filter?.timeTo !== undefined && filter.timeTo < from) return { timeTo: filter.timeTo, timeToIncluded: filter.timeToIncluded === true };
  return { timeTo: from, timeToIncluded: false };
}

function clampInt(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.floor(Number.isFinite(n) ? n : lo)));
}

/** Position of `value` in the sorted `list`, or -1. */
function binarySearch(list: Uint32Array, value: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! === value) return mid;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** First position whose edge is greater than v. */
function upperBound(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
