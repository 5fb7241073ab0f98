// The user address space as GUP sees it: which pages can be pinned, and the
// pins taken on each page (spec §2.6). First cut: mapped/unmapped/read-only
// pages; folios, the zero page and injected events come with the engine issue.
import type { Range } from './call';
import { EFAULT } from './errno';

export interface PinResult {
  /** Pages pinned (> 0), or a negative errno when none could be. */
  readonly res: number;
  /** Page-aligned addresses of the pinned pages, in order. */
  readonly pages: readonly number[];
}

function overlaps(ranges: readonly Range[], pageAddr: number, pageSize: number): boolean {
  return ranges.some((r) => r.len > 0 && r.addr < pageAddr + pageSize && pageAddr < r.addr + r.len);
}

export class AddressSpace {
  private readonly pins = new Map<number, number>();

  constructor(
    readonly pageSize: number,
    private readonly unmapped: readonly Range[] = [],
    private readonly readOnly: readonly Range[] = [],
  ) {}

  /** Why GUP cannot pin this page, or null when it can. */
  private pinFailure(pageAddr: number, write: boolean): number | null {
    if (overlaps(this.unmapped, pageAddr, this.pageSize)) return -EFAULT;
    if (write && overlaps(this.readOnly, pageAddr, this.pageSize)) return -EFAULT;
    return null;
  }

  /**
   * pin_user_pages_fast(start, n, FOLL_PIN | (write ? FOLL_WRITE : 0)): pins the
   * leading pages it can; a failure after some pins returns the partial count,
   * a failure on the first page returns its errno.
   */
  pinUserPagesFast(start: number, n: number, write: boolean): PinResult {
    const pages: number[] = [];
    for (let k = 0; k < n; k++) {
      const pageAddr = start + k * this.pageSize;
      const failure = this.pinFailure(pageAddr, write);
      if (failure !== null) {
        if (k === 0) return { res: failure, pages };
        break;
      }
      pages.push(pageAddr);
    }
    for (const page of pages) this.pins.set(page, (this.pins.get(page) ?? 0) + 1);
    return { res: pages.length, pages };
  }

  /** unpin_user_page(): releases one pin. */
  unpinUserPage(pageAddr: number): void {
    const held = this.pins.get(pageAddr) ?? 0;
    if (held <= 1) this.pins.delete(pageAddr);
    else this.pins.set(pageAddr, held - 1);
  }

  /** Pages with pins still held, in address order. */
  pinnedPages(): Array<{ addr: number; pins: number }> {
    return [...this.pins.entries()].sort((a, b) => a[0] - b[0]).map(([addr, pins]) => ({ addr, pins }));
  }

  totalPins(): number {
    let total = 0;
    for (const pins of this.pins.values()) total += pins;
    return total;
  }
}
