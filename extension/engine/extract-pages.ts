// iov_iter_extract_pages() down the user-backed path (spec §2.5): one segment
// per call, pins through GUP, the iterator advanced only on success. An
// injected misbehaviour replaces what it reports (to exercise the checks
// netfs_extract_user_iter makes on it).
import type { PinRoundDto } from '../protocol/dto';
import type { AddressSpace } from './address-space';
import type { Event } from './call';
import { ENOMEM } from './errno';
import { FOLL_NOFAULT, FOLL_WRITE, pinUserPagesFast } from './gup';
import { iovIterAdvance, type IovIter } from './iov-iter';
import type { PinLedger } from './pin-ledger';

export type Misbehaviour = Extract<Event, { kind: 'extractor' }>;

export interface Extraction {
  /** Bytes extracted, or a negative errno. */
  readonly ret: number;
  /** *offset0, or null when the call did not write it. */
  readonly offset: number | null;
  /** Page frames written into the caller's pointer array, in order. */
  readonly pages: readonly number[];
  /** User address each pointer was pinned at. */
  readonly uaddrs: readonly number[];
  /** Pages asked of GUP (0 when GUP was not called). */
  readonly requested: number;
  readonly misbehaved: boolean;
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

export interface ExtractContext {
  readonly space: AddressSpace;
  readonly ledger: PinLedger;
  readonly rounds: PinRoundDto[];
}

export function iovIterExtractUserPages(
  ctx: ExtractContext,
  iter: IovIter,
  maxsize: number,
  maxpages: number,
  misbehaviour: Misbehaviour | null,
): Extraction {
  const pageSize = ctx.space.pageSize;
  if (misbehaviour?.ret === 0) {
    // Like the maxsize == 0 path: nothing written, nothing advanced.
    return { ret: 0, offset: null, pages: [], uaddrs: [], requested: 0, misbehaved: true };
  }
  const clamped = Math.min(maxsize, iter.count, maxRwCount(pageSize));
  if (clamped === 0) return { ret: 0, offset: null, pages: [], uaddrs: [], requested: 0, misbehaved: false };
  const { addr, size } = firstSegment(iter, clamped);
  const honestOffset = addr % pageSize;
  const start = addr - honestOffset;
  const n = misbehaviour?.pages ?? Math.min(maxpages, Math.ceil((size + honestOffset) / pageSize));
  if (n === 0) return { ret: -ENOMEM, offset: honestOffset, pages: [], uaddrs: [], requested: 0, misbehaved: misbehaviour !== null };
  const gupFlags = (iter.dir === 'read' ? FOLL_WRITE : 0) | (iter.nofault ? FOLL_NOFAULT : 0);
  const pin = pinUserPagesFast(ctx.space, ctx.ledger, ctx.rounds, start, n, gupFlags);
  const uaddrs = pin.pages.map((_, k) => start + k * pageSize);
  if (pin.ret <= 0) {
    return { ret: pin.ret, offset: honestOffset, pages: [], uaddrs: [], requested: n, misbehaved: misbehaviour !== null };
  }
  const honestBytes = Math.min(size, pin.ret * pageSize - honestOffset);
  const bytes = misbehaviour?.ret ?? honestBytes;
  iovIterAdvance(iter, bytes);
  return {
    ret: bytes,
    offset: misbehaviour?.offset ?? honestOffset,
    pages: pin.pages,
    uaddrs,
    requested: n,
    misbehaved: misbehaviour !== null,
  };
}
