// netfs_extract_user_iter() in its four released variants (spec §1.2–1.5).
// v0: the 6.3 original; v1: + error handling (0aad5704c6b4); v2: + overrun
// check (0ef37eef83fa); v3: + `ret` initialised (7e3d8db899d5).
import type { StepDto, VariantId } from '../protocol/dto';
import type { AddressSpace } from './address-space';
import { EIO, ENOMEM, errnoName } from './errno';
import { iovIterExtractUserPages } from './extract-pages';
import { iovIterNpages, type IovIter } from './iov-iter';

const INT_MAX = 0x7fffffff;
const BIO_VEC_SIZE = 16;

export interface Bvec {
  /** Page-aligned user address of the page. */
  readonly page: number;
  readonly offset: number;
  readonly len: number;
}

export interface NetfsExtractOutcome {
  readonly ret: number;
  /** The new BVEC iterator's count, or null when `new` was left untouched. */
  readonly newCount: number | null;
  readonly maxPages: number;
  readonly bvecs: readonly Bvec[];
  /** Kernel log lines (pr_err, WARN) in order. */
  readonly log: readonly string[];
  readonly steps: readonly StepDto[];
  /** The loop ended without ever assigning `ret` and the variant reads it uninitialised. */
  readonly readUninitialisedRet: boolean;
  /** v0 kept calling an extractor that made no progress. */
  readonly livelock: boolean;
}

export function netfsExtractUserIter(
  orig: IovIter,
  origLen: number,
  space: AddressSpace,
  variant: VariantId,
): NetfsExtractOutcome {
  const pageSize = space.pageSize;
  const log: string[] = [];
  const steps: StepDto[] = [];
  const bvecs: Bvec[] = [];
  const checksOverrun = variant === 'v2' || variant === 'v3';
  const handlesErrors = variant !== 'v0';

  const maxPages = iovIterNpages(orig, INT_MAX, pageSize);
  steps.push({
    kind: 'prologue',
    title: 'iov_iter_npages',
    detail: `max_pages = ${maxPages}; kvmalloc ${maxPages * BIO_VEC_SIZE} bytes (bvecs at the head, page pointers at the tail)`,
  });
  if (maxPages * BIO_VEC_SIZE > INT_MAX) {
    steps.push({ kind: 'stop', title: 'kvmalloc', detail: 'allocation above INT_MAX refused: -ENOMEM' });
    return { ret: -ENOMEM, newCount: null, maxPages, bvecs, log, steps, readUninitialisedRet: false, livelock: false };
  }

  let count = origLen;
  let npages = 0;
  // v3 initialises ret to 0; earlier variants leave it unset until the loop assigns it.
  let ret: number | undefined = variant === 'v3' ? 0 : undefined;
  let livelock = false;

  while (count !== 0 && npages < maxPages) {
    const ex = iovIterExtractUserPages(orig, space, count, maxPages - npages);
    let got = ex.ret;
    steps.push({
      kind: 'extract',
      title: 'iov_iter_extract_pages',
      detail:
        `maxsize ${count}, maxpages ${maxPages - npages}: ` +
        (got < 0 ? errnoName(got) : `${got} bytes at offset ${ex.offset ?? 0} over ${ex.pages.length} pinned page(s)`) +
        (ex.requestedPages > ex.pages.length && got > 0 ? ` (asked GUP for ${ex.requestedPages})` : ''),
    });

    if (handlesErrors && got <= 0) {
      ret = got === 0 ? -EIO : got;
      steps.push({ kind: 'stop', title: 'extraction failed', detail: `ret = ${errnoName(ret)}; leave the loop` });
      break;
    }
    if (!handlesErrors && got < 0) {
      ret = got;
      log.push(`netfs: Couldn't get user pages (rc=${got})`);
      steps.push({ kind: 'stop', title: 'extraction failed', detail: `pr_err rc=${got}; leave the loop` });
      break;
    }
    if (!handlesErrors && got === 0 && (ex.offset ?? 0) === 0) {
      // count and npages never change again: the kernel spins here forever.
      ret = got;
      livelock = true;
      steps.push({ kind: 'stop', title: 'no progress', detail: 'extractor returned 0 with offset 0: livelock' });
      break;
    }
    ret = got;

    if (got > count) {
      if (checksOverrun) {
        log.push(`WARNING: netfs_extract_user_iter: extract_pages overrun ${got} > ${count} bytes`);
        ret = -EIO;
      } else {
        log.push(`netfs: get_pages rc=${got} more than ${count}`);
      }
      steps.push({ kind: 'stop', title: 'bytes overrun', detail: `${got} > ${count}; the batch's pins leak` });
      break;
    }

    const offset = ex.offset ?? 0;
    const curNpages = Math.ceil((offset + got) / pageSize);
    if (checksOverrun) {
      if (curNpages > maxPages - npages) {
        log.push(`WARNING: netfs_extract_user_iter: extract_pages overrun ${npages + curNpages} > ${maxPages} pages`);
        ret = -EIO;
        steps.push({ kind: 'stop', title: 'page overrun', detail: `${npages + curNpages} > ${maxPages}` });
        break;
      }
      count -= got;
    } else {
      count -= got;
      if (npages + curNpages > maxPages) {
        log.push(`netfs: Out of bvec array capacity (${npages + curNpages} vs ${maxPages})`);
        steps.push({ kind: 'stop', title: 'page overrun', detail: `${npages + curNpages} > ${maxPages}; count already reduced` });
        break;
      }
    }

    got += offset;
    let off = offset;
    for (let i = 0; i < curNpages; i++) {
      const len = Math.min(got, pageSize);
      bvecs.push({ page: ex.pages[i]!, offset: off, len: len - off });
      got -= len;
      off = 0;
    }
    ret = got;
    npages += curNpages;
    steps.push({
      kind: 'fill',
      title: 'fill bvecs',
      detail: `bvec[${npages - curNpages}..${npages - 1}] written; ${count} bytes left to extract`,
    });
  }

  const readUninitialisedRet = ret === undefined && handlesErrors;
  if (handlesErrors && ret !== undefined && ret < 0 && (ret === -ENOMEM || npages === 0)) {
    for (const bv of bvecs) space.unpinUserPage(bv.page);
    steps.push({
      kind: 'cleanup',
      title: 'error cleanup',
      detail: `unpin ${npages} page(s), kvfree the block, return ${errnoName(ret)}`,
    });
    return { ret, newCount: null, maxPages, bvecs: [], log, steps, readUninitialisedRet, livelock };
  }

  const newCount = origLen - count;
  steps.push({
    kind: 'epilogue',
    title: 'iov_iter_bvec',
    detail: `new = BVEC, nr_segs ${npages}, count ${newCount}; return ${npages}`,
  });
  return { ret: npages, newCount, maxPages, bvecs, log, steps, readUninitialisedRet, livelock };
}
