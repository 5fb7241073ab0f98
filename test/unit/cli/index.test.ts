// `pinscope index DIR --json` on the demo kernel tree.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('writes a hostile file name escaped, in the table, on stderr and in the JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinscope-names-'));
    try {
      const name = 'a\x1b[31m\u202eb.c';
      writeFileSync(join(dir, name), 'void f(void) { netfs_extract_user_iter(i, n, &b, 0); }\n');
      writeFileSync(join(dir, `bin\x1b]0;t\x07.c`), Buffer.from('netfs_extract_user_iter\0\0\0'));
      const table = pinscope('index', dir);
      assert.equal(table.status, 0, table.stderr);
      for (const out of [table.stdout, table.stderr]) assert.doesNotMatch(out, /[\x1b\x07\u202e]/);
      assert.match(table.stdout, /a\\x1b\[31m\\u202eb\.c:1:\d+: call of netfs_extract_user_iter in f/);
      assert.match(table.stderr, /skipped .*bin\\x1b\]0;t\\x07\.c/);
      const json = pinscope('index', dir, '--json');
      assert.doesNotMatch(json.stdout, /[\x1b\x07\u202e]/);
      assert.equal(JSON.parse(json.stdout).entries[0].path, name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with the reason when DIR cannot be read', () => {
    const run = pinscope('index', join(REPO_ROOT, 'no-such-dir'));
    assert.equal(run.status, 2);
    assert.match(run.stderr, /cannot read .*no-such-dir: ENOENT/);
  });
});
