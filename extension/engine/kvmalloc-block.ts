// The one kvmalloc'd block (spec §1.2 step 4): bvec k at byte 16k from the
// head, page-pointer slot j at byte 8*max_pages + 8j, so the pointers fill the
// second half. Tracks pointer slots written and consumed, writes past the end,
// and bvec writes that land on a pointer not yet consumed.

const BVEC_BYTES = 16;
const POINTER_BYTES = 8;

export interface Clobber {
  readonly bvec: number;
  readonly slot: number;
}

export class KvmallocBlock {
  readonly bytes: number;
  readonly pointersAt: number;
  overflowBytes = 0;
  freed = false;
  readonly clobbers: Clobber[] = [];
  /** Page frame in slot j (NaN: stale heap data), and where it was pinned. */
  private readonly slotPage: Float64Array;
  private readonly slotUaddr: Float64Array;
  /** Slots past the end of the block (a misbehaving extractor), rare. */
  private readonly beyond = new Map<number, { page: number; uaddr: number }>();
  private writtenEnd = 0;

  constructor(readonly maxPages: number) {
    this.bytes = BVEC_BYTES * maxPages;
    this.pointersAt = POINTER_BYTES * maxPages;
    this.slotPage = new Float64Array(maxPages).fill(NaN);
    this.slotUaddr = new Float64Array(maxPages);
  }

  private has(slot: number): boolean {
    return slot < this.maxPages ? !Number.isNaN(this.slotPage[slot]!) : this.beyond.has(slot);
  }

  /** The extractor writes page pointers into slots [first, first + n). */
  writePointers(first: number, pages: readonly number[], uaddrs: readonly number[]): void {
    for (let k = 0; k < pages.length; k++) {
      const slot = first + k;
      if (slot < this.maxPages) {
        this.slotPage[slot] = pages[k]!;
        this.slotUaddr[slot] = uaddrs[k]!;
      } else {
        this.beyond.set(slot, { page: pages[k]!, uaddr: uaddrs[k]! });
      }
    }
    const end = first + pages.length;
    if (end > this.maxPages) this.overflowBytes += POINTER_BYTES * (end - Math.max(first, this.maxPages));
    this.writtenEnd = Math.max(this.writtenEnd, end);
  }

  /** `*page_slots++`: the page frame in slot j, NaN when the slot holds stale heap data. */
  pointerPage(slot: number): number {
    if (slot >= this.maxPages) return this.beyond.get(slot)?.page ?? NaN;
    return this.slotPage[slot]!;
  }

  /** Where the pointer in slot j was pinned (meaningless for a stale slot). */
  pointerUaddr(slot: number): number {
    if (slot >= this.maxPages) return this.beyond.get(slot)?.uaddr ?? NaN;
    return this.slotUaddr[slot]!;
  }

  /** Writing bvec i overwrites pointer slots 2i - max_pages and the one after it. */
  writeBvec(index: number, consumedUpTo: number): void {
    if (index >= this.maxPages) this.overflowBytes += BVEC_BYTES;
    for (let slot = 2 * index - this.maxPages; slot <= 2 * index - this.maxPages + 1; slot++) {
      if (slot < 0 || !this.has(slot)) continue;
      if (slot >= consumedUpTo && slot < this.writtenEnd) this.clobbers.push({ bvec: index, slot });
      if (slot < this.maxPages) this.slotPage[slot] = NaN;
      else this.beyond.delete(slot);
    }
  }
}
