// Every pin and unpin the call makes, in typed arrays (a 2 GiB call pins half
// a million pages), summarised per physical page at the end (spec §2.6) as
// runs of consecutive pages that share their counts.
import type { PinnedPageDto } from '../protocol/dto';
import type { ResolvedPage } from './address-space';
import { toHex } from './hex';

/** GUP_PIN_COUNTING_BIAS: a pin adds this to a small folio's refcount. */
export const GUP_PIN_COUNTING_BIAS = 1024;

/** A sorted copy of the first n values. */
function sorted(values: Float64Array, n: number): Float64Array {
  const copy = values.slice(0, n);
  for (let i = 1; i < n; i++) {
    if (copy[i]! < copy[i - 1]!) return copy.sort();
  }
  return copy;
}

/** How many times `value` occurs at `cursor.i` onward in a sorted array; advances the cursor. */
function countEqual(values: Float64Array, cursor: { i: number }, value: number): number {
  while (cursor.i < values.length && values[cursor.i]! < value) cursor.i++;
  let n = 0;
  while (cursor.i < values.length && values[cursor.i] === value) {
    n++;
    cursor.i++;
  }
  return n;
}

const EMPTY_F64 = new Float64Array(0);
const EMPTY_U8 = new Uint8Array(0);

export class PinLedger {
  // Allocated on first use: most calls pin a handful of pages, some none.
  private pinPage = EMPTY_F64;
  private pinUaddr = EMPTY_F64;
  private pinOrder = EMPTY_U8;
  private pinZero = EMPTY_U8;
  private pins = 0;
  private unpinPage = EMPTY_F64;
  private unpins = 0;

  get pinCount(): number {
    return this.pins;
  }

  get unpinCount(): number {
    return this.unpins;
  }

  /** Pins held: taken minus released. */
  get held(): number {
    return this.pins - this.unpins;
  }

  /** Room for `capacity` pins, the four columns in one buffer. */
  private reserve(capacity: number): void {
    const buffer = new ArrayBuffer(capacity * 18);
    const page = new Float64Array(buffer, 0, capacity);
    const uaddr = new Float64Array(buffer, capacity * 8, capacity);
    const order = new Uint8Array(buffer, capacity * 16, capacity);
    const zero = new Uint8Array(buffer, capacity * 17, capacity);
    page.set(this.pinPage.subarray(0, this.pins));
    uaddr.set(this.pinUaddr.subarray(0, this.pins));
    order.set(this.pinOrder.subarray(0, this.pins));
    zero.set(this.pinZero.subarray(0, this.pins));
    this.pinPage = page;
    this.pinUaddr = uaddr;
    this.pinOrder = order;
    this.pinZero = zero;
  }

  pin(uaddr: number, page: ResolvedPage): void {
    if (this.pins === this.pinPage.length) this.reserve(Math.max(16, this.pins * 2));
    const i = this.pins++;
    this.pinPage[i] = page.page;
    this.pinUaddr[i] = uaddr;
    this.pinOrder[i] = page.folioOrder;
    this.pinZero[i] = page.zeroPage ? 1 : 0;
  }

  unpin(page: number): void {
    if (this.unpins === this.unpinPage.length) {
      const bigger = new Float64Array(Math.max(16, this.unpins * 2));
      bigger.set(this.unpinPage);
      this.unpinPage = bigger;
    }
    this.unpinPage[this.unpins++] = page;
  }

  /**
   * Per physical page: pins taken, held, leaked (held but named by no returned
   * bvec, so no caller can release it), and the refcount/_pincount change the
   * held pins cause. `recordedPages` are the pages of the returned bvecs.
   */
  summary(zeroPagePinned: boolean, recordedPages: Float64Array, pageSize: number): PinnedPageDto[] {
    // Index of the first pin of each page, in page order.
    const order = Array.from({ length: this.pins }, (_, i) => i);
    let inOrder = true;
    for (let i = 1; i < this.pins && inOrder; i++) inOrder = this.pinPage[i]! >= this.pinPage[i - 1]!;
    if (!inOrder) order.sort((a, b) => this.pinPage[a]! - this.pinPage[b]! || a - b);
    const unpins = { i: 0 };
    const unpinned = sorted(this.unpinPage, this.unpins);
    const recorded = { i: 0 };
    const recordedSorted = sorted(recordedPages, recordedPages.length);

    type Run = { -readonly [K in keyof PinnedPageDto]: PinnedPageDto[K] } & { lastUaddr: number };
    const runs: Run[] = [];
    for (let k = 0; k < order.length; ) {
      const first = order[k]!;
      const page = this.pinPage[first]!;
      let pinned = 0;
      while (k < order.length && this.pinPage[order[k]!] === page) {
        pinned++;
        k++;
      }
      const held = pinned - countEqual(unpinned, unpins, page);
      const leaked = Math.max(0, held - countEqual(recordedSorted, recorded, page));
      const zero = this.pinZero[first] === 1;
      const large = this.pinOrder[first]! > 0;
      const counted = zero && !large && !zeroPagePinned ? 0 : held;
      const refcountDelta = large ? counted : counted * GUP_PIN_COUNTING_BIAS;
      const pincountDelta = large ? counted : 0;
      const uaddr = this.pinUaddr[first]!;
      const last = runs[runs.length - 1];
      if (
        last &&
        !zero &&
        last.page + last.pages === page &&
        last.lastUaddr + pageSize === uaddr &&
        last.pinned === pinned &&
        last.held === held &&
        last.leaked === leaked &&
        last.refcountDelta === refcountDelta &&
        last.pincountDelta === pincountDelta
      ) {
        last.pages++;
        last.lastUaddr = uaddr;
        continue;
      }
      runs.push({ uaddr: toHex(uaddr), lastUaddr: uaddr, page, pages: 1, zeroPage: zero, pinned, held, leaked, refcountDelta, pincountDelta });
    }
    return runs
      .map(({ lastUaddr: _, ...run }) => run)
      .sort((a, b) => Number(a.uaddr) - Number(b.uaddr));
  }
}
