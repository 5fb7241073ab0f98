// The user address space as GUP sees it (spec §2.6, §2.10): mappings with
// protections, pages present or faulted in, the shared zero page and the huge
// zero folio, small and large folios, injected GUP errors, and mappings
// changed by a sibling thread while the call runs.
import type { Protection } from '../protocol/dto';
import { carve, type Range, type Vma } from './call';
import { EFAULT, EHWPOISON, ENOMEM } from './errno';

/** Physical identity of the shared zero page. */
export const ZERO_PAGE = -1;
/** Huge zero folio subpages are numbered down from here. */
const HUGE_ZERO_BASE = -2;
/** Each remapped range gets fresh physical pages in its own id space. */
const GENERATION_STRIDE = 2 ** 36;

interface Mapping extends Vma {
  readonly generation: number;
}

export interface ResolvedPage {
  /** Model page frame: equal for the same physical page. */
  readonly page: number;
  /** Folio order of the page's folio: 0 small, > 0 large. */
  readonly folioOrder: number;
  readonly zeroPage: boolean;
}

export interface GupError {
  readonly range: Range;
  readonly errno: number;
}

const ERRNO: Record<'ENOMEM' | 'EFAULT' | 'EHWPOISON', number> = { ENOMEM: -ENOMEM, EFAULT: -EFAULT, EHWPOISON: -EHWPOISON };

export function gupErrno(name: 'ENOMEM' | 'EFAULT' | 'EHWPOISON'): number {
  return ERRNO[name];
}

export class AddressSpace {
  private mappings: Mapping[];
  private generations = 0;
  /** Pages a FOLL_WRITE pin faulted in: they are no longer the zero page. */
  private readonly touched = new Set<number>();

  constructor(
    readonly pageSize: number,
    vmas: readonly Vma[],
    private readonly gupErrors: readonly GupError[] = [],
  ) {
    this.mappings = vmas.map((v) => ({
      start: v.start,
      end: v.end,
      prot: v.prot,
      kind: v.kind,
      populated: v.populated,
      folioOrder: v.folioOrder,
      generation: 0,
    }));
  }

  /** PMD-sized huge zero folio order for this page size (2 MiB at 4 KiB pages). */
  private get hugeZeroOrder(): number {
    return Math.log2(this.pageSize / 8);
  }

  private find(addr: number): Mapping | null {
    let lo = 0;
    let hi = this.mappings.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = this.mappings[mid]!;
      if (addr < m.start) hi = mid - 1;
      else if (addr >= m.end) lo = mid + 1;
      else return m;
    }
    return null;
  }

  /** A sibling thread's munmap(). */
  unmap(range: Range): void {
    const [s, e] = this.pageSpan(range);
    this.mappings = carve(this.mappings, s, e, null) as Mapping[];
  }

  /** A sibling thread's mmap(MAP_FIXED) of fresh anonymous memory. */
  remap(range: Range, prot: Protection): void {
    const [s, e] = this.pageSpan(range);
    const generation = ++this.generations;
    const fresh: Mapping = { start: s, end: e, prot, kind: 'anon', populated: true, folioOrder: 0, generation };
    this.mappings = carve(this.mappings, s, e, null) as Mapping[];
    this.mappings.push(fresh);
    this.mappings.sort((a, b) => a.start - b.start);
  }

  private pageSpan(range: Range): [number, number] {
    const s = range.addr - (range.addr % this.pageSize);
    return [s, Math.ceil((range.addr + range.len) / this.pageSize) * this.pageSize];
  }

  /**
   * What a FOLL_PIN of one page finds: the physical page, or the errno GUP
   * returns when it cannot pin it (no mapping, no access, VM_IO/VM_PFNMAP,
   * FOLL_WRITE on a read-only mapping, FOLL_NOFAULT on an absent page).
   */
  resolve(pageAddr: number, write: boolean, nofault: boolean): ResolvedPage | number {
    for (const injected of this.gupErrors) {
      if (pageAddr < injected.range.addr + injected.range.len && injected.range.addr < pageAddr + this.pageSize) return injected.errno;
    }
    const m = this.find(pageAddr);
    if (!m || m.prot === 'none' || m.kind === 'io') return -EFAULT;
    if (write && m.prot !== 'rw') return -EFAULT;
    const vpn = pageAddr / this.pageSize;
    const present = m.populated || this.touched.has(vpn);
    if (!present && nofault) return -EFAULT;
    if (!present && m.kind === 'anon' && !write) {
      // A read-only pin of never-touched anonymous memory finds the zero page.
      if (m.folioOrder > 0) {
        const sub = vpn % 2 ** this.hugeZeroOrder;
        return { page: HUGE_ZERO_BASE - sub, folioOrder: this.hugeZeroOrder, zeroPage: true };
      }
      return { page: ZERO_PAGE, folioOrder: 0, zeroPage: true };
    }
    if (!present) this.touched.add(vpn);
    return { page: vpn + m.generation * GENERATION_STRIDE, folioOrder: m.folioOrder, zeroPage: false };
  }

  /** The folio a page belongs to, as a key: pages of one large folio share it. */
  static folioKey(page: ResolvedPage): string {
    if (page.page <= HUGE_ZERO_BASE) return 'huge-zero';
    if (page.folioOrder === 0) return `p${page.page}`;
    return `f${page.folioOrder}:${Math.floor(page.page / 2 ** page.folioOrder)}`;
  }
}
