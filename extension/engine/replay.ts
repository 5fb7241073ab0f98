// Replays one call: builds the address space and the iterator from the call
// description, runs the chosen variant, lets the caller clean up, and reports
// what the kernel does.
import type { BvecDto, CallDto, IterStateDto, PinRoundDto, ReplayResultDto } from '../protocol/dto';
import { AddressSpace, gupErrno } from './address-space';
import { findAnomalies } from './anomalies';
import type { Call } from './call';
import { errnoName } from './errno';
import { toHex } from './hex';
import { userIter, type IovIter } from './iov-iter';
import type { KernelProfile } from './kernel-profile';
import { netfsExtractUserIter, type NetfsExtractOutcome } from './netfs-extract-user-iter';
import { PinLedger } from './pin-ledger';

function iterTypeName(kernel: KernelProfile, kind: string): string {
  const name = `ITER_${kind.toUpperCase()}`;
  const value = kernel.iterTypes.indexOf(name);
  return value >= 0 ? `${name} (${value})` : name;
}

function iterState(kernel: KernelProfile, iter: IovIter): IterStateDto {
  // Before 6.4 a UBUF iterator has nr_segs 0 (cd0bd57a9de5 set it to 1).
  const nrSegs = iter.type === 'ubuf' && kernel.major === 6 && kernel.minor < 4 ? 0 : iter.nrSegs;
  return { type: iterTypeName(kernel, iter.type), count: iter.count, iovOffset: iter.iovOffset, nrSegs, segment: iter.segIndex };
}

function bvecDtos(out: NetfsExtractOutcome): BvecDto[] {
  const list: BvecDto[] = [];
  for (let i = 0; i < out.nrBvecs; i++) {
    const page = out.bvecs.page[i]!;
    const stale = Number.isNaN(page);
    list.push({
      uaddr: stale ? null : toHex(out.bvecs.uaddr[i]!),
      page: stale ? null : page,
      offset: out.bvecs.offset[i]!,
      len: out.bvecs.len[i]!,
    });
  }
  return list;
}

export function replayCall(call: Call): ReplayResultDto {
  const gupErrors = call.events.flatMap((e) => (e.kind === 'gup-error' ? [{ range: e.range, errno: gupErrno(e.errno) }] : []));
  const space = new AddressSpace(call.pageSize, call.vmas, gupErrors);
  const orig = userIter(call.iter, call.dir, call.segments, call.iovOffset, call.nofault);
  const ledger = new PinLedger();
  const rounds: PinRoundDto[] = [];
  const countBefore = orig.count;
  const out = netfsExtractUserIter(orig, call.len, call.variant, { space, ledger, rounds, events: call.events });
  const origAdvance = countBefore - orig.count;

  // What a caller can release: the pages named by the returned bvecs (not stale pointers).
  const recorded = out.bvecs.page.slice(0, out.nrBvecs).filter((page) => !Number.isNaN(page));
  const covered = out.bvecs.totalLen(out.nrBvecs);
  const pages = ledger.summary(call.kernel.zeroPagePinned, recorded, call.pageSize);
  const releasable = recorded.length;
  const held = ledger.held;

  return {
    ret: out.ret,
    bytes: out.newIter?.count ?? null,
    bvecs: bvecDtos(out),
    pinned: held,
    origAdvance,
    anomalies: findAnomalies({ call, out, origAdvance, rounds, pages, covered }),
    variant: call.variant,
    maxPages: out.maxPages,
    newIter: out.newIter
      ? { type: iterTypeName(call.kernel, 'bvec'), count: out.newIter.count, iovOffset: 0, nrSegs: out.newIter.nrSegs, segment: 0 }
      : null,
    origAfter: iterState(call.kernel, orig),
    pinRounds: rounds,
    pages,
    pinnedAfterCleanup: held - releasable,
    block: out.block ? { bytes: out.block.bytes, pointersAt: out.block.pointersAt, freed: out.block.freed, overflowBytes: out.block.overflowBytes, clobbers: out.block.clobbers } : null,
    log: out.log,
    steps: out.steps,
    call: call.dto,
  };
}

/** The call in a few words, for lists and tables: "UBUF read 12288". */
export function describeCall(call: CallDto): string {
  return `${call.iter.toUpperCase()} ${call.dir} ${call.len}`;
}

/** One line saying what the call returned, for titles and tables. */
export function describeReturn(result: ReplayResultDto): string {
  return result.ret < 0
    ? `returned ${errnoName(result.ret)}`
    : `returned ${result.ret} bvec(s) covering ${result.bytes} bytes`;
}
