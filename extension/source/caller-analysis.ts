// How a caller handles netfs_extract_user_iter's result, from the parse of
// the enclosing function only (no guessing across functions or files): is the
// result ignored, checked for < 0, stored, is will_pin recorded, where are
// pins released, is the bvec count used as a byte count.
import { Query, type Language, type Node, type Tree } from 'web-tree-sitter';
import type { Placement } from './regions';

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

/** Where the call's value goes: the left side of `x = call(...)` or the declared variable. */
/**
 * The first ancestor that is not one of the wrapper types, and the outermost
 * wrapper. tree-sitter finds each parent from the root, so the climb is
 * bounded: no real code wraps a call in more than a few parentheses.
 */
const MAX_WRAPPERS = 64;
function unwrap(node: Node, wrappers: ReadonlySet<string>): { outer: Node; up: Node | null } {
  let outer = node;
  let up = node.parent;
  for (let i = 0; up && wrappers.has(up.type) && i < MAX_WRAPPERS; i++) {
    outer = up;
    up = up.parent;
  }
  return { outer, up: up && wrappers.has(up.type) ? null : up };
}

const VALUE_WRAPPERS = new Set(['parenthesized_expression', 'cast_expression']);
const PARENTHESES = new Set(['parenthesized_expression']);

function destination(call: Node): string | null {
  const { outer, up } = unwrap(call, VALUE_WRAPPERS);
  if (up?.type === 'assignment_expression' && up.childForFieldName('right')?.id === outer.id) return up.childForFieldName('left')?.text ?? null;
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

interface Mention {
  readonly at: number;
  readonly fact: HandlingFact;
}

/** The facts one function body offers every call in it, gathered in one walk. */
interface BodyFacts {
  /** `x < 0` and `x <= 0`, by x. */
  readonly negativeChecks: Map<string, Mention[]>;
  /** `lhs = x`, by x, with whether lhs names a byte count. */
  readonly assignments: Map<string, Array<Mention & { readonly bytes: boolean }>>;
  readonly willPin: HandlingFact | null;
  readonly releases: readonly HandlingFact[];
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The nodes a body's facts come from; tree-sitter finds them (in C, without recursion) so JS never walks the body. */
const BODY_FACTS = `
(binary_expression left: (_) @left operator: ["<" "<="] right: (number_literal) @zero) @check
(call_expression function: (identifier) @callee) @call
(assignment_expression left: (_) @left right: (_) @right) @assign
`;
const queries = new WeakMap<Language, Query>();
const MATCHES_IN_PROGRESS = 256;

function gatherBody(tree: Tree, body: Node): BodyFacts {
  const negativeChecks = new Map<string, Mention[]>();
  const assignments = new Map<string, Array<Mention & { bytes: boolean }>>();
  let willPin: HandlingFact | null = null;
  const releases: HandlingFact[] = [];
  let query = queries.get(tree.language);
  if (!query) queries.set(tree.language, (query = new Query(tree.language, BODY_FACTS)));
  // The limit bounds the matches in progress at once (one per enclosing
  // expression being matched): without it a 20,000-term sum takes quadratic
  // time; with it, facts nested deeper than that in one expression may be
  // missed, which no real code does.
  for (const match of query.matches(body, { matchLimit: MATCHES_IN_PROGRESS })) {
    const get = (name: string) => match.captures.find((c) => c.name === name)?.node;
    const check = get('check');
    if (check) {
      if (get('zero')?.text === '0') push(negativeChecks, get('left')?.text ?? '', { at: check.startIndex, fact: { what: check.text, line: check.startPosition.row } });
      continue;
    }
    const callee = get('callee');
    if (callee) {
      const name = callee.text;
      if (name === 'iov_iter_extract_will_pin' && !willPin) {
        const call = get('call')!;
        willPin = { what: call.parent?.text.slice(0, 80) ?? call.text, line: call.startPosition.row };
      }
      if (RELEASE.test(name)) releases.push({ what: `${name}()`, line: callee.startPosition.row });
      continue;
    }
    const assign = get('assign');
    if (assign) {
      const left = get('left')?.text ?? '';
      push(assignments, get('right')?.text ?? '', { at: assign.startIndex, fact: { what: assign.text, line: assign.startPosition.row }, bytes: BYTE_NAME.test(left) && !COUNT_NAME.test(left) });
    }
  }
  for (const list of [...negativeChecks.values(), ...assignments.values()]) list.sort((x, y) => x.at - y.at);
  return { negativeChecks, assignments, willPin, releases };
}

/** The first mention at or after a position (mentions are in source order). */
function firstFrom<T extends Mention>(list: readonly T[] | undefined, at: number, also: (m: T) => boolean = () => true): T | null {
  if (!list) return null;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.at < at) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length; i++) if (also(list[i]!)) return list[i]!;
  return null;
}

/** The live calls of netfs_extract_user_iter, as locateSymbols found them (callee name, where the call sits). */
export function analyseCallers(tree: Tree, calls: ReadonlyArray<{ readonly name: Node; readonly placement: Placement }>): CallerHandling[] {
  const out: CallerHandling[] = [];
  const bodies = new Map<number, BodyFacts>();
  for (const { name: fn, placement: enclosing } of calls) {
    const call = fn.parent!;
    if (enclosing.dead) continue;
    const body = enclosing.function?.childForFieldName('body') ?? null;
    const stored = destination(call);
    const parent = unwrap(call, PARENTHESES).up;
    const resultIgnored = parent?.type === 'expression_statement';
    let checksNegative: HandlingFact | null = null;
    let storesCount: HandlingFact | null = null;
    let recordsWillPin: HandlingFact | null = null;
    let usedAsBytes: HandlingFact | null = null;
    let releases: readonly HandlingFact[] = [];
    // The call itself compared: `if (netfs_extract_user_iter(...) < 0)`.
    if (parent && isNegativeCheck(parent, call.text)) checksNegative = { what: `${parent.text.slice(0, 60)}`, line: parent.startPosition.row };
    if (body) {
      let facts = bodies.get(body.id);
      if (!facts) bodies.set(body.id, (facts = gatherBody(tree, body)));
      // Checks and assignments count from the end of the call on; will_pin and releases anywhere in the function.
      const after = call.endIndex;
      if (stored && !checksNegative) checksNegative = firstFrom(facts.negativeChecks.get(stored), after)?.fact ?? null;
      if (stored) {
        usedAsBytes = firstFrom(facts.assignments.get(stored), after, (m) => m.bytes)?.fact ?? null;
        storesCount = firstFrom(facts.assignments.get(stored), after, (m) => !m.bytes)?.fact ?? null;
      }
      recordsWillPin = facts.willPin;
      releases = facts.releases;
    }
    out.push({
      function: enclosing.functionName,
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
