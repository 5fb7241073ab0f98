// The steps as a timeline the keyboard can walk. Choosing one moves the step
// cursor (every panel shows the state after it) and asks the host to show the
// source lines that performed it.
import type { ReplayResultDto, StepDto } from '../../../extension/protocol/dto';
import { bytes, h } from '../dom';
import type { StepCursor } from '../step-cursor';
import { virtualRows, type VirtualRows } from '../virtual-rows';

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

/** Up to this many steps are one plain list; more (a 1,024-segment iovec makes 2,000) are virtualised. */
const LIST_LIMIT = 512;
const STEP_ROW_PX = 22;

function stepItem(step: StepDto, index: number, selected: boolean): HTMLElement {
  return h(
    'li',
    {
      'data-testid': 'step',
      'data-index': String(index),
      id: `step-${index}`,
      class: `step-${step.anchor}${selected ? ' selected' : ''}`,
      'data-lines': `${step.lines[0]}-${step.lines[1]}`,
      tabindex: '-1',
      role: 'option',
      'aria-selected': String(selected),
      'aria-label': `Step ${index + 1}: ${step.title}, ${step.detail}, lines ${step.lines[0]} to ${step.lines[1]}`,
    },
    h('span', { class: 'step-number' }, `${index + 1}. `),
    h('strong', {}, step.title),
    ' — ',
    step.detail,
    h('span', { class: 'lines' }, ` (lines ${step.lines[0]}–${step.lines[1]})`),
  );
}

const NEXT: Record<string, (i: number, last: number) => number> = {
  ArrowDown: (i) => i + 1,
  ArrowUp: (i) => i - 1,
  Home: () => 0,
  End: (_i, last) => last,
};

export function stepsView(result: ReplayResultDto, cursor: StepCursor, reveal: (index: number) => void): HTMLElement {
  const steps = result.steps;
  const choose = (index: number) => {
    cursor.select(index);
    reveal(index);
  };
  const label = 'Steps of the call; Enter shows the state after a step and its source lines';
  // One listener for every item: clicks find their item by its index.
  const onClick = (event: Event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[data-testid="step"]');
    if (item) choose(Number(item.dataset.index));
  };

  if (steps.length > LIST_LIMIT) {
    // Virtualised: the box holds the focus and names the active step.
    const rows: VirtualRows = virtualRows({
      rowPx: STEP_ROW_PX,
      total: () => steps.length,
      row: (i) => {
        const item = stepItem(steps[i]!, i, i === cursor.index);
        item.classList.add('step-row');
        return item;
      },
      rowId: (i) => `step-${i}`,
      onEnter: choose,
      attrs: { role: 'listbox', 'aria-label': label, class: 'virtual-rows steps-rows' },
    });
    const box = rows.element;
    box.addEventListener('click', onClick);
    cursor.watch((_step, selected) => {
      if (selected !== null) rows.activate(selected);
      else rows.redraw();
    });
    return h('section', { class: 'steps', 'aria-label': 'Steps' }, h('h2', {}, `Steps (${steps.length.toLocaleString('en')})`), box);
  }

  const items = steps.map((step, index) => stepItem(step, index, false));
  items[0]?.setAttribute('tabindex', '0');
  const list = h('ol', { role: 'listbox', 'aria-label': label }, ...items);
  list.addEventListener('click', onClick);
  list.addEventListener('keydown', (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[data-testid="step"]');
    if (!item) return;
    const index = Number(item.dataset.index);
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      choose(index);
      return;
    }
    const target = NEXT[event.key] ? items[NEXT[event.key]!(index, items.length - 1)] : undefined;
    if (!target) return;
    event.preventDefault();
    item.setAttribute('tabindex', '-1');
    target.setAttribute('tabindex', '0');
    target.focus();
  });
  cursor.watch((_step, selected) => {
    items.forEach((item, i) => {
      item.classList.toggle('selected', i === selected);
      item.setAttribute('aria-selected', String(i === selected));
    });
    if (selected !== null) items[selected]?.scrollIntoView?.({ block: 'nearest' });
  });
  return h('section', { class: 'steps', 'aria-label': 'Steps' }, h('h2', {}, 'Steps'), list);
}
