// iov_iter_npages and iov_iter_advance on their own (spec §2.3, §2.4).
import assert from 'node:assert/strict';
import { iovIterAdvance, iovIterNpages, userIter } from '../../../extension/engine/iov-iter';

describe('engine: iov_iter', () => {
  const seg = (addr: number, len: number) => ({ addr, len });

  it('npages counts pages per segment, skips empty ones, counts a shared page twice', () => {
    const it = userIter('iovec', 'read', [seg(0x1000, 0x800), seg(0x1800, 0), seg(0x1800, 0x1000)], 0);
    assert.equal(iovIterNpages(it, 0x7fffffff, 4096), 3);
    assert.equal(iovIterNpages(it, 2, 4096), 2, 'capped at maxpages');
  });

  it('npages of a UBUF uses the in-page offset of the current position', () => {
    const it = userIter('ubuf', 'read', [seg(0x1100, 0x3000)], 0);
    assert.equal(iovIterNpages(it, 0x7fffffff, 4096), 4);
    iovIterAdvance(it, 0xf00);
    assert.equal(iovIterNpages(it, 0x7fffffff, 4096), 3);
  });

  it('advance moves through segments, skipping empty ones, and clamps to count', () => {
    const it = userIter('iovec', 'read', [seg(0x1000, 0x800), seg(0x9000, 0), seg(0x2000, 0x100)], 0);
    iovIterAdvance(it, 0x800);
    assert.deepEqual([it.segIndex, it.iovOffset, it.count, it.nrSegs], [2, 0, 0x100, 1]);
    iovIterAdvance(it, 0x1000);
    assert.deepEqual([it.segIndex, it.iovOffset, it.count, it.nrSegs], [3, 0, 0, 0]);
  });

  it('advance by 0 still skips empty segments at the current position', () => {
    const it = userIter('iovec', 'read', [seg(0x1000, 0), seg(0x2000, 0x10)], 0);
    iovIterAdvance(it, 0);
    assert.deepEqual([it.segIndex, it.nrSegs], [1, 1]);
  });
});
