// Where the bio_vec rows come from: the result itself, or — for a big replay
// the host did not send whole — the host, a window at a time. When the host
// no longer holds the replay (after a window reload), the engine here
// replays the call: the model is deterministic, so the rows are the same.
import { normaliseCall, replayCall } from '../../extension/engine';
import type { BvecDto, ReplayResultDto } from '../../extension/protocol/dto';
import { BVEC_WINDOW, type BvecPagingDto, type BvecRowsMessage } from '../../extension/protocol/webview';

export interface BvecSource {
  readonly total: number;
  /** The entry, or undefined while it is on its way. */
  get(index: number): BvecDto | undefined;
  /** Rows [start, end) are about to be shown; `arrived` runs when missing ones come. */
  want(start: number, end: number, arrived: () => void): void;
}

export function localBvecs(bvecs: readonly BvecDto[]): BvecSource {
  return { total: bvecs.length, get: (i) => bvecs[i], want: () => {} };
}

export class HostBvecs implements BvecSource {
  private readonly rows = new Map<number, readonly BvecDto[]>();
  private readonly asked = new Set<number>();
  private arrived: (() => void) | null = null;
  private replayed: readonly BvecDto[] | null = null;

  constructor(
    private readonly result: ReplayResultDto,
    private readonly paging: BvecPagingDto,
    private readonly ask: (start: number, count: number) => void,
  ) {
    this.rows.set(0, result.bvecs);
  }

  get total(): number {
    return this.paging.total;
  }

  get(index: number): BvecDto | undefined {
    if (this.replayed) return this.replayed[index];
    if (index < this.result.bvecs.length) return this.result.bvecs[index];
    const window = Math.floor(index / BVEC_WINDOW) * BVEC_WINDOW;
    return this.rows.get(window)?.[index - window];
  }

  want(start: number, end: number, arrived: () => void): void {
    this.arrived = arrived;
    if (this.replayed) return;
    for (let window = Math.floor(start / BVEC_WINDOW) * BVEC_WINDOW; window < end; window += BVEC_WINDOW) {
      if (window + BVEC_WINDOW <= this.result.bvecs.length || this.rows.has(window) || this.asked.has(window)) continue;
      this.asked.add(window);
      this.ask(window, Math.min(BVEC_WINDOW, this.total - window));
    }
  }

  /** A message from the host; false when it is not for this replay. */
  receive(message: BvecRowsMessage): boolean {
    if (message.id !== this.paging.id) return false;
    if (message.bvecs.length === 0 && message.start < this.total) {
      // The host has forgotten this replay: compute the rows here instead.
      this.replayed = replayCall(normaliseCall({ ...this.result.call })).bvecs;
    } else {
      this.rows.set(message.start, message.bvecs);
    }
    this.arrived?.();
    return true;
  }
}

export function bvecSource(
  result: ReplayResultDto,
  paging: BvecPagingDto | undefined,
  ask: (start: number, count: number) => void,
): BvecSource {
  return paging ? new HostBvecs(result, paging, ask) : localBvecs(result.bvecs);
}
