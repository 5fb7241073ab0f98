// Properties over random layouts, page sizes, faults and variants (fast-check).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normaliseCall, replayCall } from '../../../extension/engine';
import type { ReplayResultDto } from '../../../extension/protocol/dto';

const BASE = 0x7f0000000000;
const hex = (n: number) => '0x' + n.toString(16);

/** A random call: segments over a small window of pages (so they share pages), faults in that window. */
const arbitraryCall = fc
  .record({
    pageSize: fc.constantFrom(4096, 16384, 65536),
    iovec: fc.boolean(),
    segments: fc.array(fc.record({ page: fc.nat(12), offset: fc.nat(65535), len: fc.nat(3 * 65536) }), { minLength: 1, maxLength: 6 }),
    unmappedPages: fc.uniqueArray(fc.nat(15), { maxLength: 3 }),
    readonlyPages: fc.uniqueArray(fc.nat(15), { maxLength: 3 }),
    enomemPage: fc.option(fc.nat(15), { nil: undefined }),
    dir: fc.constantFrom('read', 'write'),
    shortenBy: fc.nat(5000),
  })
  .map((g) => {
    const segs = (g.iovec ? g.segments : g.segments.slice(0, 1)).map((s) => ({
      addr: hex(BASE + s.page * g.pageSize + (s.offset % g.pageSize)),
      len: s.len % (3 * g.pageSize),
    }));
    const total = segs.reduce((sum, s) => sum + s.len, 0);
    const page = (k: number) => ({ addr: hex(BASE + k * g.pageSize), len: g.pageSize });
    return {
      iter: g.iovec ? 'iovec' : 'ubuf',
      segments: segs,
      len: Math.max(0, total - g.shortenBy),
      dir: g.dir,
      pageSize: g.pageSize,
      unmapped: g.unmappedPages.map(page),
      readonly: g.readonlyPages.map(page),
      events: g.enomemPage === undefined ? [] : [{ kind: 'gup-error', ...page(g.enomemPage), errno: 'ENOMEM' }],
    };
  });

const run = (call: Record<string, unknown>, variant: string): ReplayResultDto => replayCall(normaliseCall({ ...call, variant }));
const RUNS = { numRuns: 400 };

describe('engine: properties (fast-check)', () => {
  it('Σ bv_len equals the new count, which equals how far orig advanced', () => {
    fc.assert(
      fc.property(arbitraryCall, fc.constantFrom('v0', 'v1', 'v2', 'v3'), (call, variant) => {
        const r = run(call, variant);
        if (r.bytes === null) return;
        assert.equal(r.bvecs.reduce((s, b) => s + b.len, 0), r.bytes);
        assert.equal(r.origAdvance, r.bytes);
      }),
      RUNS,
    );
  });

  it('every bvec lies inside one page and is not empty; only a batch start has an offset', () => {
    fc.assert(
      fc.property(arbitraryCall, fc.constantFrom('v0', 'v3'), (call, variant) => {
        const r = run(call, variant);
        for (const bv of r.bvecs) {
          assert.ok(bv.len > 0);
          assert.ok(bv.offset + bv.len <= call.pageSize);
        }
      }),
      RUNS,
    );
  });

  it('pins held = bvecs until cleanup, none after; an error return holds none; nothing beyond max_pages', () => {
    fc.assert(
      fc.property(arbitraryCall, fc.constantFrom('v0', 'v1', 'v2', 'v3'), (call, variant) => {
        const r = run(call, variant);
        assert.ok(r.bvecs.length <= r.maxPages);
        assert.equal(r.pinnedAfterCleanup, 0);
        if (r.ret >= 0) assert.equal(r.pinned, r.ret);
        else assert.equal(r.pinned, 0);
      }),
      RUNS,
    );
  });

  it('v1–v3 never return 0 bvecs for a non-empty request', () => {
    fc.assert(
      fc.property(arbitraryCall, fc.constantFrom('v1', 'v2', 'v3'), (call, variant) => {
        const r = run(call, variant);
        if (call.len > 0 && r.maxPages > 0) assert.notEqual(r.ret, 0);
      }),
      RUNS,
    );
  });

  it('v0 and v3 agree wherever the spec says they do', () => {
    fc.assert(
      fc.property(arbitraryCall, (call) => {
        const v0 = run(call, 'v0');
        const v3 = run(call, 'v3');
        if (v3.ret >= 0) {
          assert.deepEqual([v0.ret, v0.bytes, v0.bvecs, v0.origAdvance], [v3.ret, v3.bytes, v3.bvecs, v3.origAdvance]);
        } else if (v3.ret === -12) {
          // -ENOMEM after k bvecs: v0 keeps a short success (or 0 when k = 0).
          assert.ok(v0.ret >= 0);
        } else {
          // Any other error happens before the first bvec: v0 reports an empty success.
          assert.deepEqual([v0.ret, v0.bytes], [0, 0]);
        }
      }),
      RUNS,
    );
  });
});
