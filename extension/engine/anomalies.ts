// What a replay flags (spec §6), each with the reason in words and the commit
// that fixed it where one exists.
import type { AnomalyDto, PinRoundDto, PinnedPageDto } from '../protocol/dto';
import type { Call } from './call';
import { ENOMEM, errnoName } from './errno';
import type { NetfsExtractOutcome } from './netfs-extract-user-iter';

const FIX_ERRORS = '0aad5704c6b4';
const FIX_OVERRUN = '0ef37eef83fa';
const FIX_UNINIT = '7e3d8db899d5';

export interface AnomalyFacts {
  readonly call: Call;
  readonly out: NetfsExtractOutcome;
  readonly origAdvance: number;
  readonly rounds: readonly PinRoundDto[];
  readonly pages: readonly PinnedPageDto[];
  /** Σ bv_len over the returned bvecs. */
  readonly covered: number;
}

export function findAnomalies({ call, out, origAdvance, rounds, pages, covered }: AnomalyFacts): AnomalyDto[] {
  const found: AnomalyDto[] = [];
  const add = (kind: AnomalyDto['kind'], message: string, fixedBy?: string) =>
    found.push(fixedBy ? { kind, message, fixedBy } : { kind, message });
  const stop = out.stop;
  const bytes = out.newIter?.count ?? null;

  if (out.wrongType) {
    add('wrong-iterator-type', `A ${call.iter.toUpperCase()} iterator is not user-backed: WARN_ON_ONCE and -EIO. The caller should not have passed it here.`);
  }
  if (out.readUninitialisedRet) {
    add('undefined-behaviour', `The loop never ran (orig_len ${call.len}, max_pages ${out.maxPages}), so ${call.variant} tests an uninitialised \`ret\`: the kernel may return 0 or free the block and return garbage. Modelled as 0.`, FIX_UNINIT);
  }
  if (out.readUninitialisedOffset) {
    add('undefined-behaviour', 'The first extraction returned 0 without writing first_off, and v0 went on to use it (modelled as 0).', FIX_ERRORS);
  }
  if (stop?.kind === 'livelock') {
    add('livelock', 'The extractor returned 0 bytes at offset 0: v0 makes no progress and spins forever (the engine stopped after one round).', FIX_ERRORS);
  }
  if (out.stalePointers > 0) {
    add('stale-page-pointer', `${out.stalePointers} zero-length bvec(s) name a page pointer the extractor never wrote (stale heap data); the caller will unpin those garbage "pages".`, FIX_ERRORS);
  }
  if (call.variant === 'v0' && out.ret === 0 && call.len > 0 && !out.wrongType) {
    const rc = stop?.kind === 'error' ? ` (the extractor said ${errnoName(stop.errno)})` : '';
    add('empty-result', `v0 reports success with 0 bvecs for a ${call.len}-byte request${rc}: the caller issues a zero-length I/O (netfs read: "Zero-sized read" and -EIO; write: returns 0) instead of failing with the error (LTP mmapstress02).`, FIX_ERRORS);
  }
  if (call.variant === 'v0' && stop?.kind === 'error' && stop.errno === -ENOMEM && stop.afterBvecs > 0) {
    add('enomem-as-short', `GUP ran out of memory after ${stop.afterBvecs} bvec(s); v0 turns -ENOMEM into a short success.`, FIX_ERRORS);
  }
  if (out.ret > 0 && bytes !== null && bytes < call.len) {
    const firstFailed = [...rounds].reverse().find((r) => r.ret < r.nrPages);
    const where = firstFailed
      ? `; GUP stopped at ${firstFailed.ret < 0 ? firstFailed.start : '0x' + (Number(firstFailed.start) + Math.max(0, firstFailed.ret) * call.pageSize).toString(16)}`
      : '';
    add('short-extraction', `Only ${bytes} of ${call.len} bytes were extracted${where}: the I/O will be short.`);
  }
  for (const r of rounds) {
    if (r.ret > 0 && r.ret < r.nrPages) {
      add('partial-pin', `pin_user_pages_fast(${r.start}, ${r.nrPages}) pinned ${r.ret}: the extraction ends on a page boundary and the next call starts there.`);
    }
  }
  if (stop?.kind === 'bytes-overrun') {
    add('bytes-overrun', `The extractor returned ${stop.got} bytes, more than the ${stop.count} asked for; the batch's pins are never recorded in a bvec.`, FIX_OVERRUN);
  }
  if (stop?.kind === 'page-overrun') {
    add('page-overrun', `The extractor's batch needs ${stop.want} bvecs but the array has ${stop.maxPages}: its page pointers were already written past the room it had${stop.countReduced ? ', and count was reduced by bytes no bvec describes' : ''}.`, FIX_OVERRUN);
  }
  const leaked = pages.reduce((sum, p) => sum + p.leaked, 0);
  if (leaked > 0) {
    add('pins-leaked', `${leaked} pin(s) are held by no returned bvec: no caller can release them (pin counts never return to baseline).`, stop?.kind === 'bytes-overrun' || stop?.kind === 'page-overrun' ? FIX_OVERRUN : undefined);
  }
  if (bytes !== null && bytes !== covered) {
    add('inconsistent-iterator', `The new iterator claims ${bytes} bytes but its bvecs cover ${covered}.`, FIX_OVERRUN);
  }
  if (bytes !== null && origAdvance !== bytes) {
    add('orig-overrun', `orig advanced ${origAdvance} bytes but the new iterator covers ${bytes}: ${origAdvance - bytes} bytes are lost.`, FIX_OVERRUN);
  }
  if (out.block && out.block.overflowBytes > 0) {
    add('heap-overflow', `${out.block.overflowBytes} byte(s) were written past the end of the ${out.block.bytes}-byte block.`, FIX_OVERRUN);
  }
  for (const c of out.block?.clobbers ?? []) {
    add('clobbered-pointer', `Writing bvec ${c.bvec} overwrote page-pointer slot ${c.slot} before it was consumed.`);
  }
  return found;
}
