// `#if 0` regions: what the preprocessor always drops (its `#else` stays live).
import type { Node } from 'web-tree-sitter';

/** `#if 0` (or `#if 0x0`, `#if (0)`): a condition the preprocessor always drops. */
function isAlwaysFalse(condition: Node | null): boolean {
  if (!condition) return false;
  if (condition.type === 'parenthesized_expression' && condition.namedChildCount === 1) {
    return isAlwaysFalse(condition.namedChild(0));
  }
  return condition.type === 'number_literal' && /^(0+|0[xX]0+)[uUlL]*$/.test(condition.text);
}

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** True when a `#if 0` drops the node (its `#else` branch stays live). */
export function isPreprocessedOut(node: Node): boolean {
  for (let up = node.parent; up; up = up.parent) {
    if ((up.type === 'preproc_if' || up.type === 'preproc_elif') && isAlwaysFalse(up.childForFieldName('condition'))) {
      const alternative = up.childForFieldName('alternative');
      if (!alternative || !contains(alternative, node)) return true;
    }
  }
  return false;
}
