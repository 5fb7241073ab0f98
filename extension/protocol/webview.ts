// Messages between the extension host and the replay webview. Both sides
// import this file; the webview bundles it, so it imports nothing but DTOs.
import type { BvecDto, CallDto, PinRoundDto, ReplayResultDto } from './dto';
import type { TraceCallSummaryDto } from './trace-calls';

export const WEBVIEW_PROTOCOL_VERSION = 1;

/** bio_vec rows per message when a replay is paged. */
export const BVEC_WINDOW = 1000;
/** Replays with more bio_vecs than this are sent a window at a time. */
export const BVEC_PAGING_ABOVE = 2 * BVEC_WINDOW;

/** The webview is loaded and listening. */
export interface ReadyMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'ready';
  /** It restored its saved view (shown again after being hidden, or after a reload). */
  readonly restored?: boolean;
}

/** A bio_vec slot as a trace recorded it at return (slots at or past the returned count hold stale heap data). */
export interface ObservedBvecDto {
  readonly idx: number;
  readonly offset: number;
  readonly len: number;
  /** struct page address as printed, when recorded. */
  readonly page: string | null;
}

/** What the kernel was seen to do, for a call from a trace; null: this trace does not record it. */
export interface ObservedViewDto {
  readonly ret: number | null;
  readonly bytes: number | null;
  /** Pages pinned by the call's pin_user_pages_fast() rounds. */
  readonly pinned?: number | null;
  /** unpin_user_page() calls seen for the call (its own cleanup and the caller's release). */
  readonly unpins?: number | null;
  readonly bvecs?: readonly ObservedBvecDto[];
  /** pin_user_pages_fast() calls with their arguments and return, when the trace has that probe. */
  readonly pinRounds?: readonly PinRoundDto[];
  /** What the verdict found different (return, count, pin rounds, bvec slots). */
  readonly differences?: readonly string[];
  readonly missing: readonly string[];
  /** Why the trace was replayed with this variant (its release, its calls, or asked), and any calls against it. */
  readonly variant?: { readonly reason: string; readonly warning: string | null };
}

/** Rows of a big bio_vec array are not all sent: the webview asks for the ones it shows. */
export interface BvecPagingDto {
  /** Names the replay the rows belong to. */
  readonly id: number;
  /** Entries in the whole array; the result carries the first few. */
  readonly total: number;
}

/** Show this replay. */
export interface ShowReplayMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'showReplay';
  readonly title: string;
  readonly result: ReplayResultDto;
  readonly observed?: ObservedViewDto;
  /** Set when `result.bvecs` holds only the first rows of `total`. */
  readonly paging?: BvecPagingDto;
}

/** The webview now shows a replay it computed itself (a what-if): steps, compare and export follow it. */
export interface ShowingMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'showing';
  readonly title: string;
  readonly call: CallDto;
}

/** The webview needs bio_vec rows [start, start + count) of replay `id`. */
export interface RequestBvecsMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'requestBvecs';
  readonly id: number;
  readonly start: number;
  readonly count: number;
}

/** Rows of replay `id` from `start`; none when the host no longer holds that replay. */
export interface BvecRowsMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'bvecRows';
  readonly id: number;
  readonly start: number;
  readonly bvecs: readonly BvecDto[];
}

/** The user selected a step: show the source lines that performed it. */
export interface SelectStepMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'selectStep';
  readonly index: number;
}

/** The host could not produce a replay; show why. */
export interface ShowErrorMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'showError';
  readonly message: string;
}

/** The webview has put a replay on screen: what it shows, for the host to confirm. */
export interface RenderedMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'rendered';
  readonly ret: number;
  readonly bvecs: number;
  readonly pages: number;
}

/** Show one call replayed through several variants, side by side. */
export interface ShowComparisonMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'showComparison';
  readonly title: string;
  readonly results: readonly ReplayResultDto[];
}

/** Show the calls of a trace file (the "Open with Pinscope" editor). */
export interface ShowTraceCallsMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'showTraceCalls';
  readonly title: string;
  readonly traceId: number;
  readonly calls: readonly TraceCallSummaryDto[];
}

/** The user picked a call in the trace's list. */
export interface OpenTraceCallMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'openTraceCall';
  readonly traceId: number;
  readonly index: number;
}

/** The editor's cursor is in the lines of this step: show the state after it. */
export interface HighlightStepMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'highlightStep';
  readonly index: number;
}

/** What the webview saves (vscode.setState) and VS Code hands back after a reload: the view and the step on the cursor. */
export interface SavedState {
  readonly view: HostToWebview;
  readonly step: number | null;
}

export type HostToWebview = ShowReplayMessage | ShowErrorMessage | ShowComparisonMessage | ShowTraceCallsMessage | HighlightStepMessage | BvecRowsMessage;
export type WebviewToHost = ReadyMessage | RenderedMessage | OpenTraceCallMessage | SelectStepMessage | RequestBvecsMessage | ShowingMessage;
