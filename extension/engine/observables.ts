// What a trace can see of a call — its pin_user_pages_fast() rounds, its
// unpins — derived the same way for the model's result and for a trace's
// record, so prediction and observation compare alike.
import type { PinRoundDto, ReplayResultDto } from '../protocol/dto';

/** Pages these pin_user_pages_fast() rounds pinned. */
export function pagesPinned(rounds: readonly PinRoundDto[]): number {
  return rounds.reduce((sum, round) => sum + Math.max(0, round.ret), 0);
}

/** The user address of the page a round stopped at (it pinned fewer than asked), or null. */
export function roundStoppedAt(round: PinRoundDto, pageSize: number): number | null {
  return round.ret < round.nrPages ? Number(round.start) + Math.max(0, round.ret) * pageSize : null;
}

/**
 * unpin_user_page() calls a trace sees for the call: the function's own error
 * cleanup, then the caller releasing one page per returned bvec.
 */
export function unpinsSeen(result: ReplayResultDto): number {
  const inFunction = result.pages.reduce((sum, run) => sum + (run.pinned - run.held) * run.pages, 0);
  return inFunction + Math.max(0, result.ret);
}
