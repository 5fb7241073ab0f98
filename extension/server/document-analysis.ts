// What the server knows about each open C document, parsed once per version.
import type { CParser } from '../source/parser';
import { analyseFile, type AnalysedEntry, type CallerHandling } from '../source';

export interface DocumentFacts {
  readonly version: number;
  readonly entries: readonly AnalysedEntry[];
  readonly callers: readonly CallerHandling[];
  readonly hasErrors: boolean;
}

export class DocumentAnalysis {
  private readonly cache = new Map<string, DocumentFacts>();

  constructor(private readonly parser: Promise<CParser>) {}

  async factsFor(uri: string, version: number, text: string): Promise<DocumentFacts> {
    const cached = this.cache.get(uri);
    if (cached && cached.version === version) return cached;
    const analysis = analyseFile(await this.parser, text);
    const facts = { version, entries: analysis.entries, callers: analysis.callers, hasErrors: analysis.hasErrors };
    this.cache.set(uri, facts);
    return facts;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
