// C that nests far deeper than any real code: the analysis walks without
// recursion, so it answers (exactly) instead of overflowing the stack.
import assert from 'node:assert/strict';
import { analyseFile } from '../../../extension/source';
import { testCParser } from '../../support/c-parser';

const DEPTH = 10_000;

function callIn(before: string, after = ''): string {
  return `static ssize_t deep(struct iov_iter *it)\n{\n\tssize_t n;\n${before}\n\tn = netfs_extract_user_iter(it, 1, 0, 0);\n\tif (n < 0)\n\t\treturn n;\n${after}\n\treturn n;\n}\n`;
}

const CASES: Record<string, string> = {
  'an expression nested 10,000 parentheses deep': callIn(`\tint x = ${'('.repeat(DEPTH)}1${')'.repeat(DEPTH)};`),
  'blocks nested 10,000 deep after the call': callIn('', `${'{'.repeat(DEPTH)} n++; ${'}'.repeat(DEPTH)}`),
  'a chain of 10,000 macro calls as an argument': callIn(`\tint y = ${'F('.repeat(DEPTH)}0${')'.repeat(DEPTH)};`),
  'a 20,000-term sum': callIn(`\tint z = ${'a + '.repeat(2 * DEPTH)}1;`),
  'the call itself in 50 parentheses': wrapped(50),
};

function wrapped(parentheses: number): string {
  return `static ssize_t deep(struct iov_iter *it)\n{\n\tssize_t n;\n\tn = ${'('.repeat(parentheses)}netfs_extract_user_iter(it, 1, 0, 0)${')'.repeat(parentheses)};\n\tif (n < 0)\n\t\treturn n;\n\treturn n;\n}\n`;
}

describe('source: hostile nesting', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`finds the call and how it is handled in ${name}`, async () => {
      const analysis = analyseFile(await testCParser(), text);
      const calls = analysis.entries.filter((e) => e.kind === 'call');
      assert.deepEqual(calls.map((e) => [e.symbol, e.function, e.line]), [['netfs_extract_user_iter', 'deep', text.split('\n').findIndex((l) => l.includes('netfs_extract_user_iter'))]]);
      assert.equal(analysis.callers.length, 1);
      assert.equal(analysis.callers[0]!.storedIn, 'n');
      assert.equal(analysis.callers[0]!.checksNegative?.what, 'n < 0');
    });
  }

  it('a call wrapped in 10,000 parentheses is found; where its value goes is not followed past 64 of them', async () => {
    const analysis = analyseFile(await testCParser(), wrapped(DEPTH));
    assert.deepEqual(analysis.entries.map((e) => [e.kind, e.function]), [['call', 'deep']]);
    assert.equal(analysis.callers[0]!.storedIn, null);
    assert.equal(analysis.callers[0]!.resultIgnored, false);
  });
});
