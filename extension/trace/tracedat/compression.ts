// The compression a v7 file names in its header ("zstd", "zlib" or "none"),
// for its sections and its per-CPU chunks. Each compressed block says how
// big it is uncompressed; that size is checked (against a cap and a
// plausible ratio) before anything is allocated, and the output buffer is
// given to the decompressor so a forged frame header cannot size it.
import { decompress as zstdDecompress } from 'fzstd';
import { unzlibSync } from 'fflate';
import { DatError, unsupported } from './bytes';

export type Decompress = (input: Uint8Array, size: number, where: string) => Uint8Array;

/** The largest block (section or chunk) uncompressed: real kallsyms sections are tens of MiB at most. */
export const MAX_UNCOMPRESSED = 256 * 2 ** 20;
/** zstd and zlib do not shrink real trace metadata or ring-buffer pages by more than this. */
const MAX_RATIO = 4096;

export const COMPRESSIONS = ['zstd', 'zlib'] as const;

/** The decompressor for `name`, or null for an uncompressed file; throws for an unknown algorithm. */
export function decompressorFor(name: string, version: string, where: string): Decompress | null {
  if (name === 'none' || name === '') return null;
  const run = name === 'zstd' ? zstd : name === 'zlib' ? zlib : null;
  if (!run) unsupported(`the file is compressed with "${name}" ${version}, which Pinscope cannot read (it reads ${COMPRESSIONS.join(' and ')})`, where);
  return (input, size, where) => {
    if (size > MAX_UNCOMPRESSED || size > (input.length + 64) * MAX_RATIO) {
      throw new DatError(`${where}: claims ${size} bytes uncompressed from ${input.length} compressed, which is not plausible`);
    }
    const out = new Uint8Array(size);
    try {
      return run(input, out);
    } catch (error) {
      throw new DatError(`${where}: the ${name} data is corrupt (${(error as Error).message || 'bad data'})`);
    }
  };
}

function zstd(input: Uint8Array, out: Uint8Array): Uint8Array {
  // trace-cmd's frames carry no content size: the size comes from the block header.
  // fzstd tests its output argument with \`== 1\`, which would turn a typed array into a
  // string of all its bytes; a cheap primitive value keeps that test O(1).
  Object.defineProperty(out, Symbol.toPrimitive, { value: () => 0 });
  return zstdDecompress(input, out);
}

function zlib(input: Uint8Array, out: Uint8Array): Uint8Array {
  return unzlibSync(input, { out });
}
