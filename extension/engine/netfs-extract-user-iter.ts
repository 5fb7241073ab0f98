// netfs_extract_user_iter() in its four released variants (spec §1.2–1.5),
// step by step: every loop iteration and sub-call is a step tied to the lines
// of the variant's reference source that perform it.
import type { PinRoundDto, StepAnchor, StepDto, StepStateDto, VariantId } from '../protocol/dto';
import type { AddressSpace } from './address-space';
import { BvecArray } from './bvec-array';
import type { Event } from './call';
import { EIO, ENOMEM, errnoName } from './errno';
import { iovIterExtractUserPages, type Misbehaviour } from './extract-pages';
import { iovIterNpages, isUserBacked, type IovIter } from './iov-iter';
import { KvmallocBlock } from './kvmalloc-block';
import type { PinLedger } from './pin-ledger';
import { VARIANT_TABLE } from './variants';

const INT_MAX = 0x7fffffff;
const BIO_VEC_SIZE = 16;

/** Why the extraction loop stopped early. */
export type LoopStop =
  | { readonly kind: 'error'; readonly errno: number; readonly afterBvecs: number }
  | { readonly kind: 'bytes-overrun'; readonly got: number; readonly count: number }
  | { readonly kind: 'page-overrun'; readonly want: number; readonly maxPages: number; readonly countReduced: boolean }
  | { readonly kind: 'livelock' };

export interface NetfsExtractOutcome {
  readonly ret: number;
  /** The new BVEC iterator (count, nr_segs), or null when `new` was left untouched. */
  readonly newIter: { readonly count: number; readonly nrSegs: number } | null;
  readonly maxPages: number;
  /** Entries [0, nrBvecs) are the ones the function filled. */
  readonly bvecs: BvecArray;
  readonly nrBvecs: number;
  readonly block: KvmallocBlock | null;
  readonly log: readonly string[];
  readonly steps: readonly StepDto[];
  readonly stop: LoopStop | null;
  /** The variant tested `ret` before anything assigned it (v1, v2 when the loop never ran). */
  readonly readUninitialisedRet: boolean;
  /** v0 used `first_off` before any extraction wrote it. */
  readonly readUninitialisedOffset: boolean;
  /** Zero-length bvecs built from stale pointers (v0 with an extractor returning 0). */
  readonly stalePointers: number;
  readonly wrongType: boolean;
}

export interface ExtractEnvironment {
  readonly space: AddressSpace;
  readonly ledger: PinLedger;
  readonly rounds: PinRoundDto[];
  readonly events: readonly Event[];
}

function misbehaviourAt(events: readonly Event[], call: number): Misbehaviour | null {
  for (const e of events) {
    if (e.kind === 'extractor' && call >= e.at && call < e.at + e.times) return e;
  }
  return null;
}

function applySiblingEvents(env: ExtractEnvironment, call: number): string[] {
  const done: string[] = [];
  for (const e of env.events) {
    if (e.kind === 'unmap' && e.at === call) {
      env.space.unmap(e.range);
      done.push(`a sibling thread unmapped 0x${e.range.addr.toString(16)}+0x${e.range.len.toString(16)}`);
    } else if (e.kind === 'remap' && e.at === call) {
      env.space.remap(e.range, e.prot);
      done.push(`a sibling thread mapped fresh memory at 0x${e.range.addr.toString(16)}+0x${e.range.len.toString(16)}`);
    }
  }
  return done;
}

