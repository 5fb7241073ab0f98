// trace.dat files for tests: the fixtures (real recordings and trace-cmd's
// conversions of them), the layout of an uncompressed v7 file (where its
// sections, options and CPU data are, for targeted mutations), and a
// re-encoding of such a file with zlib (Node's, not the reader's fflate),
// since Debian's trace-cmd writes zstd only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gunzipSync } from 'node:zlib';
import { decodePage, newPage } from '../../extension/trace/tracedat/kbuffer';
import { openTraceDat } from '../../extension/trace/tracedat/file';
import { bytesSource } from '../../extension/trace/tracedat';
import { REPO_ROOT } from './fixtures';

export const TRACEDAT_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'tracedat');

export function fixtureDat(name: 'aligned.v6' | 'aligned.uncompressed'): Buffer {
  return gunzipSync(readFileSync(join(TRACEDAT_FIXTURES, `${name}.trace.dat.gz`)));
}

export interface Option {
  readonly id: number;
  /** Where its data starts in the file. */
  readonly at: number;
  readonly data: Buffer;
}

export interface Section {
  readonly id: number;
  readonly at: number;
  readonly flags: number;
  readonly stringId: number;
  readonly body: Buffer;
}

export interface Layout {
  readonly pageSize: number;
  /** Offset of the 8-byte options offset in the header. */
  readonly optionsPointerAt: number;
  readonly optionsAt: number;
  readonly options: Option[];
  /** Sections the options point at (16…21), by option id. */
  readonly sections: Map<number, Section>;
  readonly buffer: { readonly sectionAt: number; readonly name: string; readonly clock: string; readonly pageSize: number | null; readonly cpus: Array<{ cpu: number; offset: number; size: number }> };
}

