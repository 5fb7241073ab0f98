// A trace.dat's metadata (versions 6 and 7): the file header, the options
// (skipping unknown ones by their size), the sections they point at —
// decompressed when flagged — and what they hold: header_page, the event
// formats, kallsyms, printk formats, saved cmdlines, and per instance
// (BUFFER option) where each CPU's ring-buffer pages are.
// Layout: trace-cmd's Documentation/trace-cmd/trace-cmd.dat.v7.5.txt and v6.5.txt.
import { Cursor, DatError, hex, latin1, unsupported } from './bytes';
import { decompressorFor, type Decompress } from './compression';
import { parseFormat, type EventFormat } from './format';
import { Symbols } from './kallsyms';
import { bytesSource, readRange, type ByteSource } from './source';
import { Stream } from './stream';

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

function cpuStat(text: string): CpuStat {
  const value = (key: string) => {
    const m = new RegExp(`^${key}:\\s*(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  return { cpu: value('CPU'), overrun: value('overrun'), commitOverrun: value('commit overrun'), dropped: value('dropped events') };
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
  /** TSC2NSEC option: raw counter → ns as ((ts * mult) >> shift) + offset. */
  readonly tsc2nsec: { readonly mult: number; readonly shift: number; readonly offset: bigint } | null;
  /** The kernel's per-CPU ring-buffer statistics at the end of the recording (CPUSTAT options). */
  readonly cpuStats: readonly CpuStat[];
  /** Things read but not understood (unknown options, malformed kallsyms lines). */
  readonly notes: readonly string[];
}

const OPT = {
  DONE: 0,
  DATE: 1,
  CPUSTAT: 2,
  BUFFER: 3,
  TRACECLOCK: 4,
  UNAME: 5,
  HOOK: 6,
  OFFSET: 7,
  CPUCOUNT: 8,
  VERSION: 9,
  PROCMAPS: 10,
  TRACEID: 11,
  TIME_SHIFT: 12,
  GUEST: 13,
  TSC2NSEC: 14,
  STRINGS: 15,
  HEADER_INFO: 16,
  FTRACE_EVENTS: 17,
  EVENT_FORMATS: 18,
  KALLSYMS: 19,
  PRINTK: 20,
  CMDLINES: 21,
  BUFFER_TEXT: 22,
} as const;

const SECTION_NAMES: Record<number, string> = {
  0: 'options',
  3: 'buffer',
  15: 'strings',
  16: 'header info',
  17: 'ftrace event formats',
  18: 'event formats',
  19: 'kallsyms',
  20: 'printk formats',
  21: 'saved cmdlines',
  22: 'buffer text',
};

/** A power of two from 512 bytes to 1 MiB (the kernel's largest ring-buffer sub-buffer is smaller). */
function plausiblePageSize(size: number): boolean {
  return size >= 512 && size <= 1 << 20 && (size & (size - 1)) === 0;
}

/** Limits for counts read from the file (each far above what a kernel has). */
const MAX_FORMATS = 100_000;
const MAX_OPTIONS_SECTIONS = 1000;
const MAX_CPUS = 8192;

interface Builder {
  decode: (bytes: Uint8Array) => string;
  pageHeader: PageHeader | null;
  events: Map<number, EventFormat>;
  symbols: Symbols;
  printk: Map<string, string>;
  cmdlines: Map<number, string>;
  instances: Instance[];
  cpuCount: number | null;
  uname: string | null;
  traceCmdVersion: string | null;
  tsOffset: number;
  tsc2nsec: DatFile['tsc2nsec'];
  cpuStats: CpuStat[];
  notes: string[];
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
  const b: Builder = {
    decode,
    pageHeader: null,
    events: new Map(),
    symbols: Symbols.empty(),
    printk: new Map(),
    cmdlines: new Map(),
    instances: [],
    cpuCount: null,
    uname: null,
    traceCmdVersion: null,
    tsOffset: 0,
    tsc2nsec: null,
    cpuStats: [],
    notes: [],
  };
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

// ---- v7: sections pointed at by options ---------------------------------------------------------

interface Section {
  readonly id: number;
  readonly flags: number;
  /** Its content, decompressed, as a stream. */
  readonly body: Stream;
}

async function section(source: ByteSource, offset: number, decompress: Decompress | null, expect: number): Promise<Section> {
  const name = SECTION_NAMES[expect] ?? `section ${expect}`;
  const header = Cursor.atFile(await readRange(source, offset, 16, `${name} section header`), offset);
  const id = header.u16('section id');
  const flags = header.u16('section flags');
  header.u32('section description');
  const size = header.u64('section size');
  if (id !== expect) header.fail(`expected the ${name} section (id ${expect}) here, found id ${id}`, 0);
  const start = offset + 16;
  if (size > source.size - start) header.fail(`the ${name} section claims ${size} bytes, the file has ${source.size - start} after its header`, 8);
  if (!(flags & 1)) return { id, flags, body: new Stream(source, start, start + size, (pos) => `${name} section, byte ${hex(pos)}`) };
  if (!decompress) header.fail(`the ${name} section is flagged compressed, but the file names no compression`, 2);
  const inner = Cursor.atFile(await readRange(source, start, Math.min(size, 8), `${name} compression header`), start);
  const compressed = inner.u32('compressed size');
  const uncompressed = inner.u32('uncompressed size');
  if (compressed > size - 8) inner.fail(`the ${name} section holds ${compressed} compressed bytes in a section of ${size}`, 0);
  const where = `${name} section at ${hex(offset)}`;
  const data = decompress!(await readRange(source, start + 8, compressed, `${name} section data`), uncompressed, where);
  return { id, flags, body: new Stream(bytesSource(data), 0, data.length, (pos) => `${where} (decompressed), byte ${pos}`) };
}

async function readV7(source: ByteSource, b: Builder, first: number, pageSize: number, decompress: Decompress | null): Promise<void> {
  const seen = new Set<number>();
  const buffers: Array<{ sectionAt: number; data: Cursor }> = [];
  const pointers = new Map<number, number>();
  for (let at = first; at !== 0; ) {
    if (seen.has(at) || seen.size >= MAX_OPTIONS_SECTIONS) throw new DatError(`the options sections loop back to ${hex(at)}`);
    seen.add(at);
    const options = (await section(source, at, decompress, OPT.DONE)).body;
    let next = 0;
    for (;;) {
      const optAt = options.pos;
      const id = await options.u16('option id');
      const size = await options.u32('option size');
      const data = await options.take(size, `option ${id}`);
      const located = new Cursor(data, (pos) => `option ${id} at byte ${optAt} of the options section at ${hex(at)}, byte ${pos}`);
      if (id === OPT.DONE) {
        next = located.u64('next options offset');
        break;
      }
      if (id === OPT.BUFFER) buffers.push({ sectionAt: located.u64('buffer section offset'), data: located });
      else if (id >= OPT.HEADER_INFO && id <= OPT.CMDLINES) pointers.set(id, located.u64('section offset'));
      else plainOption(b, id, located, size);
    }
    at = next;
  }
  const readers: Record<number, (s: Stream) => Promise<void>> = {
    [OPT.HEADER_INFO]: (s) => headerInfo(s, b),
    [OPT.FTRACE_EVENTS]: (s) => ftraceEvents(s, b),
    [OPT.EVENT_FORMATS]: (s) => eventFormats(s, b),
    [OPT.KALLSYMS]: (s) => kallsyms(s, b),
    [OPT.PRINTK]: (s) => printk(s, b),
    [OPT.CMDLINES]: (s) => cmdlines(s, b),
  };
  for (const [id, offset] of pointers) await readers[id]!((await section(source, offset, decompress, id)).body);
  for (const { sectionAt, data } of buffers) {
    const header = Cursor.atFile(await readRange(source, sectionAt, 16, 'buffer section header'), sectionAt);
    const id = header.u16('section id');
    if (id !== OPT.BUFFER) header.fail(`expected a buffer section (id 3) here, found id ${id}`, 0);
    const flags = header.u16('section flags');
    b.instances.push(bufferOption(data, pageSize, (flags & 1) === 1 && decompress !== null, source.size));
  }
}

/** BUFFER: section offset (read already), name, clock, [page size,] CPU count, then per CPU id, offset, size. */
function bufferOption(c: Cursor, filePageSize: number, compressed: boolean, fileSize: number): Instance {
  const name = c.cstring('instance name', 256);
  const clock = c.cstring('trace clock', 64);
  // trace-cmd 3.2 added the ring-buffer page size before the count: tell by the option's length.
  const rest = c.remaining;
  let pageSize = filePageSize;
  if (rest >= 8 && (rest - 8) % 20 === 0 && (rest - 4) % 20 !== 0) {
    pageSize = c.u32('buffer page size');
    if (!plausiblePageSize(pageSize)) c.fail(`buffer page size ${pageSize} is not a plausible ring-buffer page size`, c.pos - 4);
  }
  const count = c.u32('CPU count');
  if (count > MAX_CPUS || count * 20 > c.remaining) c.fail(`${count} CPUs claimed, the option holds ${Math.floor(c.remaining / 20)}`, c.pos - 4);
  const cpus: CpuData[] = [];
  for (let i = 0; i < count; i++) {
    const cpu = c.u32('CPU id');
    const offset = c.u64('CPU data offset');
    const size = c.u64('CPU data size');
    if (offset + size > fileSize) c.fail(`CPU ${cpu}: ${size} bytes at ${hex(offset)} run past the end of the file`, c.pos - 16);
    cpus.push({ cpu, offset, size });
  }
  return { name, clock, cpus, compressed, pageSize };
}

function plainOption(b: Builder, id: number, c: Cursor, size: number): void {
  const text = () => latin1(c.bytes, 0, c.bytes.indexOf(0) < 0 ? c.bytes.length : c.bytes.indexOf(0));
  switch (id) {
    case OPT.CPUSTAT:
      b.cpuStats.push(cpuStat(text()));
      return;
    case OPT.UNAME:
      b.uname = text();
      return;
    case OPT.VERSION:
      b.traceCmdVersion = text();
      return;
    case OPT.CPUCOUNT:
      b.cpuCount = c.u32('CPU count');
      return;
    case OPT.OFFSET: {
      const n = Number(text().trim());
      if (!Number.isSafeInteger(n)) c.fail(`timestamp offset "${text()}" is not a number`, 0);
      b.tsOffset = n;
      return;
    }
    case OPT.TSC2NSEC: {
      const mult = c.u32('tsc2nsec multiplier');
      const shift = c.u32('tsc2nsec shift');
      c.need(8, 'tsc2nsec offset');
      const offset = new DataView(c.bytes.buffer, c.bytes.byteOffset + c.pos, 8).getBigUint64(0, true);
      if (shift > 63) c.fail(`tsc2nsec shift ${shift} is out of range`, 4);
      b.tsc2nsec = { mult, shift, offset };
      return;
    }
    case OPT.DATE:
    case OPT.TRACECLOCK:
    case OPT.HOOK:
    case OPT.PROCMAPS:
    case OPT.TRACEID:
    case OPT.TIME_SHIFT:
    case OPT.GUEST:
    case OPT.STRINGS:
    case OPT.BUFFER_TEXT:
      return; // Understood, not needed to rebuild calls.
    default:
      b.notes.push(`option ${id} (${size} bytes) is unknown and was skipped`);
  }
}

// ---- section contents (shared by v6 and v7) -----------------------------------------------------

async function headerInfo(s: Stream, b: Builder): Promise<void> {
  if ((await s.cstring('header_page tag', 16)) !== 'header_page') s.fail('expected "header_page"');
  const pageText = b.decode(await s.take(await s.u64('header_page size'), 'header_page'));
  if ((await s.cstring('header_event tag', 16)) !== 'header_event') s.fail('expected "header_event"');
  const eventText = b.decode(await s.take(await s.u64('header_event size'), 'header_event'));
  b.pageHeader = pageHeader(pageText);
  // header_event describes the entry header; only the 5-bit type_len / 27-bit delta layout is read.
  if (!/type_len\s*:\s*5 bits/.test(eventText) || !/time_delta\s*:\s*27 bits/.test(eventText)) {
    unsupported('header_event describes a ring-buffer entry layout Pinscope does not know (expected type_len 5 bits, time_delta 27 bits)', 'header_event, in the header info');
  }
}

function pageHeader(text: string): PageHeader {
  const field = (name: string) => {
    const m = new RegExp(`field:\\s*[^;]*\\b${name};\\s*offset:(\\d+);\\s*size:(\\d+);`).exec(text);
    if (!m) throw new DatError(`header_page has no "${name}" field: ${JSON.stringify(text.slice(0, 200))}`);
    return { offset: Number(m[1]), size: Number(m[2]) };
  };
  const ts = field('timestamp');
  const commit = field('commit');
  const data = field('data');
  if (ts.size !== 8 || (commit.size !== 8 && commit.size !== 4) || data.offset < commit.offset + commit.size) {
    throw new DatError(`header_page layout not understood (timestamp ${ts.size} bytes, commit ${commit.size} bytes at ${commit.offset}, data at ${data.offset})`);
  }
  return { timestampOffset: ts.offset, commitOffset: commit.offset, commitSize: commit.size, dataOffset: data.offset };
}

async function formatFile(s: Stream, b: Builder, system: string, index: number): Promise<void> {
  const at = s.pos;
  const size = await s.u64('format file size');
  const text = b.decode(await s.take(size, 'format file'));
  const format = parseFormat(text, system, `event format #${index + 1} of "${system}" (byte ${hex(at)} of its section)`);
  b.events.set(format.id, format);
}

async function ftraceEvents(s: Stream, b: Builder): Promise<void> {
  const count = await s.u32('ftrace format count');
  if (count > MAX_FORMATS) s.fail(`${count} ftrace formats claimed`);
  for (let i = 0; i < count; i++) await formatFile(s, b, 'ftrace', i);
}

async function eventFormats(s: Stream, b: Builder): Promise<void> {
  const systems = await s.u32('event system count');
  if (systems > MAX_FORMATS) s.fail(`${systems} event systems claimed`);
  for (let i = 0; i < systems; i++) {
    const system = await s.cstring('system name', 256);
    const count = await s.u32('event count');
    if (count > MAX_FORMATS) s.fail(`${count} events claimed in system "${system}"`);
    for (let j = 0; j < count; j++) await formatFile(s, b, system, j);
  }
}

async function kallsyms(s: Stream, b: Builder): Promise<void> {
  const size = await s.u32('kallsyms size');
  // A copy: the section's bytes may be a view into a read-ahead window.
  const { symbols, bad } = Symbols.parse((await s.take(size, 'kallsyms')).slice());
  b.symbols = symbols;
  if (bad) b.notes.push(`${bad} kallsyms lines did not parse and were skipped`);
}

async function printk(s: Stream, b: Builder): Promise<void> {
  const size = await s.u32('printk formats size');
  const text = b.decode(await s.take(size, 'printk formats'));
  for (const line of text.split('\n')) {
    const m = /^0x([0-9a-f]+)\s*:\s*"(.*)"\s*$/.exec(line);
    if (m) b.printk.set(m[1]!, m[2]!);
  }
}

async function cmdlines(s: Stream, b: Builder): Promise<void> {
  const size = await s.u64('cmdlines size');
  const text = b.decode(await s.take(size, 'saved cmdlines'));
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const pid = Number(line.slice(0, space));
    if (Number.isInteger(pid)) b.cmdlines.set(pid, line.slice(space + 1));
  }
}

// ---- v6: the same contents one after the other, then options and flyrecord ---------------------

async function readV6(source: ByteSource, b: Builder, start: number, pageSize: number): Promise<void> {
  const s = new Stream(source, start, source.size, (pos) => `byte ${hex(pos)}`);
  await headerInfo(s, b);
  await ftraceEvents(s, b);
  await eventFormats(s, b);
  await kallsyms(s, b);
  await printk(s, b);
  await cmdlines(s, b);
  const cpus = await s.u32('CPU count');
  if (cpus > MAX_CPUS) s.fail(`${cpus} CPUs claimed`);
  b.cpuCount ??= cpus;
  const instances: Array<{ offset: number; name: string }> = [];
  let tagAt = s.pos;
  let tag = await s.cstring('section tag', 16);
  if (tag === 'options  ') {
    for (;;) {
      const id = await s.u16('option id');
      if (id === OPT.DONE) break;
      const size = await s.u32('option size');
      const optAt = s.pos;
      const data = new Cursor(await s.take(size, `option ${id}`), (pos) => `option ${id} at ${hex(optAt)}, byte ${pos}`);
      if (id === OPT.BUFFER) instances.push({ offset: data.u64('buffer offset'), name: data.cstring('instance name', 256) });
      else plainOption(b, id, data, size);
    }
    tagAt = s.pos;
    tag = await s.cstring('section tag', 16);
  }
  if (tag === 'latency  ') unsupported('the file holds a latency trace (text), not ring-buffer data: Pinscope reads flyrecord files', `byte ${hex(tagAt)}`);
  if (tag !== 'flyrecord') s.fail(`expected "flyrecord", found ${JSON.stringify(tag)}`);
  b.instances.push({ name: '', clock: '', compressed: false, pageSize, cpus: await flyrecord(s, cpus, source.size) });
  for (const instance of instances) {
    const t = new Stream(source, instance.offset, source.size, (pos) => `instance "${instance.name}", byte ${hex(pos)}`);
    let itag = await t.cstring('instance tag', 16);
    if (itag === 'options  ') {
      // An instance may carry its own options (its clock): skip them by size.
      for (let id = await t.u16('option id'); id !== OPT.DONE; id = await t.u16('option id')) await t.take(await t.u32('option size'), `option ${id}`);
      itag = await t.cstring('instance tag', 16);
    }
    if (itag !== 'flyrecord') t.fail(`expected "flyrecord" for instance "${instance.name}", found ${JSON.stringify(itag)}`);
    b.instances.push({ name: instance.name, clock: '', compressed: false, pageSize, cpus: await flyrecord(t, cpus, source.size) });
  }
}

async function flyrecord(s: Stream, cpus: number, fileSize: number): Promise<CpuData[]> {
  const out: CpuData[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) {
    const offset = await s.u64('CPU data offset');
    const size = await s.u64('CPU data size');
    if (offset + size > fileSize) s.fail(`CPU ${cpu}: ${size} bytes at ${hex(offset)} run past the end of the file`, s.pos - 16);
    out.push({ cpu, offset, size });
  }
  return out;
}
