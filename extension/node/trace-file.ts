// Reads a trace file into the streaming TraceReader: plain or gzip text as it
// comes off the disk; trace-cmd's binary trace.dat through the trace layer's
// own reader (random access to the file), and through `trace-cmd report`
// only for what that reader does not support, when trace-cmd is installed.
// A natively read trace.dat has no text: its calls' lines are record numbers,
// and a call is found again by reading its records natively (DatCallReader).
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, createReadStream, openSync, readSync, statSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TraceError, TraceReader, type RawCall, type TraceReaderOptions, type TraceSummary } from '../trace';
import { DatError, openTraceDat, readTraceDat, readTraceDatSpan, TRACE_DAT_MAGIC, type ByteSource, type DatFile, type DatSeekTable, type DatSpan, type TraceDatSummary } from '../trace/tracedat';

export const GZIP = [0x1f, 0x8b];

export interface ReadTraceOptions extends Omit<TraceReaderOptions, 'decode'> {
  /** Bytes read so far of the total, and lines read (for progress reports). */
  readonly onProgress?: (read: number, total: number, lines: number) => void;
  readonly signal?: AbortSignal;
  /**
   * A gzip file (or a trace.dat only `trace-cmd report` reads) is not seekable
   * as text: when given, the text the reader sees is also written to this
   * file, so that a call's lines can be read again by byte offset (the offsets
   * the reader reports are the copy's). A trace.dat read natively needs none.
   */
  readonly copyTo?: string;
  /** Awaited before each chunk is read on: lets a slow consumer (a pipe) hold the reading back. */
  readonly beforeChunk?: () => Promise<void> | void;
  /** A trace.dat read natively: save checkpoints (result.seek) to read its calls again from (DatCallReader). */
  readonly datCheckpoints?: boolean;
}

export interface ReadTraceResult extends TraceSummary {
  /** The text was written to copyTo (the file is gzip, or a trace.dat read through trace-cmd); false: the offsets are the file's own. */
  readonly copied: boolean;
  /** A trace.dat read natively: its calls' lines are record numbers and carry no byte offsets; DatCallReader finds a call again. */
  readonly byRecord: boolean;
  /** Asked for (datCheckpoints) and read natively: where to resume reading the trace.dat near any record. */
  readonly seek?: DatSeekTable;
}

/** The bytes begin with `magic` (a file's first bytes against GZIP or TRACE_DAT_MAGIC). */
export function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

