// Custom LSP requests between the extension host and the language server.
// Method names follow pinscope/<noun>/<verb>.
import { RequestType } from 'vscode-languageserver-protocol';
import type { CallDto, ReplayResultDto } from './dto';

export interface ReplayCallParams {
  /** A call to replay; the server fills defaults for what is missing. */
  readonly call: Partial<CallDto>;
}

export type ReplayCallResult =
  | { readonly ok: true; readonly result: ReplayResultDto }
  | { readonly ok: false; readonly error: string };

export const ReplayCallRequest = new RequestType<ReplayCallParams, ReplayCallResult, void>(
  'pinscope/call/replay',
);

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
