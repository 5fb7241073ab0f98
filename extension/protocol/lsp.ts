// Custom LSP requests between the extension host and the language server.
// Method names follow pinscope/<noun>/<verb>. Plain descriptors, no LSP
// library: the client and the server wrap them in their own typed helpers
// (client/lsp-requests.ts, server/lsp-requests.ts).
import type { CallDto, ReplayResultDto } from './dto';

/** A custom request: its method, and (in types only) its params and result. */
export interface RequestDescriptor<Params, Result> {
  readonly method: string;
  /** Never set: carries the types. */
  readonly __types?: (params: Params) => Result;
}

function request<Params, Result>(method: string): RequestDescriptor<Params, Result> {
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
