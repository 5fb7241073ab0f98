// Replays one call: builds the address space and the iterator from the call
// description, runs the chosen variant, and reports what the kernel does.
import type { AnomalyDto, ReplayResultDto } from '../protocol/dto';
import { AddressSpace } from './address-space';
import { callToDto, type Call } from './call';
import { errnoName } from './errno';
import { toHex } from './hex';
import { userIter } from './iov-iter';
import { netfsExtractUserIter, type NetfsExtractOutcome } from './netfs-extract-user-iter';

function anomaliesOf(call: Call, out: NetfsExtractOutcome, origAdvance: number): AnomalyDto[] {
  const found: AnomalyDto[] = [];
  if (out.readUninitialisedRet) {
    found.push({
      kind: 'undefined-behaviour',
      message: `The loop never ran, so ${call.variant} tests an uninitialised \`ret\`: the kernel may return 0 or a garbage error after freeing the block. Modelled as 0.`,
      fixedBy: '7e3d8db899d5',
    });
  }
  if (out.livelock) {
    found.push({
      kind: 'livelock',
      message: 'The extractor returned 0 bytes at offset 0: v0 loops forever without progress.',
      fixedBy: '0aad5704c6b4',
    });
  }
  if (call.variant === 'v0' && out.ret === 0 && call.len > 0) {
    found.push({
      kind: 'empty-result',
      message: `v0 reports success with 0 bvecs for a ${call.len}-byte request; the caller issues a zero-length I/O instead of failing (LTP mmapstress02).`,
      fixedBy: '0aad5704c6b4',
    });
  }
  if (out.ret > 0 && out.newCount !== null && out.newCount < call.len) {
    found.push({
      kind: 'short-extraction',
      message: `Only ${out.newCount} of ${call.len} bytes were extracted; the I/O will be short.`,
    });
  }
  const covered = out.bvecs.reduce((sum, bv) => sum + bv.len, 0);
  if (out.newCount !== null && out.newCount !== covered) {
    found.push({
      kind: 'inconsistent-iterator',
      message: `The new iterator claims ${out.newCount} bytes but its bvecs cover ${covered}.`,
      fixedBy: '0ef37eef83fa',
    });
  }
  if (out.newCount !== null && origAdvance !== out.newCount) {
    found.push({
      kind: 'bytes-lost',
      message: `orig advanced ${origAdvance} bytes but the new iterator covers ${out.newCount}.`,
      fixedBy: '0ef37eef83fa',
    });
  }
  return found;
}

export function replayCall(call: Call): ReplayResultDto {
  const space = new AddressSpace(call.pageSize, call.unmapped, call.readonly);
  const orig = userIter(call.iter, call.dir, call.segments, call.iovOffset);
  const countBefore = orig.count;
  const out = netfsExtractUserIter(orig, call.len, space, call.variant);
  const origAdvance = countBefore - orig.count;
  const pages = space.pinnedPages();
  return {
    ret: out.ret,
    bytes: out.newCount,
    bvecs: out.bvecs.map((bv) => ({ uaddr: toHex(bv.page), offset: bv.offset, len: bv.len })),
    pinned: space.totalPins(),
    origAdvance,
    anomalies: anomaliesOf(call, out, origAdvance),
    maxPages: out.maxPages,
    pages: pages.map((p) => ({ uaddr: toHex(p.addr), pins: p.pins })),
    log: out.log,
    steps: out.steps,
    call: callToDto(call),
  };
}

/** One line saying what the call returned, for titles and tables. */
export function describeReturn(result: ReplayResultDto): string {
  return result.ret < 0
    ? `returned ${errnoName(result.ret)}`
    : `returned ${result.ret} bvec(s) covering ${result.bytes} bytes`;
}
