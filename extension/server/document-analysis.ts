// What the server knows about each open C document. Analysed on demand, for
// the newest version only (versions nobody asked about are never analysed),
// and incrementally: the document's last tree is told of the edit and
// tree-sitter reparses only what changed, and only the top-level constructs
// whose text changed are analysed again (PieceMemo). A document past the size limit, or
// one whose analysis throws, gets no facts and a message naming it, never a
// crash.
import type { Tree } from 'web-tree-sitter';
import { MAX_PARSE_BYTES } from '../node/source-file';
import { analyseTree, PieceMemo, type AnalysedEntry, type CallerHandling, type CParser } from '../source';
import { editBetween } from '../source/text-edit';

export interface DocumentFacts {
  readonly version: number;
  readonly entries: readonly AnalysedEntry[];
  readonly callers: readonly CallerHandling[];
  readonly hasErrors: boolean;
}

interface DocumentState {
  readonly facts: DocumentFacts;
  /** The text and tree the facts came from: the base of the next incremental parse. */
  readonly text: string;
  readonly tree: Tree | null;
  /** The facts of its top-level constructs, for the next analysis to reuse. */
  readonly memo: PieceMemo;
}

/**
 * A lens or hover asked while edits are still arriving waits until the
 * document has been quiet this long: the request is then either answered for
 * the newest text or cancelled by the client (VS Code cancels lens requests
 * on each edit) before any work, so a burst never queues analyses of versions
 * nobody will see.
 */
export const QUIET_MS = 15;

export class DocumentAnalysis {
  private readonly states = new Map<string, DocumentState>();
  private readonly lastChange = new Map<string, number>();
  /** Documents already named in the log as not analysed (said once, not per keystroke). */
  private readonly reported = new Set<string>();

  constructor(
    private readonly parser: Promise<CParser>,
    private readonly log: (message: string) => void = () => undefined,
    private readonly maxLength = MAX_PARSE_BYTES,
  ) {}

  async factsFor(uri: string, version: number, text: string): Promise<DocumentFacts> {
    const known = this.states.get(uri);
    if (known && known.facts.version === version) return known.facts;
    const parser = await this.parser;
    // Another request may have analysed this version while the parser loaded.
    const last = this.states.get(uri);
    if (last && last.facts.version === version) return last.facts;
    const none: DocumentFacts = { version, entries: [], callers: [], hasErrors: false };
    if (text.length > this.maxLength) {
      this.drop(uri);
      this.say(uri, `not analysed: ${(text.length / (1024 * 1024)).toFixed(1)} M characters, over the ${(this.maxLength / (1024 * 1024)).toFixed(1)} M limit`);
      this.states.set(uri, { facts: none, text: '', tree: null, memo: new PieceMemo() });
      return none;
    }
    let tree: Tree | null = null;
    try {
      tree = this.parse(parser, last, text);
      const memo = last?.memo ?? new PieceMemo();
      const analysis = analyseTree(tree, text, memo);
      const facts: DocumentFacts = { version, entries: analysis.entries, callers: analysis.callers, hasErrors: analysis.hasErrors };
      if (last?.tree && last.tree !== tree) last.tree.delete();
      this.states.set(uri, { facts, text, tree, memo });
      this.reported.delete(uri);
      return facts;
    } catch (error) {
      tree?.delete();
      this.drop(uri);
      this.say(uri, `not analysed: ${error instanceof Error ? error.message : String(error)}`);
      this.states.set(uri, { facts: none, text: '', tree: null, memo: new PieceMemo() });
      return none;
    }
  }

  /** The document changed (the facts are not computed here: only when asked). */
  changed(uri: string): void {
    this.lastChange.set(uri, performance.now());
  }

  /** Waits until the document has had no change for QUIET_MS; false if given up (the request was cancelled meanwhile). */
  async quiet(uri: string, stillWanted: () => boolean): Promise<boolean> {
    for (;;) {
      if (!stillWanted()) return false;
      const wait = (this.lastChange.get(uri) ?? -Infinity) + QUIET_MS - performance.now();
      if (wait <= 0) return true;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  forget(uri: string): void {
    this.lastChange.delete(uri);
    this.drop(uri);
    this.reported.delete(uri);
  }

  private parse(parser: CParser, last: DocumentState | undefined, text: string): Tree {
    if (!last?.tree) return parser.parse(text);
    const edit = editBetween(last.text, text);
    if (!edit) return last.tree.copy();
    // tree.edit changes the old tree in place: it is only ever the base of this parse.
    last.tree.edit(edit);
    return parser.parse(text, last.tree);
  }

  private drop(uri: string): void {
    this.states.get(uri)?.tree?.delete();
    this.states.delete(uri);
  }

  private say(uri: string, message: string): void {
    if (this.reported.has(uri)) return;
    this.reported.add(uri);
    this.log(`${uri}: ${message}`);
  }
}
