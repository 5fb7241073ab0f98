import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { h } from '../dom';

export function pagesView(result: ReplayResultDto): HTMLElement {
  return h(
    'section',
    { class: 'pages', 'aria-label': 'Pinned pages' },
    h('h2', {}, `Pinned pages (${result.pages.length})`),
    result.pages.length === 0
      ? h('p', { class: 'empty' }, 'No page is pinned when the call returns.')
      : h(
          'ol',
          { class: 'page-strip' },
          ...result.pages.map((page) =>
            h(
              'li',
              {
                'data-testid': 'page',
                'data-held': String(page.held),
                title: `${page.uaddr} (page ${page.page}): ${page.pinned} pinned, ${page.held} held, ${page.leaked} leaked; refcount +${page.refcountDelta}`,
              },
              h('span', { class: 'addr' }, page.uaddr),
              h('span', { class: 'pins' }, `×${page.held}`),
              page.zeroPage ? h('span', { class: 'zero' }, ' zero page') : null,
              page.leaked ? h('span', { class: 'leaked' }, ` ${page.leaked} leaked`) : null,
            ),
          ),
        ),
  );
}
