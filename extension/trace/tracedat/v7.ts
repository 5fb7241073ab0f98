// Version 7: a header, then sections anywhere in the file, found through
// chained options sections (each ends with DONE and the next one's offset).
// A section is "id, flags, description, 8-byte size"; flagged compressed,
// it starts with its compressed and uncompressed sizes.
import { Cursor, DatError, hex } from './bytes';
import type { Decompress } from './compression';
import { cmdlines, eventFormats, ftraceEvents, headerInfo, kallsyms, MAX_CPUS, MAX_OPTIONS_SECTIONS, OPT, plainOption, plausiblePageSize, printk, type Builder } from './contents';
import type { CpuData, Instance } from './file';
import { bytesSource, readRange, type ByteSource } from './source';
import { Stream } from './stream';

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

export async function readV7(source: ByteSource, b: Builder, first: number, pageSize: number, decompress: Decompress | null): Promise<void> {
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
