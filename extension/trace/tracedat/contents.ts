// What a trace.dat's metadata sections hold, read the same way in versions
// 6 and 7: header_page and header_event, the ftrace and event format files,
// kallsyms, printk formats, saved cmdlines; and the options that are plain
// values (uname, CPU count, clock offsets, per-CPU statistics).
import { Cursor, DatError, hex, latin1, unsupported } from './bytes';
import type { CpuStat, DatFile, Instance, PageHeader } from './file';
import { parseFormat, type EventFormat } from './format';
import { Symbols } from './kallsyms';
import type { Stream } from './stream';

/** Option ids (trace-cmd.dat.v7.5.txt; v6 uses the same ids). */
export const OPT = {
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

/** Limits for counts read from the file (each far above what a kernel has). */
export const MAX_FORMATS = 100_000;
export const MAX_OPTIONS_SECTIONS = 1000;
export const MAX_CPUS = 8192;

/** A power of two from 512 bytes to 1 MiB (the kernel's largest ring-buffer sub-buffer is smaller). */
export function plausiblePageSize(size: number): boolean {
  return size >= 512 && size <= 1 << 20 && (size & (size - 1)) === 0;
}

/** The metadata as it is read, section by section (openTraceDat returns it as a DatFile). */
export interface Builder {
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

export function newBuilder(decode: (bytes: Uint8Array) => string): Builder {
  return {
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
}

function cpuStat(text: string): CpuStat {
  const value = (key: string) => {
    const m = new RegExp(`^${key}:\\s*(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  return { cpu: value('CPU'), overrun: value('overrun'), commitOverrun: value('commit overrun'), dropped: value('dropped events') };
}

/** An option that holds a value (not a section offset): kept, or skipped when not needed; unknown ones noted. */
export function plainOption(b: Builder, id: number, c: Cursor, size: number): void {
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

export async function headerInfo(s: Stream, b: Builder): Promise<void> {
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

export async function ftraceEvents(s: Stream, b: Builder): Promise<void> {
  const count = await s.u32('ftrace format count');
  if (count > MAX_FORMATS) s.fail(`${count} ftrace formats claimed`);
  for (let i = 0; i < count; i++) await formatFile(s, b, 'ftrace', i);
}

export async function eventFormats(s: Stream, b: Builder): Promise<void> {
  const systems = await s.u32('event system count');
  if (systems > MAX_FORMATS) s.fail(`${systems} event systems claimed`);
  for (let i = 0; i < systems; i++) {
    const system = await s.cstring('system name', 256);
    const count = await s.u32('event count');
    if (count > MAX_FORMATS) s.fail(`${count} events claimed in system "${system}"`);
    for (let j = 0; j < count; j++) await formatFile(s, b, system, j);
  }
}

export async function kallsyms(s: Stream, b: Builder): Promise<void> {
  const size = await s.u32('kallsyms size');
  // A copy: the section's bytes may be a view into a read-ahead window.
  const { symbols, bad } = Symbols.parse((await s.take(size, 'kallsyms')).slice());
  b.symbols = symbols;
  if (bad) b.notes.push(`${bad} kallsyms lines did not parse and were skipped`);
}

export async function printk(s: Stream, b: Builder): Promise<void> {
  const size = await s.u32('printk formats size');
  const text = b.decode(await s.take(size, 'printk formats'));
  for (const line of text.split('\n')) {
    const m = /^0x([0-9a-f]+)\s*:\s*"(.*)"\s*$/.exec(line);
    if (m) b.printk.set(m[1]!, m[2]!);
  }
}

export async function cmdlines(s: Stream, b: Builder): Promise<void> {
  const size = await s.u64('cmdlines size');
  const text = b.decode(await s.take(size, 'saved cmdlines'));
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const pid = Number(line.slice(0, space));
    if (Number.isInteger(pid)) b.cmdlines.set(pid, line.slice(space + 1));
  }
}
