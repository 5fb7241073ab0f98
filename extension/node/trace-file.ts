// Reads a trace file into the streaming TraceReader: plain or gzip text as it
// comes off the disk; trace-cmd's binary trace.dat through the trace layer's
// own reader (random access to the file), and through `trace-cmd report`
// only for what that reader does not support, when trace-cmd is installed.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TraceError, TraceReader, type TraceReaderOptions, type TraceSummary } from '../trace';
import { readTraceDat, TRACE_DAT_MAGIC, type ByteSource } from '../trace/tracedat';

const GZIP = [0x1f, 0x8b];

export interface ReadTraceOptions extends Omit<TraceReaderOptions, 'decode'> {
  /** Bytes read so far of the total (for progress reports). */
  readonly onProgress?: (read: number, total: number) => void;
  readonly signal?: AbortSignal;
}

function startsWith(bytes: Buffer, magic: number[]): boolean {
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
function traceCmdReport(path: string): Readable {
  const child = spawn('trace-cmd', ['report', '-i', path], { stdio: ['ignore', 'pipe', 'ignore'] });
  return child.stdout;
}

const utf8 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

/** A trace.dat read natively; else why not, when it uses something only trace-cmd reads and trace-cmd is installed. */
async function readDat(path: string, total: number, options: ReadTraceOptions): Promise<TraceSummary | { fallback: string }> {
  const file = await open(path, 'r');
  const source: ByteSource = {
    size: total,
    read: async (offset, length) => {
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await file.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    },
  };
  try {
    return await readTraceDat(source, {
      decode: utf8,
      onCall: options.onCall,
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

export async function readTraceFile(path: string, options: ReadTraceOptions): Promise<TraceSummary> {
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
  const progress = (bytes: number) => {
    read += bytes;
    options.onProgress?.(read, total);
  };
  let chunks: AsyncIterable<Buffer | Uint8Array>;
  if (startsWith(magic, TRACE_DAT_MAGIC)) {
    const dat = await readDat(path, total, options);
    if (!('fallback' in dat)) return dat;
    try {
      return await readText(path, traceCmdReport(path), options);
    } catch (error) {
      const why = error instanceof TraceError ? error.message : (error as Error).message;
      throw new TraceError(`${path}: ${dat.fallback}; \`trace-cmd report\` could not read it either (${why})`, true);
    }
  } else if (startsWith(magic, GZIP)) {
    const raw = createReadStream(path, { highWaterMark: CHUNK_BYTES, signal: options.signal });
    raw.on('data', (chunk: Buffer | string) => progress(chunk.length));
    chunks = raw.pipe(createGunzip());
  } else {
    chunks = plainChunks(path, progress);
  }
  return readText(path, chunks, options);
}

async function readText(path: string, chunks: AsyncIterable<Buffer | Uint8Array>, options: ReadTraceOptions): Promise<TraceSummary> {
  const reader = new TraceReader({
    ...options,
    // Straight from the Buffer (no view object per line); the scanner's own joins are Uint8Arrays.
    decode: (bytes, start, end) => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('utf8', start, end),
    // Buffer's native search. The scanner only searches the chunks pushed below, all Buffers:
    // no check per call (it runs once per line of the file).
    find: (haystack, needle, from) => (haystack as Buffer).indexOf(needle, from),
  });
  try {
    for await (const chunk of chunks) {
      if (options.signal?.aborted) throw new TraceError('cancelled');
      reader.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    }
  } catch (error) {
    if (error instanceof TraceError) throw error;
    if ((error as Error).name === 'AbortError') throw new TraceError('cancelled');
    throw new TraceError(`${path}: ${(error as Error).message}`);
  }
  return reader.end();
}
