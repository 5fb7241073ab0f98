// The user buffer: the segments, and on an address axis the pages they touch,
// unmapped and read-only ranges, where GUP stopped, and how far the original
// iterator has been consumed at the step on the cursor.
import { roundStoppedAt } from '../../../extension/engine';
import type { ReplayResultDto, StepDto } from '../../../extension/protocol/dto';
import { bytes, h, hex } from '../dom';
import type { StepCursor } from '../step-cursor';
import { virtualRows } from '../virtual-rows';

/** Pages of the buffer drawn on one axis at most; larger buffers show the table only. */
const AXIS_PAGE_LIMIT = 64;

interface Span {
  readonly start: number;
  readonly end: number;
}

/** The address ranges the first `consumed` bytes of the iterator cover. */
function consumedSpans(result: ReplayResultDto, consumed: number): Span[] {
  const spans: Span[] = [];
  let skip = result.call.iovOffset;
  let left = consumed;
  for (const seg of result.call.segments) {
    if (left <= 0) break;
    const start = Number(seg.addr) + Math.min(skip, seg.len);
    const take = Math.min(left, seg.len - Math.min(skip, seg.len));
    skip = Math.max(0, skip - seg.len);
    if (take > 0) spans.push({ start, end: start + take });
    left -= take;
  }
  return spans;
}

/** orig's count before the call: as the first step saw it. */
function initialCount(result: ReplayResultDto): number {
  return result.steps[0]?.state.origCount ?? result.call.segments.reduce((sum, s) => sum + s.len, 0) - result.call.iovOffset;
}

/** The axis, and how to mark the pages holding the first `consumed` bytes. */
function axis(result: ReplayResultDto): { element: HTMLElement; showConsumed(consumed: number): void } | null {
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
  const stopped = new Set(result.pinRounds.map((r) => roundStoppedAt(r, page)));
  const hits = (list: Span[], at: number) => list.some((r) => r.start < at + page && at < r.end);
  const cells: Array<{ at: number; cell: HTMLElement }> = [];
  for (let i = 0; i < pages; i++) {
    const at = first + i * page;
    const state = stopped.has(at) ? 'fault' : hits(unmapped, at) ? 'unmapped' : hits(readonly, at) ? 'readonly' : hits(segments, at) ? 'buffer' : 'gap';
    const cell = h('div', { class: `axis-page axis-${state}`, 'data-testid': 'axis-page', 'data-state': state, title: `${hex(at)}: ${state}` }, hex(at));
    if (state === 'fault') cell.append(h('span', { class: 'axis-note' }, ' GUP stopped here'));
    cells.push({ at, cell });
  }
  return {
    element: h('div', { class: 'axis', role: 'img', 'aria-label': `The buffer across ${pages} page(s)` }, ...cells.map((c) => c.cell)),
    showConsumed(consumed) {
      const spans = consumedSpans(result, consumed);
      for (const { at, cell } of cells) cell.classList.toggle('consumed', hits(spans, at));
    },
  };
}

/** Up to this many segments are one table; more (UIO_MAXIOV is 1,024) are virtualised rows. */
const TABLE_LIMIT = 512;
const SEGMENT_ROW_PX = 22;

function segmentsTable(result: ReplayResultDto): HTMLElement {
  const segments = result.call.segments;
  if (segments.length > TABLE_LIMIT) {
    const cell = (text: string, className = '') => h('div', { role: 'gridcell', class: className }, text);
    return virtualRows({
      rowPx: SEGMENT_ROW_PX,
      total: () => segments.length,
      header: h('div', { role: 'row', class: 'segment-row segment-head' }, ...['#', 'iov_base', 'iov_len'].map((t) => h('div', { role: 'columnheader' }, t))),
      row: (i) => h('div', { role: 'row', class: 'segment-row', 'data-testid': 'segment', 'aria-rowindex': String(i + 2) }, cell(String(i)), cell(segments[i]!.addr, 'addr'), cell(bytes(segments[i]!.len))),
      attrs: { class: 'virtual-rows segment-grid', role: 'grid', 'aria-rowcount': String(segments.length + 1), 'aria-label': `${segments.length} iovec segments` },
    }).element;
  }
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'iov_base'), h('th', {}, 'iov_len'))),
    h(
      'tbody',
      {},
      ...segments.map((seg, i) => h('tr', { 'data-testid': 'segment' }, h('td', {}, String(i)), h('td', { class: 'addr' }, seg.addr), h('td', {}, bytes(seg.len)))),
    ),
  );
}

export function iovecView(result: ReplayResultDto, cursor: StepCursor): HTMLElement {
  const call = result.call;
  const total = initialCount(result);
  const consumed = h('p', { 'data-testid': 'orig-consumed' });
  const pageAxis = axis(result);
  cursor.watch((step: StepDto | null) => {
    const done = step ? total - step.state.origCount : result.origAdvance;
    consumed.textContent = `orig consumed: ${bytes(done)} of ${bytes(total)} bytes${step ? ' at this step' : ' when the call returns'}`;
    pageAxis?.showConsumed(done);
  });
  return h(
    'section',
    { class: 'iovec', 'aria-label': 'Iterator segments' },
    h('h2', {}, `${call.iter === 'ubuf' ? 'User buffer' : 'iovec segments'}`),
    segmentsTable(result),
    call.iovOffset ? h('p', {}, `iov_offset ${bytes(call.iovOffset)}`) : null,
    consumed,
    pageAxis?.element,
  );
}
