// Every CPU's pages of every instance merged into one stream of records by
// timestamp, as trace-cmd reads them: the CPU whose next record is earliest
// goes first (ties: the lower CPU number, then the earlier stream). The
// merge's whole state is where each stream stands, so it can be saved every
// so many records (checkpoints, see seek.ts) and resumed from there: the
// records that follow, and their numbers, come out the same.
import { TraceError } from '../reader';
import { CpuPages } from './cpu';
import type { DatFile } from './file';
import type { ByteSource } from './source';

export interface MergeHooks {
  /** Checked between pages: stops with "cancelled". */
  readonly signal?: { readonly aborted: boolean } | undefined;
  /** A page was loaded (progress, and its problem or lost events when it has any). */
  readonly onPage?: ((c: CpuPages) => void) | undefined;
}

/** Where one stream stands in a checkpoint: the page holding its next record, and that record's index in it. */
export interface StreamPosition {
  /** File offset of the page (uncompressed), or of the chunk holding it (compressed); -1: the stream has ended. */
  readonly at: number;
  /** The page's offset inside its decompressed chunk (0 uncompressed). */
  readonly within: number;
  /** Chunks after this one (compressed). */
  readonly chunksLeft: number;
  readonly next: number;
  /** The page's lost events are still to be reported at its next record. */
  readonly pending: boolean;
}

export class DatMerge {
  /** Every stream (CPU of an instance), in file order. */
  readonly streams: CpuPages[];
  /** The streams with a record left, in file order. */
  readonly live: CpuPages[] = [];
  /** Streams whose lost events are reported before their next record. */
  readonly pending = new Set<CpuPages>();
  /** Records taken so far: the number of the last one. */
  records = 0;

  constructor(
    source: ByteSource,
    file: DatFile,
    private readonly hooks: MergeHooks = {},
  ) {
    this.streams = file.instances.flatMap((instance) =>
      instance.cpus.map((cpu) => new CpuPages(source, cpu, instance.name, instance.pageSize, file.pageHeader, instance.compressed ? file.decompress : null)),
    );
  }

  /** Every stream at its first record. */
  async start(): Promise<void> {
    for (const c of this.streams) if (await this.advance(c)) this.live.push(c);
  }

  /** Every stream where `positions` (one per stream) put it, `records` taken before. */
  async resume(records: number, positions: readonly StreamPosition[]): Promise<void> {
    this.records = records;
    for (const [s, c] of this.streams.entries()) {
      const p = positions[s]!;
      if (p.at < 0) continue;
      if (!(await c.seek(p.at, p.within, p.chunksLeft)) || p.next >= c.page.count) throw new TraceError('trace.dat: a checkpoint does not point at a record: has the file changed since it was loaded?');
      c.next = p.next;
      if (p.pending) this.pending.add(c);
      this.live.push(c);
    }
  }

  /** Where every stream stands now (between records). */
  positions(): StreamPosition[] {
    const live = new Set(this.live);
    return this.streams.map((c) => {
      if (!live.has(c)) return { at: -1, within: 0, chunksLeft: 0, next: 0, pending: false };
      return { ...c.position(), next: c.next, pending: this.pending.has(c) };
    });
  }

  /** Index in `live` of the stream whose next record comes first. */
  pick(): number {
    const live = this.live;
    let best = 0;
    for (let i = 1; i < live.length; i++) {
      const a = live[i]!;
      const b = live[best]!;
      const ta = a.page.ts[a.next]!;
      const tb = b.page.ts[b.next]!;
      if (ta < tb || (ta === tb && a.cpu.cpu < b.cpu.cpu)) best = i;
    }
    return best;
  }

  /** After the last record of live[best]'s page was taken: moves it to its next page (or drops it at its end). Callers check first: an await per record costs. */
  async moveOn(best: number): Promise<void> {
    const c = this.live[best]!;
    if (c.next >= c.page.count && !(await this.advance(c))) this.live.splice(best, 1);
  }

  /** Loads a stream's next page that has records; false at its end. */
  private async advance(c: CpuPages): Promise<boolean> {
    for (;;) {
      if (this.hooks.signal?.aborted) throw new TraceError('cancelled');
      if (!(await c.nextPage())) return false;
      if (c.page.lost !== 0) this.pending.add(c);
      this.hooks.onPage?.(c);
      if (c.page.count > 0) return true;
    }
  }
}

/**
 * Raw ring-buffer time -> seconds: TSC2NSEC's multiplier and shift when the clock counted
 * cycles, then the OFFSET option's nanoseconds. TSC2NSEC's own offset is left out, as
 * trace-cmd 3.1.6's report leaves it out (checked on files with both options).
 */
export function timestampScale(file: DatFile): (raw: number) => number {
  const tsc = file.tsc2nsec;
  const offset = file.tsOffset;
  if (!tsc) return (raw) => (raw + offset) / 1e9;
  const mult = BigInt(tsc.mult);
  const shift = BigInt(tsc.shift);
  return (raw) => (Number((BigInt(raw) * mult) >> shift) + offset) / 1e9;
}
