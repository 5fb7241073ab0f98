import type { TraceCallSummaryDto } from '../../../extension/protocol/trace-calls';
import { h } from '../dom';

/** The calls of a trace file; choosing one asks the host to replay it. */
export function traceCallsView(title: string, calls: readonly TraceCallSummaryDto[], open: (index: number) => void): HTMLElement {
  const rows = calls.map((c) => {
    const row = h(
      'tr',
      { 'data-testid': 'trace-call', 'data-verdict': c.verdict, tabindex: '0', role: 'button', 'aria-label': `Replay the call at line ${c.line}` },
      h('td', {}, String(c.line)),
      h('td', {}, `${c.comm ?? '?'} [${c.pid ?? '?'}]`),
      h('td', {}, c.input ?? 'inputs not recorded'),
      h('td', {}, c.observedRet === null ? '?' : String(c.observedRet)),
      h('td', {}, c.predictedRet === null ? '?' : String(c.predictedRet)),
      h('td', { class: `verdict-${c.verdict}` }, c.verdict),
      h('td', {}, [...c.anomalies, ...c.missing.map((m) => `missing: ${m}`)].join(', ')),
    );
    row.addEventListener('click', () => open(c.index));
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') open(c.index);
    });
    return row;
  });
  return h(
    'section',
    { class: 'trace-calls', 'aria-label': 'Calls in the trace' },
    h('h1', {}, title),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...['line', 'task', 'input', 'kernel', 'model', 'verdict', 'notes'].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...rows),
    ),
  );
}
