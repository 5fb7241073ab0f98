// Analyses of an open document's top-level constructs (each function,
// declaration, preprocessor block at file scope), kept from one analysis to
// the next. Everything an entry or a caller's facts depend on lies inside its
// top-level construct (the enclosing function, the `#if 0` around it, the
// body the facts come from), so a construct whose text did not change has the
// same facts, only moved: an edit re-analyses the constructs it touched, not
// the other 999. Used only for a file without syntax errors: tree-sitter's
// recovery from one may join constructs depending on the whole file.
import type { Point, Tree } from 'web-tree-sitter';
import { analyseCallers, type CallerHandling, type HandlingFact } from './caller-analysis';
import { fingerprintBody } from './fingerprint';
import { Placer } from './regions';
import { locateSymbols, mentions, SYMBOLS, type SymbolEntry } from './symbols';
import type { AnalysedEntry } from './file-analysis';

const TARGET = 'netfs_extract_user_iter';

/** A construct's facts, with lines counted from its first line and columns on that line from its first column. */
interface PieceFacts {
  readonly entries: readonly AnalysedEntry[];
  readonly callers: readonly CallerHandling[];
}

type Shift = (line: number, col: number) => { line: number; col: number };

function shifter(origin: Point, direction: 1 | -1): Shift {
  return (line, col) => {
    const onFirst = direction === 1 ? line === 0 : line === origin.row;
    return { line: line + direction * origin.row, col: onFirst ? col + direction * origin.column : col };
  };
}

function moveEntry(e: AnalysedEntry, shift: Shift): AnalysedEntry {
  const name = shift(e.line, e.col);
  const nameEnd = shift(e.endLine, e.endCol);
  const start = shift(e.start.line, e.start.col);
  const end = shift(e.end.line, e.end.col);
  return { ...e, line: name.line, col: name.col, endLine: nameEnd.line, endCol: nameEnd.col, start, end };
}

function moveCaller(h: CallerHandling, shift: Shift): CallerHandling {
  const at = shift(h.line, h.col);
  const fact = (f: HandlingFact | null) => (f ? { ...f, line: shift(f.line, 0).line } : null);
  return {
    ...h,
    line: at.line,
    col: at.col,
    endCol: shift(h.line, h.endCol).col,
    checksNegative: fact(h.checksNegative),
    storesCount: fact(h.storesCount),
    recordsWillPin: fact(h.recordsWillPin),
    usedAsBytes: fact(h.usedAsBytes),
    releases: h.releases.map((r) => fact(r)!),
  };
}

/** Two independent 32-bit hashes and the length: a key that keeps no reference to the document's text. */
function keyOf(text: string, from: number, to: number): string {
  let a = 0x811c9dc5;
  let b = 5381;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = (Math.imul(b, 33) + c) | 0;
  }
  return `${to - from}:${(a >>> 0).toString(36)}:${(b >>> 0).toString(36)}`;
}

export class PieceMemo {
  private pieces = new Map<string, PieceFacts>();

  /** The entries and caller facts of the whole tree, reusing the pieces seen in the last analysis. */
  analyse(tree: Tree, text: string): { entries: AnalysedEntry[]; callers: CallerHandling[] } {
    const kept = new Map<string, PieceFacts>();
    const entries: AnalysedEntry[] = [];
    const callers: CallerHandling[] = [];
    const cursor = tree.walk();
    const placer = new Placer(tree);
    try {
      let inPiece = cursor.gotoFirstChild();
      let lastPiece = -1;
      for (const mention of mentions(text, SYMBOLS)) {
        // The top-level construct holding the mention (each one once).
        while (inPiece && cursor.endIndex <= mention.index) inPiece = cursor.gotoNextSibling();
        if (!inPiece) break;
        if (cursor.startIndex > mention.index || cursor.startIndex === lastPiece) continue;
        lastPiece = cursor.startIndex;
        const from = cursor.startIndex;
        const to = cursor.endIndex;
        const origin = cursor.startPosition;
        // (analyseTree uses the memo only for a tree without syntax errors;
        // a construct holding one is still never kept, to be safe.)
        const reusable = !cursor.currentNode.hasError;
        const key = reusable ? keyOf(text, from, to) : '';
        let piece = reusable ? (kept.get(key) ?? this.pieces.get(key)) : undefined;
        if (!piece) piece = this.analysePiece(tree, text, from, to, origin, placer);
        if (reusable) kept.set(key, piece);
        const shift = shifter(origin, 1);
        for (const e of piece.entries) entries.push(moveEntry(e, shift));
        for (const h of piece.callers) callers.push(moveCaller(h, shift));
      }
    } finally {
      cursor.delete();
      placer.dispose();
    }
    this.pieces = kept;
    return { entries, callers };
  }

  private analysePiece(tree: Tree, text: string, from: number, to: number, origin: Point, placer: Placer): PieceFacts {
    const found = locateSymbols(tree, text, SYMBOLS, { from, to }, placer);
    const toPiece = shifter(origin, -1);
    const entries = found.map(({ entry: e }: { entry: SymbolEntry }) =>
      moveEntry({ ...e, fingerprint: e.kind === 'definition' && e.symbol === TARGET ? fingerprintBody(e.body ?? '', e.disabled) : null }, toPiece),
    );
    const callers = analyseCallers(
      tree,
      found.filter(({ entry: e }) => e.kind === 'call' && e.symbol === TARGET),
    ).map((h) => moveCaller(h, toPiece));
    return { entries, callers };
  }
}
