// Custom LSP requests between the extension host and the language server.
// Method names follow pinscope/<noun>/<verb>. Plain descriptors, no LSP
// library: the client and the server wrap them in their own typed helpers
// (client/lsp-requests.ts, server/lsp-requests.ts).
import type { CallDto, ReplayResultDto } from './dto';
import type { TraceBinsDto, TraceCallRowDto, TraceCallSummaryDto, TraceFilterDto, TraceGroupDto, TraceInfoDto, TraceLinesDto, TraceTaskDto, VariantDecisionDto } from './trace-calls';
import type { ObservedViewDto } from './webview';

export type * from './trace-calls';

/** A custom request: its method, and (in types only) its params and result. */
export interface RequestDescriptor<Params, Result> {
  readonly method: string;
  /** Never set: carries the types. */
  readonly __types?: (params: Params) => Result;
}

function request<Params, Result>(method: string): RequestDescriptor<Params, Result> {
  return { method };
}

/** A custom notification: its method, and (in types only) its params. */
export interface NotificationDescriptor<Params> {
  readonly method: string;
  /** Never set: carries the type. */
  readonly __types?: (params: Params) => void;
}

function notification<Params>(method: string): NotificationDescriptor<Params> {
  return { method };
}

export interface ReplayCallParams {
  /** A call to replay; the server fills defaults for what is missing. */
  readonly call: Partial<CallDto>;
}

export type ReplayCallResult =
  | { readonly ok: true; readonly result: ReplayResultDto }
  | { readonly ok: false; readonly error: string };

export const ReplayCallRequest = request<ReplayCallParams, ReplayCallResult>('pinscope/call/replay');

/** The command a call-site code lens runs, with its arguments. */
export const REPLAY_CALL_SITE_COMMAND = 'pinscope.replayCallSite';
export const SHOW_EXAMPLE_REPLAY_COMMAND = 'pinscope.showExampleReplay';
export const REPLAY_VIEW_TYPE = 'pinscope.replay';

/** What a call-site lens hands to its command. */
export interface ReplayCallSiteArgs {
  readonly uri: string;
  /** Zero-based line of the call. */
  readonly line: number;
  readonly caller: string | null;
  readonly call: CallDto;
}

/** What a definition lens hands to its command. */
export interface ShowVariantArgs {
  readonly uri: string;
  readonly line: number;
  /** v0 … v3, v1u, rfc, removed or unknown. */
  readonly variant: string;
  readonly nearest: string | null;
}

export const SHOW_VARIANT_COMMAND = 'pinscope.showVariant';

/** One indexed definition, declaration or call, for the sidebar. */
export interface IndexEntryDto {
  readonly uri: string;
  readonly symbol: string;
  readonly kind: 'definition' | 'declaration' | 'call';
  /** Zero-based. */
  readonly line: number;
  readonly col: number;
  /** Calls: the enclosing function. */
  readonly function: string | null;
  /** Definitions of netfs_extract_user_iter. */
  readonly variant: string | null;
}

export interface IndexListResult {
  /** False while the first index of the workspace is still running. */
  readonly complete: boolean;
  readonly entries: readonly IndexEntryDto[];
}

export const IndexListRequest = request<{ readonly symbol?: string }, IndexListResult>('pinscope/index/list');

export interface IndexStatusParams {
  readonly state: 'indexing' | 'ready' | 'cancelled' | 'failed';
  readonly scanned: number;
  readonly parsed: number;
  readonly entries: number;
  readonly milliseconds: number;
  /** Candidate files tree-sitter could only parse with errors (their other entries still count). */
  readonly filesWithErrors: readonly string[];
  /** Files and folders left out, each with why (unreadable, a FIFO, a link loop, binary, over the size limit). */
  readonly skipped: readonly IndexNoticeDto[];
  /** Files indexed with a caveat (invalid UTF-8). */
  readonly warnings: readonly IndexNoticeDto[];
  readonly message?: string;
}

export interface IndexNoticeDto {
  /** A file: URI. */
  readonly uri: string;
  readonly reason: string;
}

export const IndexStatusNotification = notification<IndexStatusParams>('pinscope/index/status');

export interface CallAtCursorParams {
  readonly uri: string;
  /** Zero-based. */
  readonly line: number;
  readonly character: number;
}

/** The call of netfs_extract_user_iter under (or nearest above) the cursor in its function, or null. */
export const CallAtCursorRequest = request<CallAtCursorParams, ReplayCallSiteArgs | null>('pinscope/call/atCursor');

