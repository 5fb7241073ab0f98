// Indexes a source tree: finds the .c and .h files naming a followed symbol
// (ripgrep when there is one, else a walk in Node that reads every file) and
// parses those (a few dozen of a kernel's 60,000). With ripgrep, parsing runs
// while ripgrep is still searching, and the parser may still be loading when
// the search starts. Symbolic links are followed, like VS Code's search; loops,
// dangling links, unreadable files and folders, FIFOs, devices, binary and
// oversized files are skipped, each named with the reason.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { PREFILTER_NAMES, type AnalysedEntry, type CParser } from '../source';
import { analyseSource, failure, FileReader, fileKind, MAX_PARSE_BYTES, osErrorWords } from './source-file';

/** Folders never worth reading: VCS metadata and dependency caches. */
export const DEFAULT_EXCLUDES = ['.git', '.hg', '.svn', 'node_modules', '.tmp_versions', '.cache'];

export interface IndexedFile {
  /** Relative to the tree's root, with forward slashes. */
  readonly path: string;
  readonly entries: readonly AnalysedEntry[];
  readonly hasErrors: boolean;
  readonly removedEra: boolean;
}

/** A file or folder left out (or read with a caveat), and why. */
export interface FileNotice {
  /** Relative to the tree's root, with forward slashes. */
  readonly path: string;
  readonly reason: string;
}

export interface TreeIndex {
  readonly files: IndexedFile[];
  /** .c/.h files read by Pinscope (with ripgrep, only those ripgrep named). */
  readonly scanned: number;
  /** Files that held the prefilter bytes and were parsed. */
  readonly parsed: number;
  /** Which pre-filter found the candidates. */
  readonly prefilter: 'ripgrep' | 'node';
  /** Left out, each with the reason: unreadable, a FIFO or device, a link loop, binary, too large. */
  readonly skipped: FileNotice[];
  /** Indexed with a caveat (invalid UTF-8). */
  readonly warnings: FileNotice[];
}

export interface IndexOptions {
  /** A ripgrep binary to pre-filter with (VS Code ships one); without it Node reads every file. */
  readonly ripgrep?: string | null;
  readonly exclude?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (scanned: number, parsed: number) => void;
  /** Candidate files larger than this are not parsed (default MAX_PARSE_BYTES). */
  readonly maxFileBytes?: number;
}

export class IndexCancelled extends Error {}

/** Yield to the event loop every so many files, so a server stays responsive while indexing. */
const FILES_PER_SLICE = 1000;

const isSource = (name: string) => name.endsWith('.c') || name.endsWith('.h');

/**
 * Every .c/.h file under root, by an explicit stack (a folder nested 10,000
 * deep cannot overflow anything), following symbolic links but never into a
 * folder that is already on the way down (a loop).
 */
function* sourceFiles(root: string, exclude: ReadonlySet<string>, skip: (path: string, reason: string) => void): Generator<string> {
  const identity = (path: string) => {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  };
  const stack: Array<{ dir: string; ancestors: readonly string[] }> = [{ dir: root, ancestors: [identity(root)] }];
  while (stack.length) {
    const { dir, ancestors } = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      skip(dir, `folder cannot be read: ${failure(error)}`);
      continue;
    }
    // Popped last-in first-out: push in reverse so files come in name order.
    const folders: Array<{ dir: string; ancestors: readonly string[] }> = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (exclude.has(entry.name)) continue;
      const path = join(dir, entry.name);
      let kind: Pick<Dirent, 'isFile' | 'isDirectory' | 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket'> = entry;
      if (entry.isSymbolicLink()) {
        try {
          kind = statSync(path);
        } catch (error) {
          // Like ripgrep: a broken link is named whatever it is called.
          skip(path, `cannot be read: ${failure(error)}`);
          continue;
        }
      }
      if (kind.isDirectory()) {
        let id: string;
        try {
          id = identity(path);
        } catch (error) {
          skip(path, `folder cannot be read: ${failure(error)}`);
          continue;
        }
        if (ancestors.includes(id)) skip(path, 'symbolic link loop: it leads back to a folder above it, not followed');
        else folders.push({ dir: path, ancestors: [...ancestors, id] });
      } else if (isSource(entry.name)) {
        if (kind.isFile()) yield path;
        else skip(path, `${fileKind(kind)}, not read`);
      }
    }
    for (let i = folders.length - 1; i >= 0; i--) stack.push(folders[i]!);
  }
}

/** ripgrep's complaints ("PATH: Permission denied (os error 13)"), as notices. */
function ripgrepNotice(line: string): { path: string | null; reason: string } {
  const text = line.replace(/^rg: /, '');
  const loop = /^File system loop found: (.*) points to an ancestor (.*)$/.exec(text);
  if (loop) return { path: loop[1]!, reason: 'symbolic link loop: it leads back to a folder above it, not followed' };
  const io = /^(.*): (.*?) \(os error (\d+)\)$/.exec(text);
  if (io) return { path: io[1]!, reason: `cannot be read: ${osErrorWords(Number(io[3]), io[2]!.toLowerCase())}` };
  return { path: null, reason: text };
}

