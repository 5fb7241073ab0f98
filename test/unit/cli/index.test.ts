// `pinscope index DIR --json` on the demo kernel tree.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pinscope } from '../../support/cli';
import { REPO_ROOT } from '../../support/fixtures';

describe('cli: pinscope index', () => {
  it('lists definitions with their variant, declarations and calls with their function', () => {
    const run = pinscope('index', join(REPO_ROOT, 'samples/kernel'), '--json');
    assert.equal(run.status, 0, run.stderr);
    const entries = JSON.parse(run.stdout).entries.filter((e: { symbol: string }) => e.symbol === 'netfs_extract_user_iter');
    assert.deepEqual(entries, [
      { symbol: 'netfs_extract_user_iter', kind: 'call', path: 'fs/netfs/direct_read.c', line: 13, col: 8, function: 'sample_unbuffered_read' },
      { symbol: 'netfs_extract_user_iter', kind: 'call', path: 'fs/netfs/direct_write.c', line: 12, col: 7, function: 'sample_unbuffered_write' },
      { symbol: 'netfs_extract_user_iter', kind: 'definition', path: 'fs/netfs/iterator.c', line: 12, col: 9, variant: 'v3' },
      { symbol: 'netfs_extract_user_iter', kind: 'declaration', path: 'include/linux/netfs.h', line: 8, col: 9 },
    ]);
  });

  it('exits 2 with the reason when DIR cannot be read', () => {
    const run = pinscope('index', join(REPO_ROOT, 'no-such-dir'));
    assert.equal(run.status, 2);
    assert.match(run.stderr, /cannot read .*no-such-dir: ENOENT/);
  });
});