/** A trace file to read, and how. */
export interface TraceReadParams {
  /** Absolute path of the trace file (plain, gzip, or trace.dat with trace-cmd). */
  readonly path: string;
  /** Kernel version for decoding iterators (default: the release the trace records, else 6.12). */
  readonly kernel?: string;
  /** Variant to replay with: v0 … v3, or auto (default): the trace's release, else its calls, else v3. */
  readonly variant?: string;
  readonly format?: string;
}

// ---- A trace as a paged resource the server owns (issue 11) ----
// Every request naming a traceId answers null when the server does not hold
// that trace (unloaded, or the server restarted): ask TraceListRequest again.

/** Read a trace into the server's compact index (in a worker thread) and answer its totals. */
export interface TraceOpenParams extends TraceReadParams {
  /** Chosen by the client: names this load's TraceLoadProgressNotification messages. */
  readonly loadId?: string;
  /** Read the file again even when the same file (same size and mtime) is loaded with the same kernel and variant. */
  readonly reload?: boolean;
}

export type TraceOpenResult =
  | {
      readonly ok: true;
      readonly trace: TraceInfoDto;
      /** The same file was already loaded (same path, size, mtime, kernel, variant): that trace is answered, not read again. */
      readonly reused: boolean;
    }
  | { readonly ok: false; readonly error: string; readonly cancelled: boolean };

export const TraceOpenRequest = request<TraceOpenParams, TraceOpenResult>('pinscope/trace/open');

/** Sent while a TraceOpenRequest reads (about 10 a second, and once at the end). Cancel: $/cancelRequest or the work-done progress. */
export interface TraceLoadProgressParams {
  readonly loadId: string | null;
  readonly path: string;
  /** Bytes of the file read so far, of `total` (the file's size on disk). */
  readonly bytes: number;
  readonly total: number;
  readonly lines: number;
  readonly calls: number;
}

export const TraceLoadProgressNotification = notification<TraceLoadProgressParams>('pinscope/trace/loadProgress');

/** Follow a trace file as it is written (a recording): a live trace in the server's store from its first byte. */
export interface TraceFollowParams {
  /** Absolute path of a plain-text trace that grows (never truncated). */
  readonly path: string;
  /** The recording's format: with 'auto' (default) calls show only after 200 lines, when it is detected. */
  readonly format?: string;
  readonly kernel?: string;
  readonly variant?: string;
  /** The file is the server's from now on: deleted when the trace is unloaded (or the server exits). */
  readonly temporary?: boolean;
}

/** Answers at once with what the file holds so far (the trace's `live` is true); TraceChangedNotification follows as it grows. */
export const TraceFollowRequest = request<TraceFollowParams, TraceOpenResult>('pinscope/trace/follow');

/**
 * Sent as a followed trace grows (at most about 4 a second) and once when it
 * finishes: its totals only, never its calls: a view asks again for the pages it shows.
 */
export interface TraceChangedParams {
  readonly trace: TraceInfoDto;
}

export const TraceChangedNotification = notification<TraceChangedParams>('pinscope/trace/changed');

export interface TraceFinishParams extends TraceRefParams {
  /**
   * The trace was also saved here (a gzip copy of the same text, say): the
   * trace is listed under this path from now on, and a call is still read
   * again from the followed file (the same bytes).
   */
  readonly savedAs?: string;
}

/**
 * The writer has closed the followed file: the server reads it to its end and
 * hands out the last calls. The answer equals opening the finished file (when
 * the live reading could differ, it is read once more).
 */
export const TraceFinishRequest = request<TraceFinishParams, TraceOpenResult>('pinscope/trace/finish');

/** The traces the server holds, oldest first. */
export const TraceListRequest = request<Record<string, never>, readonly TraceInfoDto[]>('pinscope/trace/list');

export interface TraceRefParams {
  readonly traceId: number;
}

/** Frees a trace (its index, its decompressed copy); false when the server did not hold it. */
export const TraceUnloadRequest = request<TraceRefParams, { readonly ok: boolean }>('pinscope/trace/unload');

export interface TracePageParams extends TraceRefParams {
  readonly filter?: TraceFilterDto;
  /** 0-based position in the filtered list. */
  readonly offset: number;
  /** At most TRACE_PAGE_MAX. */
  readonly limit: number;
}

/** Largest page the server answers (more is cut to this). */
export const TRACE_PAGE_MAX = 2000;

/** Tasks with a call that matches the filter, by first call; `total` is how many tasks match. */
export const TraceTasksRequest = request<TracePageParams, { readonly total: number; readonly offset: number; readonly tasks: readonly TraceTaskDto[] } | null>(
  'pinscope/trace/tasks',
);

