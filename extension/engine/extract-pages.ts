// iov_iter_extract_pages() down the user-backed path (spec §2.5): one segment
// per call, pins through GUP, the iterator advanced only on success.
import type { AddressSpace } from './address-space';
import { ENOMEM } from './errno';
import { iovIterAdvance, type IovIter } from './iov-iter';

export interface Extraction {
  /** Bytes extracted, or a negative errno. */
  readonly ret: number;
  /** In-page offset of the first byte (*offset0); unset when nothing was asked. */
  readonly offset: number | null;
  /** Page-aligned user addresses of the pinned pages. */
  readonly pages: readonly number[];
  /** What was asked of GUP, for the step log. */
  readonly requestedPages: number;
}

/** MAX_RW_COUNT = INT_MAX & PAGE_MASK. */
export function maxRwCount(pageSize: number): number {
  return 0x7fffffff - (0x7fffffff % pageSize);
}

/** first_iovec_segment(): the address to start at and the clamped size. */
function firstSegment(iter: IovIter, maxsize: number): { addr: number; size: number } {
  if (iter.type === 'ubuf') {
    return { addr: iter.segments[0]!.addr + iter.iovOffset, size: maxsize };
  }
  let skip = iter.iovOffset;
  for (let k = iter.segIndex; k < iter.segments.length; k++, skip = 0) {
    const seg = iter.segments[k]!;
    const len = seg.len - skip;
    if (len > 0) return { addr: seg.addr + skip, size: Math.min(maxsize, len) };
  }
  // The kernel BUG()s here; unreachable while count > 0.
  throw new Error('iov_iter_extract_pages: no non-empty segment left while count > 0');
}

export function iovIterExtractUserPages(
  iter: IovIter,
  space: AddressSpace,
  maxsize: number,
  maxpages: number,
): Extraction {
  const pageSize = space.pageSize;
  const clamped = Math.min(maxsize, iter.count, maxRwCount(pageSize));
  if (clamped === 0) return { ret: 0, offset: null, pages: [], requestedPages: 0 };
  const { addr, size } = firstSegment(iter, clamped);
  const offset = addr % pageSize;
  const start = addr - offset;
  const n = Math.min(maxpages, Math.ceil((size + offset) / pageSize));
  if (n === 0) return { ret: -ENOMEM, offset, pages: [], requestedPages: 0 };
  const pin = space.pinUserPagesFast(start, n, iter.dir === 'read');
  if (pin.res <= 0) return { ret: pin.res, offset, pages: [], requestedPages: n };
  const bytes = Math.min(size, pin.res * pageSize - offset);
  iovIterAdvance(iter, bytes);
  return { ret: bytes, offset, pages: pin.pages, requestedPages: n };
}
