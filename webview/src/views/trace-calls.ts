// The calls of a trace file ("Open With… Pinscope trace"); choosing one asks
// the host to replay it. A trace of a long run holds thousands of calls: past
// a few hundred the list is virtualised.
import type { TraceCallSummaryDto } from '../../../extension/protocol/trace-calls';
import { h } from '../dom';
import { virtualRows } from '../virtual-rows';

const TABLE_LIMIT = 512;
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

function rowAttrs(c: TraceCallSummaryDto): Record<string, string> {
  return { 'data-testid': 'trace-call', 'data-index': String(c.index), 'data-verdict': c.verdict, 'aria-label': `Replay the call at line ${c.line}` };
}

/** Clicks land on the row that holds the call's index. */
function onClickOpen(container: HTMLElement, open: (index: number) => void): void {
  container.addEventListener('click', (event) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-testid="trace-call"]');
    if (row) open(Number(row.dataset.index));
  });
}

export function traceCallsView(title: string, calls: readonly TraceCallSummaryDto[], open: (index: number) => void): HTMLElement {
  let list: HTMLElement;
  if (calls.length > TABLE_LIMIT) {
    list = virtualRows({
      rowPx: CALL_ROW_PX,
      total: () => calls.length,
      header: h('div', { role: 'row', class: 'call-row call-head' }, ...COLUMNS.map((t) => h('div', { role: 'columnheader' }, t))),
      row: (i) => {
        const c = calls[i]!;
        return h('div', { ...rowAttrs(c), role: 'row', class: 'call-row' }, ...cellsOf(c).map((text, k) => h('div', { role: 'gridcell', class: k === 5 ? `verdict-${c.verdict}` : '' }, text)));
      },
      rowId: (i) => `trace-call-${i}`,
      onEnter: (i) => open(calls[i]!.index),
      attrs: { class: 'virtual-rows call-grid', role: 'grid', 'aria-rowcount': String(calls.length + 1), 'aria-label': `${calls.length} calls; arrow keys move, Enter replays` },
    }).element;
  } else {
    const rows = calls.map((c) => {
      const row = h('tr', { ...rowAttrs(c), tabindex: '0', role: 'button' }, ...cellsOf(c).map((text, k) => h('td', k === 5 ? { class: `verdict-${c.verdict}` } : {}, text)));
      row.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') open(c.index);
      });
      return row;
    });
    list = h('table', {}, h('thead', {}, h('tr', {}, ...COLUMNS.map((t) => h('th', {}, t)))), h('tbody', {}, ...rows));
  }
  onClickOpen(list, open);
  return h('section', { class: 'trace-calls', 'aria-label': 'Calls in the trace' }, h('h1', {}, title), list);
}
