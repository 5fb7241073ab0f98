// Overview bins for tests and benches of the webview, made the way the
// server bins a trace (lanes of consecutive tasks, one cell per lane, bin and
// kind, pins outstanding per bin, log2 histograms) from calls described by a
// function, so a million calls need no trace file and no array of calls.
import type { OverviewHistogramDto, TraceOverviewDto } from '../../extension/protocol/trace-overview';

export interface SyntheticCall {
  readonly task: number;
  /** Entry time, seconds. */
  readonly time: number;
  /** 0 match, 1 mismatch, 2 incomplete, 3 anomaly. */
  readonly kind: number;
  readonly bytes: number;
  readonly pages: number;
  /** Pages pinned minus pages unpinned by this call by its end. */
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
  const perLane = Math.ceil(tasks / lanes);
  let from = Infinity;
  let to = -Infinity;
  for (let i = 0; i < calls; i++) {
    const t = options.call(i).time;
    from = Math.min(from, t);
    to = Math.max(to, t);
  }
  to = to > from ? to : from + 1;
  const span = to - from;
  const cells = new Map<number, number>();
  const pinsByBin = new Float64Array(bins);
  const bytes = new Float64Array(calls);
  const pages = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const c = options.call(i);
    const bin = Math.min(bins - 1, Math.floor(((c.time - from) / span) * bins));
    const lane = Math.floor(c.task / perLane);
    const key = (lane * bins + bin) * 4 + c.kind;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    pinsByBin[bin]! += c.pinDelta;
    bytes[i] = c.bytes;
    pages[i] = c.pages;
  }
  const flat: number[] = [];
  for (const [key, n] of [...cells].sort((a, b) => a[0] - b[0])) flat.push(Math.floor(key / 4 / bins), Math.floor(key / 4) % bins, key % 4, n);
  const outstanding: number[] = [];
  let running = 0;
  for (let b = 0; b < bins; b++) outstanding.push((running += pinsByBin[b]!));
  const laneList = Array.from({ length: Math.ceil(tasks / perLane) }, (_, l) => {
    const first = l * perLane;
    const count = Math.min(perLane, tasks - first);
    return { first, count, label: count === 1 ? (options.label?.(first) ?? `task ${first}`) : `${count.toLocaleString('en')} tasks` };
  });
  return {
    traceId: options.traceId ?? 1,
    calls,
    tasks,
    time: { from, to },
    window: { from, to, bins },
    lanes: laneList,
    cells: flat,
    pins: { outstanding, peak: outstanding.map((v, b) => Math.max(v, outstanding[b - 1] ?? 0)) },
    histograms: [log2Histogram('bytes', 'bytes', bytes), log2Histogram('pages', 'pages', pages)],
  };
}
