// A trace.dat's metadata (versions 6 and 7): the file header, then the
// version's own layout (v6.ts, v7.ts) of the options (unknown ones skipped
// by their size) and the metadata sections (contents.ts): header_page, the
// event formats, kallsyms, printk formats, saved cmdlines, and per instance
// (BUFFER option) where each CPU's ring-buffer pages are.
// Layout: trace-cmd's Documentation/trace-cmd/trace-cmd.dat.v7.5.txt and v6.5.txt.
import { Cursor, DatError, unsupported } from './bytes';
import { decompressorFor, type Decompress } from './compression';
import { newBuilder, plausiblePageSize } from './contents';
import type { EventFormat } from './format';
import type { Symbols } from './kallsyms';
import { readRange, type ByteSource } from './source';
import { readV6 } from './v6';
import { readV7 } from './v7';

export const MAGIC = [0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67]; // "\x17\x08Dtracing"

export interface CpuData {
  readonly cpu: number;
  /** File offset and size of this CPU's data (compressed chunks when the buffer is compressed). */
  readonly offset: number;
  readonly size: number;
}

/** per_cpu/cpuN/stats: events the kernel overwrote or dropped, which never reached the file. */
export interface CpuStat {
  readonly cpu: number | null;
  readonly overrun: number | null;
  readonly commitOverrun: number | null;
  readonly dropped: number | null;
}

export interface Instance {
  /** "" for the top instance. */
  readonly name: string;
  readonly clock: string;
  readonly cpus: readonly CpuData[];
  readonly compressed: boolean;
  /** Ring-buffer page size of this instance (v7 with sub-buffer sizes), else the file's page size. */
  readonly pageSize: number;
}

/** Where the page header's words are (events/header_page). */
export interface PageHeader {
  readonly timestampOffset: number;
  readonly commitOffset: number;
  readonly commitSize: number;
  readonly dataOffset: number;
}

export interface DatFile {
  readonly version: number;
  readonly pageSize: number;
  readonly longSize: number;
  readonly compression: string;
  readonly decompress: Decompress | null;
  readonly pageHeader: PageHeader;
  readonly events: ReadonlyMap<number, EventFormat>;
  readonly symbols: Symbols;
  /** trace_printk format strings by address (hex without 0x). */
  readonly printk: ReadonlyMap<string, string>;
  readonly cmdlines: ReadonlyMap<number, string>;
  readonly instances: readonly Instance[];
  readonly cpuCount: number | null;
  readonly uname: string | null;
  readonly traceCmdVersion: string | null;
  /** OFFSET option: nanoseconds added to every timestamp. */
  readonly tsOffset: number;
  /** TSC2NSEC option: raw counter → ns as (ts * mult) >> shift (its offset is kept, not applied: see index.ts). */
  readonly tsc2nsec: { readonly mult: number; readonly shift: number; readonly offset: bigint } | null;
  /** The kernel's per-CPU ring-buffer statistics at the end of the recording (CPUSTAT options). */
  readonly cpuStats: readonly CpuStat[];
  /** Things read but not understood (unknown options, malformed kallsyms lines). */
  readonly notes: readonly string[];
}

/** Reads the metadata of a trace.dat. `decode` turns UTF-8 bytes into text (format files, kallsyms). */
export async function openTraceDat(source: ByteSource, decode: (bytes: Uint8Array) => string): Promise<DatFile> {
  const head = Cursor.atFile(await readRange(source, 0, Math.min(source.size, 4096), 'file header'), 0);
  for (let i = 0; i < MAGIC.length; i++) if (head.u8('magic') !== MAGIC[i]) head.fail('not a trace.dat (bad magic)', i);
  const versionAt = head.pos;
  const versionText = head.cstring('file version', 16);
  const version = Number(versionText);
  if (version !== 6 && version !== 7) unsupported(`file version "${versionText}" is not supported (Pinscope reads versions 6 and 7)`, head.location(versionAt));
  const endian = head.u8('endianness');
  if (endian !== 0) unsupported('the file is big-endian, which Pinscope does not read (it reads little-endian files, e.g. from x86-64 and arm64)', head.location(head.pos - 1));
  const longSize = head.u8('long size');
  if (longSize !== 8) unsupported(`the file was recorded with ${longSize}-byte longs (a 32-bit system), which Pinscope does not read`, head.location(head.pos - 1));
  const pageSize = head.u32('page size');
  if (!plausiblePageSize(pageSize)) head.fail(`page size ${pageSize} is not a plausible page size`, head.pos - 4);
  const b = newBuilder(decode);

  let compression = 'none';
  let decompress: Decompress | null = null;
  if (version === 7) {
    const nameAt = head.pos;
    compression = head.cstring('compression name', 64);
    const compressionVersion = head.cstring('compression version', 64);
    decompress = decompressorFor(compression, compressionVersion, head.location(nameAt));
    const optionsAt = head.u64('options offset');
    await readV7(source, b, optionsAt, pageSize, decompress);
  } else {
    await readV6(source, b, head.pos, pageSize);
  }
  if (!b.pageHeader) throw new DatError('the file has no header_page (no HEADER_INFO section)');
  return { version, pageSize, longSize, compression, decompress, ...b, pageHeader: b.pageHeader };
}