function head(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(16);
    const n = readSync(fd, buffer, 0, 16, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function traceCmdInstalled(): boolean {
  return !spawnSync('trace-cmd', ['--version'], { stdio: 'ignore' }).error;
}

/** The fallback for trace.dat files the native reader does not support. */
function traceCmdReport(path: string): ChildProcessByStdio<null, Readable, null> {
  return spawn('trace-cmd', ['report', '-i', path], { stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Random access to an open file. */
function handleSource(file: FileHandle, size: number): ByteSource {
  return {
    size,
    read: async (offset, length) => {
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await file.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    },
  };
}

const utf8 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

/** A trace.dat read natively; else why not, when it uses something only trace-cmd reads and trace-cmd is installed. */
async function readDat(path: string, total: number, options: ReadTraceOptions): Promise<TraceDatSummary | { fallback: string }> {
  const file = await open(path, 'r');
  const source = handleSource(file, total);
  try {
    return await readTraceDat(source, {
      decode: utf8,
      onCall: options.onCall,
      ...(options.datCheckpoints ? { checkpoints: true } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.skippedExamples !== undefined ? { skippedExamples: options.skippedExamples } : {}),
    });
  } catch (error) {
    if (!(error instanceof TraceError)) throw new TraceError(`${path}: ${(error as Error).message}`);
    if (error.message === 'cancelled') throw error;
    if (error.unsupported && traceCmdInstalled()) return { fallback: error.message };
    const hint = error.unsupported ? ' (with trace-cmd installed, Pinscope reads such files through `trace-cmd report`)' : '';
    throw new TraceError(`${path}: ${error.message}${hint}`, error.unsupported);
  } finally {
    await file.close();
  }
}

/**
 * A natively read trace.dat's calls, read again: the file's metadata once
 * (kept: it costs more than a call's records), then each call from the
 * checkpoint before its first record (trace/tracedat/seek.ts), so opening
 * any call reads about the same few pages, wherever it lies in the file.
 */
export class DatCallReader {
  private file: Promise<DatFile> | null = null;

  constructor(
    readonly path: string,
    private readonly table: DatSeekTable,
    /** The file's size when it was loaded: another size means the checkpoints no longer fit it. */
    private readonly size: number,
  ) {}

  /** The calls records [span.from, span.to] of task `pid` make (the one wanted starts at span.from or later). */
  calls(span: DatSpan): Promise<RawCall[]> {
    return this.withFile((source, file) => readTraceDatSpan(source, file, this.table, span, utf8));
  }

  /** Reads the metadata now (after a load, so that the first call opened does not wait for it). */
  warm(): Promise<void> {
    return this.withFile(async () => undefined);
  }

  private async withFile<T>(use: (source: ByteSource, file: DatFile) => Promise<T>): Promise<T> {
    let handle;
    try {
      if (statSync(this.path).size !== this.size) throw new TraceError(`${this.path} has changed since it was loaded (its size is not the same): load it again`);
      handle = await open(this.path, 'r');
    } catch (error) {
      if (error instanceof TraceError) throw error;
      throw new TraceError(`cannot read ${this.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    try {
      const source = handleSource(handle, this.size);
      const opening = (this.file ??= openTraceDat(source, utf8));
      let file: DatFile;
      try {
        file = await opening;
      } catch (error) {
        if (this.file === opening) this.file = null;
        throw error;
      }
      return await use(source, file);
    } catch (error) {
      if (error instanceof DatError) throw new TraceError(`${this.path}: trace.dat: ${error.message}`, error.unsupported);
      if (error instanceof TraceError) throw error;
      throw new TraceError(`${this.path}: ${(error as Error).message}`);
    } finally {
      await handle.close();
    }
  }
}

const CHUNK_BYTES = 1 << 20;

/**
 * A plain file, a chunk at a time from two buffers used in turn: the next read
 * runs while the reader scans the last chunk, and no memory is allocated per
 * chunk (the reader keeps only copies).
 */
async function* plainChunks(path: string, progress: (bytes: number) => void): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  let turn = 0;
  let next = file.read(buffers[turn]!, 0, CHUNK_BYTES, null);
  try {
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) return;
      progress(bytesRead);
      const chunk = buffers[turn]!.subarray(0, bytesRead);
      turn ^= 1;
      next = file.read(buffers[turn]!, 0, CHUNK_BYTES, null);
      yield chunk;
    }
  } finally {
    // A reader that stopped early (cancelled, bad input) leaves a read in flight: let it finish first.
    await next.catch(() => undefined);
    await file.close();
  }
}

/** Text and the keyword search straight from Node Buffers (no view object per line; the scanner's own joins are Uint8Arrays). */
export const bufferText: Pick<TraceReaderOptions, 'decode' | 'find'> = {
  decode: (bytes, start, end) => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('utf8', start, end),
  // Buffer's native search. The scanner only searches the chunks pushed to it, all Buffers:
  // no check per call (it runs once per line of the file).
  find: (haystack, needle, from) => (haystack as Buffer).indexOf(needle, from),
};

/** A TraceReader over Node Buffers: decoding and the keyword search straight from the Buffer. */
export function newReader(options: Omit<TraceReaderOptions, 'decode' | 'find'>): TraceReader {
  return new TraceReader({ ...options, ...bufferText });
}

export async function readTraceFile(path: string, options: ReadTraceOptions): Promise<ReadTraceResult> {
  let total: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new TraceError(`${path} is not a file`);
    total = stat.size;
  } catch (error) {
    if (error instanceof TraceError) throw error;
    throw new TraceError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (total === 0) throw new TraceError(`${path} is empty`);
  const magic = head(path);
  let read = 0;
  let readerLines = () => 0;
  const progress = (bytes: number) => {
    read += bytes;
    options.onProgress?.(read, total, readerLines());
  };
  let chunks: AsyncIterable<Buffer | Uint8Array>;
  if (startsWith(magic, TRACE_DAT_MAGIC)) {
    const dat = await readDat(path, total, options);
    if (!('fallback' in dat)) return { ...dat, copied: false, byRecord: true };
    const copy = options.copyTo ? openSync(options.copyTo, 'w', 0o600) : null;
    const report = traceCmdReport(path);
    // Cancel ends trace-cmd at once: the reading waits on its next chunk, which a slow report may be long in writing.
    const end = () => report.kill();
    options.signal?.addEventListener('abort', end, { once: true });
    try {
      return await readText(path, report.stdout, options, copy);
    } catch (error) {
      if (error instanceof TraceError && error.message === 'cancelled') throw error;
      const why = error instanceof TraceError ? error.message : (error as Error).message;
      throw new TraceError(`${path}: ${dat.fallback}; \`trace-cmd report\` could not read it either (${why})`, true);
    } finally {
      options.signal?.removeEventListener('abort', end);
      // A reading that ended early (bad text) leaves trace-cmd writing into a closed pipe: end it.
      if (report.exitCode === null && report.signalCode === null) report.kill();
    }
  }
  const copy = startsWith(magic, GZIP) && options.copyTo ? openSync(options.copyTo, 'w', 0o600) : null;
  if (startsWith(magic, GZIP)) {
    const raw = createReadStream(path, { highWaterMark: CHUNK_BYTES, signal: options.signal });
    raw.on('data', (chunk: Buffer | string) => progress(chunk.length));
    chunks = raw.pipe(createGunzip());
  } else {
    chunks = plainChunks(path, progress);
  }
  return readText(path, chunks, options, copy, (lines) => (readerLines = lines));
}

async function readText(
  path: string,
  chunks: AsyncIterable<Buffer | Uint8Array>,
  options: ReadTraceOptions,
  copy: number | null,
  onReader: (lines: () => number) => void = () => undefined,
): Promise<ReadTraceResult> {
  const reader = newReader(options);
  onReader(() => reader.lines);
  try {
    for await (const chunk of chunks) {
      if (options.signal?.aborted) throw new TraceError('cancelled');
      await options.beforeChunk?.();
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      if (copy !== null) writeFully(copy, bytes);
      reader.push(bytes);
    }
    // Asked to stop while the last chunk was read, or a source ended by the cancel (trace-cmd).
    if (options.signal?.aborted) throw new TraceError('cancelled');
  } catch (error) {
    if (error instanceof TraceError) throw error;
    if ((error as Error).name === 'AbortError') throw new TraceError('cancelled');
    throw new TraceError(`${path}: ${(error as Error).message}`);
  } finally {
    if (copy !== null) closeSync(copy);
  }
  return { ...reader.end(), copied: copy !== null, byRecord: false };
}

function writeFully(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Bytes [start, start + length) of a file (fewer at its end). */
export function readRange(path: string, start: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buffer, done, length - done, start + done);
      if (n === 0) break;
      done += n;
    }
    return buffer.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}
