// How a caller handles netfs_extract_user_iter's result, from the parse of
// the enclosing function only (no guessing across functions or files): is the
// result ignored, checked for < 0, stored, is will_pin recorded, where are
// pins released, is the bvec count used as a byte count.
import type { Node, Tree } from 'web-tree-sitter';
import type { CParser } from './parser';
import { Regions } from './regions';

export interface HandlingFact {
  readonly what: string;
  /** Zero-based line that does it. */
  readonly line: number;
}

export interface CallerHandling {
  readonly function: string | null;
  /** Zero-based position of the call's name. */
  readonly line: number;
  readonly col: number;
  readonly endCol: number;
  readonly resultIgnored: boolean;
  /** The variable (or field) the result is stored in. */
  readonly storedIn: string | null;
  readonly checksNegative: HandlingFact | null;
  readonly storesCount: HandlingFact | null;
  readonly recordsWillPin: HandlingFact | null;
  readonly releases: readonly HandlingFact[];
  /** The bvec count used where a byte count belongs (e.g. `->len = n`). */
  readonly usedAsBytes: HandlingFact | null;
}

const TARGET = 'netfs_extract_user_iter';
const RELEASE = /^(unpin_user_pages?|unpin_user_pages_dirty_lock|kvfree|bio_release_pages)$/;
const BYTE_NAME = /(^|_|>)(len|length|bytes|size|count)$/;
const COUNT_NAME = /(nr_|_nr|count$|npages|nr_pinned|bv_count)/;

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const child of node.namedChildren) if (child) walk(child, visit);
}



/** Where the call's value goes: the left side of `x = call(...)` or the declared variable. */
function destination(call: Node): string | null {
  let up = call.parent;
  while (up && (up.type === 'parenthesized_expression' || up.type === 'cast_expression')) up = up.parent;
  if (up?.type === 'assignment_expression' && up.childForFieldName('right')?.id === call.id) return up.childForFieldName('left')?.text ?? null;
  if (up?.type === 'init_declarator') return up.childForFieldName('declarator')?.text.replace(/^\*+/, '') ?? null;
  return null;
}

function isNegativeCheck(node: Node, subject: string): boolean {
  if (node.type !== 'binary_expression') return false;
  const op = node.childForFieldName('operator')?.text;
  const left = node.childForFieldName('left')?.text;
  const right = node.childForFieldName('right')?.text;
  return (op === '<' || op === '<=') && left === subject && right === '0';
}

const CALLS = `((call_expression function: (identifier) @name) (#eq? @name "${TARGET}"))`;

export function analyseCallers(tree: Tree, parser: CParser): CallerHandling[] {
  const out: CallerHandling[] = [];
  const regions = new Regions(tree, parser);
  for (const capture of parser.query(CALLS).captures(tree.rootNode)) {
    const fn = capture.node;
    const call = fn.parent!;
    if (regions.isDead(call)) continue;
    const enclosing = regions.functionAt(call);
    const def = enclosing?.node ?? null;
    const body = def?.childForFieldName('body') ?? null;
    const stored = destination(call);
    let parent = call.parent;
    while (parent?.type === 'parenthesized_expression') parent = parent.parent;
    const resultIgnored = parent?.type === 'expression_statement';
    let checksNegative: HandlingFact | null = null;
    let storesCount: HandlingFact | null = null;
    let recordsWillPin: HandlingFact | null = null;
    let usedAsBytes: HandlingFact | null = null;
    const releases: HandlingFact[] = [];
    // The call itself compared: `if (netfs_extract_user_iter(...) < 0)`.
    if (parent && isNegativeCheck(parent, call.text)) checksNegative = { what: `${parent.text.slice(0, 60)}`, line: parent.startPosition.row };
    if (body) {
      walk(body, (n) => {
        if (n.startIndex < call.endIndex && n.type !== 'call_expression') return;
        if (stored && !checksNegative && isNegativeCheck(n, stored)) checksNegative = { what: n.text, line: n.startPosition.row };
        if (n.type === 'call_expression') {
          const name = n.childForFieldName('function')?.text ?? '';
          if (name === 'iov_iter_extract_will_pin' && !recordsWillPin) recordsWillPin = { what: n.parent?.text.slice(0, 80) ?? n.text, line: n.startPosition.row };
          if (RELEASE.test(name)) releases.push({ what: `${name}()`, line: n.startPosition.row });
        }
        if (stored && n.type === 'assignment_expression' && n.childForFieldName('right')?.text === stored) {
          const left = n.childForFieldName('left')?.text ?? '';
          if (BYTE_NAME.test(left) && !COUNT_NAME.test(left)) usedAsBytes ??= { what: n.text, line: n.startPosition.row };
          else storesCount ??= { what: n.text, line: n.startPosition.row };
        }
      });
    }
    out.push({
      function: enclosing?.name ?? null,
      line: fn.startPosition.row,
      col: fn.startPosition.column,
      endCol: fn.endPosition.column,
      resultIgnored,
      storedIn: stored,
      checksNegative,
      storesCount,
      recordsWillPin,
      releases,
      usedAsBytes,
    });
  }
  return out;
}
