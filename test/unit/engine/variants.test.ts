// Each variant's reference source and the line ranges the replay steps point at.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseCall, replayCall, VARIANT_TABLE } from '../../../extension/engine';
import { REPO_ROOT } from '../../support/fixtures';

const EXPECTED_TEXT: Record<string, RegExp> = {
  'check-type': /iter_is_ubuf/,
  npages: /iov_iter_npages/,
  alloc: /kvmalloc/,
  extract: /iov_iter_extract_pages/,
  'check-error': /if \(ret <?=? ?0\)|if \(ret <= 0\)|if \(ret < 0\)/,
  'check-bytes': /ret > left/,
  'check-pages': /batch/,
  fill: /bvec_set_page/,
  cleanup: /unpin_user_page/,
  'build-new': /iov_iter_bvec/,
  return: /return used/,
};

describe('engine: variants and their reference sources', () => {
  for (const variant of Object.values(VARIANT_TABLE)) {
    it(`${variant.id}: every anchor points at the code that does the step`, () => {
      const lines = variant.source.split('\n');
      for (const [anchor, range] of Object.entries(variant.lines)) {
        const text = lines.slice(range![0] - 1, range![1]).join('\n');
        assert.match(text, EXPECTED_TEXT[anchor]!, `${variant.id} ${anchor} → lines ${range}`);
      }
      const hasCleanup = variant.id !== 'v0';
      assert.equal('cleanup' in variant.lines, hasCleanup);
    });
  }

  it('the sources differ exactly where the fixes do', () => {
    const { v0, v1, v2, v3 } = VARIANT_TABLE;
    assert.match(v0.source, /Couldn't get user pages/);
    assert.doesNotMatch(v1.source, /Couldn't get user pages/);
    assert.match(v1.source, /ret = ret \?: -EIO/);
    assert.match(v1.source, /Out of bvec array capacity/);
    assert.match(v2.source, /extract_pages overrun %zd > %zu bytes/);
    assert.doesNotMatch(v2.source, /Out of bvec array capacity/);
    assert.match(v2.source, /\tssize_t ret;/);
    assert.match(v3.source, /\tssize_t ret = 0;/);
  });

  it('every step of a replay names lines of its variant', () => {
    for (const variant of ['v0', 'v1', 'v2', 'v3'] as const) {
      const r = replayCall(normaliseCall({ iter: 'ubuf', segments: [{ addr: '0x7f0000001100', len: 0x3000 }], variant, unmapped: [{ addr: '0x7f0000003000', len: 1 }] }));
      const lineCount = VARIANT_TABLE[variant].source.split('\n').length;
      for (const step of r.steps) {
        assert.ok(step.lines[0] >= 1 && step.lines[1] >= step.lines[0] && step.lines[1] <= lineCount, `${variant} ${step.anchor}`);
        assert.deepEqual(step.lines, VARIANT_TABLE[variant].lines[step.anchor]);
      }
      assert.deepEqual(r.steps.map((s) => s.anchor), ['npages', 'alloc', 'extract', 'fill', 'extract', 'check-error', 'build-new', 'return']);
    }
  });
});

describe('samples: the demo kernel tree', () => {
  it('fs/netfs/iterator.c holds the v3 reference source verbatim', () => {
    const text = readFileSync(join(REPO_ROOT, 'samples/kernel/fs/netfs/iterator.c'), 'utf8');
    assert.ok(text.includes(VARIANT_TABLE.v3.source));
  });
});
