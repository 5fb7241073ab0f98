// One C file: its entries for the followed symbols (definitions with their
// variant), and whether the parse had errors.
import { analyseCallers, type CallerHandling } from './caller-analysis';
import type { Tree } from 'web-tree-sitter';
import type { CParser } from './parser';
import type { PieceMemo } from './piece-memo';
import { fingerprintBody, isRemovedEra, type Fingerprint } from './fingerprint';
import { locateSymbols, SYMBOLS, type SymbolEntry } from './symbols';

export interface AnalysedEntry extends SymbolEntry {
  /** Definitions of netfs_extract_user_iter only. */
  readonly fingerprint: Fingerprint | null;
}

export interface FileAnalysis {
  readonly entries: readonly AnalysedEntry[];
  /** How each call of netfs_extract_user_iter handles the result. */
  readonly callers: readonly CallerHandling[];
  /** tree-sitter recovered from syntax errors somewhere in the file. */
  readonly hasErrors: boolean;
  /** The file has the bvecq successor and no definition: the function was removed here. */
  readonly removedEra: boolean;
}

/** Bytes every followed symbol contains: files without them need no parse. */
export const PREFILTER = 'extract_';
/** Then the names themselves: only files naming one are parsed. */
export const PREFILTER_NAMES: readonly string[] = SYMBOLS;

const TARGET = 'netfs_extract_user_iter';

export function analyseFile(parser: CParser, text: string): FileAnalysis {
  const tree = parser.parse(text);
  try {
    return analyseTree(tree, text);
  } finally {
    tree.delete();
  }
}

/**
 * The same, on a tree the caller owns (an open document's, kept for the next
 * incremental parse); with a memo, the top-level constructs unchanged since
 * the last analysis are not analysed again (in a file without syntax errors).
 */
export function analyseTree(tree: Tree, text: string, memo?: PieceMemo): FileAnalysis {
  // With a syntax error anywhere, tree-sitter's recovery may join constructs
  // in ways that depend on the whole file: then the whole file is analysed.
  if (memo && !tree.rootNode.hasError) {
    const { entries, callers } = memo.analyse(tree, text);
    const defines = entries.some((e) => e.kind === 'definition' && e.symbol === TARGET);
    return { entries, callers, hasErrors: tree.rootNode.hasError, removedEra: !defines && isRemovedEra(text) };
  }
  const found = locateSymbols(tree, text, SYMBOLS);
  const entries = found.map(({ entry: e }) => ({
    ...e,
    fingerprint: e.kind === 'definition' && e.symbol === TARGET ? fingerprintBody(e.body ?? '', e.disabled) : null,
  }));
  const defines = entries.some((e) => e.kind === 'definition' && e.symbol === TARGET);
  const callees = found.filter(({ entry: e }) => e.kind === 'call' && e.symbol === TARGET)
  return { entries, callers: analyseCallers(tree, callees), hasErrors: tree.rootNode.hasError, removedEra: !defines && isRemovedEra(text) };
}
