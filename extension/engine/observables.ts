// What a trace can see of a replayed call, derived from the result: the
// counts a kernel trace records, so prediction and observation compare alike.
import type { ReplayResultDto } from '../protocol/dto';

/** Pages pin_user_pages_fast() pinned over the call. */
export function pagesPinned(result: ReplayResultDto): number {
  return result.pinRounds.reduce((sum, round) => sum + Math.max(0, round.ret), 0);
}

/**
 * unpin_user_page() calls a trace sees for the call: the function's own error
 * cleanup, then the caller releasing one page per returned bvec.
 */
export function unpinsSeen(result: ReplayResultDto): number {
  const inFunction = result.pages.reduce((sum, run) => sum + (run.pinned - run.held) * run.pages, 0);
  return inFunction + Math.max(0, result.ret);
}
