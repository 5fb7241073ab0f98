// An open document's facts after any sequence of edits, analysed
// incrementally from its last tree and its top-level constructs' kept facts,
// equal a fresh analysis of the same text (whenever the text parses).
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
            // Where the text does not parse, an incremental parse may recover
            // from the error differently from a fresh one (both are tree-sitter's
            // guesses at broken code): equality is asked of parsable text.
            if (fresh.hasErrors) continue;
            assert.deepEqual({ entries: facts.entries, callers: facts.callers, hasErrors: facts.hasErrors }, { entries: fresh.entries, callers: fresh.callers, hasErrors: fresh.hasErrors });
          }
          analysis.forget('file:///doc.c');
        },
      ),
      { numRuns: 100 },
    );
  });

  it('after random edits that keep the file parsable (functions added, removed, changed), the facts equal a fresh analysis', async () => {
    const parser = await testCParser();
    const FUNCTIONS = [
      (i: number) => `static ssize_t f${i}(struct iov_iter *it)\n{\n\tssize_t n = netfs_extract_user_iter(it, ${i}, 0, 0);\n\n\tif (n < 0)\n\t\treturn n;\n\treturn n;\n}\n`,
      (i: number) => `static void g${i}(struct iov_iter *it)\n{\n\tnetfs_extract_user_iter(it, ${i}, 0, 0);\n\tkvfree(it);\n}\n`,
      (i: number) => `#if 0\nstatic void dead${i}(void) { netfs_extract_user_iter(0, ${i}, 0, 0); }\n#endif\n`,
      (i: number) => `ssize_t netfs_extract_user_iter(struct iov_iter *orig, size_t orig_len, struct iov_iter *new, iov_iter_extraction_t extraction_flags);\n/* ${i} é😀 */\n`,
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ op: fc.constantFrom('add', 'remove', 'rename'), at: fc.nat(), kind: fc.nat({ max: FUNCTIONS.length - 1 }) }), { minLength: 1, maxLength: 15 }),
        async (edits) => {
          const analysis = new DocumentAnalysis(Promise.resolve(parser));
          const pieces = Array.from({ length: 6 }, (_, i) => FUNCTIONS[i % FUNCTIONS.length]!(i));
          let version = 0;
          await analysis.factsFor('file:///doc.c', version, pieces.join('\n'));
          for (const [n, edit] of edits.entries()) {
            const at = edit.at % (pieces.length + 1);
            if (edit.op === 'add' || pieces.length === 0) pieces.splice(at, 0, FUNCTIONS[edit.kind]!(100 + n));
            else if (edit.op === 'remove') pieces.splice(at % pieces.length, 1);
            else pieces[at % pieces.length] = pieces[at % pieces.length]!.replace(/\b([fg]|dead)(\d+)\(/, '$1$2x(');
            const text = pieces.join('\n');
            const facts = await analysis.factsFor('file:///doc.c', ++version, text);
            const fresh = analyseFile(parser, text);
            assert.equal(fresh.hasErrors, false);
            assert.deepEqual({ entries: facts.entries, callers: facts.callers }, { entries: fresh.entries, callers: fresh.callers });
          }
          analysis.forget('file:///doc.c');
        },
      ),
      { numRuns: 100 },
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
