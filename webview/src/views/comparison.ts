import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { h } from '../dom';

/** One call through several variants: what each returns, keeps and logs; a row (click or Enter) opens that replay. */
export function comparisonView(title: string, results: readonly ReplayResultDto[], open: (result: ReplayResultDto) => void): HTMLElement {
  const cell = (text: string) => h('td', {}, text);
  const row = (r: ReplayResultDto) => {
    const tr = h(
      'tr',
      { 'data-testid': 'comparison-row', 'data-variant': r.variant, 'data-ret': String(r.ret), tabindex: '0', role: 'button', 'aria-label': `Open the ${r.variant} replay: returns ${r.ret}` },
      cell(r.variant),
      cell(String(r.ret)),
      cell(r.bytes === null ? 'untouched' : String(r.bytes)),
      cell(String(r.pinnedAfterCleanup)),
      cell(r.log.join('\n') || '—'),
      cell(r.anomalies.map((a) => a.kind).join(', ') || '—'),
    );
    tr.addEventListener('click', () => open(r));
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        open(r);
      }
    });
    return tr;
  };
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
        ...results.map(row),
      ),
    ),
  );
}
