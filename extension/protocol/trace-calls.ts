// A loaded trace as the server owns it: totals, pages of calls, one call's
// detail and the overview's bins. Shared by the server, the extension host
// and the webview; plain JSON, no object per traced call ever crosses.
import type { AnomalyDto, VariantId } from './dto';

export type TraceVerdict = 'match' | 'mismatch' | 'incomplete';
export type AnomalyKind = AnomalyDto['kind'];

/** One call of a loaded trace, as the Traces view lists it. */
export interface TraceCallSummaryDto {
  readonly index: number;
  readonly pid: number | null;
  readonly comm: string | null;
  /** Line of the call's first event in the trace. */
  readonly line: number;
  readonly verdict: TraceVerdict;
  /** "UBUF read 12288", or null when the inputs were not recorded. */
  readonly input: string | null;
  readonly observedRet: number | null;
  readonly predictedRet: number | null;
  readonly anomalies: readonly string[];
  readonly missing: readonly string[];
  readonly differences: readonly string[];
  /** The function that called netfs_extract_user_iter, when the trace says. */
  readonly caller: string | null;
}

/**
 * One call in a page: what the server's columns hold, no re-read of the file.
 * The reasons (missing, differences) come with the call's detail.
 */
export interface TraceCallRowDto {
  /** 0-based position of the call in the trace (start order); "call N" is index + 1. */
  readonly index: number;
  readonly pid: number | null;
  readonly comm: string | null;
  readonly cpu: number | null;
  /** 1-based lines of the call's first and last event. */
  readonly line: number;
  readonly lastLine: number;
  /** Entry time (seconds, as the trace prints it), when recorded. */
  readonly ts: number | null;
  /** Microseconds between entry and return, when both have timestamps. */
  readonly durationUs: number | null;
  readonly verdict: TraceVerdict;
  /** The call's shape, "UBUF read 12288", or null when the inputs were not recorded. */
  readonly input: string | null;
  /** orig_len, when recorded. */
  readonly bytes: number | null;
  readonly observedRet: number | null;
  readonly predictedRet: number | null;
  /** Pages pinned by the call's recorded GUP rounds, and the rounds. */
  readonly pages: number;
  readonly rounds: number;
  /** unpin_user_page events attributed to the call. */
  readonly unpins: number;
  readonly anomalies: readonly AnomalyKind[];
  readonly caller: string | null;
}

/**
 * Which calls a page, a count or a bin covers. Every field narrows; an empty
 * filter is every call. Ranges are inclusive; times in seconds as printed.
 */
export interface TraceFilterDto {
  /** One task. */
  readonly pid?: number;
  /** Tasks whose comm contains this text (case-sensitive). */
  readonly comm?: string;
  readonly verdicts?: readonly TraceVerdict[];
  /** Calls the model flags with this anomaly; 'any': with at least one; 'none': with none. */
  readonly anomaly?: AnomalyKind | 'any' | 'none';
  readonly caller?: string;
  /** A group key from TraceGroupsRequest ("mismatch", "anomaly:pins-leaked", "shape:UBUF read 12288" …). */
  readonly group?: string;
  /** orig_len. */
  readonly bytesMin?: number;
  readonly bytesMax?: number;
  readonly pagesMin?: number;
  readonly pagesMax?: number;
  readonly roundsMin?: number;
  readonly roundsMax?: number;
  readonly durationUsMin?: number;
  readonly durationUsMax?: number;
  /** Calls whose entry time lies in [timeFrom, timeTo) — or [timeFrom, timeTo] with timeToIncluded (the overview's last bin). */
  readonly timeFrom?: number;
  readonly timeTo?: number;
  readonly timeToIncluded?: boolean;
}

export interface CountDto {
  readonly key: string;
  readonly calls: number;
}

/** A size class of orig_len: [min, max] bytes. */
export interface SizeClassDto {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly calls: number;
}

export interface TraceTotalsDto {
  readonly calls: number;
  readonly tasks: number;
  readonly verdicts: Readonly<Record<TraceVerdict, number>>;
  /** Calls with at least one anomaly, and calls per anomaly kind (kinds with none left out). */
  readonly anomalous: number;
  readonly anomalies: readonly CountDto[];
  /** Calls per caller (most first; at most 100, `callersMore` says how many callers are left out). */
  readonly callers: readonly CountDto[];
  readonly callersMore: number;
  /** Tasks with the most calls (at most 20); all tasks through TraceTasksRequest. */
  readonly busiestTasks: readonly TraceTaskDto[];
  readonly sizeClasses: readonly SizeClassDto[];
  /** First and last timestamp of any call (seconds), null when the trace has none. */
  readonly time: { readonly first: number; readonly last: number } | null;
  /** Whole-trace pin balance: pages pinned by recorded GUP rounds, unpin events, and the difference. */
  readonly pins: { readonly pinned: number; readonly unpinned: number; readonly outstanding: number };
  /** Lines of a task seen after its call had been released (counted, not attached). */
  readonly lateLines: number;
}

