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

  it('a replay result survives JSON unchanged (plain data only)', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
  });
});
