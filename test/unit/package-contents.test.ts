// The VSIX ships every bundle the build writes: .vscodeignore is an allow-list,
// and a bundle left out of it is missing only once the extension is installed
// (the trace worker was: no trace could load and `pinscope stats` read whole).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/fixtures';

describe('the packaged extension', () => {
  it('names every bundle esbuild.mjs writes in the .vscodeignore allow-list', () => {
    const bundles = [...readFileSync(join(REPO_ROOT, 'esbuild.mjs'), 'utf8').matchAll(/outfile: '([^']+)'/g)].map((m) => m[1]!);
    assert.ok(bundles.length >= 6, `bundles found: ${bundles.join(', ')}`);
    assert.ok(bundles.includes('dist/trace-worker.js'));
    const shipped = new Set(
      readFileSync(join(REPO_ROOT, '.vscodeignore'), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('!'))
        .map((line) => line.slice(1).trim()),
    );
    assert.deepEqual(bundles.filter((b) => !shipped.has(b)), []);
  });
});
