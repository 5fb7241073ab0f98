import assert from 'node:assert/strict';
import { VARIANT_TABLE } from '../../../extension/engine';
import { analyseFile, fingerprintBody } from '../../../extension/source';
import { testCParser } from '../../support/c-parser';
import { fixtureText } from '../../support/fixtures';

async function variantOf(text: string) {
  const analysis = analyseFile(await testCParser(), text);
  const def = analysis.entries.find((e) => e.kind === 'definition' && e.symbol === 'netfs_extract_user_iter');
  return { fingerprint: def?.fingerprint ?? null, removedEra: analysis.removedEra };
}

describe('source: variant fingerprints (spec §1.8)', () => {
  for (const id of ['v0', 'v1', 'v2', 'v3'] as const) {
    it(`the engine's ${id} reference source fingerprints as ${id}`, async () => {
      const { fingerprint } = await variantOf(VARIANT_TABLE[id].source);
      assert.equal(fingerprint?.variant, id);
    });
  }

  it('v1u: error handling and an initialised ret, no overrun check', async () => {
    const v1u = VARIANT_TABLE.v1.source.replace('\tssize_t ret;\n', '\tssize_t ret = 0;\n');
    assert.equal((await variantOf(v1u)).fingerprint?.variant, 'v1u');
  });

  it('v0a (fields one by one) and v0b (bvec_set_page) are both v0', async () => {
    assert.deepEqual([(await variantOf(fixtureText('c/variants/v0a.c'))).fingerprint?.form], ['v0a']);
    assert.equal((await variantOf(VARIANT_TABLE.v0.source)).fingerprint?.form, 'v0b');
  });

  it('the pre-merge RFC form, the removed era and an unknown body with its nearest variant', async () => {
    assert.equal((await variantOf(fixtureText('c/variants/rfc.c'))).fingerprint?.variant, 'rfc');
    const removed = await variantOf(fixtureText('c/variants/removed.c'));
    assert.deepEqual([removed.fingerprint, removed.removedEra], [null, true]);
    const odd = fingerprintBody('{ ret = ret ?: -EIO; WARN(1, "extract_pages overrun"); }');
    assert.deepEqual([odd.variant, odd.nearest], ['unknown', 'v2']);
  });

  it('the demo kernel tree defines v3', async () => {
    assert.equal((await variantOf(fixtureText('../../samples/kernel/fs/netfs/iterator.c'))).fingerprint?.variant, 'v3');
  });
});
