// The editor's side of the trace overview: asks the server for its bins
// (timeline rows, the pin balance, histograms) and hands the webview one
// TraceOverviewDto; turns the webview's selections into the server's filter
// and its page rows into the rows the webview lists. No vscode import: the
// requests go through the function it is given.
import type { RequestDescriptor, TraceBinsDto, TraceBinsParams, TraceCallRowDto, TraceCallSummaryDto, TraceFilterDto, TraceInfoDto } from '../protocol/lsp';
import { TraceBinsRequest } from '../protocol/lsp';
import { CELL_FIELDS, SPAN_FIELDS, type CallSelectionDto, type HistogramKind, type OverviewHistogramDto, type TraceOverviewDto } from '../protocol/trace-overview';
import { OVERVIEW_LANES } from '../protocol/webview';
import { printable } from '../trace/printable';

export type Ask = <P, R>(request: RequestDescriptor<P, R>, params: P) => Promise<R>;

const HISTOGRAMS: ReadonlyArray<{ kind: HistogramKind; unit: string }> = [
  { kind: 'bytes', unit: 'bytes' },
  { kind: 'pages', unit: 'pages' },
  { kind: 'rounds', unit: 'rounds' },
  { kind: 'duration', unit: 'µs' },
];
/** Most time columns asked (the server's limit is 4096). */
const MAX_BINS = 2048;
/** The webview asks a bin per PX_PER_BIN pixel columns; a lane gets its calls' spans when it has at most one per SPAN_PX columns. */
const PX_PER_BIN = 2;
const SPAN_PX = 4;

/** The largest number below `x`: an inclusive maximum that keeps a half-open range half-open. */
function below(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return -Number.MIN_VALUE;
  const bits = new Float64Array([x]);
  const int = new BigInt64Array(bits.buffer);
  int[0] = int[0]! + (x > 0 ? -1n : 1n);
  return bits[0]!;
}

/**
 * The webview's half-open ranges as the server's filter: times stay half-open
 * (the window's last bin closed), the inclusive integer maxima are to − 1 and
 * the inclusive duration maximum the number just below `to`.
 */
export function filterOf(selection: CallSelectionDto): TraceFilterDto {
  const filter: { -readonly [K in keyof TraceFilterDto]: TraceFilterDto[K] } = {};
  if (selection.pid !== undefined) filter.pid = selection.pid;
  if (selection.time) {
    filter.timeFrom = selection.time.from;
    filter.timeTo = selection.time.to;
    if (selection.time.closed) filter.timeToIncluded = true;
  }
  if (selection.bytes) [filter.bytesMin, filter.bytesMax] = [selection.bytes.from, selection.bytes.to - 1];
  if (selection.pages) [filter.pagesMin, filter.pagesMax] = [selection.pages.from, selection.pages.to - 1];
  if (selection.rounds) [filter.roundsMin, filter.roundsMax] = [selection.rounds.from, selection.rounds.to - 1];
  if (selection.duration) [filter.durationUsMin, filter.durationUsMax] = [selection.duration.from, selection.duration.closed ? selection.duration.to : below(selection.duration.to)];
  return filter;
}

/** A page row as the webview's call list shows it (the reasons come with the call's detail). */
export function listedRow(row: TraceCallRowDto): TraceCallSummaryDto {
  return {
    index: row.index,
    pid: row.pid,
    comm: row.comm,
    line: row.line,
    verdict: row.verdict,
    input: row.input,
    observedRet: row.observedRet,
    predictedRet: row.predictedRet,
    anomalies: row.anomalies,
    missing: [],
    differences: [],
    caller: row.caller,
  };
}

type Timeline = Extract<TraceBinsDto, { kind: 'timeline' }>;
type Pins = Extract<TraceBinsDto, { kind: 'pins' }>;
type Histogram = Extract<TraceBinsDto, { kind: 'histogram' }>;

/** The server's timeline rows as the webview's lanes, cells and spans. */
export function lanesOf(timeline: Timeline): Pick<TraceOverviewDto, 'lanes' | 'cells' | 'spans'> {
  const cells: number[] = [];
  const spans: number[] = [];
  timeline.rows.forEach((row, lane) => {
    // Server cells: [bucket, calls, mismatch, incomplete, anomalous]; ours put the lane first.
    for (let i = 0; i + 5 <= row.cells.length; i += 5) cells.push(lane, ...row.cells.slice(i, i + 5));
    // Server spans: [index, entry, exit, verdict, anomalous]; ours put the lane first, too.
    const own = row.spans ?? [];
    for (let i = 0; i + 5 <= own.length; i += 5) spans.push(lane, ...own.slice(i, i + 5));
  });
  // Task names are any bytes a process chose: escaped, as everywhere trace text is shown.
  const lanes = timeline.rows.map((row) => ({ pid: row.pid, label: printable(`${row.comm ?? '?'}[${row.pid ?? '?'}]`) }));
  return { lanes, cells: cells.length % CELL_FIELDS === 0 ? cells : [], spans: spans.length % SPAN_FIELDS === 0 ? spans : [] };
}

/** Histograms do not change with the window: asked once per trace and kept. */
export async function histogramsOf(ask: Ask, traceId: number): Promise<OverviewHistogramDto[] | null> {
  const out: OverviewHistogramDto[] = [];
  for (const { kind, unit } of HISTOGRAMS) {
    const bins = (await ask(TraceBinsRequest, { traceId, kind: 'histogram', of: kind })) as Histogram | null;
    if (!bins) return null;
    out.push({ kind, unit, edges: bins.edges, counts: bins.counts, unknown: bins.unknown });
  }
  return out;
}

/**
 * The overview of `trace` for a window (default: the whole trace) in `bins`
 * columns, with task rows from `firstLane`; null when the server no longer holds it.
 */
export async function overviewOf(
  ask: Ask,
  trace: TraceInfoDto,
  histograms: readonly OverviewHistogramDto[],
  view: { from?: number; to?: number; bins: number; firstLane: number },
): Promise<TraceOverviewDto | null> {
  const traceId = trace.traceId;
  const buckets = Math.max(1, Math.min(MAX_BINS, Math.floor(view.bins)));
  const window = view.from !== undefined && view.to !== undefined && view.to > view.from ? { from: view.from, to: view.to } : {};
  // A lane's calls one by one only when there are few enough to tell apart (one per SPAN_PX columns): bounded by the screen, not the trace.
  const maxSpans = Math.floor((buckets * PX_PER_BIN) / SPAN_PX);
  const params: TraceBinsParams = { traceId, kind: 'timeline', buckets, rowOffset: view.firstLane, rowLimit: OVERVIEW_LANES, maxSpans, ...window };
  const [timeline, pins] = (await Promise.all([ask(TraceBinsRequest, params), ask(TraceBinsRequest, { traceId, kind: 'pins', buckets, ...window })])) as [Timeline | null, Pins | null];
  if (!timeline || !pins) return null;
  const { pinned, unpinned } = trace.totals.pins;
  const time = trace.totals.time;
  return {
    traceId,
    calls: trace.totals.calls,
    // Tasks with a call in the window: the rows page through these.
    tasks: timeline.tasks,
    time: time ? { from: time.first, to: time.last } : null,
    window: { from: timeline.from, to: timeline.to, bins: timeline.buckets },
    firstLane: view.firstLane,
    ...lanesOf(timeline),
    pins: pinned || unpinned ? { pinned: pins.pinned, unpinned: pins.unpinned, outstanding: pins.outstanding } : null,
    histograms,
  };
}