/** A loaded trace, as the server keeps it: what the load answers and the list of loaded traces holds. */
export interface TraceInfoDto {
  readonly traceId: number;
  readonly path: string;
  readonly format: string;
  /** The kernel version the calls were decoded with (asked for, else the trace's release, else 6.12). */
  readonly kernel: string;
  /** The variant the calls were replayed with (decision.variant). */
  readonly variant: string;
  /** Which variant, and why (forced, the recorded release, the calls' behaviour). */
  readonly decision: VariantDecisionDto;
  /** The `uname -r` the trace records, if any. */
  readonly kernelRelease: string | null;
  readonly lines: number;
  /** Bytes of the file as read (a gzip file: its decompressed size). */
  readonly bytes: number;
  /**
   * How a call is read again: by byte offset in the file, or in a decompressed
   * copy the server keeps (gzip; a trace.dat only trace-cmd reads; deleted on
   * unload), or a natively read trace.dat by record number ('records').
   */
  readonly seek: 'file' | 'decompressed-copy' | 'records';
  readonly totals: TraceTotalsDto;
  readonly skipped: { readonly lines: number; readonly examples: ReadonlyArray<{ readonly line: number; readonly reason: string }> };
  /** Events the tracer says it lost. */
  readonly lost: number;
  readonly loadMs: number;
  /** Bytes the server's index of the trace holds (its typed-array columns). */
  readonly indexBytes: number;
  /**
   * True while the server follows the file as it is written (a recording,
   * TraceFollowRequest): its totals and pages grow, TraceChangedNotification
   * says when. Lost events and skipped lines are counted when it finishes.
   */
  readonly live?: boolean;
}

export interface TraceTaskDto {
  readonly pid: number | null;
  readonly comm: string | null;
  readonly calls: number;
  readonly verdicts: Readonly<Record<TraceVerdict, number>>;
  readonly anomalous: number;
  /** Index of the task's first call. */
  readonly firstCall: number;
}

export interface TraceGroupDto {
  /** Give it back as TraceFilterDto.group. */
  readonly key: string;
  readonly label: string;
  readonly kind: 'mismatch' | 'anomaly' | 'incomplete' | 'shape';
  readonly calls: number;
}

/** The overview's bins; see TraceBinsRequest. */
export type TraceBinsDto =
  | {
      readonly kind: 'timeline';
      readonly from: number;
      readonly to: number;
      readonly buckets: number;
      /** Tasks with a call in [from, to] (the filter applied), how many, and the rows asked for. */
      readonly tasks: number;
      readonly rows: ReadonlyArray<{
        readonly pid: number | null;
        readonly comm: string | null;
        /** Flat quintuples [bucket, calls, mismatch, incomplete, anomalous] for the buckets with a call. */
        readonly cells: readonly number[];
        /**
         * When this row has at most `maxSpans` calls in the window: each call as
         * [index, entryTs, exitTs (= entryTs when unknown), verdict (0 match, 1 mismatch, 2 incomplete), anomalous (0/1)].
         */
        readonly spans: readonly number[] | null;
      }>;
    }
  | {
      readonly kind: 'pins';
      readonly from: number;
      readonly to: number;
      readonly buckets: number;
      /** Per bucket: pages pinned (at the calls' return), unpin events, and pins outstanding at the bucket's end (whole trace up to there). */
      readonly pinned: readonly number[];
      readonly unpinned: readonly number[];
      readonly outstanding: readonly number[];
    }
  | {
      readonly kind: 'histogram';
      readonly of: 'bytes' | 'pages' | 'rounds' | 'duration';
      /** Bucket i holds values in [edges[i], edges[i+1]) (the last bucket is closed); calls without the value are in `unknown`. */
      readonly edges: readonly number[];
      readonly counts: readonly number[];
      readonly unknown: number;
    };

/** Lines of the trace file around a call, for a read-only document. */
export interface TraceLinesDto {
  readonly path: string;
  /** Runs of consecutive lines: `line` is the 1-based number of the first; runs are in file order, gaps between them elided. */
  readonly blocks: ReadonlyArray<{ readonly line: number; readonly text: readonly string[] }>;
  /** Lines that belong to the call. */
  readonly callLines: readonly number[];
  /** Set when the call's span held more lines than are sent (only its own lines and the context were kept). */
  readonly elided: number;
}

/** Which variant a trace was replayed with, and why (decided once per trace). */
export interface VariantDecisionDto {
  readonly variant: VariantId;
  /** forced: --variant or the setting; release: the kernel release the trace records; behaviour: what its calls did; newest: nothing told. */
  readonly by: 'forced' | 'release' | 'behaviour' | 'newest';
  /** One sentence: the release and the rule, or the trace lines that decided. */
  readonly reason: string;
  /** The trace's `uname -r`, when it records one. */
  readonly release: string | null;
  /** Trace lines whose calls told the variants apart (a few per rule). */
  readonly lines: readonly number[];
  /** Calls that no single variant explains, when there are. */
  readonly contradiction: string | null;
  /** Calls that disagree with the variant chosen (by release or by force). */
  readonly conflict: string | null;
}
