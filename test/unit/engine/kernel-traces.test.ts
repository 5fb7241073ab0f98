// Every call recorded in test/fixtures/kernel-traces (a Debian 6.12.117 kernel, variant v3):
// the engine, fed the call's inputs and the faults the trace reveals,
// reproduces what the kernel did, field by field.
import assert from 'node:assert/strict';
import { normaliseCall, replayCall, unpinsSeen } from '../../../extension/engine';
import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { traceFiles, type ExpectedCall } from '../../support/kernel-traces';

const PAGE = 4096;

/** The syscall's buffer as the kernel imported it: import_iovec clamps to the kernel count. */
function segments(call: ExpectedCall): Array<{ addr: string; len: number }> {
  let left = call.truth.kernel_count;
  return call.truth.segments.map((s) => {
    const len = Math.min(s.len, left);
    left -= len;
    return { addr: s.base, len };
  });
}

/** Pages GUP could not pin: where each failing pin round stopped. */
function faultsFromPinRounds(call: ExpectedCall): number[] {
  return call.pin_rounds.flatMap((r) => {
    if (r.start === undefined || r.ret === undefined || r.nr_pages === undefined || r.ret >= r.nr_pages) return [];
    return [Number(r.start) + Math.max(0, r.ret) * PAGE];
  });
}

/** Without pin-round details: the first byte the syscall did not move is on the page that failed. */
function faultsFromSyscall(call: ExpectedCall): number[] {
  const t = call.truth;
  const moved = t.syscall_ret < 0 ? 0 : t.syscall_ret;
  if (moved >= t.kernel_count) return [];
  let offset = moved;
  for (const seg of segments(call)) {
    if (offset < seg.len) return [Number(seg.addr) + offset - ((Number(seg.addr) + offset) % PAGE)];
    offset -= seg.len;
  }
  return [];
}

function isRead(call: ExpectedCall): boolean {
  if (call.args?.data_source !== undefined) return call.args.data_source === 0;
  return /read/.test(call.truth.op);
}

function describe_(call: ExpectedCall, untouched: number[] = []) {
  const detailed = call.pin_rounds.some((r) => r.start !== undefined);
  const iterName = call.args?.iter_type_name ?? call.truth.predicted_iter_type;
  const faults = detailed ? faultsFromPinRounds(call) : faultsFromSyscall(call);
  return normaliseCall({
    iter: iterName === 'ITER_UBUF' ? 'ubuf' : 'iovec',
    segments: iterName === 'ITER_UBUF' ? segments(call).filter((s) => s.len > 0).slice(0, 1) : segments(call),
    len: call.args?.orig_len ?? call.truth.kernel_count,
    iovOffset: call.args?.iov_offset ?? 0,
    dir: isRead(call) ? 'read' : 'write',
    variant: 'v3',
    kernel: '6.12',
    unmapped: faults.map((addr) => ({ addr, len: PAGE })),
    // Pages the kernel pinned as one shared page at different addresses are the zero page.
    untouched: untouched.map((addr) => ({ addr, len: PAGE })),
    readonly: untouched.map((addr) => ({ addr, len: PAGE })),
  });
}

/** Pages the trace shows as one physical page at several user addresses. */
function sharedPhysicalPages(call: ExpectedCall, first: ReplayResultDto): number[] {
  const byPfn = new Map<number, Set<string>>();
  for (const bv of call.bvecs ?? []) {
    const ours = first.bvecs[bv.idx];
    if (!ours?.uaddr) continue;
    byPfn.set(bv.pfn, (byPfn.get(bv.pfn) ?? new Set()).add(ours.uaddr));
  }
  return [...byPfn.values()].filter((addrs) => addrs.size > 1).flatMap((addrs) => [...addrs].map(Number));
}

describe('engine against real kernel traces (test/fixtures/kernel-traces, 6.12.117, v3)', function () {
  const files = traceFiles();
  for (const file of files) {
    describe(file.path, () => {
      for (const call of file.expected_calls) {
        it(`call ${call.seq}: ${call.truth.op} ${call.truth.note ?? ''}`.trim(), () => {
          let r = replayCall(describe_(call));
          const shared = sharedPhysicalPages(call, r);
          if (shared.length) r = replayCall(describe_(call, shared));

          const detailed = call.pin_rounds.some((p) => p.start !== undefined);
          if (detailed) {
            assert.deepEqual(
              r.pinRounds.map((p) => [p.start, p.nrPages, p.gupFlags, p.ret]),
              call.pin_rounds.map((p) => [p.start, p.nr_pages, p.gup_flags, p.ret]),
              'pin rounds',
            );
          } else {
            assert.equal(r.pinRounds.length, call.pin_rounds.length, 'number of pin_user_pages_fast calls');
          }
          if (call.ret !== undefined) assert.equal(r.ret, call.ret, 'return value');
          if (call.new_after && r.ret >= 0) {
            assert.equal(r.bytes, call.new_after.count, 'new iterator count');
            assert.equal(r.newIter?.nrSegs, call.new_after.nr_segs, 'new iterator nr_segs');
          }
          if (call.orig_after) {
            assert.deepEqual(
              [r.origAfter.count, r.origAfter.iovOffset, r.origAfter.nrSegs],
              [call.orig_after.count, call.orig_after.iov_offset, call.orig_after.nr_segs],
              'orig after the call',
            );
          }
          for (const bv of call.bvecs ?? []) {
            assert.deepEqual([r.bvecs[bv.idx]?.offset, r.bvecs[bv.idx]?.len], [bv.offset, bv.len], `bvec ${bv.idx}`);
          }
          for (const slot of (call.bvec_slots_first4 ?? []).filter((s) => s.meaningful)) {
            assert.deepEqual([r.bvecs[slot.idx]?.offset, r.bvecs[slot.idx]?.len], [slot.offset, slot.len], `bvec slot ${slot.idx}`);
          }
          // Same physical page in the trace <=> same page in the model.
          const traced = call.bvecs ?? [];
          for (const a of traced) {
            for (const b of traced) {
              if (a.idx < b.idx) {
                assert.equal(r.bvecs[a.idx]?.page === r.bvecs[b.idx]?.page, a.pfn === b.pfn, `bvecs ${a.idx} and ${b.idx} share a page`);
              }
            }
          }
          if (call.unpins) assert.equal(unpinsSeen(r), call.unpins.length, 'unpin_user_page calls');
          const gupChildren = call.graph_children?.filter((c) => c === 'pin_user_pages_fast').length;
          if (gupChildren !== undefined) assert.equal(r.pinRounds.length, gupChildren, 'pin_user_pages_fast children');
          // Every pin is released once the caller has cleaned up.
          assert.equal(r.pinnedAfterCleanup, 0, 'pins left after cleanup');
          // The syscall moved what the new iterator covered (or failed with the errno).
          if (call.truth.syscall_ret >= 0) assert.equal(r.bytes, call.truth.syscall_ret, 'syscall result');
          else assert.equal(r.ret, -call.truth.errno, 'syscall errno');
        });
      }
    });
  }
});
