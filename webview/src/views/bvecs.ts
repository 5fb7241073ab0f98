import type { BvecDto, ReplayResultDto } from '../../../extension/protocol/dto';
import { bytes, h, hex } from '../dom';

/** Rows drawn at first, and each time the end of the table scrolls into view. */
export const BVEC_ROWS_PER_BATCH = 500;

/** A bar showing which part of its page a bvec covers. */
function coverage(offset: number, len: number, pageSize: number): HTMLElement {
  const bar = h('div', { class: 'coverage', 'aria-hidden': 'true' });
  const fill = h('div', { class: 'covered' });
  fill.style.marginLeft = `${(100 * offset) / pageSize}%`;
  fill.style.width = `${(100 * len) / pageSize}%`;
  bar.append(fill);
  return bar;
}

function row(bv: BvecDto, i: number, pageSize: number): HTMLElement {
  return h(
    'tr',
    { 'data-testid': 'bvec', 'data-offset': String(bv.offset), 'data-len': String(bv.len) },
    h('td', {}, String(i)),
    h('td', { class: 'addr' }, bv.uaddr ?? 'stale pointer'),
    h('td', {}, hex(bv.offset)),
    h('td', {}, bytes(bv.len)),
    h('td', {}, coverage(bv.offset, bv.len, pageSize)),
  );
}

export function bvecsView(result: ReplayResultDto): HTMLElement {
  const pageSize = result.call.pageSize;
  const body = h('tbody', {});
  const more = h('p', { class: 'empty', 'data-testid': 'bvec-more' });
  let drawn = 0;
  // Half a million rows would stall the view: draw a batch, then the next when the reader gets there.
  const drawBatch = () => {
    const end = Math.min(result.bvecs.length, drawn + BVEC_ROWS_PER_BATCH);
    const rows: HTMLElement[] = [];
    for (let i = drawn; i < end; i++) rows.push(row(result.bvecs[i]!, i, pageSize));
    body.append(...rows);
    drawn = end;
    more.textContent = drawn < result.bvecs.length ? `… ${(result.bvecs.length - drawn).toLocaleString('en')} more (scroll to load)` : '';
  };
  drawBatch();
  if (drawn < result.bvecs.length && typeof IntersectionObserver !== 'undefined') {
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      drawBatch();
      if (drawn >= result.bvecs.length) observer.disconnect();
    });
    observer.observe(more);
  }
  return h(
    'section',
    { class: 'bvecs', 'aria-label': 'bio_vec array' },
    h('h2', {}, `bio_vec array (${result.bvecs.length.toLocaleString('en')} of ${result.maxPages.toLocaleString('en')} slots)`),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, '#'), h('th', {}, 'bv_page'), h('th', {}, 'bv_offset'), h('th', {}, 'bv_len'), h('th', {}, 'in page')),
      ),
      body,
    ),
    more,
  );
}
