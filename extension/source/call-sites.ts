// Finds the calls of a function in a parsed C file: call_expression nodes
// whose callee is the plain identifier, outside `#if 0` blocks. Comments and
// strings never yield call_expression nodes, so they need no special case.
import type { Node, Tree } from 'web-tree-sitter';
import { isPreprocessedOut } from './preprocessor';

export interface Position {
  /** Zero-based line. */
  readonly line: number;
  /** Zero-based column in UTF-16 code units, as LSP counts. */
  readonly character: number;
}

export interface CallSite {
  readonly callee: string;
  /** The enclosing function's name, or null at file scope. */
  readonly caller: string | null;
  readonly start: Position;
  readonly end: Position;
  /** Where the callee's name sits, for a lens or a hover. */
  readonly nameStart: Position;
  readonly nameEnd: Position;
}

function position(point: { row: number; column: number }): Position {
  return { line: point.row, character: point.column };
}

function functionName(definition: Node): string | null {
  let declarator = definition.childForFieldName('declarator');
  while (declarator && declarator.type !== 'identifier') {
    declarator = declarator.childForFieldName('declarator');
  }
  return declarator?.text ?? null;
}

function enclosingFunction(node: Node): string | null {
  for (let up = node.parent; up; up = up.parent) {
    if (up.type === 'function_definition') return functionName(up);
  }
  return null;
}

export function findCallSites(tree: Tree, callee: string): CallSite[] {
  const sites: CallSite[] = [];
  for (const call of tree.rootNode.descendantsOfType('call_expression')) {
    if (!call) continue;
    const fn = call.childForFieldName('function');
    if (!fn || fn.type !== 'identifier' || fn.text !== callee) continue;
    if (isPreprocessedOut(call)) continue;
    sites.push({
      callee,
      caller: enclosingFunction(call),
      start: position(call.startPosition),
      end: position(call.endPosition),
      nameStart: position(fn.startPosition),
      nameEnd: position(fn.endPosition),
    });
  }
  return sites;
}
