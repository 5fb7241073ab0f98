// The whole trace at a glance: what the server bins for the overview (a
// timeline of calls per task, the pin balance over time, histograms), and
// the selections the overview's clicks make. Bins, not calls, cross the
// process boundary: their size is set by the canvas, not by the trace.

/** A half-open range [from, to). */
export interface RangeDto {
  readonly from: number;
  readonly to: number;
}

/** Kinds of a timeline cell, in the order they are drawn over one another. */
export const CELL_KINDS = ['match', 'mismatch', 'incomplete', 'anomaly'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

/** Consecutive tasks (in the order of their first call) drawn as one row of the timeline. */
export interface OverviewLaneDto {
  /** Ordinal of the lane's first task. */
  readonly first: number;
  /** Tasks in the lane. */
  readonly count: number;
  /** "dd[4711]" for one task, "412 tasks" for many. */
  readonly label: string;
}

export type HistogramKind = 'bytes' | 'pages' | 'rounds' | 'duration';

/** Calls per class of one quantity: classes [edges[i], edges[i+1]), the last one open. */
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
  readonly lanes: readonly OverviewLaneDto[];
  /** Flat quadruples (lane, bin, kind, calls) of the non-empty cells; kind indexes CELL_KINDS. */
  readonly cells: readonly number[];
  /** Pages pinned minus pages unpinned since the start of the trace, per bin: at its end and its peak; null when not recorded. */
  readonly pins: { readonly outstanding: readonly number[]; readonly peak: readonly number[] } | null;
  readonly histograms: readonly OverviewHistogramDto[];
}

/** Which calls a click on the overview means (or a filter); every field narrows, absent means any. */
export interface CallSelectionDto {
  /** Entry time, seconds. */
  readonly time?: RangeDto;
  /** Task ordinals, as lanes count them. */
  readonly tasks?: RangeDto;
  readonly bytes?: RangeDto;
  readonly pages?: RangeDto;
  readonly rounds?: RangeDto;
  /** Microseconds inside the call. */
  readonly duration?: RangeDto;
}