/**
 * Runs ripgrep over the tree and hands each file it names to `each` as soon
 * as ripgrep prints it. Resolves with ripgrep's complaints, or null when
 * ripgrep cannot run (then nothing was handed over).
 */
function ripgrepCandidates(
  rg: string,
  root: string,
  exclude: ReadonlySet<string>,
  each: (path: string) => Promise<void>,
  signal?: AbortSignal,
): Promise<string[] | null> {
  return new Promise((done) => {
    // --follow: links are followed (VS Code's search does too); ripgrep names loops and dangling links.
    // --binary: a binary file naming a symbol is listed, so it is reported, not silently left out.
    const args = ['-l', '-F', '--no-ignore', '--hidden', '--follow', '--binary', '--no-config', '-g', '*.c', '-g', '*.h'];
    for (const name of exclude) args.push('-g', `!${name}`);
    for (const name of PREFILTER_NAMES) args.push('-e', name);
    args.push('--', root);
    let child;
    try {
      child = spawn(rg, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    } catch {
      done(null);
      return;
    }
    let failedToStart = false;
    const complaints: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => complaints.push(line));
    // Files are handled one after another, in the order ripgrep prints them.
    let chain = Promise.resolve();
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line) chain = chain.then(() => each(line));
    });
    child.on('error', () => {
      failedToStart = true;
    });
    child.on('close', (code) => {
      // ripgrep exits 1 when nothing matched, 2 when it complained about some files: both are answers.
      if (failedToStart || code === null || code > 2) {
        void chain.then(() => done(null));
        return;
      }
      void chain.then(() => done(complaints));
    });
  });
}

export async function indexTree(root: string, parserOrPromise: CParser | Promise<CParser>, options: IndexOptions = {}): Promise<TreeIndex> {
  const exclude = new Set(options.exclude ?? DEFAULT_EXCLUDES);
  const maxBytes = options.maxFileBytes ?? MAX_PARSE_BYTES;
  const reader = new FileReader();
  const files: IndexedFile[] = [];
  const skipped: FileNotice[] = [];
  const warnings: FileNotice[] = [];
  let scanned = 0;
  let parsed = 0;
  const shown = (path: string) => {
    const rel = relative(root, isAbsolute(path) ? path : resolve(path));
    return (rel === '' ? '.' : rel).split('\\').join('/');
  };
  const skip = (path: string, reason: string) => skipped.push({ path: shown(path), reason });
  let cancelled = false;

  const handle = async (path: string, parser: CParser) => {
    if (cancelled) return;
    const read = reader.read(path);
    if ('skipped' in read) {
      skip(path, read.skipped);
      return;
    }
    scanned++;
    const outcome = analyseSource(parser, read.bytes, maxBytes);
    if (outcome.kind === 'skipped') skip(path, outcome.reason);
    else if (outcome.kind === 'analysed') {
      parsed++;
      if (outcome.warning) warnings.push({ path: shown(path), reason: outcome.warning });
      const { analysis } = outcome;
      if (analysis.entries.length || analysis.removedEra) files.push({ path: shown(path), ...analysis });
    }
    if (scanned % FILES_PER_SLICE === 0) {
      options.onProgress?.(scanned, parsed);
      await new Promise((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) cancelled = true;
    }
  };

  let prefilter: TreeIndex['prefilter'] = 'node';
  if (options.ripgrep) {
    // ripgrep starts searching now; the parser (if still loading) is awaited by the first file only.
    const complaints = await ripgrepCandidates(options.ripgrep, root, exclude, async (path) => handle(path, await parserOrPromise), options.signal);
    if (options.signal?.aborted) throw new IndexCancelled('indexing cancelled');
    if (complaints) {
      prefilter = 'ripgrep';
      for (const line of complaints) {
        const notice = ripgrepNotice(line);
        skipped.push({ path: notice.path ? shown(notice.path) : '.', reason: notice.reason });
      }
    }
  }
  if (prefilter === 'node') {
    // ripgrep failed part-way: start again without it.
    files.length = skipped.length = warnings.length = scanned = parsed = 0;
    const parser = await parserOrPromise;
    for (const path of sourceFiles(root, exclude, skip)) {
      await handle(path, parser);
      if (cancelled) break;
    }
  }
  if (cancelled || options.signal?.aborted) throw new IndexCancelled('indexing cancelled');
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { files: files.sort(byPath), scanned, parsed, prefilter, skipped: skipped.sort(byPath), warnings: warnings.sort(byPath) };
}
