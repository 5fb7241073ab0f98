// The workspace's index of netfs_extract_user_iter and its helpers: built in
// the background when the server starts (with progress, cancellable), kept up
// to date from open documents and from files changed on disk.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { analyseSource, FileReader } from '../node/source-file';
import { indexTree, IndexCancelled } from '../node/source-tree';
import type { IndexEntryDto, IndexNoticeDto, IndexStatusParams } from '../protocol/lsp';
import type { AnalysedEntry, CParser } from '../source';

/** Where the index says what it left out: the server's log. */
export type IndexLog = (message: string) => void;

export class WorkspaceIndex {
  /** Entries per file URI. */
  private readonly byUri = new Map<string, IndexEntryDto[]>();
  complete = false;

  private readonly reader = new FileReader();

  constructor(
    private readonly parser: Promise<CParser>,
    private readonly log: IndexLog = () => undefined,
  ) {}

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
    const skipped: IndexNoticeDto[] = [];
    const warnings: IndexNoticeDto[] = [];
    try {
      for (const folder of folders) {
        const index = await indexTree(folder, this.parser, {
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
        for (const [notices, into, what] of [[index.skipped, skipped, 'skipped'], [index.warnings, warnings, 'note']] as const) {
          for (const notice of notices) {
            into.push({ uri: pathToFileURL(join(folder, notice.path)).toString(), reason: notice.reason });
            this.log(`index: ${what} ${join(folder, notice.path)}: ${notice.reason}`);
          }
        }
      }
      this.complete = true;
      return { state: 'ready', scanned, parsed, entries: this.size(), milliseconds: Date.now() - start, filesWithErrors, skipped, warnings };
    } catch (error) {
      const cancelled = error instanceof IndexCancelled;
      return {
        state: cancelled ? 'cancelled' : 'failed',
        scanned,
        parsed,
        entries: this.size(),
        milliseconds: Date.now() - start,
        filesWithErrors,
        skipped,
        warnings,
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
    const path = fileURLToPath(uri);
    const read = this.reader.read(path);
    // Gone (deleted, renamed) is the common case: forget it quietly.
    if ('skipped' in read) {
      if (!/ENOENT/.test(read.skipped)) this.log(`index: skipped ${path}: ${read.skipped}`);
      this.byUri.delete(uri);
      return;
    }
    const outcome = analyseSource(await this.parser, read.bytes);
    if (outcome.kind === 'skipped') this.log(`index: skipped ${path}: ${outcome.reason}`);
    this.update(uri, outcome.kind === 'analysed' ? outcome.analysis.entries : []);
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
