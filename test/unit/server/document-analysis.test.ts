// An open document's facts after any sequence of edits, analysed
// incrementally from its last tree, equal a fresh analysis of the same text.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyseFile } from '../../../extension/source';
import { editBetween } from '../../../extension/source/text-edit';
import { DocumentAnalysis } from '../../../extension/server/document-analysis';
import { testCParser } from '../../support/c-parser';
import { fixtureText } from '../../support/fixtures';

const BASE = fixtureText('c/callers.c');

/** Pieces an edit may insert: code that adds or breaks calls, functions, #if 0, multi-byte text. */
const PIECES = [
  'netfs_extract_user_iter(it, 1, 0, 0);',
  '\nstatic void added(struct iov_iter *it) { ssize_t r = netfs_extract_user_iter(it, 2, 0, 0); if (r < 0) return; }\n',
  '#if 0\n',
  '#endif\n',
  '{',
  '}',
  '/* é😀 */',
  'if (n < 0) return n;',
  '\n',
  '',
];

describe('server: incremental document analysis', () => {
  it('after random edits, the facts equal a fresh analysis of the text', async () => {
    const parser = await testCParser();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(), cut: fc.nat({ max: 40 }), piece: fc.constantFrom(...PIECES) }), { minLength: 1, maxLength: 12 }),
        async (edits) => {
          const analysis = new DocumentAnalysis(Promise.resolve(parser));
          let text = BASE;
          await analysis.factsFor('file:///doc.c', 0, text);
          let version = 0;
          for (const edit of edits) {
            const at = edit.at % (text.length + 1);
            text = text.slice(0, at) + edit.piece + text.slice(Math.min(text.length, at + edit.cut));
            const facts = await analysis.factsFor('file:///doc.c', ++version, text);
            const fresh = analyseFile(parser, text);
            assert.deepEqual({ entries: facts.entries, callers: facts.callers, hasErrors: facts.hasErrors }, { entries: fresh.entries, callers: fresh.callers, hasErrors: fresh.hasErrors });
          }
          analysis.forget('file:///doc.c');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('editBetween finds the one changed span, in UTF-16 units with rows and columns', () => {
    assert.deepEqual(editBetween('ab\ncd😀ef', 'ab\ncd😀XYef'), {
      startIndex: 7,
      oldEndIndex: 7,
      newEndIndex: 9,
      startPosition: { row: 1, column: 4 },
      oldEndPosition: { row: 1, column: 4 },
      newEndPosition: { row: 1, column: 6 },
    });
    assert.equal(editBetween('same', 'same'), null);
    // A change inside a surrogate pair widens to the whole pair.
    const edit = editBetween('a😀b', 'a😁b')!;
    assert.deepEqual([edit.startIndex, edit.oldEndIndex, edit.newEndIndex], [1, 3, 3]);
  });
});
