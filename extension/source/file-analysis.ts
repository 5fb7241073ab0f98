// One C file: its entries for the followed symbols (definitions with their
// variant), and whether the parse had errors.
import { analyseCallers, type CallerHandling } from './caller-analysis';
import type { CParser } from './parser';
import { fingerprintBody, isRemovedEra, type Fingerprint } from './fingerprint';
import { findSymbols, SYMBOLS, type SymbolEntry } from './symbols';

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

export function analyseFile(parser: CParser, text: string): FileAnalysis {
  const tree = parser.parse(text);
  try {
    const entries = findSymbols(tree, parser, SYMBOLS).map((e) => ({
      ...e,
      fingerprint: e.kind === 'definition' && e.symbol === 'netfs_extract_user_iter' ? fingerprintBody(e.body ?? '', e.disabled) : null,
    }));
    const defines = entries.some((e) => e.kind === 'definition' && e.symbol === 'netfs_extract_user_iter');
    return { entries, callers: analyseCallers(tree, parser), hasErrors: tree.rootNode.hasError, removedEra: !defines && isRemovedEra(text) };
  } finally {
    tree.delete();
  }
}
