// Where a trace.dat's bytes come from: random access, because its sections
// sit anywhere (the options point at them). The Node shell reads a file
// handle; a webview could read a Blob. Reads are checked against the size.
import { DatError, hex } from './bytes';

export interface ByteSource {
  /** Size of the whole file in bytes. */
  readonly size: number;
  /** `length` bytes at `offset` (the caller keeps the result; it may be a fresh array each time). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Reads exactly [offset, offset + length), after checking the range lies inside the file. */
export async function readRange(source: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > source.size) {
    throw new DatError(`${what}: ${length} bytes at ${hex(offset)} run past the end of the file (${source.size} bytes)`);
  }
  const bytes = await source.read(offset, length);
  if (bytes.length !== length) throw new DatError(`${what}: read ${bytes.length} of ${length} bytes at ${hex(offset)}`);
  return bytes;
}

/** A source over bytes already in memory (tests, a webview that was handed the file). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
  };
}
