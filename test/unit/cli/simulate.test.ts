// The CLI as a user runs it: a real process, real arguments, stdout and exit status.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinscope } from '../../support/cli';
import { REPO_ROOT } from '../../support/fixtures';

describe('cli: pinscope simulate', () => {
  it('prints E1 as JSON', () => {
    const run = pinscope('simulate', '--ubuf', '0x7f0000001100:0x3000', '--dir', 'read', '--json');
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.ret, 4);
    assert.equal(out.bytes, 0x3000);
    assert.equal(out.pinned, 4);
    assert.equal(out.origAdvance, 0x3000);
    assert.deepEqual(out.anomalies, []);
    assert.deepEqual(
      out.bvecs.map((bv: { uaddr: string; offset: number; len: number }) => [bv.uaddr, bv.offset, bv.len]),
      [
        ['0x7f0000001000', 0x100, 0xf00],
        ['0x7f0000002000', 0, 0x1000],
        ['0x7f0000003000', 0, 0x1000],
        ['0x7f0000004000', 0, 0x100],
      ],
    );
  });

  it('prints a readable table without --json', () => {
    const run = pinscope('simulate', '--ubuf', '0x7f0000001100:0x3000', '--variant', 'v0', '--unmapped', '0x7f0000003000:0x1000');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /returned 2 bvec\(s\) covering 7936 bytes/);
    assert.match(run.stdout, /log: netfs: Couldn't get user pages \(rc=-14\)/);
  });

  it('what if iov_iter_npages reported fewer pages (--max-pages): short at capacity; a bad count is refused', () => {
    const run = pinscope('simulate', '--ubuf', '0x7f0000001100:0x3000', '--max-pages', '2', '--json');
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual([out.ret, out.bytes, out.maxPages], [2, 0x1f00, 2]);
    const bad = pinscope('simulate', '--ubuf', '0x7f0000001100:0x3000', '--max-pages', 'many');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /events\[0\]\.pages/);
  });

  it('takes many calls with --input and answers in the same order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinscope-cli-'));
    const input = join(dir, 'calls.json');
    writeFileSync(
      input,
      JSON.stringify([
        { iter: 'ubuf', segments: [{ addr: '0x7f0000001100', len: 0x3000 }] },
        { iter: 'iovec', segments: [{ addr: 0x7f0000001010, len: 0x20 }], dir: 'write', unmapped: [{ addr: '0x7f0000001000', len: 4096 }] },
      ]),
    );
    const run = pinscope('simulate', '--input', input, '--json');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).map((r: { ret: number }) => r.ret), [4, -14]);
  });

  it('refuses a call that cannot be, with status 2 and the field named', () => {
    const bad = pinscope('simulate', '--ubuf', '0x7f0000001100:0x3000', '--variant', 'v7', '--json');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /variant: expected one of v0, v1, v2, v3/);
    const past = pinscope('simulate', '--ubuf', '0x7ffffffff000:0x2000');
    assert.equal(past.status, 2);
    assert.match(past.stderr, /segments\[0\]: .*past the user address space/);
    const unknownFlag = pinscope('simulate', '--ubuf', '0x1000:1', '--colour');
    assert.equal(unknownFlag.status, 2);
    assert.match(unknownFlag.stderr, /--colour/);
    assert.equal(pinscope('frobnicate').status, 2);
  });
});
