// Overview bins for benches of the webview, made as the server bins a trace
// (a row per task for the tasks shown, cells per row and bin, the pin balance
// per bin, log2 histograms) from calls described by a function, so a million
// calls need no trace file and no array of calls.
import type { OverviewHistogramDto, TraceOverviewDto } from '../../extension/protocol/trace-overview';

export interface SyntheticCall {
  readonly task: number;
  /** Entry time, seconds. */
  readonly time: number;
  /** 0 match, 1 mismatch, 2 incomplete, 3 match with an anomaly. */
  readonly kind: number;
  readonly bytes: number;
  readonly pages: number;
  /** Pages the call pinned (> 0) or unpin events it saw (< 0). */
  readonly pinDelta: number;
}

function log2Histogram(kind: OverviewHistogramDto['kind'], unit: string, values: Float64Array): OverviewHistogramDto {
  const edges = [0, 1];
  let most = 0;
  for (const v of values) most = Math.max(most, v);
  while (edges[edges.length - 1]! <= most) edges.push(edges[edges.length - 1]! * 2);
  const counts = new Array<number>(edges.length).fill(0);
  for (const v of values) {
    let i = 0;
    while (i + 1 < edges.length && edges[i + 1]! <= v) i++;
    counts[i]!++;
  }
  return { kind, unit, edges, counts, unknown: 0 };
}

export function syntheticOverview(options: { calls: number; tasks: number; lanes: number; bins: number; call: (i: number) => SyntheticCall; label?: (task: number) => string; traceId?: number }): TraceOverviewDto {
  const { calls, tasks, bins } = options;
  const lanes = Math.min(options.lanes, tasks);
  let from = Infinity;
  let to = -Infinity;
  for (let i = 0; i < calls; i++) {
    const t = options.call(i).time;
    from = Math.min(from, t);
    to = Math.max(to, t);
  }
  to = to > from ? to : from + 1;
  const span = to - from;
  // [calls, mismatch, incomplete, anomalous] per cell of the rows shown (the first `lanes` tasks).
  const cells = new Map<number, number[]>();
  const pinned = new Array<number>(bins).fill(0);
  const unpinned = new Array<number>(bins).fill(0);
  const bytes = new Float64Array(calls);
  const pages = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const c = options.call(i);
    const bin = Math.min(bins - 1, Math.floor(((c.time - from) / span) * bins));
    if (c.pinDelta > 0) pinned[bin]! += c.pinDelta;
    else unpinned[bin]! -= c.pinDelta;
    bytes[i] = c.bytes;
    pages[i] = c.pages;
    if (c.task >= lanes) continue;
    const key = c.task * bins + bin;
    let counts = cells.get(key);
    if (!counts) cells.set(key, (counts = [0, 0, 0, 0]));
    counts[0]!++;
    if (c.kind > 0) counts[c.kind]!++;
  }
  const flat: number[] = [];
  for (const [key, counts] of [...cells].sort((a, b) => a[0] - b[0])) flat.push(Math.floor(key / bins), key % bins, ...counts);
  const outstanding: number[] = [];
  let running = 0;
  for (let b = 0; b < bins; b++) outstanding.push((running += pinned[b]! - unpinned[b]!));
  return {
    traceId: options.traceId ?? 1,
    calls,
    tasks,
    time: { from, to },
    window: { from, to, bins },
    firstLane: 0,
    lanes: Array.from({ length: lanes }, (_, task) => ({ pid: 1000 + task, label: options.label?.(task) ?? `task[${1000 + task}]` })),
    cells: flat,
    pins: { pinned, unpinned, outstanding },
    histograms: [log2Histogram('bytes', 'bytes', bytes), log2Histogram('pages', 'pages', pages)],
  };
}
