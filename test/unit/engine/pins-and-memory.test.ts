// Pin accounting and the address space (spec §2.6): small and large folios,
// the zero page before and after 6.5, faulting in, FOLL_NOFAULT, VM_IO,
// injected GUP errors and a sibling thread changing the mappings mid-call.
import assert from 'node:assert/strict';
import { normaliseCall, replayCall } from '../../../extension/engine';
import type { ReplayResultDto } from '../../../extension/protocol/dto';

const A = 0x7f0000000000;
const hex = (n: number) => '0x' + n.toString(16);

function replay(call: Record<string, unknown>): ReplayResultDto {
  return replayCall(normaliseCall(call));
}

const ubuf = (addr: number, len: number) => ({ iter: 'ubuf', segments: [{ addr: hex(addr), len }] });

describe('engine: pins and memory', () => {
  it('small folios: each pin adds GUP_PIN_COUNTING_BIAS (1024) to the refcount', () => {
    const r = replay({ ...ubuf(A, 0x2000) });
    // One run of two consecutive pages, each +1024.
    assert.deepEqual(r.pages.map((p) => [p.uaddr, p.pages, p.refcountDelta, p.pincountDelta]), [[hex(A), 2, 1024, 0]]);
  });

  it('large folios: each pin adds 1 to the refcount and 1 to _pincount; subpages share the folio', () => {
    const r = replay({
      ...ubuf(A, 0x3000),
      vmas: [{ addr: hex(A), len: 0x200000, prot: 'rw', kind: 'anon', populated: true, folioOrder: 9 }],
    });
    assert.deepEqual(r.pages.map((p) => [p.pages, p.refcountDelta, p.pincountDelta]), [[3, 1, 1]]);
  });

  it('the zero page: a write from untouched memory pins it; counted on 6.3/6.4, exempt from 6.5', () => {
    const call = { ...ubuf(A, 0x2000), dir: 'write', untouched: [{ addr: hex(A), len: 0x2000 }] };
    const old = replay({ ...call, kernel: '6.4' });
    assert.deepEqual(old.pages.map((p) => [p.page, p.pages, p.zeroPage, p.pinned, p.refcountDelta]), [[-1, 1, true, 2, 2048]]);
    assert.equal(old.bvecs[0]!.page, old.bvecs[1]!.page, 'both bvecs name the one zero page');
    const now = replay({ ...call, kernel: '6.12' });
    assert.deepEqual(now.pages.map((p) => [p.page, p.pinned, p.refcountDelta]), [[-1, 2, 0]]);
  });

  it('a read into untouched memory faults in fresh pages (FOLL_WRITE), never the zero page', () => {
    const r = replay({ ...ubuf(A, 0x2000), dir: 'read', untouched: [{ addr: hex(A), len: 0x2000 }] });
    assert.deepEqual(r.pages.map((p) => [p.pages, p.zeroPage]), [[2, false]]);
  });

  it('FOLL_NOFAULT: an absent page fails the pin instead of being faulted in', () => {
    const r = replay({ ...ubuf(A, 0x2000), dir: 'read', nofault: true, untouched: [{ addr: hex(A + 0x1000), len: 0x1000 }] });
    assert.deepEqual(r.pinRounds.map((p) => [p.gupFlags, p.ret]), [[0x21, 1], [0x21, -14]]);
    assert.equal(r.ret, 1);
  });

  it('VM_IO/VM_PFNMAP and PROT_NONE mappings refuse GUP with -EFAULT', () => {
    for (const vma of [
      { addr: hex(A), len: 0x2000, prot: 'rw', kind: 'io', populated: true, folioOrder: 0 },
      { addr: hex(A), len: 0x2000, prot: 'none', kind: 'anon', populated: true, folioOrder: 0 },
    ]) {
      assert.equal(replay({ ...ubuf(A, 0x2000), vmas: [vma] }).ret, -14);
    }
  });

  it('outside every explicit mapping is unmapped', () => {
    const r = replay({ ...ubuf(A, 0x2000), vmas: [{ addr: hex(A), len: 0x1000, prot: 'rw', kind: 'file', populated: false, folioOrder: 0 }] });
    assert.deepEqual([r.ret, r.bytes], [1, 0x1000]);
  });

  it('a sibling thread unmaps the rest of the buffer before the second extraction', () => {
    const call = {
      iter: 'iovec',
      segments: [
        { addr: hex(A), len: 0x1000 },
        { addr: hex(A + 0x10000), len: 0x1000 },
      ],
      events: [{ kind: 'unmap', at: 1, addr: hex(A + 0x10000), len: 0x1000 }],
    };
    const r = replay(call);
    assert.deepEqual([r.ret, r.bytes], [1, 0x1000]);
    assert.match(r.steps.find((s) => s.anchor === 'extract' && s.title.endsWith('#2'))!.detail, /sibling thread unmapped/);
  });

  it('a sibling thread remaps a range: the pin finds fresh pages, read-only ones refuse FOLL_WRITE', () => {
    const base = { iter: 'iovec', segments: [{ addr: hex(A), len: 0x1000 }, { addr: hex(A), len: 0x1000 }] };
    const fresh = replay({ ...base, events: [{ kind: 'remap', at: 1, addr: hex(A), len: 0x1000, prot: 'rw' }] });
    assert.equal(fresh.ret, 2);
    assert.notEqual(fresh.bvecs[0]!.page, fresh.bvecs[1]!.page, 'same address, new physical page');
    const readOnly = replay({ ...base, events: [{ kind: 'remap', at: 1, addr: hex(A), len: 0x1000, prot: 'r' }] });
    assert.deepEqual([readOnly.ret, readOnly.bytes], [1, 0x1000]);
  });

  it('GUP -EHWPOISON on the first page is returned as the error', () => {
    const r = replay({ ...ubuf(A, 0x1000), events: [{ kind: 'gup-error', addr: hex(A), len: 0x1000, errno: 'EHWPOISON' }] });
    assert.equal(r.ret, -133);
  });

  it('caller cleanup releases every pin of a full extraction (E2: a page pinned twice is unpinned twice)', () => {
    const r = replay({
      iter: 'iovec',
      segments: [
        { addr: hex(A), len: 0x800 },
        { addr: hex(A + 0x800), len: 0x1000 },
      ],
    });
    assert.equal(r.pinned, 3);
    assert.equal(r.pinnedAfterCleanup, 0);
  });

  it('the kvmalloc block: 16 bytes per page, pointers in the second half', () => {
    const r = replay({ ...ubuf(A + 0x100, 0x3000) });
    assert.deepEqual(r.block, { bytes: 64, pointersAt: 32, freed: false, overflowBytes: 0, clobbers: [] });
  });

  it('kvmalloc above INT_MAX is refused with -ENOMEM', () => {
    // 2 × 67,108,864 pages of IOVEC segments would need a 2 GiB block (unreachable through
    // syscalls, which clamp to MAX_RW_COUNT, but the check is there).
    const segments = Array.from({ length: 2 }, (_, i) => ({ addr: hex(0x10000000 + i * 0x4000000000), len: 0x4000000000 }));
    const r = replay({ iter: 'iovec', segments, len: 0x1000 });
    assert.equal(r.ret, -12);
    assert.equal(r.pinRounds.length, 0);
  });
});
