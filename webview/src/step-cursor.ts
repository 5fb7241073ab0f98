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

  /**
   * The editor's cursor is in the lines of step `index` — the first step that
   * ran them. A loop runs them again: stay on the step shown if it ran them
   * too, else take the next one after it that did (stepping through the
   * source walks the iterations), else `index`.
   */
  selectFromSource(index: number): void {
    const anchor = this.steps[index]?.anchor;
    const here = this.current;
    if (anchor === undefined || here === null) return this.select(index);
    if (this.steps[here]?.anchor === anchor) return this.select(here);
    const next = this.steps.findIndex((step, i) => i > here && step.anchor === anchor);
    this.select(next >= 0 ? next : index);
  }

  select(index: number | null): void {
    this.current = index !== null && index >= 0 && index < this.steps.length ? index : null;
    for (const watcher of this.watchers) watcher(this.step, this.current);
  }
}
