// The replay view: receives a replay from the host and renders it. Every
// message is checked by the shared guard before use.
import { isHostToWebview, isSavedState } from '../../extension/protocol/guards';
import { BVEC_PAGING_ABOVE, BVEC_WINDOW, WEBVIEW_PROTOCOL_VERSION, type HostToWebview, type ShowReplayMessage, type WebviewToHost } from '../../extension/protocol/webview';
import { bvecSource, HostBvecs } from './bvec-source';
import { h } from './dom';
import { StepCursor } from './step-cursor';
import { allocationView } from './views/allocation';
import { anomaliesView } from './views/anomalies';
import { bvecsView } from './views/bvecs';
import { comparisonView } from './views/comparison';
import { iovecView } from './views/iovec';
import { pagesView } from './views/pages';
import { stepStateView, stepsView } from './views/steps';
import { summaryView } from './views/summary';
import { overviewView, type OverviewView } from './views/overview';
import { traceCallList, type TraceCallList } from './views/trace-calls';
import { verdictView } from './views/verdict';
import { whatIfView } from './views/what-if';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
/** A message without its version field (distributes over the union). */
type Unversioned<T> = T extends unknown ? Omit<T, 'v'> : never;
const post = (message: Unversioned<WebviewToHost>) => vscode.postMessage({ v: WEBVIEW_PROTOCOL_VERSION, ...message } as WebviewToHost);

/** The replay on screen: its step cursor, and the host's rows when it is paged. */
let shown: { cursor: StepCursor; rows: HostBvecs | null } | null = null;
/** The trace on screen (the trace editor): its overview and its call list, which take the host's bins and pages. */
let trace: { overview: OverviewView; list: TraceCallList } | null = null;
/** The view on screen, saved with the step on the cursor so a reload restores both. */
let view: HostToWebview | null = null;
const save = () => {
  if (view) vscode.setState({ view: savable(view), step: shown?.cursor.index ?? null });
};

/**
 * A big what-if result is saved without most of its rows, as if paged by a
 * host that has forgotten it: a restored view then recomputes them here.
 */
function savable(message: HostToWebview): HostToWebview {
  if (message.type !== 'showReplay' || message.paging || message.result.bvecs.length <= BVEC_PAGING_ABOVE) return message;
  const bvecs = message.result.bvecs;
  return { ...message, result: { ...message.result, bvecs: bvecs.slice(0, BVEC_WINDOW) }, paging: { id: -1, total: bvecs.length } };
}

function selectStep(index: number | null): void {
  shown?.cursor.select(index);
}

function showReplay(message: ShowReplayMessage): void {
  const result = message.result;
  const cursor = new StepCursor(result.steps);
  const source = bvecSource(result, message.paging, (start, count) => post({ type: 'requestBvecs', id: message.paging!.id, start, count }));
  shown = { cursor, rows: source instanceof HostBvecs ? source : null };
  trace = null;
  cursor.watch(save);
  const whatIf = {
    show: (next: typeof result, note: string) => showComputed(`${message.title} — ${note}`, next),
    compare: (results: readonly (typeof result)[], note: string) => show({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showComparison', title: `${message.title} — ${note}`, results }),
  };
  app.replaceChildren(
    summaryView(message.title, result),
    stepStateView(result, cursor),
    message.observed ? verdictView(result, message.observed) : '',
    whatIfView(result, whatIf),
    iovecView(result, cursor),
    pagesView(result, cursor),
    bvecsView(result, source, message.observed, cursor),
    allocationView(result, cursor) ?? '',
    anomaliesView(result),
    stepsView(result, cursor, (index) => post({ type: 'selectStep', index })),
  );
  // What is on screen, in entries: rows and cells are virtualised, so not counted from the DOM.
  post({ type: 'rendered', ret: result.ret, bvecs: source.total, pages: result.pages.reduce((sum, run) => sum + run.pages, 0) });
}

function render(message: HostToWebview): void {
  switch (message.type) {
    case 'highlightStep':
      // Not a new view: the editor's cursor is in this step's lines.
      shown?.cursor.selectFromSource(message.index);
      return;
    case 'bvecRows':
      shown?.rows?.receive(message);
      return;
    case 'showError':
      shown = null;
      trace = null;
      app.replaceChildren(h('p', { class: 'error', 'data-testid': 'error' }, message.message));
      return;
    case 'overviewBins':
      trace?.overview.receive(message.overview);
      return;
    case 'traceCallRows':
      trace?.list.receive(message);
      return;
    case 'showTrace': {
      shown = null;
      const traceId = message.overview.traceId;
      const list = traceCallList(traceId, {
        ask: (query, selection, start, count) => post({ type: 'requestCalls', traceId, query, selection, start, count }),
        open: (index) => post({ type: 'openTraceCall', traceId, index }),
      });
      const overview = overviewView(message.overview, {
        bins: (from, to, bins, firstLane) => post({ type: 'requestOverview', traceId, from, to, bins, firstLane }),
        list: (selection, label) => list.show(selection, label, true),
        open: (index) => post({ type: 'openTraceCall', traceId, index }),
      });
      trace = { overview, list };
      app.replaceChildren(h('h1', {}, message.title), overview.element, list.element);
      list.show({}, 'all', false);
      post({ type: 'rendered', ret: 0, bvecs: 0, pages: message.overview.calls });
      return;
    }
    case 'showComparison': {
      shown = null;
      trace = null;
      const title = message.title;
      app.replaceChildren(comparisonView(title, message.results, (result) => showComputed(`${title} — ${result.variant}`, result)));
      post({ type: 'rendered', ret: message.results[0]!.ret, bvecs: message.results.length, pages: 0 });
      return;
    }
    case 'showReplay':
      showReplay(message);
  }
}

/** Shows a replay computed here, and tells the host, whose steps, compare and export then follow it. */
function showComputed(title: string, result: ShowReplayMessage['result']): void {
  show({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title, result });
  post({ type: 'showing', title, call: result.call });
}

function show(message: HostToWebview): void {
  // Views are saved so a reload (or a hidden panel shown again) restores them; a cursor move saves
  // itself (the cursor's watcher), and rows from the host are not a view.
  const isView = message.type === 'showReplay' || message.type === 'showError' || message.type === 'showComparison' || message.type === 'showTrace';
  if (isView) view = message;
  render(message);
  if (isView) save();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostToWebview(event.data)) show(event.data);
});

const saved = vscode.getState();
const restored = isSavedState(saved);
if (restored) {
  show(saved.view);
  selectStep(saved.step);
}
post({ type: 'ready', restored });
