import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { bytes, h, hex } from '../dom';

/** A bar showing which part of its page a bvec covers. */
function coverage(offset: number, len: number, pageSize: number): HTMLElement {
  const bar = h('div', { class: 'coverage', 'aria-hidden': 'true' });
  const fill = h('div', { class: 'covered' });
  fill.style.marginLeft = `${(100 * offset) / pageSize}%`;
  fill.style.width = `${(100 * len) / pageSize}%`;
  bar.append(fill);
  return bar;
}

export function bvecsView(result: ReplayResultDto): HTMLElement {
  const pageSize = result.call.pageSize;
  return h(
    'section',
    { class: 'bvecs', 'aria-label': 'bio_vec array' },
    h('h2', {}, `bio_vec array (${result.bvecs.length} of ${result.maxPages} slots)`),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, '#'), h('th', {}, 'bv_page'), h('th', {}, 'bv_offset'), h('th', {}, 'bv_len'), h('th', {}, 'in page')),
      ),
      h(
        'tbody',
        {},
        ...result.bvecs.map((bv, i) =>
          h(
            'tr',
            { 'data-testid': 'bvec', 'data-offset': String(bv.offset), 'data-len': String(bv.len) },
            h('td', {}, String(i)),
            h('td', { class: 'addr' }, bv.uaddr),
            h('td', {}, hex(bv.offset)),
            h('td', {}, bytes(bv.len)),
            h('td', {}, coverage(bv.offset, bv.len, pageSize)),
          ),
        ),
      ),
    ),
  );
}