/**
 * The groups under a task (filter.pid) or the whole trace: mismatches, each
 * anomaly kind, incomplete, and each shape ("UBUF read 12288"; the 50 commonest).
 */
export const TraceGroupsRequest = request<TraceRefParams & { readonly filter?: TraceFilterDto }, readonly TraceGroupDto[] | null>('pinscope/trace/groups');

/** A page of the calls that match the filter, in start order; `total` is how many match. */
export const TraceCallsRequest = request<TracePageParams, { readonly total: number; readonly offset: number; readonly calls: readonly TraceCallRowDto[] } | null>(
  'pinscope/trace/calls',
);

/** "Go to call N" (call: its 0-based index) or "go to trace line L" (line: 1-based). */
export interface TraceLocateParams extends TraceRefParams {
  readonly call?: number;
  readonly line?: number;
  /** When given, `position` is the call's place among the calls that match it. */
  readonly filter?: TraceFilterDto;
}

export interface TraceLocateResult {
  readonly row: TraceCallRowDto;
  /** 0-based place in the filtered list; -1 when the filter leaves the call out. */
  readonly position: number;
  /** Line: false when no call covers the line and the first call starting after it is answered. */
  readonly exact: boolean;
}

/** null: no such trace, call number past the end, or no call at or after the line. */
export const TraceLocateRequest = request<TraceLocateParams, TraceLocateResult | null>('pinscope/trace/locate');

export interface TraceCallParams {
  readonly traceId: number;
  readonly index: number;
}

export interface TraceCallDetailDto {
  readonly summary: TraceCallSummaryDto;
  /** The model's replay of the call, when its inputs were complete. */
  readonly predicted: ReplayResultDto | null;
  readonly observed: Omit<ObservedViewDto, 'missing'>;
  /** The call's first and last line (a natively read trace.dat: record numbers). */
  readonly lines: { readonly first: number; readonly last: number };
}

/** One call's detail: the server reads its lines again by byte offset and replays them (the same engine as the load). */
export const TraceCallRequest = request<TraceCallParams, TraceCallDetailDto | null>('pinscope/trace/call');

export interface TraceLinesParams extends TraceCallParams {
  /** Lines of context before the first and after the last line of the call (default 5, at most 200). */
  readonly context?: number;
}

/** The call's own lines with context, for a read-only document (never the whole file). */
export const TraceLinesRequest = request<TraceLinesParams, TraceLinesDto | null>('pinscope/trace/lines');

export type TraceBinsParams = TraceRefParams &
  (
    | {
        readonly kind: 'timeline';
        readonly filter?: TraceFilterDto;
        /** Time window (seconds); default the trace's whole time range. */
        readonly from?: number;
        readonly to?: number;
        /** At most 4096. */
        readonly buckets: number;
        /** Which task rows (tasks ordered by first call): default 0 and 200, at most 1000. */
        readonly rowOffset?: number;
        readonly rowLimit?: number;
        /** A row with at most this many calls in the window also gets its spans (default 200). */
        readonly maxSpans?: number;
      }
    | { readonly kind: 'pins'; readonly from?: number; readonly to?: number; readonly buckets: number }
    | { readonly kind: 'histogram'; readonly of: 'bytes' | 'pages' | 'rounds' | 'duration'; readonly filter?: TraceFilterDto }
  );

/** The overview's numbers, binned on the server. */
export const TraceBinsRequest = request<TraceBinsParams, TraceBinsDto | null>('pinscope/trace/bins');

/** The language server's memory (process.memoryUsage(), bytes), for benchmarks and the log. */
export interface ServerMemoryResult {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  /** Typed arrays (a loaded trace's columns), part of external. */
  readonly arrayBuffers: number;
}

export const ServerMemoryRequest = request<Record<string, never>, ServerMemoryResult>('pinscope/server/memory');

/** Re-index the workspace from scratch (Pinscope: Reindex Workspace). */
export const IndexRebuildRequest = request<Record<string, never>, IndexStatusParams>('pinscope/index/rebuild');

/** A recording recipe for a kernel version and architecture. */
export interface RecipeParams {
  readonly kernel: string;
  readonly arch: 'x86_64' | 'arm64';
  readonly kind: 'shell' | 'kprobe' | 'bpftrace';
}

export type RecipeResult = { readonly ok: true; readonly text: string; readonly notes: readonly string[] } | { readonly ok: false; readonly error: string };

export const RecipeRequest = request<RecipeParams, RecipeResult>('pinscope/recipe/get');
