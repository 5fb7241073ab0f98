// Which step the panels show: the state after that step, or (null) the state
// when the call returns. Panels watch the cursor and restyle in place, so
// walking the steps never rebuilds the view.
import type { StepDto } from '../../extension/protocol/dto';

export type StepWatcher = (step: StepDto | null, index: number | null) => void;

export class StepCursor {
  private readonly watchers: StepWatcher[] = [];
  private current: number | null = null;

  constructor(private readonly steps: readonly StepDto[]) {}

  get index(): number | null {
    return this.current;
  }

  get step(): StepDto | null {
    return this.current === null ? null : (this.steps[this.current] ?? null);
  }

  /** Calls `watcher` now and on every move. */
  watch(watcher: StepWatcher): void {
    this.watchers.push(watcher);
    watcher(this.step, this.current);
  }

  select(index: number | null): void {
    this.current = index !== null && index >= 0 && index < this.steps.length ? index : null;
    for (const watcher of this.watchers) watcher(this.step, this.current);
  }
}
