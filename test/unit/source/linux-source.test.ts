// The real trees: Debian's linux-source-6.12 and linux-source-6.1, installed
// at run time and unpacked into a cache outside the repository.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceAnchors } from '../../../extension/engine';
import { indexTree, type TreeIndex } from '../../../extension/node/source-tree';
import { testCParser } from '../../support/c-parser';
import { REPO_ROOT } from '../../support/fixtures';

function kernelTree(version: string): string | null {
  const run = spawnSync('bash', [join(REPO_ROOT, 'scripts/ensure-linux-source.sh'), version], { encoding: 'utf8' });
  if (run.status === 0) return run.stdout.trim();
  if (process.env.CI) throw new Error(`linux-source-${version} could not be installed:\n${run.stderr}`);
  return null;
}

function entriesOf(index: TreeIndex, symbol: string): string[] {
  return index.files.flatMap((f) =>
    f.entries.filter((e) => e.symbol === symbol).map((e) => `${e.kind} ${f.path}:${e.line + 1}${e.fingerprint ? ` ${e.fingerprint.variant}` : ''}`),
  );
}

describe('source: real kernel trees (Debian linux-source)', function () {
  this.timeout(300_000);

  it('linux-source-6.12: the v3 definition, the declaration and the two netfs callers, nothing else', async function () {
    const tree = kernelTree('6.12');
    if (!tree) this.skip();
    const index = await indexTree(tree!, await testCParser());
    assert.ok(index.scanned > 50_000, `${index.scanned} C files read`);
    assert.deepEqual(entriesOf(index, 'netfs_extract_user_iter'), [
      'call fs/netfs/direct_read.c:202',
      'call fs/netfs/direct_write.c:75',
      'definition fs/netfs/iterator.c:36 v3',
      'declaration include/linux/netfs.h:441',
    ]);
  });

  it('linux-source-6.12 with the ripgrep pre-filter gives the same index', async function () {
    const tree = kernelTree('6.12');
    if (!tree) this.skip();
    const parser = await testCParser();
    const [withRg, withNode] = [await indexTree(tree!, parser, { ripgrep: 'rg' }), await indexTree(tree!, parser)];
    if (withRg.prefilter !== 'ripgrep') this.skip();
    assert.deepEqual(withRg.files.map((f) => [f.path, f.entries.length]), withNode.files.map((f) => [f.path, f.entries.length]));
  });

  it('linux-source-6.1: no entry for netfs_extract_user_iter (it predates the function)', async function () {
    const tree = kernelTree('6.1');
    if (!tree) this.skip();
    const index = await indexTree(tree!, await testCParser());
    assert.deepEqual(entriesOf(index, 'netfs_extract_user_iter'), []);
    assert.ok(entriesOf(index, 'iov_iter_extract_pages').length === 0, '6.1 has no iov_iter_extract_pages either');
  });
});

describe('engine: step anchors in the real fs/netfs/iterator.c', function () {
  this.timeout(300_000);

  it('every step of the v3 replay finds its lines in linux-source-6.12, in order', async function () {
    const tree = kernelTree('6.12');
    if (!tree) this.skip();
    const lines = readFileSync(join(tree!, 'fs/netfs/iterator.c'), 'utf8').split('\n');
    const start = lines.findIndex((l) => /^ssize_t netfs_extract_user_iter\(/.test(l));
    const anchors = sourceAnchors(lines.slice(start).join('\n'));
    const order = ['check-type', 'npages', 'alloc', 'extract', 'check-error', 'check-bytes', 'check-pages', 'fill', 'cleanup', 'build-new', 'return'] as const;
    const found = order.map((a) => anchors[a]?.[0] ?? -1);
    assert.ok(found.every((line) => line > 0), JSON.stringify(anchors));
    assert.deepEqual(found, [...found].sort((a, b) => a - b));
    assert.match(lines[start + anchors.return![0] - 1]!, /return npages;/);
  });
});
