import assert from 'node:assert/strict';
import { normaliseCall, replayCall, EXAMPLE_E1 } from '../../../extension/engine';
import { isHostToWebview, isWebviewToHost } from '../../../extension/protocol/guards';
import { WEBVIEW_PROTOCOL_VERSION } from '../../../extension/protocol/webview';

describe('protocol guards', () => {
  const result = replayCall(normaliseCall({ ...EXAMPLE_E1 }));

  it('accept the messages the host and the webview really send', () => {
    assert.ok(isWebviewToHost({ v: WEBVIEW_PROTOCOL_VERSION, type: 'ready' }));
    assert.ok(isHostToWebview({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: 'E1', result }));
    assert.ok(isHostToWebview(JSON.parse(JSON.stringify({ v: 1, type: 'showError', message: 'no' }))));
  });

  it('reject other versions, unknown types and malformed payloads', () => {
    assert.ok(!isWebviewToHost({ v: 2, type: 'ready' }));
    assert.ok(!isWebviewToHost({ v: 1, type: 'steal' }));
    assert.ok(!isWebviewToHost(null));
    assert.ok(!isHostToWebview({ v: 1, type: 'showReplay', title: 'E1', result: { ...result, bvecs: 'many' } }));
    assert.ok(!isHostToWebview({ v: 1, type: 'showReplay', title: 42, result }));
    assert.ok(!isHostToWebview({ v: 1, type: 'showError' }));
    assert.ok(!isHostToWebview('showReplay'));
  });

  it('check the paging messages and the observation a traced call carries', () => {
    assert.ok(isWebviewToHost({ v: 1, type: 'requestBvecs', id: 3, start: 1000, count: 1000 }));
    assert.ok(isWebviewToHost({ v: 1, type: 'showing', title: 'what if: v0', call: result.call }));
    assert.ok(!isWebviewToHost({ v: 1, type: 'showing', title: 'what if: v0', call: 'E1' }));
    assert.ok(!isWebviewToHost({ v: 1, type: 'requestBvecs', id: 3, start: -1, count: 1000 }));
    assert.ok(isHostToWebview({ v: 1, type: 'bvecRows', id: 3, start: 1000, bvecs: result.bvecs }));
    assert.ok(!isHostToWebview({ v: 1, type: 'bvecRows', id: 3, start: 0, bvecs: [{ uaddr: 7, offset: 0, len: 1 }] }));
    const observed = { ret: 4, bytes: 12288, pinned: 4, unpins: null, bvecs: [{ idx: 0, offset: 256, len: 3840, page: null }], missing: [] };
    assert.ok(isHostToWebview({ v: 1, type: 'showReplay', title: 'E1', result, observed }));
    assert.ok(!isHostToWebview({ v: 1, type: 'showReplay', title: 'E1', result, observed: { ...observed, pinned: 'four' } }));
    // Why the trace replayed with this variant: a reason, and a warning or null.
    assert.ok(isHostToWebview({ v: 1, type: 'showReplay', title: 'E1', result, observed: { ...observed, variant: { reason: 'v0: kernel 6.8.0', warning: null } } }));
    assert.ok(!isHostToWebview({ v: 1, type: 'showReplay', title: 'E1', result, observed: { ...observed, variant: { reason: 0, warning: null } } }));
    assert.ok(!isHostToWebview({ v: 1, type: 'showReplay', title: 'E1', result, observed: { ...observed, variant: 'v0' } }));
    assert.ok(isHostToWebview({ v: 1, type: 'showReplay', title: 'E1', result, paging: { id: 1, total: 4 } }));
    assert.ok(!isHostToWebview({ v: 1, type: 'showReplay', title: 'E1', result, paging: { id: 1, total: 2 } }), 'fewer rows in all than sent');
  });

  it('a replay result survives JSON unchanged (plain data only)', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
  });
});
