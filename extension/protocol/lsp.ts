// Custom LSP requests between the extension host and the language server.
// Method names follow pinscope/<noun>/<verb>. Plain descriptors, no LSP
// library: the client and the server wrap them in their own typed helpers
// (client/lsp-requests.ts, server/lsp-requests.ts).
import type { CallDto, ReplayResultDto } from './dto';
import type { TraceCallSummaryDto, VariantDecisionDto } from './trace-calls';
import type { ObservedViewDto } from './webview';

export type { TraceCallSummaryDto } from './trace-calls';

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

/** Load a trace file on the server and replay every call in it. */
export interface TraceLoadParams {
  /** Absolute path of the trace file (plain, gzip, or trace.dat with trace-cmd). */
  readonly path: string;
  /** Kernel version for decoding iterators (default: the release the trace records, else 6.12). */
  readonly kernel?: string;
  /** Variant to replay with: v0 … v3, or auto (default): the trace's release, else its calls, else v3. */
  readonly variant?: string;
  readonly format?: string;
}

export type TraceLoadResult =
  | {
      readonly ok: true;
      readonly traceId: number;
      readonly path: string;
      readonly format: string;
      readonly lines: number;
      /** The `uname -r` the trace records, if any. */
      readonly kernelRelease: string | null;
      /** Which variant replayed the trace, and why. */
      readonly variant: VariantDecisionDto;
      readonly calls: readonly TraceCallSummaryDto[];
      readonly skipped: { readonly lines: number; readonly examples: ReadonlyArray<{ readonly line: number; readonly reason: string }> };
      readonly lost: number;
    }
  | { readonly ok: false; readonly error: string };

export const TraceLoadRequest = request<TraceLoadParams, TraceLoadResult>('pinscope/trace/load');

export interface TraceCallParams {
  readonly traceId: number;
  readonly index: number;
}

export interface TraceCallDetailDto {
  readonly summary: TraceCallSummaryDto;
  /** The model's replay of the call, when its inputs were complete. */
  readonly predicted: ReplayResultDto | null;
  readonly observed: Omit<ObservedViewDto, 'missing'>;
}

export const TraceCallRequest = request<TraceCallParams, TraceCallDetailDto | null>('pinscope/trace/call');

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
