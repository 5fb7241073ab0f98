import assert from 'node:assert/strict';
import { analyseFile, findSymbols } from '../../../extension/source';
import { testCParser } from '../../support/c-parser';
import { fixtureText } from '../../support/fixtures';

describe('source: definitions, declarations and calls', () => {
  it('finds declarations, calls in macros arguments and conditions, K&R layouts; not macro bodies', async () => {
    const parser = await testCParser();
    const text = fixtureText('c/symbols.c');
    const tree = parser.parse(text);
    try {
      const found = findSymbols(tree, text).map((e) => [e.kind, e.symbol, e.line + 1, e.function]);
      assert.deepEqual(found, [
        ['declaration', 'netfs_extract_user_iter', 5, null],
        ['declaration', 'iov_iter_extract_pages', 7, null],
        ['call', 'netfs_extract_user_iter', 16, 'caller_macro'],
        ['call', 'iov_iter_extract_will_pin', 18, 'caller_macro'],
        ['call', 'netfs_extract_user_iter', 28, 'caller_knr'],
      ]);
    } finally {
      tree.delete();
    }
  });

  it('a definition inside #if 0 is kept and marked as a removal in progress', async () => {
    const analysis = analyseFile(await testCParser(), fixtureText('c/variants/removing.c'));
    assert.equal(analysis.entries.length, 1);
    assert.equal(analysis.entries[0]!.disabled, true);
    assert.equal(analysis.entries[0]!.fingerprint?.removalInProgress, true);
  });

  it('reports a file with syntax errors and still finds what parses', async () => {
    const analysis = analyseFile(await testCParser(), 'int f(void) { return netfs_extract_user_iter(a, b, c, 0); }\nint g( { ]]\n');
    assert.equal(analysis.hasErrors, true);
    assert.equal(analysis.entries.length, 1);
  });
});
