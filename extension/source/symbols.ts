// Definitions, declarations and calls of the functions Pinscope follows, in
// one parsed C file. Calls inside `#if 0` do not count; a definition inside
// one is kept and marked (the spec's "removal in progress").
import type { Node, Tree } from 'web-tree-sitter';
import { Placer, type Placement } from './regions';

/** netfs_extract_user_iter and the helpers the spec names beside it. */
export const SYMBOLS = [
  'netfs_extract_user_iter',
  'iov_iter_extract_pages',
  'netfs_extract_iter_to_sg',
  'extract_iter_to_sg',
  'iov_iter_extract_will_pin',
] as const;

export type SymbolName = (typeof SYMBOLS)[number];

export interface SymbolEntry {
  readonly symbol: string;
  readonly kind: 'definition' | 'declaration' | 'call';
  /** Zero-based line and UTF-16 column of the symbol's name. */
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
  /** Calls: the enclosing function. Definitions: the function itself. */
  readonly function: string | null;
  /** Definitions only: the body's text, for fingerprinting. */
  readonly body: string | null;
  /** Definitions only: inside `#if 0`. */
  readonly disabled: boolean;
  /** The whole construct: call expression or function definition. */
  readonly start: { line: number; col: number };
  readonly end: { line: number; col: number };
}

/** Declarators that wrap a name on its way up to the declaration or definition. */
const WRAPPERS = new Set(['function_declarator', 'pointer_declarator', 'parenthesized_declarator', 'array_declarator', 'attributed_declarator', 'init_declarator']);
/** Where a declaration counts: file scope, a preprocessor branch at file scope, `extern "C" { }`. */
const DECLARATION_SCOPES = new Set(['translation_unit', 'preproc_if', 'preproc_else', 'preproc_elif', 'preproc_ifdef']);

function wordsRegex(names: readonly string[]): RegExp {
  return new RegExp(`\\b(?:${names.map((n) => n.replace(/[^\w]/g, '')).join('|')})\\b`, 'g');
}

/** Where the text names one of the symbols, between two indices. */
export function* mentions(text: string, names: readonly string[] = SYMBOLS, from = 0, to = text.length): Generator<{ index: number; name: string }> {
  const words = wordsRegex(names);
  words.lastIndex = from;
  for (let m = words.exec(text); m && m.index < to; m = words.exec(text)) yield { index: m.index, name: m[0] };
}

/**
 * Starts from each place the text names a followed symbol (a few per file)
 * rather than from every call or declaration tree-sitter found: the cost is
 * the number of mentions times their depth, not the size of the tree.
 */
export function findSymbols(tree: Tree, text: string, names: readonly string[] = SYMBOLS): SymbolEntry[] {
  return locateSymbols(tree, text, names).map((found) => found.entry);
}

export interface LocatedSymbol {
  readonly entry: SymbolEntry;
  readonly name: Node;
  /** Where the whole construct (the call, the definition) sits. */
  readonly placement: Placement;
}

/**
 * findSymbols, with each entry's name node and placement (for the analyses
 * that go on from it); optionally only between two indices, with a placer
 * shared by successive ranges.
 */
export function locateSymbols(
  tree: Tree,
  text: string,
  names: readonly string[] = SYMBOLS,
  range: { readonly from: number; readonly to: number } = { from: 0, to: text.length },
  shared?: Placer,
): LocatedSymbol[] {
  const entries: LocatedSymbol[] = [];
  const root = tree.rootNode;
  const placer = shared ?? new Placer(tree);
  try {
    for (const match of mentions(text, names, range.from, range.to)) {
      const start = match.index;
      const name = root.descendantForIndex(start, start + match.name.length);
      // Comments, strings, field names and macro bodies are not identifiers.
      if (!name || name.type !== 'identifier' || name.startIndex !== start || name.endIndex !== start + match.name.length) continue;
      const found = classify(name);
      if (!found) continue;
      const place = placer.place(found.whole);
      if (found.kind === 'definition') {
        entries.push({ name, placement: place, entry: entry(name.text, 'definition', name, found.whole, name.text, found.whole.childForFieldName('body')?.text ?? '', place.dead) });
      } else if (!place.dead) {
        entries.push({ name, placement: place, entry: entry(name.text, found.kind, name, found.whole, found.kind === 'call' ? place.functionName : null, null, false) });
      }
    }
  } finally {
    if (!shared) placer.dispose();
  }
  // In source order, as a reader expects them.
  return entries.sort(({ entry: a }, { entry: b }) => a.start.line - b.start.line || a.start.col - b.start.col || a.line - b.line || a.col - b.col);
}

/** What an identifier naming a followed symbol is: the callee of a call, the name a definition or declaration declares, or neither. */
function classify(name: Node): { kind: SymbolEntry['kind']; whole: Node } | null {
  const parent = name.parent;
  if (!parent) return null;
  if (parent.type === 'call_expression') return parent.childForFieldName('function')?.id === name.id ? { kind: 'call', whole: parent } : null;
  let declarator = name;
  let owner: Node | null = parent;
  let declaresFunction = false;
  while (owner && WRAPPERS.has(owner.type) && (owner.type === 'parenthesized_declarator' || owner.childForFieldName('declarator')?.id === declarator.id)) {
    if (owner.type === 'function_declarator') declaresFunction = true;
    declarator = owner;
    owner = owner.parent;
  }
  if (!owner) return null;
  if (owner.type === 'function_definition') return owner.childForFieldName('declarator')?.id === declarator.id ? { kind: 'definition', whole: owner } : null;
  if (owner.type !== 'declaration' || !declaresFunction) return null;
  if (!owner.childrenForFieldName('declarator').some((d) => d?.id === declarator.id)) return null;
  const scope = owner.parent;
  const fileScope = scope && (DECLARATION_SCOPES.has(scope.type) || (scope.type === 'declaration_list' && scope.parent?.type === 'linkage_specification'));
  return fileScope ? { kind: 'declaration', whole: owner } : null;
}

function entry(symbol: string, kind: SymbolEntry['kind'], name: Node, whole: Node, fn: string | null, body: string | null, disabled: boolean): SymbolEntry {
  return {
    symbol,
    kind,
    line: name.startPosition.row,
    col: name.startPosition.column,
    endLine: name.endPosition.row,
    endCol: name.endPosition.column,
    function: fn,
    body,
    disabled,
    start: { line: whole.startPosition.row, col: whole.startPosition.column },
    end: { line: whole.endPosition.row, col: whole.endPosition.column },
  };
}
