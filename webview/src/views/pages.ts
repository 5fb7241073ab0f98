import type { PinnedPageDto, ReplayResultDto } from '../../../extension/protocol/dto';
import { h } from '../dom';

/** Runs up to this long are drawn page by page; longer ones as one block. */
const EXPAND_LIMIT = 64;

/** A page's state when the call returns: pinned, unpinned by the error path, or leaked. */
function stateOf(run: PinnedPageDto): string {
  if (run.leaked) return 'leaked';
  if (run.held === 0) return 'unpinned';
  return run.pinned > 1 ? 'pinned-repeatedly' : 'pinned';
}

function pageChip(run: PinnedPageDto, uaddr: string, pages: number): HTMLElement {
  const state = stateOf(run);
  return h(
    'li',
    {
      'data-testid': pages === 1 ? 'page' : 'page-run',
      'data-pages': String(pages),
      'data-held': String(run.held),
      'data-state': state,
      title: `${uaddr}${pages > 1 ? ` and the next ${pages - 1} pages` : ''}: ${run.pinned} pinned, ${run.held} held, ${run.leaked} leaked each; refcount +${run.refcountDelta}${run.pincountDelta ? `, _pincount +${run.pincountDelta}` : ''}`,
      class: `page-${state}`,
    },
    h('span', { class: 'addr' }, uaddr),
    pages > 1 ? h('span', { class: 'run' }, ` … ${pages.toLocaleString('en')} pages`) : null,
    h('span', { class: 'pins' }, `×${run.held}`),
    run.zeroPage ? h('span', { class: 'zero' }, ' zero page') : null,
    run.leaked ? h('span', { class: 'leaked-count' }, ` ${run.leaked} leaked`) : null,
    state === 'unpinned' ? h('span', { class: 'state' }, ' unpinned by cleanup') : null,
  );
}

export function pagesView(result: ReplayResultDto, pageSize: number): HTMLElement {
  const total = result.pages.reduce((sum, run) => sum + run.pages, 0);
  const chips: HTMLElement[] = [];
  for (const run of result.pages) {
    if (run.pages > EXPAND_LIMIT) {
      chips.push(pageChip(run, run.uaddr, run.pages));
      continue;
    }
    for (let i = 0; i < run.pages; i++) {
      chips.push(pageChip(run, '0x' + (Number(run.uaddr) + i * pageSize).toString(16), 1));
    }
  }
  return h(
    'section',
    { class: 'pages', 'aria-label': 'Pinned pages' },
    h('h2', {}, `Pinned pages (${total.toLocaleString('en')})`),
    total === 0 ? h('p', { class: 'empty' }, 'No page is pinned when the call returns.') : h('ol', { class: 'page-strip' }, ...chips),
  );
}
