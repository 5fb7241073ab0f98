// Where a node sits: inside code `#if 0` drops, inside which function. Found
// with tree cursors (no recursion, no query over the whole file, no
// node.parent, which tree-sitter recomputes from the root each time): one
// moves forward along the file's top-level constructs, another goes down from
// the construct to the node, so the cost is the node's depth, however deep a
// hostile file nests.
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

/** One level of the way down to a node: the function it is, the code it drops. */
interface Level {
  readonly fn: Node | null;
  /** A `#if 0` block: positions before this are dropped. */
  readonly deadBefore: number | null;
}

/**
 * Places nodes given in source order (by start; a node out of order restarts
 * from the first top-level construct). The construct at file scope holding a
 * node is found by moving forward along the file's top-level constructs; the
 * way down inside it starts afresh for each node, so the answer depends on
 * the node alone (not on which nodes were placed before: tree-sitter's error
 * recovery can leave siblings that overlap).
 */
export class Placer {
  private readonly top: TreeCursor;
  private readonly down: TreeCursor;
  private atTop: boolean;
  private last = -1;

  constructor(tree: Tree) {
    this.top = tree.walk();
    this.down = tree.walk();
    this.atTop = this.top.gotoFirstChild();
  }

  place(node: Node): Placement {
    const at = node.startIndex;
    const t = this.top;
    if (at < this.last) {
      t.gotoParent();
      this.atTop = t.gotoFirstChild();
    }
    this.last = at;
    while (this.atTop && t.endIndex <= at) this.atTop = t.gotoNextSibling();
    const none: Placement = { dead: false, function: null, functionName: null };
    if (!this.atTop || t.startIndex > at) return none;
    const path: Level[] = [];
    const c = this.down;
    c.reset(t.currentNode);
    path.push(this.level(c));
    while (c.nodeId !== node.id && c.gotoFirstChild()) {
      while (c.endIndex <= at && c.gotoNextSibling());
      if (c.startIndex > at || c.endIndex <= at) break;
      path.push(this.level(c));
    }
    let fn: Node | null = null;
    let dead = false;
    for (const level of path) {
      if (level.fn) fn = level.fn;
      if (level.deadBefore !== null && at < level.deadBefore) dead = true;
    }
    return { dead, function: fn, functionName: fn ? (declaratorName(fn.childForFieldName('declarator'))?.text ?? null) : null };
  }

  dispose(): void {
    this.top.delete();
    this.down.delete();
  }

  private level(c: TreeCursor): Level {
    const type = c.nodeType;
    if (type === 'function_definition') return { fn: c.currentNode, deadBefore: null };
    if (type === 'preproc_if' || type === 'preproc_elif') {
      const block = c.currentNode;
      const condition = block.childForFieldName('condition');
      if (condition && alwaysFalse(condition.text)) {
        const alternative = block.childForFieldName('alternative');
        return { fn: null, deadBefore: alternative ? alternative.startIndex : block.endIndex };
      }
    }
    return { fn: null, deadBefore: null };
  }
}
