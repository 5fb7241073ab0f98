import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { h } from '../dom';

export function anomaliesView(result: ReplayResultDto): HTMLElement {
  return h(
    'section',
    { class: 'anomalies', 'aria-label': 'Anomalies and kernel log' },
    h('h2', {}, 'Anomalies'),
    result.anomalies.length === 0
      ? h('p', { class: 'empty', 'data-testid': 'no-anomaly' }, 'None: the call behaved as designed.')
      : h(
          'ul',
          {},
          ...result.anomalies.map((a) =>
            h(
              'li',
              { 'data-testid': 'anomaly' },
              h('strong', {}, a.kind),
              ': ',
              a.message,
              a.fixedBy ? h('span', { class: 'fix' }, ` (fixed by ${a.fixedBy})`) : null,
            ),
          ),
        ),
    result.log.length ? h('h2', {}, 'Kernel log') : null,
    result.log.length ? h('pre', { 'data-testid': 'kernel-log' }, result.log.join('\n')) : null,
  );
}
