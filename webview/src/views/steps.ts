// The steps as a timeline the keyboard can walk. Choosing one moves the step
// cursor (every panel shows the state after it) and asks the host to show the
// source lines that performed it.
import type { ReplayResultDto, StepDto } from '../../../extension/protocol/dto';
import { bytes, h } from '../dom';
import type { StepCursor } from '../step-cursor';

function stateWords(step: StepDto | null, result: ReplayResultDto): string {
  if (!step) return `At return: ${result.ret < 0 ? `error ${result.ret}` : `${result.ret} bvec(s)`}, ${result.pinned} pin(s) held. Choose a step to see the state after it.`;
  const s = step.state;
  return [
    `After “${step.title}”: count ${bytes(s.count)}, npages ${s.npages}, ret ${s.ret ?? 'uninitialised'}`,
    `orig count ${bytes(s.origCount)}`,
    `${s.pointers} page pointer(s) written, ${s.pinRounds} GUP round(s), ${s.pinsHeld} pin(s) held`,
    s.blockFreed ? 'block freed' : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** One line saying which state the panels show, kept in view at the top. */
export function stepStateView(result: ReplayResultDto, cursor: StepCursor): HTMLElement {
  const text = h('span', { 'data-testid': 'step-state' });
  const back = h('button', { type: 'button', class: 'link', 'data-testid': 'step-return' }, h('span', { class: 'codicon codicon-debug-step-out', 'aria-hidden': 'true' }), ' at return');
  back.addEventListener('click', () => cursor.select(null));
  cursor.watch((step) => {
    text.textContent = stateWords(step, result);
    back.hidden = step === null;
  });
  return h('div', { class: 'step-state', role: 'status', 'aria-live': 'polite' }, text, ' ', back);
}

export function stepsView(result: ReplayResultDto, cursor: StepCursor, reveal: (index: number) => void): HTMLElement {
  const items = result.steps.map((step, index) => {
    const item = h(
      'li',
      {
        'data-testid': 'step',
        class: `step-${step.anchor}`,
        'data-lines': `${step.lines[0]}-${step.lines[1]}`,
        tabindex: index === 0 ? '0' : '-1',
        role: 'option',
        'aria-label': `Step ${index + 1}: ${step.title}, ${step.detail}, lines ${step.lines[0]} to ${step.lines[1]}`,
      },
      h('strong', {}, step.title),
      ' — ',
      step.detail,
      h('span', { class: 'lines' }, ` (lines ${step.lines[0]}–${step.lines[1]})`),
    );
    const choose = () => {
      cursor.select(index);
      reveal(index);
    };
    item.addEventListener('click', choose);
    item.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        choose();
      }
      const next = event.key === 'ArrowDown' ? index + 1 : event.key === 'ArrowUp' ? index - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? items.length - 1 : null;
      const target = next === null ? undefined : items[next];
      if (target) {
        event.preventDefault();
        item.setAttribute('tabindex', '-1');
        target.setAttribute('tabindex', '0');
        target.focus();
      }
    });
    return item;
  });
  cursor.watch((_step, selected) => {
    items.forEach((item, i) => {
      item.classList.toggle('selected', i === selected);
      item.setAttribute('aria-selected', String(i === selected));
    });
    if (selected !== null) items[selected]?.scrollIntoView?.({ block: 'nearest' });
  });
  return h(
    'section',
    { class: 'steps', 'aria-label': 'Steps' },
    h('h2', {}, 'Steps'),
    h('ol', { role: 'listbox', 'aria-label': 'Steps of the call; Enter shows the state after a step and its source lines' }, ...items),
  );
}
