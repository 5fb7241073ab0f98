// Messages between the extension host and the replay webview. Both sides
// import this file; the webview bundles it, so it imports nothing but DTOs.
import type { ReplayResultDto } from './dto';
import type { TraceCallSummaryDto } from './trace-calls';

export const WEBVIEW_PROTOCOL_VERSION = 1;

/** The webview is loaded and listening. */
export interface ReadyMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'ready';
}

/** Show this replay. */
export interface ShowReplayMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'showReplay';
  readonly title: string;
  readonly result: ReplayResultDto;
  /** What the kernel did, for a call from a trace. */
  readonly observed?: { readonly ret: number | null; readonly bytes: number | null; readonly missing: readonly string[] };
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

/** The editor's cursor is in the lines of this step: mark it. */
export interface HighlightStepMessage {
  readonly v: typeof WEBVIEW_PROTOCOL_VERSION;
  readonly type: 'highlightStep';
  readonly index: number;
}

export type HostToWebview = ShowReplayMessage | ShowErrorMessage | ShowComparisonMessage | ShowTraceCallsMessage | HighlightStepMessage;
export type WebviewToHost = ReadyMessage | RenderedMessage | OpenTraceCallMessage | SelectStepMessage;
