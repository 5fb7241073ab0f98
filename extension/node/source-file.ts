// One C file of a tree, read and analysed so that no file can hang, exhaust
// or crash the index: a FIFO or device is never read (opened non-blocking,
// checked to be a regular file), a file past the size limit is not parsed,
// NUL bytes mean a binary file, invalid UTF-8 is read the way the editor shows
// it, and an analysis that throws skips that file only. Each skip has a reason
// for the log and the index status.
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { analyseFile, PREFILTER, PREFILTER_NAMES, type CParser, type FileAnalysis } from '../source';

/**
 * Files naming a followed symbol but larger than this are not parsed (a
 * 32 MB generated file took minutes and gigabytes). The largest real kernel
 * file that names one is under 200 KiB; clangd and VS Code stop similarly.
 */
export const MAX_PARSE_BYTES = 4 * 1024 * 1024;

const PREFILTER_BYTES = Buffer.from(PREFILTER);
const NAME_BYTES = PREFILTER_NAMES.map((name) => Buffer.from(name));

/** The cheap test before any parse: does the file name one of the followed symbols? */
export function mayMention(bytes: Buffer): boolean {
  return bytes.indexOf(PREFILTER_BYTES) >= 0 && NAME_BYTES.some((name) => bytes.indexOf(name) >= 0);
}

export type SourceRead = { readonly bytes: Buffer } | { readonly skipped: string };

/** What a non-regular file is, for the message. */
export function fileKind(stats: Pick<Stats, 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket' | 'isDirectory'>): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a folder';
  return 'not a regular file';
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'does not exist (a dangling symbolic link?)',
  ELOOP: 'symbolic link loop',
  EIO: 'input/output error',
  ENXIO: 'no such device',
};
/** The same codes by number, as ripgrep reports them ("(os error 13)"). */
const ERRNO_CODES: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 5: 'EIO', 6: 'ENXIO', 13: 'EACCES', 40: 'ELOOP' };

/** An error code in words, with the code (EACCES, ELOOP, ...). */
export function errnoWords(code: string, otherwise: string): string {
  return `${ERRNO_WORDS[code] ?? otherwise} (${code})`;
}

/** ripgrep's "os error N" in the same words, when N is one we know. */
export function osErrorWords(errno: number, otherwise: string): string {
  const code = ERRNO_CODES[errno];
  return code ? errnoWords(code, otherwise) : `${otherwise} (os error ${errno})`;
}

/** Why a file system call failed, in words with the code. */
export function failure(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? errnoWords(e.code, e.message) : String(error);
}

/**
 * Reads a whole file into a reused buffer (growing it when a file is larger):
 * for 60,000 small files this is several times faster than readFile.
 */
export class FileReader {
  private buffer = Buffer.alloc(1 << 20);

  read(path: string): SourceRead {
    let fd: number;
    try {
      // Non-blocking: opening a FIFO with no writer must not wait forever.
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
      return { skipped: `cannot be opened: ${failure(error)}` };
    }
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) return { skipped: `${fileKind(stats)}, not read` };
      let length = 0;
      for (;;) {
        if (length === this.buffer.length) {
          const bigger = Buffer.alloc(this.buffer.length * 2);
          this.buffer.copy(bigger);
          this.buffer = bigger;
        }
        const n = readSync(fd, this.buffer, length, this.buffer.length - length, null);
        if (n === 0) break;
        length += n;
      }
      return { bytes: this.buffer.subarray(0, length) };
    } catch (error) {
      return { skipped: `cannot be read: ${failure(error)}` };
    } finally {
      closeSync(fd);
    }
  }
}

export type SourceOutcome =
  /** Names no followed symbol: nothing to parse. */
  | { readonly kind: 'unrelated' }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'analysed'; readonly analysis: FileAnalysis; readonly warning: string | null };

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Judges and analyses a file's bytes (which the caller may reuse afterwards). */
export function analyseSource(parser: CParser, bytes: Buffer, maxBytes = MAX_PARSE_BYTES): SourceOutcome {
  if (!mayMention(bytes)) return { kind: 'unrelated' };
  if (bytes.length > maxBytes) return { kind: 'skipped', reason: `${mib(bytes.length)}, over the ${mib(maxBytes)} limit for parsing` };
  if (bytes.indexOf(0) >= 0) return { kind: 'skipped', reason: 'binary (holds NUL bytes), not C source' };
  // Invalid UTF-8 (a Latin-1 comment, say) is still C: read with U+FFFD for
  // the bad bytes, as the editor shows the file, so columns agree with it.
  const warning = isUtf8(bytes) ? null : 'not valid UTF-8: read with U+FFFD in place of the invalid bytes, as the editor shows them';
  try {
    return { kind: 'analysed', analysis: analyseFile(parser, bytes.toString('utf8')), warning };
  } catch (error) {
    return { kind: 'skipped', reason: `the analysis failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
