// trace.dat in, calls out: the file's metadata, then every CPU's pages of
// every instance merged by timestamp into one stream of events for the
// same reconstruction the text formats use. Memory: the metadata plus a
// page batch (or one decompressed chunk) per CPU.
import type { TraceEvent } from '../events';
import { TraceError, type TraceFacts, type TraceSummary } from '../reader';
import { Reconstructor, type RawCall } from '../reconstruct';
import { DatError } from './bytes';
import { CpuPages } from './cpu';
import { openTraceDat, type DatFile } from './file';
import type { RecordBytes } from './record';
import type { ByteSource } from './source';
import { EventMaker } from './to-events';

export { DatError } from './bytes';
export { MAGIC as TRACE_DAT_MAGIC } from './file';
export { bytesSource, type ByteSource } from './source';

export interface ReadTraceDatOptions {
  /** UTF-8 bytes -> text (the shell's decoder). */
  readonly decode: (bytes: Uint8Array) => string;
  /** Each call, with what the file says of the machine (its UNAME option). */
  readonly onCall: (call: RawCall, trace: TraceFacts) => void;
  /** Bytes of the file accounted for so far, of the total. */
  readonly onProgress?: (read: number, total: number) => void;
  /** Checked between pages: stops with "cancelled". */
  readonly signal?: { readonly aborted: boolean };
  readonly skippedExamples?: number;
}

export interface TraceDatSummary extends TraceSummary {
  readonly dat: {
    readonly version: number;
    readonly compression: string;
    readonly instances: number;
    readonly cpus: number;
    readonly records: number;
    /** Lost events per CPU, from the pages' missed-events flags (-1: lost, count unknown). */
    readonly lostByCpu: ReadonlyArray<{ readonly cpu: number; readonly instance: string; readonly count: number }>;
    /** What the kernel counted per CPU when the recording ended (overwritten, dropped): events that never reached the file. */
    readonly kernelStats: DatFile['cpuStats'];
    readonly notes: readonly string[];
  };
}

/** Reads a whole trace.dat; a DatError (bad or unsupported file) becomes a TraceError naming the place. */
export async function readTraceDat(source: ByteSource, options: ReadTraceDatOptions): Promise<TraceDatSummary> {
  try {
    return await read(source, options);
  } catch (error) {
    if (error instanceof DatError) throw new TraceError(`trace.dat: ${error.message}`, error.unsupported);
    throw error;
  }
}

