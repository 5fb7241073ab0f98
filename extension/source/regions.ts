// Where a node sits: inside code `#if 0` drops, inside which function. Found
// with one tree cursor that moves forward through the file (no recursion, no
// query over the whole file, no node.parent, which tree-sitter recomputes from
// the root each time): placing every mention costs about one pass over the
// levels that hold them, however deep a hostile file nests.
import type { Node, Tree, TreeCursor } from 'web-tree-sitter';

export interface Placement {
  /** A `#if 0` (or `#elif 0`) drops the node; its `#else` branch stays live. */
  readonly dead: boolean;
  /** The innermost function definition holding the node, and its name. */
  readonly function: Node | null;
  readonly functionName: string | null;
}

/** `#if 0` (or `#if 0x0`, `#if (0)`): a condition the preprocessor always drops. */
function alwaysFalse(text: string): boolean {
  return /^\(*\s*(0+|0[xX]0+)[uUlL]*\s*\)*$/.test(text.trim());
}

/** The identifier a declarator declares (through pointers, parentheses, function declarators). */
export function declaratorName(node: Node | null): Node | null {
  let d = node;
  while (d && d.type !== 'identifier') d = d.type === 'parenthesized_declarator' ? d.namedChild(0) : d.childForFieldName('declarator');
  return d;
}

/** One level of the cursor's path: the node's end, the function it is, the code it drops. */
interface Level {
  readonly end: number;
  readonly fn: Node | null;
  /** A `#if 0` block: positions before this are dropped. */
  readonly deadBefore: number | null;
}

/**
 * Places nodes given in source order (by start; an ancestor before its
 * descendants). A node out of order restarts from the root.
 */
export class Placer {
  private cursor: TreeCursor;
  private path: Level[] = [];
  private last = -1;

  constructor(private readonly tree: Tree) {
    this.cursor = tree.walk();
    this.path = [this.level()];
  }

  place(node: Node): Placement {
    const at = node.startIndex;
    const end = node.endIndex;
    if (at < this.last) this.restart();
    this.last = at;
    const c = this.cursor;
    // Up (or along) until the current node holds the target.
    while (this.path.length > 1) {
      const top = this.path[this.path.length - 1]!;
      if (top.end <= at && c.gotoNextSibling()) {
        this.path[this.path.length - 1] = this.level();
        continue;
      }
      if (top.end <= at || top.end < end || c.startIndex > at) {
        c.gotoParent();
        this.path.pop();
        continue;
      }
      break;
    }
    // Down to it.
    while (c.nodeId !== node.id && c.gotoFirstChild()) {
      while (c.endIndex <= at && c.gotoNextSibling());
      if (c.startIndex > at || c.endIndex <= at) {
        c.gotoParent();
        break;
      }
      this.path.push(this.level());
    }
    let fn: Node | null = null;
    let dead = false;
    for (const level of this.path) {
      if (level.fn) fn = level.fn;
      if (level.deadBefore !== null && at < level.deadBefore) dead = true;
    }
    return { dead, function: fn, functionName: fn ? (declaratorName(fn.childForFieldName('declarator'))?.text ?? null) : null };
  }

  dispose(): void {
    this.cursor.delete();
  }

  private restart(): void {
    this.cursor.delete();
    this.cursor = this.tree.walk();
    this.path = [this.level()];
  }

  private level(): Level {
    const c = this.cursor;
    const type = c.nodeType;
    if (type === 'function_definition') return { end: c.endIndex, fn: c.currentNode, deadBefore: null };
    if (type === 'preproc_if' || type === 'preproc_elif') {
      const block = c.currentNode;
      const condition = block.childForFieldName('condition');
      if (condition && alwaysFalse(condition.text)) {
        const alternative = block.childForFieldName('alternative');
        return { end: c.endIndex, fn: null, deadBefore: alternative ? alternative.startIndex : block.endIndex };
      }
    }
    return { end: c.endIndex, fn: null, deadBefore: null };
  }
}
