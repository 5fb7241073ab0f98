// Every pin and unpin the call makes, in typed arrays (a 2 GiB call pins half
// a million pages), summarised per physical page at the end (spec §2.6).
import type { PinnedPageDto } from '../protocol/dto';
import type { ResolvedPage } from './address-space';
import { toHex } from './hex';

/** GUP_PIN_COUNTING_BIAS: a pin adds this to a small folio's refcount. */
export const GUP_PIN_COUNTING_BIAS = 1024;

function grow<T extends Float64Array | Uint8Array>(array: T, need: number): T {
  if (need <= array.length) return array;
  const bigger = new (array.constructor as { new (n: number): T })(Math.max(need, array.length * 2));
  bigger.set(array);
  return bigger;
}

export class PinLedger {
  private pinPage = new Float64Array(16);
  private pinUaddr = new Float64Array(16);
  private pinOrder = new Uint8Array(16);
  private pinZero = new Uint8Array(16);
  private pins = 0;
  private unpinPage = new Float64Array(16);
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

  pin(uaddr: number, page: ResolvedPage): void {
    const i = this.pins++;
    this.pinPage = grow(this.pinPage, this.pins);
    this.pinUaddr = grow(this.pinUaddr, this.pins);
    this.pinOrder = grow(this.pinOrder, this.pins);
    this.pinZero = grow(this.pinZero, this.pins);
    this.pinPage[i] = page.page;
    this.pinUaddr[i] = uaddr;
    this.pinOrder[i] = page.folioOrder;
    this.pinZero[i] = page.zeroPage ? 1 : 0;
  }

  unpin(page: number): void {
    const i = this.unpins++;
    this.unpinPage = grow(this.unpinPage, this.unpins);
    this.unpinPage[i] = page;
  }

  /**
   * Per physical page: pins taken, held, and the refcount/_pincount change
   * the held pins cause. `recorded` counts how often each page appears in
   * the returned bvecs (what a caller can release); the rest is leaked.
   */
  summary(zeroPagePinned: boolean, recorded: ReadonlyMap<number, number>): PinnedPageDto[] {
    const byPage = new Map<number, { uaddr: number; order: number; zero: boolean; pinned: number; unpinned: number }>();
    for (let i = 0; i < this.pins; i++) {
      const page = this.pinPage[i]!;
      let entry = byPage.get(page);
      if (!entry) {
        entry = { uaddr: this.pinUaddr[i]!, order: this.pinOrder[i]!, zero: this.pinZero[i] === 1, pinned: 0, unpinned: 0 };
        byPage.set(page, entry);
      }
      entry.pinned++;
    }
    for (let i = 0; i < this.unpins; i++) {
      const entry = byPage.get(this.unpinPage[i]!);
      if (entry) entry.unpinned++;
    }
    const out: PinnedPageDto[] = [];
    for (const [page, e] of byPage) {
      const held = e.pinned - e.unpinned;
      const counted = e.zero && e.order === 0 && !zeroPagePinned ? 0 : held;
      const large = e.order > 0;
      out.push({
        uaddr: toHex(e.uaddr),
        page: page < 0 ? `zero${page === -1 ? '' : `+${-2 - page}`}` : toHex(page),
        zeroPage: e.zero,
        pinned: e.pinned,
        held,
        leaked: Math.max(0, held - (recorded.get(page) ?? 0)),
        refcountDelta: large ? counted : counted * GUP_PIN_COUNTING_BIAS,
        pincountDelta: large ? counted : 0,
      });
    }
    return out.sort((a, b) => Number(a.uaddr) - Number(b.uaddr));
  }
}