async function read(source: ByteSource, options: ReadTraceDatOptions): Promise<TraceDatSummary> {
  const file = await openTraceDat(source, options.decode);
  const facts = factsOf(file.uname);
  let calls = 0;
  const reconstructor = new Reconstructor({
    onCall: (call) => {
      calls++;
      options.onCall(call, facts);
    },
  });
  const maker = new EventMaker(file, options.decode);
  const skipped: Array<{ line: number; reason: string }> = [];
  let skippedCount = 0;
  const skip = (line: number, reason: string) => {
    skippedCount++;
    if (skipped.length < (options.skippedExamples ?? 5)) skipped.push({ line, reason });
  };
  const cpus = file.instances.flatMap((instance) =>
    instance.cpus.map((cpu) => new CpuPages(source, cpu, instance.name, instance.pageSize, file.pageHeader, instance.compressed ? file.decompress : null)),
  );
  const cpuBytes = cpus.reduce((n, c) => n + c.cpu.size, 0);
  const progress = () => options.onProgress?.(source.size - cpuBytes + cpus.reduce((n, c) => n + c.consumed, 0), source.size);
  const lostByCpu: Array<{ cpu: number; instance: string; count: number }> = [];
  let records = 0;
  const pending = new Set<CpuPages>();
  /** Loads a CPU's next page that has records; false at its end. Lost events and bad pages are noted on the way. */
  const advance = async (c: CpuPages): Promise<boolean> => {
    for (;;) {
      if (options.signal?.aborted) throw new TraceError('cancelled');
      if (!(await c.nextPage())) return false;
      progress();
      if (c.page.problem) skip(records + 1, `${c.pageWhere}: ${c.page.problem}`);
      if (c.page.lost !== 0) {
        lostByCpu.push({ cpu: c.cpu.cpu, instance: c.instance, count: c.page.lost });
        pending.add(c);
      }
      if (c.page.count > 0) return true;
    }
  };
  const live: CpuPages[] = [];
  for (const c of cpus) if (await advance(c)) live.push(c);
  const out: TraceEvent[] = [];
  /** One record view, moved from record to record (nothing keeps it). */
  const rec: RecordBytes = { bytes: new Uint8Array(0), view: new DataView(new ArrayBuffer(0)), start: 0, length: 0 };
  const toSeconds = timestampScale(file);
  while (live.length) {
    // The CPU whose next record is earliest (ties: the lower CPU, as trace-cmd reads them).
    let best = 0;
    for (let i = 1; i < live.length; i++) {
      const a = live[i]!;
      const b = live[best]!;
      const ta = a.page.ts[a.next]!;
      const tb = b.page.ts[b.next]!;
      if (ta < tb || (ta === tb && a.cpu.cpu < b.cpu.cpu)) best = i;
    }
    const c = live[best]!;
    const i = c.next++;
    const ts = toSeconds(c.page.ts[i]!);
    const line = ++records;
    if (pending.delete(c)) {
      const lost = c.page.lost;
      reconstructor.feed({ kind: 'lost', line, pid: null, comm: null, cpu: c.cpu.cpu, ts, fields: {}, count: Math.max(lost, 0) });
    }
    rec.bytes = c.bytes;
    rec.view = c.dataView;
    rec.start = c.pageStart + c.page.start[i]!;
    rec.length = c.page.length[i]!;
    out.length = 0;
    if (!maker.make(rec, line, c.cpu.cpu, ts, out)) skip(line, `${c.pageWhere}: a record of type ${rec.length >= 2 ? c.dataView.getUint16(rec.start, true) : '?'} that no event format describes`);
    for (const event of out) reconstructor.feed(event);
    if (c.next >= c.page.count && !(await advance(c))) live.splice(best, 1);
  }
  reconstructor.end();
  const notes = [...file.notes, ...[...maker.problems].map(([event, why]) => `${event}: print fmt only partly rendered (${why})`)];
  return {
    ...facts,
    format: 'tracecmd',
    lines: records,
    bytes: source.size,
    calls,
    skipped: { lines: skippedCount, examples: skipped },
    lost: reconstructor.lost,
    dat: {
      version: file.version,
      compression: file.compression,
      instances: file.instances.length,
      cpus: cpus.length,
      records,
      lostByCpu,
      kernelStats: file.cpuStats,
      notes,
    },
  };
}

/** The UNAME option, "SYSNAME NODENAME RELEASE MACHINE" (e.g. "Linux (none) 6.12.117+deb12-amd64 x86_64"). */
function factsOf(uname: string | null): TraceFacts {
  const m = uname ? /^(\S+) (\S+) (\S+) (\S+)$/.exec(uname.trim()) : null;
  return m ? { kernelRelease: m[3]!, arch: m[4]! } : { kernelRelease: null, arch: null };
}

/**
 * Raw ring-buffer time -> seconds: TSC2NSEC's multiplier and shift when the clock counted
 * cycles, then the OFFSET option's nanoseconds. TSC2NSEC's own offset is left out, as
 * trace-cmd 3.1.6's report leaves it out (checked on files with both options).
 */
function timestampScale(file: DatFile): (raw: number) => number {
  const tsc = file.tsc2nsec;
  const offset = file.tsOffset;
  if (!tsc) return (raw) => (raw + offset) / 1e9;
  const mult = BigInt(tsc.mult);
  const shift = BigInt(tsc.shift);
  return (raw) => (Number((BigInt(raw) * mult) >> shift) + offset) / 1e9;
}
