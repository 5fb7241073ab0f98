// The whole trace at a glance: what the server bins for the overview (a
// timeline of calls per task, the pin balance over time, histograms), and
// the selections the overview's clicks make. Bins, not calls, cross the
// process boundary: their size is set by the canvas, not by the trace.

/** A half-open range [from, to); [from, to] when `closed` (the last bin of a window). */
export interface RangeDto {
  readonly from: number;
  readonly to: number;
  readonly closed?: boolean;
}

/** What colours a timeline cell: the first of anomaly, mismatch, incomplete its calls have, else match. */
export type CellKind = 'match' | 'mismatch' | 'incomplete' | 'anomaly';

/** Numbers per cell in `TraceOverviewDto.cells`: lane, bin, calls, mismatch, incomplete, with an anomaly. */
export const CELL_FIELDS = 6;

/** Numbers per call in `TraceOverviewDto.spans`: lane, call index, entry and exit time (s), verdict (0 match, 1 mismatch, 2 incomplete), anomalous (0/1). */
export const SPAN_FIELDS = 6;

/** A row of the timeline: one task (tasks in the order of their first call). */
export interface OverviewLaneDto {
  readonly pid: number | null;
  /** "dd[4711]". */
  readonly label: string;
}

export type HistogramKind = 'bytes' | 'pages' | 'rounds' | 'duration';

/** Calls per class of one quantity: class i holds [edges[i], edges[i+1]) (the last one closed). */
export interface OverviewHistogramDto {
  readonly kind: HistogramKind;
  /** "bytes", "pages", "rounds", "µs". */
  readonly unit: string;
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  /** Calls without this value (not recorded, no return). */
  readonly unknown: number;
}

export interface TraceOverviewDto {
  readonly traceId: number;
  readonly calls: number;
  /** Distinct tasks. */
  readonly tasks: number;
  /** Entry times of the first and last call, in seconds; null when the trace has no timestamps. */
  readonly time: RangeDto | null;
  /** The time window binned (seconds) and its number of columns. */
  readonly window: { readonly from: number; readonly to: number; readonly bins: number };
  /** The task rows shown: tasks [firstLane, firstLane + lanes.length) of `tasks`. */
  readonly firstLane: number;
  readonly lanes: readonly OverviewLaneDto[];
  /** Flat CELL_FIELDS-tuples of the non-empty cells (a call counts once in `calls`, and again in each of the others it is). */
  readonly cells: readonly number[];
  /**
   * Flat SPAN_FIELDS-tuples: each call of the lanes with few enough calls in the
   * window to draw one by one (at most a few per pixel column; the other lanes
   * have none here). Zoomed in until calls are wider than a pixel, the timeline
   * draws these instead of the lane's cells.
   */
  readonly spans?: readonly number[];
  /**
   * Per bin of the same window: pages pinned by the calls' GUP rounds, unpin events, and the pins
   * outstanding at the bin's end (the whole trace's balance since its start); null when not recorded.
   */
  readonly pins: { readonly pinned: readonly number[]; readonly unpinned: readonly number[]; readonly outstanding: readonly number[] } | null;
  readonly histograms: readonly OverviewHistogramDto[];
}

/** Which calls a click on the overview means (or a filter); every field narrows, absent means any. */
export interface CallSelectionDto {
  /** Entry time, seconds. */
  readonly time?: RangeDto;
  /** One task. */
  readonly pid?: number;
  readonly bytes?: RangeDto;
  readonly pages?: RangeDto;
  readonly rounds?: RangeDto;
  /** Microseconds inside the call. */
  readonly duration?: RangeDto;
}