export function netfsExtractUserIter(orig: IovIter, origLen: number, variantId: VariantId, env: ExtractEnvironment): NetfsExtractOutcome {
  const variant = VARIANT_TABLE[variantId];
  const { handlesErrors, checksOverrun, initialisesRet } = variant.traits;
  const pageSize = env.space.pageSize;
  const log: string[] = [];
  const steps: StepDto[] = [];

  let count = origLen;
  let npages = 0;
  // `ret` before the loop: 0 in v3, uninitialised (undefined) before.
  let ret: number | undefined = initialisesRet ? 0 : undefined;
  let pointers = 0;
  let block: KvmallocBlock | null = null;
  const state = (): StepStateDto => ({
    count,
    npages,
    ret: ret ?? null,
    origCount: orig.count,
    pinsHeld: env.ledger.held,
    pointers,
    pinRounds: env.rounds.length,
    blockFreed: block?.freed ?? false,
  });
  const step = (anchor: StepAnchor, title: string, detail: string) =>
    steps.push({ anchor, title, detail, lines: variant.lines[anchor] ?? [1, 1], state: state() });

  let readUninitialisedOffset = false;
  let stalePointers = 0;

  if (!isUserBacked(orig)) {
    log.push(`WARNING: netfs_extract_user_iter: !iter_is_ubuf(orig) && !iter_is_iovec(orig) (${orig.type.toUpperCase()})`);
    step('check-type', 'not a user-backed iterator', `WARN_ON_ONCE: ${orig.type.toUpperCase()} is rejected; return -EIO`);
    return {
      log, steps, readUninitialisedOffset, stalePointers,
      ret: -EIO,
      newIter: null,
      maxPages: 0,
      bvecs: new BvecArray(0),
      nrBvecs: 0,
      block: null,
      stop: null,
      readUninitialisedRet: false,
      wrongType: true,
    };
  }

  const counted = iovIterNpages(orig, INT_MAX, pageSize);
  const forced = env.events.find((e) => e.kind === 'npages');
  const maxPages = forced?.kind === 'npages' ? forced.pages : counted;
  step(
    'npages',
    'iov_iter_npages',
    maxPages === counted
      ? `max_pages = ${maxPages} (pages counted per segment over the whole remaining iterator)`
      : `max_pages = ${maxPages} — what if: the buffer spans ${counted} page(s)`,
  );
  if (maxPages * BIO_VEC_SIZE > INT_MAX) {
    step('alloc', 'kvmalloc refused', `${maxPages * BIO_VEC_SIZE} bytes is above INT_MAX: return -ENOMEM`);
    return { log, steps, readUninitialisedOffset, stalePointers, ret: -ENOMEM, newIter: null, maxPages, bvecs: new BvecArray(0), nrBvecs: 0, block: null, stop: null, readUninitialisedRet: false, wrongType: false };
  }
  block = new KvmallocBlock(maxPages);
  const bvecs = new BvecArray(maxPages);
  step('alloc', 'kvmalloc', `${block.bytes} bytes, not zeroed: bvecs from byte 0, page pointers from byte ${block.pointersAt}`);

  let stop: LoopStop | null = null;
  let calls = 0;
  // first_off lives in the loop body; an extraction that does not write it leaves the previous value.
  let offset: number | null = null;

  while (count !== 0 && npages < maxPages) {
    const sibling = applySiblingEvents(env, calls);
    const misbehaviour = misbehaviourAt(env.events, calls);
    const room = maxPages - npages;
    const ex = iovIterExtractUserPages(env, orig, count, room, misbehaviour);
    calls++;
    block.writePointers(npages, ex.pages, ex.uaddrs);
    pointers = npages + ex.pages.length;
    if (ex.offset !== null) offset = ex.offset;
    let got = ex.ret;
    ret = got;
    step(
      'extract',
      `iov_iter_extract_pages #${calls}`,
      [
        ...sibling.map((what) => `${what}; then `),
        `maxsize ${count}, maxpages ${room}: `,
        got < 0 ? errnoName(got) : `${got} bytes at offset ${offset ?? '?'}, ${ex.pages.length} page pointer(s) written`,
        ex.requested > ex.pages.length && ex.pages.length > 0 ? ` (GUP pinned ${ex.pages.length} of ${ex.requested})` : '',
        ex.misbehaved ? ' — injected misbehaviour' : '',
      ].join(''),
    );

    if (handlesErrors ? got <= 0 : got < 0) {
      if (handlesErrors) {
        ret = got === 0 ? -EIO : got;
        step('check-error', 'extraction failed', `ret = ${errnoName(ret)}${got === 0 ? ' (0 bytes is an error)' : ''}; leave the loop`);
      } else {
        log.push(`netfs: Couldn't get user pages (rc=${got})`);
        step('check-error', 'extraction failed', `pr_err rc=${got}; leave the loop — the call still succeeds`);
      }
      stop = { kind: 'error', errno: ret, afterBvecs: npages };
      break;
    }

    if (got > count) {
      if (checksOverrun) {
        log.push(`WARNING: netfs_extract_user_iter: extract_pages overrun ${got} > ${count} bytes`);
        ret = -EIO;
        step('check-bytes', 'bytes overrun', `WARN ${got} > ${count}; ret = -EIO; the batch's ${ex.pages.length} pin(s) leak`);
      } else {
        log.push(`netfs: get_pages rc=${got} more than ${count}`);
        step('check-bytes', 'bytes overrun', `pr_err ${got} > ${count}; leave the loop; the batch's ${ex.pages.length} pin(s) leak`);
      }
      stop = { kind: 'bytes-overrun', got, count };
      break;
    }

    if (offset === null) {
      // Only an extractor that returned 0 on the very first call gets here (v0).
      readUninitialisedOffset = true;
      offset = 0;
    }
    let curNpages: number;
    if (checksOverrun) {
      curNpages = Math.ceil((offset + got) / pageSize);
      if (curNpages > maxPages - npages) {
        log.push(`WARNING: netfs_extract_user_iter: extract_pages overrun ${npages + curNpages} > ${maxPages} pages`);
        ret = -EIO;
        step('check-pages', 'page overrun', `WARN ${npages + curNpages} > ${maxPages}; ret = -EIO; the batch is not counted and its pins leak`);
        stop = { kind: 'page-overrun', want: npages + curNpages, maxPages, countReduced: false };
        break;
      }
      count -= got;
      got += offset;
    } else {
      count -= got;
      got += offset;
      curNpages = Math.ceil(got / pageSize);
      if (npages + curNpages > maxPages) {
        log.push(`netfs: Out of bvec array capacity (${npages + curNpages} vs ${maxPages})`);
        step('check-pages', 'page overrun', `pr_err ${npages + curNpages} vs ${maxPages}; count was already reduced by the batch`);
        stop = { kind: 'page-overrun', want: npages + curNpages, maxPages, countReduced: true };
        break;
      }
    }

    if (curNpages === 0) {
      // v0 after an extractor returned 0 at offset 0: nothing changes, the loop spins forever.
      stop = { kind: 'livelock' };
      step('fill', 'no progress', 'extractor returned 0 bytes at offset 0: count and npages never change — livelock');
      break;
    }

    let off = offset;
    for (let i = 0; i < curNpages; i++) {
      const len = Math.min(got, pageSize);
      const slot = npages + i;
      const page = block.pointerPage(slot);
      if (Number.isNaN(page)) stalePointers++;
      bvecs.set(slot, page, block.pointerUaddr(slot), off, len - off);
      block.writeBvec(slot, slot + 1);
      got -= len;
      off = 0;
    }
    ret = got;
    npages += curNpages;
    step('fill', 'fill bvecs', `bvec[${npages - curNpages}..${npages - 1}] filled; ${count} bytes left to extract`);
  }

  // Only v1 and v2 read `ret` after the loop without having set it.
  const readUninitialisedRet = ret === undefined && handlesErrors && !initialisesRet;
  if (handlesErrors && ret !== undefined && ret < 0 && (ret === -ENOMEM || npages === 0)) {
    for (let i = 0; i < npages; i++) {
      const page = bvecs.page[i]!;
      if (!Number.isNaN(page)) env.ledger.unpin(page);
    }
    block.freed = true;
    step('cleanup', 'error cleanup', `unpin ${npages} page(s), kvfree the block; return ${errnoName(ret)}; new untouched`);
    return { log, steps, ret, newIter: null, maxPages, bvecs, nrBvecs: 0, block, stop, readUninitialisedRet, readUninitialisedOffset, stalePointers, wrongType: false };
  }
  if (readUninitialisedRet) {
    step('cleanup', 'uninitialised ret', `the loop never ran: ${variantId} tests an uninitialised ret (modelled as 0)`);
  }

  const newCount = origLen - count;
  step('build-new', 'iov_iter_bvec', `new = BVEC, nr_segs ${npages}, count ${newCount}`);
  step('return', 'return', `return ${npages}`);
  return {
    log,
    steps,
    ret: npages,
    newIter: { count: newCount, nrSegs: npages },
    maxPages,
    bvecs,
    nrBvecs: npages,
    block,
    stop,
    readUninitialisedRet,
    readUninitialisedOffset,
    stalePointers,
    wrongType: false,
  };
}
