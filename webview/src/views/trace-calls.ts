// A trace's calls, or the ones a click on the overview picked: a virtual list
// whose rows the host sends a page at a time (the trace can hold a million
// calls; the webview never holds more than the pages it showed). Choosing a
// row asks the host to replay that call.
import type { CallSelectionDto } from '../../../extension/protocol/trace-overview';
import type { TraceCallSummaryDto } from '../../../extension/protocol/trace-calls';
import { TRACE_CALL_PAGE, type TraceCallRowsMessage } from '../../../extension/protocol/webview';
import { h } from '../dom';
import { virtualRows } from '../virtual-rows';

const CALL_ROW_PX = 22;
const COLUMNS = ['line', 'task', 'input', 'kernel', 'model', 'verdict', 'notes'];

function cellsOf(c: TraceCallSummaryDto): string[] {
  return [
    String(c.line),
    `${c.comm ?? '?'} [${c.pid ?? '?'}]`,
    c.input ?? 'inputs not recorded',
    c.observedRet === null ? '?' : String(c.observedRet),
    c.predictedRet === null ? '?' : String(c.predictedRet),
    c.verdict,
    [...c.anomalies, ...c.missing.map((m) => `missing: ${m}`)].join(', '),
  ];
}

export interface TraceCallsHost {
  /** Asks for calls [start, start + count) of listing `query`. */
  ask(query: number, selection: CallSelectionDto, start: number, count: number): void;
  open(index: number): void;
}

export interface TraceCallList {
  readonly element: HTMLElement;
  /** Lists the calls `selection` picks; `open` a lone match at once (a click on the overview). */
  show(selection: CallSelectionDto, label: string, openLone: boolean): void;
  /** A page from the host; ignored when it is for an older listing. */
  receive(message: TraceCallRowsMessage): void;
}

export function traceCallList(traceId: number, host: TraceCallsHost): TraceCallList {
  let query = 0;
  let selection: CallSelectionDto = {};
  let label = '';
  let openLone = false;
  let total: number | null = null;
  let pages = new Map<number, readonly TraceCallSummaryDto[]>();
  let asked = new Set<number>();

  const heading = h('h2', { 'data-testid': 'call-list-heading' });
  const get = (i: number) => pages.get(Math.floor(i / TRACE_CALL_PAGE) * TRACE_CALL_PAGE)?.[i % TRACE_CALL_PAGE];
  const want = (first: number, end: number) => {
    for (let page = Math.floor(first / TRACE_CALL_PAGE) * TRACE_CALL_PAGE; page < end; page += TRACE_CALL_PAGE) {
      if (pages.has(page) || asked.has(page)) continue;
      asked.add(page);
      host.ask(query, selection, page, TRACE_CALL_PAGE);
    }
  };
  const rows = virtualRows({
    rowPx: CALL_ROW_PX,
    total: () => total ?? 0,
    header: h('div', { role: 'row', class: 'call-row call-head' }, ...COLUMNS.map((t) => h('div', { role: 'columnheader' }, t))),
    onRange: want,
    row: (i) => {
      const c = get(i);
      if (!c) return h('div', { role: 'row', class: 'call-row', 'data-testid': 'trace-call-loading' }, h('div', { role: 'gridcell' }, '…'));
      const attrs = { 'data-testid': 'trace-call', 'data-index': String(c.index), 'data-verdict': c.verdict, 'aria-label': `Replay the call at line ${c.line}` };
      return h('div', { ...attrs, role: 'row', class: 'call-row' }, ...cellsOf(c).map((text, k) => h('div', { role: 'gridcell', class: k === 5 ? `verdict-${c.verdict}` : '' }, text)));
    },
    rowId: (i) => `trace-call-${i}`,
    onEnter: (i) => {
      const c = get(i);
      if (c) host.open(c.index);
    },
    attrs: { class: 'virtual-rows call-grid', role: 'grid', 'data-testid': 'call-list', 'aria-label': 'Calls; arrow keys move, Enter replays' },
  });
  rows.element.addEventListener('click', (event) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-testid="trace-call"]');
    if (row) host.open(Number(row.dataset.index));
  });

  const describe = () => {
    if (total === null) heading.textContent = `${label}: asking the language server…`;
    else heading.textContent = `${total.toLocaleString('en')} call${total === 1 ? '' : 's'}${label ? ` — ${label}` : ''}`;
    rows.element.setAttribute('aria-rowcount', String((total ?? 0) + 1));
  };

  return {
    element: h('section', { class: 'trace-calls', 'aria-label': 'Calls in the trace' }, heading, rows.element),
    show(next, nextLabel, lone) {
      query++;
      selection = next;
      label = nextLabel;
      openLone = lone;
      total = null;
      pages = new Map();
      asked = new Set([0]);
      host.ask(query, selection, 0, TRACE_CALL_PAGE);
      describe();
      rows.redraw();
    },
    receive(message) {
      if (message.traceId !== traceId || message.query !== query) return;
      if (message.total === null) {
        heading.textContent = 'The language server no longer holds this trace: reopen the file to load it again.';
        return;
      }
      total = message.total;
      pages.set(message.start, message.calls);
      describe();
      rows.redraw();
      if (openLone && total === 1 && message.calls[0]) host.open(message.calls[0].index);
      openLone = false;
    },
  };
}
