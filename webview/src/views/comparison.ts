import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { h } from '../dom';

/** One call through several variants: what each returns, keeps and logs. */
export function comparisonView(title: string, results: readonly ReplayResultDto[]): HTMLElement {
  const cell = (text: string) => h('td', {}, text);
  return h(
    'section',
    { class: 'comparison', 'aria-label': 'Variants compared' },
    h('h1', {}, title),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, ...['variant', 'return', 'new count', 'pins after cleanup', 'kernel log', 'anomalies'].map((t) => h('th', {}, t))),
      ),
      h(
        'tbody',
        {},
        ...results.map((r) =>
          h(
            'tr',
            { 'data-testid': 'comparison-row', 'data-variant': r.variant, 'data-ret': String(r.ret) },
            cell(r.variant),
            cell(String(r.ret)),
            cell(r.bytes === null ? 'untouched' : String(r.bytes)),
            cell(String(r.pinnedAfterCleanup)),
            cell(r.log.join('\n') || '—'),
            cell(r.anomalies.map((a) => a.kind).join(', ') || '—'),
          ),
        ),
      ),
    ),
  );
}
