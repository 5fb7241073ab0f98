// The workspace's index of netfs_extract_user_iter and its helpers: built in
// the background when the server starts (with progress, cancellable), kept up
// to date from open documents and from files changed on disk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { indexTree, IndexCancelled, mayMention } from '../node/source-tree';
import type { IndexEntryDto, IndexStatusParams } from '../protocol/lsp';
import { analyseFile, type AnalysedEntry, type CParser } from '../source';

export class WorkspaceIndex {
  /** Entries per file URI. */
  private readonly byUri = new Map<string, IndexEntryDto[]>();
  complete = false;

  constructor(private readonly parser: Promise<CParser>) {}

  static toDtos(uri: string, entries: readonly AnalysedEntry[]): IndexEntryDto[] {
    return entries.map((e) => ({
      uri,
      symbol: e.symbol,
      kind: e.kind,
      line: e.line,
      col: e.col,
      function: e.kind === 'call' ? e.function : null,
      variant: e.fingerprint?.variant ?? null,
    }));
  }

  async build(
    folders: readonly string[],
    options: { exclude?: readonly string[]; ripgrep?: string; signal?: AbortSignal; onProgress?: (scanned: number) => void },
  ): Promise<IndexStatusParams> {
    const start = Date.now();
    let scanned = 0;
    let parsed = 0;
    const filesWithErrors: string[] = [];
    try {
      const parser = await this.parser;
      for (const folder of folders) {
        const index = await indexTree(folder, parser, {
          ...(options.exclude ? { exclude: options.exclude } : {}),
          ...(options.ripgrep ? { ripgrep: options.ripgrep } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          onProgress: (s) => options.onProgress?.(scanned + s),
        });
        scanned += index.scanned;
        parsed += index.parsed;
        for (const file of index.files) {
          const uri = pathToFileURL(join(folder, file.path)).toString();
          if (file.hasErrors) filesWithErrors.push(uri);
          this.byUri.set(uri, WorkspaceIndex.toDtos(uri, file.entries));
        }
      }
      this.complete = true;
      return { state: 'ready', scanned, parsed, entries: this.size(), milliseconds: Date.now() - start, filesWithErrors };
    } catch (error) {
      const cancelled = error instanceof IndexCancelled;
      return {
        state: cancelled ? 'cancelled' : 'failed',
        scanned,
        parsed,
        entries: this.size(),
        milliseconds: Date.now() - start,
        filesWithErrors,
        message: String(error),
      };
    }
  }

  /** Forgets everything (before a re-index). */
  clear(): void {
    this.byUri.clear();
    this.complete = false;
  }

  /** An open document's current entries replace what the disk said. */
  update(uri: string, entries: readonly AnalysedEntry[]): void {
    if (entries.length) this.byUri.set(uri, WorkspaceIndex.toDtos(uri, entries));
    else this.byUri.delete(uri);
  }

  /** A file changed, appeared or disappeared on disk. */
  async refreshFromDisk(uri: string): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(fileURLToPath(uri));
    } catch {
      this.byUri.delete(uri);
      return;
    }
    if (!mayMention(bytes)) {
      this.byUri.delete(uri);
      return;
    }
    this.update(uri, analyseFile(await this.parser, bytes.toString('utf8')).entries);
  }

  list(symbol?: string): IndexEntryDto[] {
    const all = [...this.byUri.values()].flat();
    return (symbol ? all.filter((e) => e.symbol === symbol) : all).sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.line - b.line));
  }

  size(): number {
    let n = 0;
    for (const entries of this.byUri.values()) n += entries.length;
    return n;
  }
}
