// The return/side-effect table of the spec (§1.5) and the V0-vs-V3 matrix
// (§1.6): one input, four variants, each outcome checked.
import assert from 'node:assert/strict';
import { normaliseCall, replayCall } from '../../../extension/engine';
import type { ReplayResultDto } from '../../../extension/protocol/dto';

const A = 0x7f0000001000;
const hex = (n: number) => '0x' + n.toString(16);
const E1 = { iter: 'ubuf', segments: [{ addr: hex(A + 0x100), len: 0x3000 }], dir: 'read' };
const IOV3 = {
  iter: 'iovec',
  segments: [
    { addr: hex(A), len: 0x1000 },
    { addr: hex(A + 0x10000), len: 0x1000 },
    { addr: hex(A + 0x20000), len: 0x1000 },
  ],
};

function replay(call: Record<string, unknown>): ReplayResultDto {
  return replayCall(normaliseCall(call));
}

function kinds(r: ReplayResultDto): string[] {
  return r.anomalies.map((a) => a.kind);
}

describe('engine: the variant matrix (spec §1.5, §1.6)', () => {
  it('a kernel-backed iterator: WARN_ON_ONCE and -EIO in every variant, nothing allocated', () => {
    for (const variant of ['v0', 'v1', 'v2', 'v3']) {
      const r = replay({ ...E1, iter: 'kvec', variant });
      assert.equal(r.ret, -5);
      assert.equal(r.block, null);
      assert.equal(r.pinRounds.length, 0);
      assert.match(r.log[0]!, /^WARNING: netfs_extract_user_iter: /);
      assert.deepEqual(kinds(r), ['wrong-iterator-type']);
    }
  });

  it('EFAULT on a middle page: identical short result; v0 logs, v3 is silent', () => {
    const unmapped = [{ addr: hex(A + 0x1000), len: 0x1000 }];
    const v0 = replay({ ...E1, variant: 'v0', unmapped });
    const v3 = replay({ ...E1, variant: 'v3', unmapped });
    assert.deepEqual([v0.ret, v0.bytes, v0.bvecs], [1, 0xf00, v3.bvecs]);
    assert.deepEqual([v3.ret, v3.bytes], [1, 0xf00]);
    assert.deepEqual(v0.log, ["netfs: Couldn't get user pages (rc=-14)"]);
    assert.deepEqual(v3.log, []);
  });

  it('EFAULT on a later IOVEC segment: short (earlier segments), v0 pr_err, v3 silent', () => {
    const unmapped = [{ addr: hex(A + 0x20000), len: 0x1000 }];
    for (const variant of ['v0', 'v3']) {
      const r = replay({ ...IOV3, variant, unmapped });
      assert.deepEqual([r.ret, r.bytes], [2, 0x2000]);
      assert.equal(r.log.length, variant === 'v0' ? 1 : 0);
      assert.deepEqual(r.origAfter.segment, 2);
    }
  });

  it('zero-length IOVEC segments anywhere are skipped: no pages, no bvecs', () => {
    const r = replay({
      iter: 'iovec',
      segments: [
        { addr: hex(A), len: 0 },
        { addr: hex(A + 0x10), len: 0x10 },
        { addr: hex(A + 0x5000), len: 0 },
        { addr: hex(A + 0x6000), len: 0x1000 },
        { addr: hex(A + 0x9000), len: 0 },
      ],
    });
    assert.equal(r.maxPages, 2);
    assert.deepEqual(r.bvecs.map((b) => [b.offset, b.len]), [[0x10, 0x10], [0, 0x1000]]);
    assert.equal(r.pinRounds.length, 2);
  });

  it('extractor returns 0 on the first call: v0 livelocks, v1–v3 return -EIO and free the block', () => {
    const events = [{ kind: 'extractor', at: 0, ret: 0, times: 1000 }];
    const v0 = replay({ ...E1, variant: 'v0', events });
    assert.ok(kinds(v0).includes('livelock'));
    assert.ok(kinds(v0).includes('undefined-behaviour'), 'first_off was never written');
    for (const variant of ['v1', 'v2', 'v3']) {
      const r = replay({ ...E1, variant, events });
      assert.equal(r.ret, -5);
      assert.equal(r.block?.freed, true);
    }
  });

  it('extractor returns 0 after k bvecs: v1–v3 short; v0 builds zero-length bvecs from stale pointers', () => {
    // IOVEC: the first call extracts segment 0 (offset 0x100 into its page), then the extractor returns 0 for good.
    const call = {
      iter: 'iovec',
      segments: [
        { addr: hex(A + 0x100), len: 0x100 },
        { addr: hex(A + 0x10000), len: 0x2000 },
      ],
      events: [{ kind: 'extractor', at: 1, ret: 0, times: 1000 }],
    };
    const v3 = replay({ ...call, variant: 'v3' });
    assert.deepEqual([v3.ret, v3.bytes], [1, 0x100]);
    const v0 = replay({ ...call, variant: 'v0' });
    // first_off keeps 0x100 from the first call: each round appends a zero-length bvec until the array is full.
    assert.equal(v0.ret, v0.maxPages);
    assert.deepEqual(v0.bvecs.slice(1).map((b) => [b.uaddr, b.len]), [[null, 0], [null, 0]]);
    assert.ok(kinds(v0).includes('stale-page-pointer'));
  });

  it('bytes overrun with nothing before: v0/v1 return 0 and leak the batch; v2/v3 WARN and -EIO', () => {
    const events = [{ kind: 'extractor', at: 0, ret: 0x4000 }];
    for (const variant of ['v0', 'v1']) {
      const r = replay({ ...E1, variant, events });
      assert.deepEqual([r.ret, r.bytes], [0, 0]);
      assert.deepEqual(r.log, ['netfs: get_pages rc=16384 more than 12288']);
      assert.equal(r.pinned, 4);
      assert.ok(kinds(r).includes('pins-leaked'));
    }
    for (const variant of ['v2', 'v3']) {
      const r = replay({ ...E1, variant, events });
      assert.equal(r.ret, -5);
      assert.deepEqual(r.log, ['WARNING: netfs_extract_user_iter: extract_pages overrun 16384 > 12288 bytes']);
      assert.equal(r.block?.freed, true);
      assert.equal(r.pinnedAfterCleanup, 4, 'the batch pins leak even after cleanup');
    }
  });

  it('bytes overrun after k bvecs: every variant returns k, the batch leaks', () => {
    const events = [{ kind: 'extractor', at: 1, ret: 0x3000 }];
    for (const variant of ['v0', 'v1', 'v2', 'v3']) {
      const r = replay({ ...IOV3, variant, events });
      assert.deepEqual([r.ret, r.bytes], [1, 0x1000]);
      assert.equal(r.pinnedAfterCleanup, 1);
    }
  });

  it('page-capacity overrun: v0/v1 count the batch without bvecs; v2/v3 WARN and exclude it', () => {
    // Call 2 writes 3 pointers and reports 0x1000 bytes at offset 0x1100: 3 pages, 2 slots left.
    const events = [{ kind: 'extractor', at: 1, pages: 3, ret: 0x1000, offset: 0x1100 }];
    for (const variant of ['v0', 'v1']) {
      const r = replay({ ...IOV3, variant, events });
      assert.deepEqual([r.ret, r.bytes], [1, 0x2000]);
      assert.deepEqual(r.log, ['netfs: Out of bvec array capacity (4 vs 3)']);
      assert.ok(kinds(r).includes('inconsistent-iterator'));
      assert.ok(kinds(r).includes('heap-overflow'), 'the third pointer landed past the block');
      assert.equal(r.block?.overflowBytes, 8);
    }
    for (const variant of ['v2', 'v3']) {
      const r = replay({ ...IOV3, variant, events });
      assert.deepEqual([r.ret, r.bytes], [1, 0x1000]);
      assert.deepEqual(r.log, ['WARNING: netfs_extract_user_iter: extract_pages overrun 4 > 3 pages']);
      assert.ok(!kinds(r).includes('inconsistent-iterator'));
      assert.equal(r.pinnedAfterCleanup, 3, "the offending batch's pins leak");
    }
  });

  it('what if iov_iter_npages reported 2 pages for E1: the extractor is capped at 2, the loop stops at capacity, short in every variant', () => {
    for (const variant of ['v0', 'v1', 'v2', 'v3']) {
      const r = replay({ ...E1, variant, events: [{ kind: 'npages', pages: 2 }] });
      assert.deepEqual([r.ret, r.bytes, r.maxPages, r.block?.bytes], [2, 0x2000 - 0x100, 2, 32]);
      assert.deepEqual(r.pinRounds.map((p) => [p.nrPages, p.ret]), [[2, 2]]);
      assert.deepEqual(r.log, []);
      assert.match(r.steps[0]!.detail, /max_pages = 2 — what if: the buffer spans 4 page/);
    }
    // More room than the buffer needs changes nothing but the block.
    const roomy = replay({ ...E1, events: [{ kind: 'npages', pages: 6 }] });
    assert.deepEqual([roomy.ret, roomy.bytes, roomy.block?.bytes], [4, 0x3000, 96]);
  });

  it('each step records the state after it: pointers written, GUP rounds, bvecs, the block freed', () => {
    const e1 = replay(E1);
    const at = (r: ReplayResultDto, anchor: string) => r.steps.find((s) => s.anchor === anchor)!.state;
    assert.deepEqual([at(e1, 'alloc').pointers, at(e1, 'alloc').pinRounds, at(e1, 'alloc').npages], [0, 0, 0]);
    assert.deepEqual([at(e1, 'extract').pointers, at(e1, 'extract').pinRounds, at(e1, 'extract').npages, at(e1, 'extract').pinsHeld], [4, 1, 0, 4]);
    assert.deepEqual([at(e1, 'fill').npages, at(e1, 'fill').count, at(e1, 'fill').blockFreed], [4, 0, false]);
    // E5: -ENOMEM on the third page; v3 unpins both pages and frees the block.
    const e5 = replay({ ...E1, events: [{ kind: 'gup-error', errno: 'ENOMEM', addr: hex(A + 0x2000), len: 0x1000 }] });
    assert.deepEqual([at(e5, 'extract').pinsHeld, at(e5, 'extract').pointers], [2, 2]);
    assert.deepEqual([at(e5, 'cleanup').pinsHeld, at(e5, 'cleanup').blockFreed], [0, true]);
  });

  it('orig_len 0: v0 and v3 return 0 with an empty iterator; v1/v2 are undefined', () => {
    for (const variant of ['v0', 'v3']) {
      const r = replay({ ...E1, len: 0, variant });
      assert.deepEqual([r.ret, r.bytes, kinds(r)], [0, 0, []]);
    }
    for (const variant of ['v1', 'v2']) {
      assert.deepEqual(kinds(replay({ ...E1, len: 0, variant })), ['undefined-behaviour']);
    }
  });

  it('an empty iterator (max_pages 0): kvmalloc(0) succeeds, the loop never runs', () => {
    const r = replay({ iter: 'iovec', segments: [{ addr: hex(A), len: 0 }], variant: 'v3' });
    assert.deepEqual([r.ret, r.bytes, r.maxPages, r.block?.bytes], [0, 0, 0, 0]);
  });
});
