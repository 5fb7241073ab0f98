// The host side of bio_vec paging: what is posted for a big replay, and the
// rows it answers with.
import assert from 'node:assert/strict';
import { ReplayPager } from '../../../extension/client/replay-pager';
import { normaliseCall, replayCall } from '../../../extension/engine';
import { BVEC_PAGING_ABOVE, BVEC_WINDOW, WEBVIEW_PROTOCOL_VERSION, type ShowReplayMessage } from '../../../extension/protocol/webview';

const v = WEBVIEW_PROTOCOL_VERSION;
const show = (pages: number): ShowReplayMessage => ({
  v,
  type: 'showReplay',
  title: `${pages} pages`,
  result: replayCall(normaliseCall({ iter: 'ubuf', segments: [{ addr: '0x7f0000000000', len: pages * 4096 }] })),
});

describe('client: paging big replays to the webview', () => {
  it('posts a small replay whole', () => {
    const message = show(BVEC_PAGING_ABOVE);
    assert.equal(new ReplayPager().window(message), message);
  });

  it('posts the first window of a big one and answers row requests from the whole array', () => {
    const pager = new ReplayPager();
    const message = show(5000);
    const posted = pager.window(message);
    assert.equal(posted.result.bvecs.length, BVEC_WINDOW);
    assert.deepEqual(posted.paging, { id: 1, total: 5000 });
    assert.ok(JSON.stringify(posted).length < JSON.stringify(message).length / 4);
    const rows = pager.rows({ v, type: 'requestBvecs', id: 1, start: 4000, count: 5000 });
    assert.equal(rows.bvecs.length, 1000, 'never more than a window');
    assert.deepEqual(rows.bvecs[999], message.result.bvecs[4999]);
  });

  it('answers with no rows for a replay it no longer holds', () => {
    const pager = new ReplayPager();
    pager.window(show(5000));
    pager.window(show(3));
    assert.deepEqual(pager.rows({ v, type: 'requestBvecs', id: 1, start: 1000, count: 1000 }).bvecs, []);
  });
});
