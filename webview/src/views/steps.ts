import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { h } from '../dom';

/** The steps as a list the keyboard can walk; choosing one asks the host to show its source lines. */
export function stepsView(result: ReplayResultDto, select: (index: number) => void): HTMLElement {
  const items = result.steps.map((step, index) => {
    const item = h(
      'li',
      {
        'data-testid': 'step',
        class: `step-${step.anchor}`,
        'data-lines': `${step.lines[0]}-${step.lines[1]}`,
        tabindex: '0',
        role: 'button',
        'aria-label': `Step ${index + 1}: ${step.title}, lines ${step.lines[0]} to ${step.lines[1]}`,
      },
      h('strong', {}, step.title),
      ' — ',
      step.detail,
      h('span', { class: 'lines' }, ` (lines ${step.lines[0]}–${step.lines[1]})`),
    );
    const choose = () => {
      for (const other of items) other.classList.remove('selected');
      item.classList.add('selected');
      select(index);
    };
    item.addEventListener('click', choose);
    item.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') choose();
      if (event.key === 'ArrowDown') (items[index + 1] ?? item).focus();
      if (event.key === 'ArrowUp') (items[index - 1] ?? item).focus();
    });
    return item;
  });
  return h('section', { class: 'steps', 'aria-label': 'Steps' }, h('h2', {}, 'Steps'), h('ol', {}, ...items));
}