/** The layout of a version 7 file whose options section is uncompressed (trace-cmd writes it so). */
export function layout(file: Buffer): Layout {
  let p = 10;
  const cstring = () => {
    const end = file.indexOf(0, p);
    const s = file.toString('latin1', p, end);
    p = end + 1;
    return s;
  };
  if (cstring() !== '7') throw new Error('not a version 7 file');
  p += 2;
  const pageSize = file.readUInt32LE(p);
  p += 4;
  cstring();
  cstring();
  const optionsPointerAt = p;
  const optionsAt = Number(file.readBigUInt64LE(p));
  const section = (at: number): Section => ({
    id: file.readUInt16LE(at),
    flags: file.readUInt16LE(at + 2),
    stringId: file.readUInt32LE(at + 4),
    at,
    body: file.subarray(at + 16, at + 16 + Number(file.readBigUInt64LE(at + 8))),
  });
  // Options sections are chained: each ends with DONE, whose data is the next one's offset.
  const options: Option[] = [];
  for (let at = optionsAt; at !== 0; ) {
    const body = section(at);
    let next = 0;
    for (let q = 0; q < body.body.length; ) {
      const id = body.body.readUInt16LE(q);
      const size = body.body.readUInt32LE(q + 2);
      const data = body.body.subarray(q + 6, q + 6 + size);
      q += 6 + size;
      if (id === 0) {
        next = Number(data.readBigUInt64LE(0));
        break;
      }
      options.push({ id, at: at + 16 + q - size, data });
    }
    at = next;
  }
  const sections = new Map<number, Section>();
  for (const o of options) if (o.id >= 16 && o.id <= 21) sections.set(o.id, section(Number(o.data.readBigUInt64LE(0))));
  const b = options.find((o) => o.id === 3)!.data;
  let q = 8;
  const str = () => {
    const end = b.indexOf(0, q);
    const s = b.toString('latin1', q, end);
    q = end + 1;
    return s;
  };
  const name = str();
  const clock = str();
  // trace-cmd 3.1.6's convert writes the buffer's page size before the CPU count; its record does not.
  const bufferPageSize = (b.length - q - 8) % 20 === 0 ? b.readUInt32LE(q) : null;
  if (bufferPageSize !== null) q += 4;
  const count = b.readUInt32LE(q);
  q += 4;
  const cpus = [];
  for (let i = 0; i < count; i++, q += 20) cpus.push({ cpu: b.readUInt32LE(q), offset: Number(b.readBigUInt64LE(q + 4)), size: Number(b.readBigUInt64LE(q + 12)) });
  return { pageSize, optionsPointerAt, optionsAt, options, sections, buffer: { sectionAt: Number(b.readBigUInt64LE(0)), name, clock, pageSize: bufferPageSize, cpus } };
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

function compressed(data: Buffer): Buffer {
  const z = deflateSync(data);
  return Buffer.concat([u32(z.length), u32(data.length), z]);
}

/**
 * The uncompressed v7 `file` written again as trace-cmd would: with zlib (sections and CPU chunks
 * compressed) or uncompressed, each CPU's pages `repeat` times over (a bigger trace of real pages).
 */
export function rewriteDat(
  file: Buffer,
  how: {
    compression: 'zlib' | 'none';
    chunkPages?: number;
    repeat?: number;
    spreadOver?: number;
    asInstances?: boolean;
    extraOptions?: Array<{ id: number; data: Buffer }>;
    /** Each CPU's pages as given (synthesizeDat), instead of the file's. */
    cpuData?: Array<{ cpu: number; data: Buffer }>;
  },
): Buffer {
  const zlib = how.compression === 'zlib';
  const chunkPages = how.chunkPages ?? 10;
  const l = layout(file);
  const parts: Buffer[] = [];
  let size = 0;
  const put = (b: Buffer) => {
    parts.push(b);
    size += b.length;
  };
  put(file.subarray(0, 12 + 2 + 4));
  put(Buffer.from(zlib ? 'zlib\x001.2.13\x00' : 'none\x00\x00', 'latin1'));
  const pointerAt = size;
  put(u64(0));
  const moved = new Map<number, number>();
  for (const [id, s] of l.sections) {
    moved.set(id, size);
    const body = zlib ? compressed(s.body) : s.body;
    put(Buffer.concat([u16(s.id), u16(zlib ? 1 : 0), u32(s.stringId), u64(body.length)]));
    put(body);
  }
  // Each CPU's pages, or (spreadOver) the first CPU's pages dealt round-robin to that many CPUs,
  // or (with asInstances) to that many instances of one CPU each.
  let perCpu: Array<{ cpu: number; data: Buffer }> = how.cpuData ?? l.buffer.cpus.map((cpu) => {
    const one = file.subarray(cpu.offset, cpu.offset + cpu.size);
    return { cpu: cpu.cpu, data: Buffer.concat(Array.from({ length: how.repeat ?? 1 }, () => one)) };
  });
  if (how.spreadOver) {
    const pages = perCpu[0]!.data;
    perCpu = Array.from({ length: how.spreadOver }, (_, c) => {
      const mine: Buffer[] = [];
      for (let at = c * l.pageSize; at < pages.length; at += how.spreadOver! * l.pageSize) mine.push(pages.subarray(at, at + l.pageSize));
      return { cpu: c, data: Buffer.concat(mine) };
    });
  }
  const instances = how.asInstances
    ? perCpu.map((c, i) => ({ name: i === 0 ? l.buffer.name : `instance${i}`, cpus: [{ cpu: 0, data: c.data }] }))
    : [{ name: l.buffer.name, cpus: perCpu }];
  const bufferOptions: Buffer[] = [];
  for (const instance of instances) {
    // The buffer section: its header, padding to a page, then each CPU's data (chunks when compressed).
    const bufferAt = size;
    put(Buffer.concat([u16(3), u16(zlib ? 1 : 0), u32(file.readUInt32LE(l.buffer.sectionAt + 4)), u64(0)]));
    put(Buffer.alloc((l.pageSize - (size % l.pageSize)) % l.pageSize));
    const cpus: Array<{ cpu: number; offset: number; size: number }> = [];
    for (const { cpu, data } of instance.cpus) {
      const offset = size;
      if (!zlib) {
        put(data);
        cpus.push({ cpu, offset, size: data.length });
        continue;
      }
      const chunks: Buffer[] = [];
      for (let at = 0; at < data.length; at += chunkPages * l.pageSize) chunks.push(compressed(data.subarray(at, at + chunkPages * l.pageSize)));
      put(u32(chunks.length));
      for (const c of chunks) put(c);
      cpus.push({ cpu, offset, size: size - offset - 4 });
    }
    bufferOptions.push(
      Buffer.concat([
        u64(bufferAt),
        Buffer.from(`${instance.name}\0${l.buffer.clock}\0`, 'latin1'),
        ...(l.buffer.pageSize === null ? [] : [u32(l.buffer.pageSize)]),
        u32(cpus.length),
        ...cpus.map((c) => Buffer.concat([u32(c.cpu), u64(c.offset), u64(c.size)])),
      ]),
    );
  }
  const optionsAt = size;
  const options: Buffer[] = [];
  for (const o of l.options) {
    if (o.id === 3) {
      for (const data of bufferOptions) options.push(Buffer.concat([u16(3), u32(data.length), data]));
      continue;
    }
    const data = moved.has(o.id) ? u64(moved.get(o.id)!) : o.data;
    options.push(Buffer.concat([u16(o.id), u32(data.length), data]));
  }
  for (const o of how.extraOptions ?? []) options.push(Buffer.concat([u16(o.id), u32(o.data.length), o.data]));
  options.push(Buffer.concat([u16(0), u32(8), u64(0)]));
  const optionsBody = Buffer.concat(options);
  put(Buffer.concat([u16(0), u16(0), u32(file.readUInt32LE(l.optionsAt + 4)), u64(optionsBody.length)]));
  put(optionsBody);
  const out = Buffer.concat(parts);
  out.writeBigUInt64LE(BigInt(optionsAt), pointerAt);
  return out;
}

/** The uncompressed v7 `file` re-encoded with zlib, `chunkPages` pages per CPU chunk. */
export function reencodeWithZlib(file: Buffer, chunkPages = 10): Buffer {
  return rewriteDat(file, { compression: 'zlib', chunkPages });
}

export interface SynthesisOptions {
  readonly copies: number;
  /** CPUs to deal the records to. */
  readonly cpus: number;
  readonly compression: 'zlib' | 'none';
  readonly chunkPages?: number;
  /** Every so many pages of each CPU but the first says events were lost before it (0: none). */
  readonly lostEvery?: number;
}

/**
 * A bigger trace.dat made of a real one's records (the uncompressed v7
 * `file`): `copies` copies, the k-th with its timestamps shifted by k times a
 * quarter of the recording's length (so about four copies run at once) and its
 * pids by k·100000 (distinct tasks), dealt to `cpus` CPUs in time order, each
 * task's records taking the CPUs in turn (every call's task migrates between
 * CPUs within the call), written into ring-buffer pages anew. What the reader
 * makes of it is its own business: the tests compare two ways of reading it.
 */
export async function synthesizeDat(file: Buffer, how: SynthesisOptions): Promise<Buffer> {
  const dat = await openTraceDat(bytesSource(file), (b) => Buffer.from(b).toString('utf8'));
  const header = dat.pageHeader;
  if (header.dataOffset !== 16 || header.commitSize !== 8) throw new Error('synthesizeDat writes 64-bit page headers only');
  const pageSize = dat.instances[0]!.pageSize;
  const records: Array<{ ts: number; payload: Buffer }> = [];
  const page = newPage(pageSize);
  for (const cpu of dat.instances[0]!.cpus) {
    const data = file.subarray(cpu.offset, cpu.offset + cpu.size);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let at = 0; at + pageSize <= data.length; at += pageSize) {
      decodePage(view, at, pageSize, header, page);
      for (let i = 0; i < page.count; i++) records.push({ ts: page.ts[i]!, payload: data.subarray(at + page.start[i]!, at + page.start[i]! + page.length[i]!) });
    }
  }
  records.sort((a, b) => a.ts - b.ts);
  const first = records[0]!.ts;
  const shift = Math.max(1, Math.ceil((records[records.length - 1]!.ts - first) / 4));
  const all: Array<{ ts: number; payload: Buffer }> = [];
  for (let k = 0; k < how.copies; k++) {
    for (const r of records) {
      const payload = Buffer.from(r.payload);
      const pid = payload.readInt32LE(4);
      if (pid !== 0) payload.writeInt32LE(pid + k * 100_000, 4);
      all.push({ ts: r.ts + k * shift, payload });
    }
  }
  // Stable: records of one time keep their copy's order.
  all.sort((a, b) => a.ts - b.ts);
  const turn = new Map<number, number>();
  const perCpu: Array<Array<{ ts: number; payload: Buffer }>> = Array.from({ length: how.cpus }, () => []);
  for (const r of all) {
    const pid = r.payload.readInt32LE(4);
    const n = turn.get(pid) ?? pid;
    turn.set(pid, n + 1);
    perCpu[n % how.cpus]!.push(r);
  }
  const cpuData = perCpu.map((rs, cpu) => ({ cpu, data: writePages(rs, pageSize, cpu > 0 ? (how.lostEvery ?? 0) : 0) }));
  return rewriteDat(file, { compression: how.compression, ...(how.chunkPages ? { chunkPages: how.chunkPages } : {}), cpuData });
}

