import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { bytes, h } from '../dom';

/** Pages of the buffer drawn on one axis at most; larger buffers show the table only. */
const AXIS_PAGE_LIMIT = 64;

interface Span {
  readonly start: number;
  readonly end: number;
}

/** The buffer on an address axis: one cell per page it touches, segments, unmapped/read-only ranges, where GUP stopped. */
function axis(result: ReplayResultDto): HTMLElement | null {
  const call = result.call;
  const page = call.pageSize;
  const segments: Span[] = call.segments.filter((s) => s.len > 0).map((s) => ({ start: Number(s.addr), end: Number(s.addr) + s.len }));
  if (!segments.length) return null;
  const first = Math.min(...segments.map((s) => s.start - (s.start % page)));
  const last = Math.max(...segments.map((s) => Math.ceil(s.end / page) * page));
  const pages = (last - first) / page;
  if (pages > AXIS_PAGE_LIMIT) return null;
  const ranges = (list: readonly { addr: string; len: number }[]) => list.map((r) => ({ start: Number(r.addr), end: Number(r.addr) + r.len }));
  const unmapped = ranges(call.unmapped);
  const readonly = ranges(call.readonly);
  const stopped = new Set(result.pinRounds.filter((r) => r.ret < r.nrPages).map((r) => Number(r.start) + Math.max(0, r.ret) * page));
  const cells: HTMLElement[] = [];
  for (let i = 0; i < pages; i++) {
    const at = first + i * page;
    const hits = (list: Span[]) => list.some((r) => r.start < at + page && at < r.end);
    const state = stopped.has(at) ? 'fault' : hits(unmapped) ? 'unmapped' : hits(readonly) ? 'readonly' : hits(segments) ? 'buffer' : 'gap';
    const cell = h('div', { class: `axis-page axis-${state}`, 'data-testid': 'axis-page', 'data-state': state, title: `0x${at.toString(16)}: ${state}` }, `0x${at.toString(16)}`);
    if (state === 'fault') cell.append(h('span', { class: 'axis-note' }, ' GUP stopped here'));
    cells.push(cell);
  }
  return h('div', { class: 'axis', role: 'img', 'aria-label': `The buffer across ${pages} page(s)` }, ...cells);
}

export function iovecView(result: ReplayResultDto): HTMLElement {
  const call = result.call;
  return h(
    'section',
    { class: 'iovec', 'aria-label': 'Iterator segments' },
    h('h2', {}, `${call.iter === 'ubuf' ? 'User buffer' : 'iovec segments'}`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'iov_base'), h('th', {}, 'iov_len'))),
      h(
        'tbody',
        {},
        ...call.segments.map((seg, i) =>
          h('tr', { 'data-testid': 'segment' }, h('td', {}, String(i)), h('td', { class: 'addr' }, seg.addr), h('td', {}, bytes(seg.len))),
        ),
      ),
    ),
    call.iovOffset ? h('p', {}, `iov_offset ${bytes(call.iovOffset)}`) : null,
    axis(result),
  );
}
