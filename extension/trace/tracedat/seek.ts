// Reading one call of a trace.dat again without reading the file from its
// start. While the file is read, the merge of its CPUs (merge.ts) saves
// where every stream stands every CHECKPOINT_RECORDS records, in typed
// arrays (a checkpoint costs ~21 bytes per CPU: nothing per call). A call is
// then read from the checkpoint before its first record: every CPU resumes
// at its saved page, the merge steps over the records before the call
// without decoding them, and decodes the call's span of records (its first
// to its last, on whatever CPUs its task ran: the merge covers them all) for
// the call's task only. The same reconstruction as the whole read, from the
// same records with the same numbers: the same call.
import type { TraceEvent } from '../events';
import { TraceError } from '../reader';
import { Reconstructor, type RawCall } from '../reconstruct';
import type { DatFile } from './file';
import { DatMerge, timestampScale, type StreamPosition } from './merge';
import type { RecordBytes } from './record';
import type { ByteSource } from './source';
import { EventMaker } from './to-events';

/** Records between checkpoints: a call is read again after stepping over at most this many. */
export const CHECKPOINT_RECORDS = 4096;

/** Where the merge stood before records 1, every + 1, 2·every + 1, …: checkpoint k, stream s at [k · streams + s]. */
export interface DatSeekTable {
  readonly every: number;
  readonly streams: number;
  readonly count: number;
  /** File offset of the stream's page (or of its chunk, compressed); -1: the stream had ended. */
  readonly at: Float64Array;
  readonly within: Uint32Array;
  readonly chunksLeft: Uint32Array;
  /** Index of the stream's next record in that page. */
  readonly next: Uint32Array;
  /** 1: the page's lost events were still to be reported. */
  readonly pending: Uint8Array;
}

/** The typed arrays of a table, for a worker's transfer list. */
export function seekTableBuffers(table: DatSeekTable): ArrayBuffer[] {
  return [table.at, table.within, table.chunksLeft, table.next, table.pending].map((a) => a.buffer as ArrayBuffer);
}

export class SeekTableBuilder {
  private readonly positions: StreamPosition[] = [];
  private count = 0;

  constructor(
    private readonly streams: number,
    private readonly every: number,
  ) {
    if (!Number.isSafeInteger(every) || every < 1) throw new RangeError(`checkpoints every ${every} records`);
  }

  /** A checkpoint is due before the record after `records`. */
  due(records: number): boolean {
    return records === this.count * this.every;
  }

  add(positions: readonly StreamPosition[]): void {
    this.positions.push(...positions);
    this.count++;
  }

  finish(): DatSeekTable {
    const n = this.positions.length;
    const table = { every: this.every, streams: this.streams, count: this.count, at: new Float64Array(n), within: new Uint32Array(n), chunksLeft: new Uint32Array(n), next: new Uint32Array(n), pending: new Uint8Array(n) };
    for (const [k, p] of this.positions.entries()) {
      table.at[k] = p.at;
      table.within[k] = p.within;
      table.chunksLeft[k] = p.chunksLeft;
      table.next[k] = p.next;
      table.pending[k] = p.pending ? 1 : 0;
    }
    return table;
  }
}

export function positionsAt(table: DatSeekTable, k: number): StreamPosition[] {
  return Array.from({ length: table.streams }, (_, s) => {
    const j = k * table.streams + s;
    return { at: table.at[j]!, within: table.within[j]!, chunksLeft: table.chunksLeft[j]!, next: table.next[j]!, pending: table.pending[j] === 1 };
  });
}

/** Records [from, to] (record numbers as the whole read gave them), of one task (its pid; null: every task). */
export interface DatSpan {
  readonly from: number;
  readonly to: number;
  readonly pid: number | null;
}

/**
 * The calls the records of `span` make (each as the whole read made it when
 * the span holds all of its records: its first to its last), read from the
 * checkpoint before `from`. `file` is the file's metadata (openTraceDat),
 * read once and kept by the caller: it costs more than the records.
 */
export async function readTraceDatSpan(source: ByteSource, file: DatFile, table: DatSeekTable, span: DatSpan, decode: (bytes: Uint8Array) => string): Promise<RawCall[]> {
  const k = Math.floor((span.from - 1) / table.every);
  if (!Number.isInteger(k) || k < 0 || k >= table.count || table.streams !== file.instances.reduce((n, i) => n + i.cpus.length, 0)) {
    throw new TraceError(`trace.dat: record ${span.from} is not in the file's checkpoints: has the file changed since it was loaded?`);
  }
  const merge = new DatMerge(source, file);
  await merge.resume(k * table.every, positionsAt(table, k));
  const calls: RawCall[] = [];
  const reconstructor = new Reconstructor({ onCall: (call) => calls.push(call) });
  const maker = new EventMaker(file, decode);
  const toSeconds = timestampScale(file);
  const live = merge.live;
  const out: TraceEvent[] = [];
  const rec: RecordBytes = { bytes: new Uint8Array(0), view: new DataView(new ArrayBuffer(0)), start: 0, length: 0 };
  while (live.length) {
    const best = merge.pick();
    const c = live[best]!;
    const i = c.next++;
    const line = ++merge.records;
    if (line > span.to) break;
    const lost = merge.pending.delete(c);
    if (line >= span.from) {
      const ts = toSeconds(c.page.ts[i]!);
      // Lost events mark every call open at the time, whichever task's.
      if (lost) reconstructor.feed({ kind: 'lost', line, pid: null, comm: null, cpu: c.cpu.cpu, ts, fields: {}, count: Math.max(c.page.lost, 0) });
      rec.bytes = c.bytes;
      rec.view = c.dataView;
      rec.start = c.pageStart + c.page.start[i]!;
      rec.length = c.page.length[i]!;
      // Only the task's own records can belong to its call (common_pid is the payload's second word).
      if (span.pid === null || (rec.length >= 8 && rec.view.getInt32(rec.start + 4, true) === span.pid)) {
        out.length = 0;
        maker.make(rec, line, c.cpu.cpu, ts, out);
        for (const event of out) reconstructor.feed(event);
      }
    }
    if (c.next >= c.page.count) await merge.moveOn(best);
  }
  reconstructor.end();
  return calls;
}
