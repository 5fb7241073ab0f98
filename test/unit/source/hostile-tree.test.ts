// The index of a workspace holding every kind of hostile file: exact for the
// good files, each hostile one named with its reason, nothing thrown.
import assert from 'node:assert/strict';
import { indexTree, type TreeIndex } from '../../../extension/node/source-tree';
import { testCParser } from '../../support/c-parser';
import { hostileTree, type HostileTree } from '../../support/hostile-tree';

function calls(index: TreeIndex): string[] {
  return index.files.flatMap((f) => f.entries.filter((e) => e.kind === 'call').map((e) => `${f.path}:${e.line + 1} ${e.function}`)).sort();
}

function notices(list: TreeIndex['skipped']): Map<string, string> {
  return new Map(list.map((n) => [n.path, n.reason]));
}

function assertNamed(actual: Map<string, string>, wanted: ReadonlyMap<string, RegExp>): void {
  for (const [path, reason] of wanted) assert.match(actual.get(path) ?? `(${path} not named)`, reason, path);
}

describe('source: indexing a hostile workspace', function () {
  this.timeout(120_000);
  let tree: HostileTree;
  before(() => {
    // In-process tests run as root here, which reads any file: unreadable files are tested from the CLI and the server, unprivileged.
    tree = hostileTree({ unreadable: false });
  });
  after(() => tree?.remove());

  for (const ripgrep of ['rg', null]) {
    it(`${ripgrep ? 'with' : 'without'} ripgrep: every good call, every hostile file named with its reason`, async () => {
      const index = await indexTree(tree.root, await testCParser(), { ripgrep });
      assert.equal(index.prefilter, ripgrep ? 'ripgrep' : 'node');
      assert.deepEqual(calls(index), tree.expected);
      const skipped = notices(index.skipped);
      assertNamed(skipped, tree.skipped);
      if (!ripgrep) assertNamed(skipped, tree.skippedByWalkOnly);
      const allowed = new Set([...tree.skipped.keys(), ...tree.skippedByWalkOnly.keys()]);
      assert.deepEqual([...skipped.keys()].filter((path) => !allowed.has(path)), [], 'nothing else is skipped');
      assertNamed(notices(index.warnings), tree.warned);
    });
  }
});
