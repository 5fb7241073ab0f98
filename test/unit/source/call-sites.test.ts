import assert from 'node:assert/strict';
import { findSymbols, TARGET_FUNCTION } from '../../../extension/source';
import { testCParser } from '../../support/c-parser';
import { fixtureText } from '../../support/fixtures';

async function sitesIn(text: string) {
  const parser = await testCParser();
  const tree = parser.parse(text);
  try {
    return findSymbols(tree, text, [TARGET_FUNCTION])
      .filter((e) => e.kind === 'call')
      .map((e) => ({
        caller: e.function,
        nameStart: { line: e.line, character: e.col },
        nameEnd: { line: e.endLine, character: e.endCol },
        start: { line: e.start.line, character: e.start.col },
        end: { line: e.end.line, character: e.end.col },
      }));
  } finally {
    tree.delete();
  }
}

describe('source: call sites of netfs_extract_user_iter', () => {
  it('finds exactly the live calls in the fixture, one per call', async () => {
    const text = fixtureText('c/call-sites.c');
    const sites = await sitesIn(text);
    assert.deepEqual(
      sites.map((s) => s.caller),
      ['one_line', 'spread_over_lines', 'kept_by_else'],
    );
  });

  it('places each call on its line, and a multi-line call spans its lines', async () => {
    const text = fixtureText('c/call-sites.c');
    const lines = text.split('\n');
    const sites = await sitesIn(text);
    for (const site of sites) {
      assert.equal(
        lines[site.nameStart.line]!.slice(site.nameStart.character, site.nameEnd.character),
        TARGET_FUNCTION,
      );
    }
    const spread = sites.find((s) => s.caller === 'spread_over_lines')!;
    assert.equal(spread.end.line - spread.start.line, 4);
  });

  it('ignores comments, strings and #if 0, and keeps #if 0 … #else', async () => {
    const sites = await sitesIn(`
      // netfs_extract_user_iter(a, b, c, 0);
      const char *s = "netfs_extract_user_iter(a, b, c, 0)";
      #if 0
      int dead(void) { return netfs_extract_user_iter(a, b, c, 0); }
      #elif 0
      int dead2(void) { return netfs_extract_user_iter(a, b, c, 0); }
      #else
      int live(void) { return netfs_extract_user_iter(a, b, c, 0); }
      #endif
      #if (0)
      int dead3(void) { return netfs_extract_user_iter(a, b, c, 0); }
      #endif
      #if 1
      int live2(void) { return netfs_extract_user_iter(a, b, c, 0); }
      #endif
    `);
    assert.deepEqual(sites.map((s) => s.caller), ['live', 'live2']);
  });

  it('counts positions in UTF-16 code units, as LSP does', async () => {
    const sites = await sitesIn('/* héllo wörld */ int f(void) { return netfs_extract_user_iter(a, b, c, 0); }');
    assert.equal(sites[0]!.nameStart.character, '/* héllo wörld */ int f(void) { return '.length);
  });

  it('finds nothing, and does not throw, in a file that does not parse', async () => {
    const sites = await sitesIn('int f( { ]] netfs_extract_user_iter');
    assert.deepEqual(sites, []);
  });

  it('still finds calls around a broken region', async () => {
    const sites = await sitesIn('int f(void) { return netfs_extract_user_iter(a, b, c, 0); }\nint g( { ]]\n');
    assert.equal(sites.length, 1);
  });
});
