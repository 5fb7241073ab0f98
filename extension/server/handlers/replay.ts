// pinscope/call/replay: checks the call description and runs the engine.
import { CallError, normaliseCall, replayCall } from '../../engine';
import type { ReplayCallParams, ReplayCallResult } from '../../protocol/lsp';

export function replayHandler() {
  return (params: ReplayCallParams): ReplayCallResult => {
    try {
      return { ok: true, result: replayCall(normaliseCall(params.call)) };
    } catch (error) {
      if (error instanceof CallError) return { ok: false, error: error.message };
      throw error;
    }
  };
}
