// struct iov_iter for the user-backed types, and the operations netfs uses on
// it: iov_iter_npages (spec §2.3) and iov_iter_advance (§2.4).
import type { Direction, IterKind } from '../protocol/dto';
import type { Range } from './call';

export interface IovIter {
  readonly type: IterKind;
  /** ITER_DEST for a read into user memory: the pin asks for FOLL_WRITE. */
  readonly dir: Direction;
  /** FOLL_NOFAULT: GUP must not fault pages in. */
  readonly nofault: boolean;
  readonly segments: readonly Range[];
  /** Index of the current segment (IOVEC); always 0 for UBUF. */
  segIndex: number;
  /** UBUF: bytes consumed from the start; IOVEC: bytes consumed in the current segment. */
  iovOffset: number;
  count: number;
  nrSegs: number;
}

export function userIter(type: IterKind, dir: Direction, segments: readonly Range[], iovOffset: number, nofault = false): IovIter {
  const total = segments.reduce((sum, s) => sum + s.len, 0);
  return { type, dir, nofault, segments, segIndex: 0, iovOffset, count: total - iovOffset, nrSegs: segments.length };
}

/** user_backed_iter(), and so iov_iter_extract_will_pin(). */
export function isUserBacked(iter: IovIter): boolean {
  return iter.type === 'ubuf' || iter.type === 'iovec';
}

function pagesSpanned(addr: number, len: number, pageSize: number): number {
  return Math.ceil(((addr % pageSize) + len) / pageSize);
}

/** iov_iter_npages(): pages counted per segment, empty segments skipped. */
export function iovIterNpages(iter: IovIter, maxPages: number, pageSize: number): number {
  if (iter.count === 0) return 0;
  if (iter.type === 'ubuf') {
    const start = iter.segments[0]!.addr + iter.iovOffset;
    return Math.min(pagesSpanned(start, iter.count, pageSize), maxPages);
  }
  let remaining = iter.count;
  let npages = 0;
  let skip = iter.iovOffset;
  for (let k = iter.segIndex; k < iter.segments.length && remaining > 0; k++, skip = 0) {
    const seg = iter.segments[k]!;
    const len = Math.min(seg.len - skip, remaining);
    if (len === 0) continue;
    npages += pagesSpanned(seg.addr + skip, len, pageSize);
    if (npages >= maxPages) return maxPages;
    remaining -= len;
  }
  return npages;
}

/** iov_iter_advance(): clamps to count; IOVEC skips finished and empty segments. */
export function iovIterAdvance(iter: IovIter, bytes: number): void {
  if (iter.count === 0) return;
  const n = Math.min(bytes, iter.count);
  iter.count -= n;
  if (iter.type === 'ubuf') {
    iter.iovOffset += n;
    return;
  }
  let left = n + iter.iovOffset;
  while (iter.segIndex < iter.segments.length && left >= iter.segments[iter.segIndex]!.len) {
    left -= iter.segments[iter.segIndex]!.len;
    iter.segIndex++;
    iter.nrSegs--;
  }
  iter.iovOffset = left;
}
