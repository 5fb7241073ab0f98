// function_graph bodies ("name() {", "name();", "}", "/* comment */") and the
// nesting they describe, per CPU or per task: the target call opens at some
// depth, its direct children are recorded, and the "}" at that depth closes it.
import { PIN, TARGET, UNPIN, type EventKind } from '../events';

export interface GraphStep {
  readonly kind: EventKind;
  readonly name?: string;
}

interface Frame {
  readonly name: string;
}

export class GraphTracker {
  private readonly stacks = new Map<string, Frame[]>();
  /** Depth (stack length) at which the target is open, per key. */
  private readonly openAt = new Map<string, number>();

  /**
   * Feeds one graph body. Returns what it means for the target call: opened,
   * a direct child, closed; null for everything else.
   */
  step(key: string, body: string): GraphStep | GraphStep[] | null {
    const stack = this.stacks.get(key) ?? [];
    this.stacks.set(key, stack);
    const text = body.trim();
    const enter = /^([A-Za-z_][\w.]*)(?: \[[\w-]+\])?\(\) \{$/.exec(text);
    const leaf = /^([A-Za-z_][\w.]*)(?: \[[\w-]+\])?\(\);/.exec(text);
    const open = this.openAt.get(key);
    if (enter) {
      const name = enter[1]!;
      stack.push({ name });
      if (name === TARGET && open === undefined) {
        this.openAt.set(key, stack.length);
        return { kind: 'call-open', name };
      }
      if (open !== undefined && stack.length === open + 1) return this.child(name);
      return null;
    }
    if (leaf) {
      const name = leaf[1]!;
      if (open !== undefined && stack.length === open) return this.child(name);
      return null;
    }
    if (text.startsWith('}')) {
      const frame = stack.pop();
      if (open !== undefined && stack.length === open - 1) {
        this.openAt.delete(key);
        return { kind: 'call-close', name: frame?.name };
      }
      return null;
    }
    return null;
  }

  private child(name: string): GraphStep | GraphStep[] {
    const steps: GraphStep[] = [{ kind: 'child', name }];
    if (name === PIN) steps.push({ kind: 'pin-entry', name: 'graph' });
    if (UNPIN.test(name)) steps.push({ kind: 'unpin', name: 'graph' });
    return steps;
  }
}