const TWO_27 = 2 ** 27;

/** Records (in time order) into ring-buffer pages: page timestamp, commit, then entries with 27-bit deltas (time extends past them). */
function writePages(records: ReadonlyArray<{ ts: number; payload: Buffer }>, pageSize: number, lostEvery: number): Buffer {
  const pages: Buffer[] = [];
  let i = 0;
  while (i < records.length) {
    const page = Buffer.alloc(pageSize);
    const lost = lostEvery > 0 && pages.length % lostEvery === lostEvery - 1;
    // Room for the lost count after the data when the page says some were lost.
    const end = pageSize - (lost ? 8 : 0);
    let p = 16;
    let ts = records[i]!.ts;
    page.writeBigUInt64LE(BigInt(ts), 0);
    for (; i < records.length; i++) {
      const r = records[i]!;
      const delta = r.ts - ts;
      const words = r.payload.length / 4;
      const size = (delta >= TWO_27 ? 8 : 0) + 4 + (words <= 28 ? 0 : 4) + r.payload.length;
      if (p + size > end) break;
      if (delta >= TWO_27) {
        page.writeUInt32LE((30 | ((delta % TWO_27) << 5)) >>> 0, p);
        page.writeUInt32LE(Math.floor(delta / TWO_27), p + 4);
        p += 8;
      }
      const small = delta >= TWO_27 ? 0 : delta;
      if (words <= 28) {
        page.writeUInt32LE((words | (small << 5)) >>> 0, p);
        p += 4;
      } else {
        page.writeUInt32LE((small << 5) >>> 0, p);
        page.writeUInt32LE(r.payload.length + 4, p + 4);
        p += 8;
      }
      r.payload.copy(page, p);
      p += r.payload.length;
      ts = r.ts;
    }
    if (p === 16) throw new Error('a record larger than a page');
    const used = p - 16;
    page.writeUInt32LE(lost ? (used | 0xc0000000) >>> 0 : used, 8);
    if (lost) page.writeBigUInt64LE(3n, p);
    pages.push(page);
  }
  return Buffer.concat(pages);
}
