// `pinscope index` as a user runs it (a real process, ripgrep on PATH) on a
// workspace of hostile files, unable to read what the mode bits forbid.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/fixtures';
import { hostileTree, withoutReadOverride, type HostileTree } from '../../support/hostile-tree';

describe('cli: pinscope index on a hostile workspace', function () {
  this.timeout(120_000);
  let tree: HostileTree;
  before(() => {
    tree = hostileTree({ unreadable: true });
  });
  after(() => tree?.remove());

  function index(...args: string[]) {
    const [command, argv] = withoutReadOverride(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'extension/cli/main.ts'), 'index', tree.root, ...args]);
    return spawnSync(command, argv, { encoding: 'utf8', cwd: REPO_ROOT });
  }

  it('lists exactly the good calls, names every hostile file on stderr with its reason, exits 0', () => {
    const run = index();
    assert.equal(run.status, 0, run.stderr);
    const calls = run.stdout
      .split('\n')
      .filter((l) => l.includes(': call of netfs_extract_user_iter'))
      .map((l) => l.replace(/^(.*?):(\d+):\d+: call of netfs_extract_user_iter in (\S+)$/, '$1:$2 $3'))
      .sort();
    assert.deepEqual(calls, tree.expected);
    for (const [path, reason] of tree.skipped) {
      const said = run.stderr.split('\n').find((l) => l.startsWith(`pinscope: skipped ${join(tree.root, path)}: `));
      assert.match(said ?? `(${path} not named)`, reason, path);
    }
    for (const [path, reason] of tree.warned) assert.match(run.stderr, new RegExp(`pinscope: note ${join(tree.root, path)}: .*${reason.source}`));
    assert.match(run.stdout, new RegExp(`${tree.skipped.size} skipped \\(named on stderr\\)`));
  });

  it('--json carries the same notices', () => {
    const run = index('--json');
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { skipped: Array<{ path: string; reason: string }>; warnings: Array<{ path: string; reason: string }> };
    assert.deepEqual(out.skipped.map((n) => n.path).sort(), [...tree.skipped.keys()].sort());
    for (const n of out.skipped) assert.match(n.reason, tree.skipped.get(n.path)!);
    assert.deepEqual(out.warnings.map((n) => n.path), [...tree.warned.keys()]);
  });
});
