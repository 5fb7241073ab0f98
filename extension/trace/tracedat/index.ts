// trace.dat in, calls out: the file's metadata, then every CPU's pages of
// every instance merged by timestamp into one stream of events for the
// same reconstruction the text formats use. Memory: the metadata plus a
// page batch (or one decompressed chunk) per CPU, and when asked, a few bytes
// per CPU every CHECKPOINT_RECORDS records to read a call again from (seek.ts).
import type { TraceEvent } from '../events';
import { TraceError, type TraceFacts, type TraceSummary } from '../reader';
import { Reconstructor, type RawCall } from '../reconstruct';
import { DatError } from './bytes';
import { openTraceDat, type DatFile } from './file';
import { DatMerge, timestampScale } from './merge';
import type { RecordBytes } from './record';
import { CHECKPOINT_RECORDS, SeekTableBuilder, type DatSeekTable } from './seek';
import type { ByteSource } from './source';
import { EventMaker } from './to-events';

export { DatError } from './bytes';
export { MAGIC as TRACE_DAT_MAGIC } from './file';
export { bytesSource, type ByteSource } from './source';
export { openTraceDat, type DatFile } from './file';
export { readTraceDatSpan, seekTableBuffers, type DatSeekTable, type DatSpan } from './seek';

export interface ReadTraceDatOptions {
  /** UTF-8 bytes -> text (the shell's decoder). */
  readonly decode: (bytes: Uint8Array) => string;
  /** Each call, with what the file says of the machine (its UNAME option). */
  readonly onCall: (call: RawCall, trace: TraceFacts) => void;
  /** Bytes of the file accounted for so far, of the total. */
  readonly onProgress?: (read: number, total: number, records: number) => void;
  /** Checked between pages: stops with "cancelled". */
  readonly signal?: { readonly aborted: boolean };
  readonly skippedExamples?: number;
  /** Save where the merge stands every `checkpointEvery` records (summary.seek), so a call can be read again from near its start. */
  readonly checkpoints?: boolean;
  readonly checkpointEvery?: number;
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
  /** Asked for (options.checkpoints): where to resume reading near any record. */
  readonly seek?: DatSeekTable;
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
  const lostByCpu: Array<{ cpu: number; instance: string; count: number }> = [];
  const merge: DatMerge = new DatMerge(source, file, {
    signal: options.signal,
    onPage: (c) => {
      progress();
      if (c.page.problem) skip(merge.records + 1, `${c.pageWhere}: ${c.page.problem}`);
      if (c.page.lost !== 0) lostByCpu.push({ cpu: c.cpu.cpu, instance: c.instance, count: c.page.lost });
    },
  });
  const cpus = merge.streams;
  const cpuBytes = cpus.reduce((n, c) => n + c.cpu.size, 0);
  const progress = () => options.onProgress?.(source.size - cpuBytes + cpus.reduce((n, c) => n + c.consumed, 0), source.size, merge.records);
  const checkpoints = options.checkpoints ? new SeekTableBuilder(cpus.length, options.checkpointEvery ?? CHECKPOINT_RECORDS) : null;
  await merge.start();
  const live = merge.live;
  const out: TraceEvent[] = [];
  /** One record view, moved from record to record (nothing keeps it). */
  const rec: RecordBytes = { bytes: new Uint8Array(0), view: new DataView(new ArrayBuffer(0)), start: 0, length: 0 };
  const toSeconds = timestampScale(file);
  while (live.length) {
    if (checkpoints?.due(merge.records)) checkpoints.add(merge.positions());
    const best = merge.pick();
    const c = live[best]!;
    const i = c.next++;
    const ts = toSeconds(c.page.ts[i]!);
    const line = ++merge.records;
    if (merge.pending.delete(c)) {
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
    if (c.next >= c.page.count) await merge.moveOn(best);
  }
  reconstructor.end();
  const records = merge.records;
  const notes = [...file.notes, ...[...maker.problems].map(([event, why]) => `${event}: print fmt only partly rendered (${why})`)];
  return {
    ...facts,
    format: 'tracecmd',
    lines: records,
    bytes: source.size,
    calls,
    skipped: { lines: skippedCount, examples: skipped },
    lost: reconstructor.lost,
    late: reconstructor.late,
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
    ...(checkpoints ? { seek: checkpoints.finish() } : {}),
  };
}

/** The UNAME option, "SYSNAME NODENAME RELEASE MACHINE" (e.g. "Linux (none) 6.12.117+deb12-amd64 x86_64"). */
function factsOf(uname: string | null): TraceFacts {
  const m = uname ? /^(\S+) (\S+) (\S+) (\S+)$/.exec(uname.trim()) : null;
  return m ? { kernelRelease: m[3]!, arch: m[4]! } : { kernelRelease: null, arch: null };
}
