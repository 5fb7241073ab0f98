// The replay view: receives a replay from the host and renders it. Every
// message is checked by the shared guard before use.
import { isHostToWebview } from '../../extension/protocol/guards';
import { WEBVIEW_PROTOCOL_VERSION, type HostToWebview, type WebviewToHost } from '../../extension/protocol/webview';
import { h } from './dom';
import { anomaliesView } from './views/anomalies';
import { bvecsView } from './views/bvecs';
import { comparisonView } from './views/comparison';
import { traceCallsView } from './views/trace-calls';
import { iovecView } from './views/iovec';
import { pagesView } from './views/pages';
import { stepsView } from './views/steps';
import { summaryView } from './views/summary';
import { verdictView } from './views/verdict';
import { allocationView } from './views/allocation';
import { whatIfView } from './views/what-if';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

function render(message: HostToWebview): void {
  if (message.type === 'highlightStep') {
    // Not a new view: mark the step the editor's cursor is in.
    document.querySelectorAll('[data-testid="step"]').forEach((el, i) => el.classList.toggle('selected', i === message.index));
    document.querySelectorAll('[data-testid="step"]')[message.index]?.scrollIntoView({ block: 'nearest' });
    return;
  }
  if (message.type === 'showError') {
    app.replaceChildren(h('p', { class: 'error', 'data-testid': 'error' }, message.message));
    return;
  }
  if (message.type === 'showTraceCalls') {
    const traceId = message.traceId;
    app.replaceChildren(
      traceCallsView(message.title, message.calls, (index) => vscode.postMessage({ v: WEBVIEW_PROTOCOL_VERSION, type: 'openTraceCall', traceId, index })),
    );
    vscode.postMessage({ v: WEBVIEW_PROTOCOL_VERSION, type: 'rendered', ret: 0, bvecs: 0, pages: message.calls.length });
    return;
  }
  if (message.type === 'showComparison') {
    app.replaceChildren(comparisonView(message.title, message.results));
    const first = message.results[0]!;
    vscode.postMessage({ v: WEBVIEW_PROTOCOL_VERSION, type: 'rendered', ret: first.ret, bvecs: message.results.length, pages: 0 });
    return;
  }
  const result = message.result;
  app.replaceChildren(
    summaryView(message.title, result),
    message.observed ? verdictView(result, message.observed) : '',
    whatIfView(result, (next, note) => render({ ...message, title: `${message.title} — ${note}`, result: next, observed: undefined })),
    iovecView(result),
    pagesView(result, result.call.pageSize),
    bvecsView(result),
    allocationView(result) ?? '',
    anomaliesView(result),
    stepsView(result, (index) => vscode.postMessage({ v: WEBVIEW_PROTOCOL_VERSION, type: 'selectStep', index })),
  );
  vscode.postMessage({
    v: WEBVIEW_PROTOCOL_VERSION,
    type: 'rendered',
    ret: result.ret,
    bvecs: app.querySelectorAll('[data-testid="bvec"]').length,
    pages: app.querySelectorAll('[data-testid="page"]').length,
  });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isHostToWebview(event.data)) return;
  if (event.data.type !== 'highlightStep') vscode.setState(event.data);
  render(event.data);
});

const saved = vscode.getState();
if (isHostToWebview(saved)) render(saved);
vscode.postMessage({ v: WEBVIEW_PROTOCOL_VERSION, type: 'ready' });
