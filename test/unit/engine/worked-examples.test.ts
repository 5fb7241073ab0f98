// The spec's worked examples (kernel-semantics.md §1.7), checked field by field.
import assert from 'node:assert/strict';
import { EXAMPLE_E1, normaliseCall, replayCall } from '../../../extension/engine';
import type { ReplayResultDto, VariantId } from '../../../extension/protocol/dto';

const A = 0x7f0000001000;
const hex = (n: number) => '0x' + n.toString(16);
const VARIANTS: VariantId[] = ['v0', 'v1', 'v2', 'v3'];

function replay(call: Record<string, unknown>): ReplayResultDto {
  return replayCall(normaliseCall(call));
}

function bvecs(result: ReplayResultDto): Array<[number, number, number]> {
  return result.bvecs.map((bv) => [Number(bv.uaddr), bv.offset, bv.len]);
}

const E1 = { iter: 'ubuf', segments: [{ addr: hex(A + 0x100), len: 0x3000 }], dir: 'read' };

describe('engine: worked examples E1–E6', () => {
  for (const variant of VARIANTS) {
    it(`E1 (${variant}): one extraction, 4 bvecs, 4 pins, orig fully consumed`, () => {
      const r = replay({ ...E1, variant });
      assert.equal(r.ret, 4);
      assert.equal(r.bytes, 0x3000);
      assert.equal(r.maxPages, 4);
      assert.deepEqual(bvecs(r), [
        [A, 0x100, 0xf00],
        [A + 0x1000, 0, 0x1000],
        [A + 0x2000, 0, 0x1000],
        [A + 0x3000, 0, 0x100],
      ]);
      assert.equal(r.pinned, 4);
      assert.equal(r.origAdvance, 0x3000);
      assert.equal(r.steps.filter((s) => s.anchor === 'extract').length, 1);
      assert.deepEqual(r.anomalies, []);
      assert.deepEqual(r.log, []);
    });
  }

  it('the bundled example call is E1', () => {
    assert.deepEqual(bvecs(replay({ ...EXAMPLE_E1 })), bvecs(replay(E1)));
  });

  it('E2: IOVEC with an empty segment; page A pinned twice', () => {
    const r = replay({
      iter: 'iovec',
      segments: [
        { addr: hex(A), len: 0x800 },
        { addr: hex(A + 0x800), len: 0 },
        { addr: hex(A + 0x800), len: 0x1000 },
      ],
    });
    assert.equal(r.maxPages, 3);
    assert.equal(r.ret, 3);
    assert.equal(r.bytes, 0x1800);
    assert.deepEqual(bvecs(r), [
      [A, 0, 0x800],
      [A, 0x800, 0x800],
      [A + 0x1000, 0, 0x800],
    ]);
    assert.deepEqual(
      r.pages.map((p) => [p.uaddr, p.pinned, p.held, p.leaked, p.refcountDelta]),
      [
        [hex(A), 2, 2, 0, 2048],
        [hex(A + 0x1000), 1, 1, 0, 1024],
      ],
    );
    assert.equal(r.pinnedAfterCleanup, 0);
    assert.equal(r.steps.filter((s) => s.anchor === 'extract').length, 2);
  });

  it('E3 (v0): first page unmapped -> 0 bvecs, empty iterator, pr_err, empty-result anomaly', () => {
    const r = replay({ ...E1, variant: 'v0', unmapped: [{ addr: hex(A), len: 0x1000 }] });
    assert.equal(r.ret, 0);
    assert.equal(r.bytes, 0);
    assert.equal(r.pinned, 0);
    assert.equal(r.origAdvance, 0);
    assert.deepEqual(r.log, ["netfs: Couldn't get user pages (rc=-14)"]);
    assert.deepEqual(r.anomalies.map((a) => a.kind), ['empty-result']);
  });

  for (const variant of ['v1', 'v2', 'v3'] as const) {
    it(`E3 (${variant}): first page unmapped -> -EFAULT, block freed, nothing pinned`, () => {
      const r = replay({ ...E1, variant, unmapped: [{ addr: hex(A), len: 0x1000 }] });
      assert.equal(r.ret, -14);
      assert.equal(r.bytes, null);
      assert.equal(r.pinned, 0);
      assert.deepEqual(r.log, []);
      assert.ok(r.steps.some((s) => s.anchor === 'cleanup'));
    });
  }

  for (const variant of VARIANTS) {
    it(`E4 (${variant}): third page unmapped -> 2 bvecs, short count 0x1f00`, () => {
      const r = replay({ ...E1, variant, unmapped: [{ addr: hex(A + 0x2000), len: 0x1000 }] });
      assert.equal(r.ret, 2);
      assert.equal(r.bytes, 0x1f00);
      assert.deepEqual(bvecs(r), [
        [A, 0x100, 0xf00],
        [A + 0x1000, 0, 0x1000],
      ]);
      assert.equal(r.origAdvance, 0x1f00);
      assert.equal(r.pinned, 2);
      assert.deepEqual(r.log, variant === 'v0' ? ["netfs: Couldn't get user pages (rc=-14)"] : []);
      assert.deepEqual(r.anomalies.map((a) => a.kind), ['short-extraction', 'partial-pin']);
      assert.deepEqual(r.pinRounds, [
        { start: hex(A), nrPages: 4, gupFlags: 1, ret: 2 },
        { start: hex(A + 0x2000), nrPages: 2, gupFlags: 1, ret: -14 },
      ]);
      assert.deepEqual(r.origAfter, { type: 'ITER_UBUF (0)', count: 0x1100, iovOffset: 0x1f00, nrSegs: 1, segment: 0 });
    });
  }

  it('E5: -ENOMEM at the third page: v0 short success, v1–v3 unpin both and return -12', () => {
    const enomem = [{ kind: 'gup-error', addr: hex(A + 0x2000), len: 0x1000, errno: 'ENOMEM' }];
    const v0 = replay({ ...E1, variant: 'v0', events: enomem });
    assert.equal(v0.ret, 2);
    assert.equal(v0.bytes, 0x1f00);
    assert.deepEqual(v0.log, ["netfs: Couldn't get user pages (rc=-12)"]);
    assert.ok(v0.anomalies.some((a) => a.kind === 'enomem-as-short'));
    for (const variant of ['v1', 'v2', 'v3']) {
      const r = replay({ ...E1, variant, events: enomem });
      assert.equal(r.ret, -12);
      assert.equal(r.bytes, null);
      assert.equal(r.pinned, 0);
      assert.deepEqual(r.pages.map((p) => [p.pages, p.pinned, p.held]), [[2, 1, 0]]);
      assert.equal(r.block?.freed, true);
    }
  });

  it('E6: a fault on the second IOVEC segment leaves one bvec', () => {
    const r = replay({
      iter: 'iovec',
      segments: [
        { addr: hex(A + 0x10), len: 0x20 },
        { addr: hex(A + 0x10000), len: 0x2000 },
      ],
      unmapped: [{ addr: hex(A + 0x10000), len: 0x2000 }],
    });
    assert.equal(r.maxPages, 3);
    assert.equal(r.ret, 1);
    assert.deepEqual(bvecs(r), [[A, 0x10, 0x20]]);
    assert.equal(r.bytes, 0x20);
    assert.equal(r.origAdvance, 0x20);
  });

  it('a read into a read-only mapping faults (FOLL_WRITE); a write from it does not', () => {
    const readonly = [{ addr: hex(A), len: 0x4000 }];
    assert.equal(replay({ ...E1, readonly }).ret, -14);
    assert.equal(replay({ ...E1, dir: 'write', readonly }).ret, 4);
  });

  it('orig_len 0: v3 returns 0; v1 and v2 read an uninitialised ret', () => {
    assert.equal(replay({ ...E1, len: 0, variant: 'v3' }).anomalies.length, 0);
    for (const variant of ['v1', 'v2']) {
      const r = replay({ ...E1, len: 0, variant });
      assert.deepEqual(r.anomalies.map((a) => a.kind), ['undefined-behaviour']);
    }
  });

  it('16 KiB pages: E1 crosses one page boundary; 64 KiB pages: it fits in one page', () => {
    const r16 = replay({ ...E1, pageSize: 16384 });
    assert.equal(r16.maxPages, 2);
    assert.deepEqual(bvecs(r16), [
      [0x7f0000000000, 0x1100, 0x2f00],
      [0x7f0000004000, 0, 0x100],
    ]);
    const r64 = replay({ ...E1, pageSize: 65536 });
    assert.deepEqual(bvecs(r64), [[0x7f0000000000, 0x1100, 0x3000]]);
  });
});
