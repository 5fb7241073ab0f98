// Call sites per open document, parsed once per document version.
import type { CParser } from '../source/parser';
import { findCallSites, TARGET_FUNCTION, type CallSite } from '../source';

interface Entry {
  readonly version: number;
  readonly sites: readonly CallSite[];
}

export class CallSiteIndex {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly parser: Promise<CParser>) {}

  async sitesFor(uri: string, version: number, text: string): Promise<readonly CallSite[]> {
    const cached = this.entries.get(uri);
    if (cached && cached.version === version) return cached.sites;
    const parser = await this.parser;
    const tree = parser.parse(text);
    try {
      const sites = findCallSites(tree, TARGET_FUNCTION);
      this.entries.set(uri, { version, sites });
      return sites;
    } finally {
      tree.delete();
    }
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}
