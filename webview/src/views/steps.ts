import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { h } from '../dom';

export function stepsView(result: ReplayResultDto): HTMLElement {
  return h(
    'section',
    { class: 'steps', 'aria-label': 'Steps' },
    h('h2', {}, 'Steps'),
    h(
      'ol',
      {},
      ...result.steps.map((step) =>
        h(
          'li',
          { 'data-testid': 'step', class: `step-${step.anchor}`, 'data-lines': `${step.lines[0]}-${step.lines[1]}` },
          h('strong', {}, step.title),
          ' — ',
          step.detail,
          h('span', { class: 'lines' }, ` (lines ${step.lines[0]}–${step.lines[1]})`),
        ),
      ),
    ),
  );
}
