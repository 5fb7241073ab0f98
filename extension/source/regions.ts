// Byte ranges computed once per tree with one query: the code `#if 0` drops
// and each function definition. Asking "is this node dead, which function is
// it in" is then arithmetic, not a walk up the tree across the WASM boundary.
import type { Node, Tree } from 'web-tree-sitter';
import type { CParser } from './parser';

interface FunctionRange {
  readonly start: number;
  readonly end: number;
  readonly name: string | null;
  readonly node: Node;
}

const QUERY = `
(preproc_if condition: (_) @condition) @if
(preproc_elif condition: (_) @condition) @if
(function_definition) @function
`;

/** `#if 0` (or `#if 0x0`, `#if (0)`): a condition the preprocessor always drops. */
function alwaysFalse(text: string): boolean {
  return /^\(*\s*(0+|0[xX]0+)[uUlL]*\s*\)*$/.test(text.trim());
}

export function declaratorName(node: Node | null): Node | null {
  let d = node;
  while (d && d.type !== 'identifier') d = d.type === 'parenthesized_declarator' ? d.namedChild(0) : d.childForFieldName('declarator');
  return d;
}

export class Regions {
  private readonly dead: Array<[number, number]> = [];
  private readonly functions: FunctionRange[] = [];

  constructor(tree: Tree, parser: CParser) {
    for (const match of parser.query(QUERY).matches(tree.rootNode)) {
      const get = (name: string) => match.captures.find((c) => c.name === name)?.node;
      const fn = get('function');
      if (fn) {
        this.functions.push({ start: fn.startIndex, end: fn.endIndex, name: declaratorName(fn.childForFieldName('declarator'))?.text ?? null, node: fn });
        continue;
      }
      const block = get('if');
      const condition = get('condition');
      if (block && condition && alwaysFalse(condition.text)) {
        const alternative = block.childForFieldName('alternative');
        this.dead.push([block.startIndex, alternative ? alternative.startIndex : block.endIndex]);
      }
    }
  }

  /** True when a `#if 0` drops the node (its `#else` branch stays live). */
  isDead(node: Node): boolean {
    const at = node.startIndex;
    return this.dead.some(([start, end]) => start <= at && at < end);
  }

  /** The innermost function definition holding the node. */
  functionAt(node: Node): FunctionRange | null {
    const at = node.startIndex;
    let best: FunctionRange | null = null;
    for (const f of this.functions) if (f.start <= at && at < f.end && (!best || f.start >= best.start)) best = f;
    return best;
  }
}
