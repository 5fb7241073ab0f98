import assert from 'node:assert/strict';
import { CallError, normaliseCall } from '../../../extension/engine';

function fieldOf(input: Record<string, unknown>): string {
  try {
    normaliseCall(input);
  } catch (error) {
    assert.ok(error instanceof CallError, String(error));
    return error.field;
  }
  assert.fail('expected a CallError');
}

describe('engine: call descriptions', () => {
  const ubuf = { iter: 'ubuf', segments: [{ addr: '0x7f0000001000', len: 4096 }] };

  it('fills the defaults: v3, read, 4 KiB, len = count', () => {
    const call = normaliseCall(ubuf);
    assert.equal(call.variant, 'v3');
    assert.equal(call.dir, 'read');
    assert.equal(call.pageSize, 4096);
    assert.equal(call.len, 4096);
  });

  it('names the field that is wrong', () => {
    assert.equal(fieldOf({ ...ubuf, variant: 'v9' }), 'variant');
    assert.equal(fieldOf({ ...ubuf, dir: 'sideways' }), 'dir');
    assert.equal(fieldOf({ ...ubuf, pageSize: 8192 }), 'pageSize');
    assert.equal(fieldOf({ ...ubuf, len: -1 }), 'len');
    assert.equal(fieldOf({ ...ubuf, segments: [{ addr: '0x7ffffffff000', len: 0x2000 }] }), 'segments[0]');
    assert.equal(fieldOf({ ...ubuf, segments: [{ addr: 'zz', len: 1 }] }), 'segments[0].addr');
    assert.equal(fieldOf({ iter: 'ubuf', segments: [] }), 'segments');
    assert.equal(fieldOf({ ...ubuf, iovOffset: 5000 }), 'iovOffset');
    assert.equal(fieldOf({ ...ubuf, unmapped: [{ addr: '0x1' }] }), 'unmapped[0].len');
  });
});
