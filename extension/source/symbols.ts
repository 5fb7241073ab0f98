// Definitions, declarations and calls of the functions Pinscope follows, in
// one parsed C file. Calls inside `#if 0` do not count; a definition inside
// one is kept and marked (the spec's "removal in progress").
import type { Node, Tree } from 'web-tree-sitter';
import type { CParser } from './parser';
import { Regions } from './regions';

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

function declaratorName(node: Node | null): Node | null {
  let d = node;
  while (d && d.type !== 'identifier') {
    if (d.type === 'parenthesized_declarator') d = d.namedChild(0);
    else d = d.childForFieldName('declarator');
  }
  return d;
}

/** The function_declarator under a declaration's declarator, if it declares a function. */
function functionDeclarator(node: Node | null): Node | null {
  let d = node;
  while (d) {
    if (d.type === 'function_declarator') return d;
    d = d.type === 'parenthesized_declarator' ? d.namedChild(0) : d.childForFieldName('declarator');
  }
  return null;
}


/** The nodes that can name a followed symbol; tree-sitter finds them without a JS walk. */
const CANDIDATES = `
(call_expression function: (identifier) @call)
(function_definition) @definition
(translation_unit (declaration) @declaration)
(preproc_if (declaration) @declaration)
(preproc_else (declaration) @declaration)
(preproc_ifdef (declaration) @declaration)
(linkage_specification body: (declaration_list (declaration) @declaration))
`;

export function findSymbols(tree: Tree, parser: CParser, names: readonly string[] = SYMBOLS): SymbolEntry[] {
  const wanted = new Set(names);
  const entries: SymbolEntry[] = [];
  const regions = new Regions(tree, parser);
  const enclosing = (node: Node) => regions.functionAt(node)?.name ?? null;
  for (const capture of parser.query(CANDIDATES).captures(tree.rootNode)) {
    const node = capture.node;
    if (capture.name === 'call') {
      const call = node.parent!;
      if (wanted.has(node.text) && !regions.isDead(call)) entries.push(entry(node.text, 'call', node, call, enclosing(call), null, false));
    } else if (capture.name === 'definition') {
      const name = declaratorName(node.childForFieldName('declarator'));
      if (name && wanted.has(name.text)) {
        entries.push(entry(name.text, 'definition', name, node, name.text, node.childForFieldName('body')?.text ?? '', regions.isDead(node)));
      }
    } else {
      for (const d of node.childrenForFieldName('declarator')) {
        const fd = functionDeclarator(d);
        const name = fd ? declaratorName(fd) : null;
        if (name && wanted.has(name.text) && !regions.isDead(node)) entries.push(entry(name.text, 'declaration', name, node, null, null, false));
      }
    }
  }
  // In source order, as a reader expects them.
  return entries.sort((a, b) => a.start.line - b.start.line || a.start.col - b.start.col || a.line - b.line || a.col - b.col);
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
