// The bio_vec array as a virtualised grid: only the rows in view exist in the
// DOM. Rows the host has not sent yet are asked for as they come into view.
import type { BvecDto, ReplayResultDto, StepDto } from '../../../extension/protocol/dto';
import type { ObservedBvecDto, ObservedViewDto } from '../../../extension/protocol/webview';
import { printable } from '../../../extension/trace/printable';
import type { BvecSource } from '../bvec-source';
import { bytes, h, hex } from '../dom';
import type { StepCursor } from '../step-cursor';
import { virtualRows, type VirtualRows } from '../virtual-rows';

/** Row height in CSS pixels: rows are positioned by index, so all are equal. */
export const BVEC_ROW_PX = 22;

/** A bar showing which part of its page a bvec covers. */
function coverage(offset: number, len: number, pageSize: number): HTMLElement {
  const bar = h('div', { class: 'coverage', 'aria-hidden': 'true' });
  const fill = h('div', { class: 'covered' });
  fill.style.marginLeft = `${Math.min(100, (100 * offset) / pageSize)}%`;
  fill.style.width = `${Math.min(100, (100 * len) / pageSize)}%`;
  bar.append(fill);
  return bar;
}

function cell(text: string | Node, className = ''): HTMLElement {
  return h('div', { role: 'gridcell', class: className }, text);
}

/** What the kernel recorded in this slot, against the model's entry: a word, the values in its tooltip. */
function kernelCell(model: BvecDto | undefined, seen: ObservedBvecDto | undefined, stale: boolean): HTMLElement {
  if (!seen) return cell('');
  const values = `kernel recorded bv_offset ${hex(seen.offset)}, bv_len ${bytes(seen.len)}${seen.page ? `, bv_page ${seen.page}` : ''}`;
  const same = model !== undefined && model.offset === seen.offset && model.len === seen.len;
  const [text, className] = stale ? ['stale heap data', 'stale'] : same ? ['same', 'same'] : [`${hex(seen.offset)} + ${hex(seen.len)}`, 'differs'];
  const element = cell(text, className);
  element.title = printable(stale ? `${values}: past the returned count, whatever the heap held` : values);
  return element;
}

export function bvecsView(result: ReplayResultDto, source: BvecSource, observed: ObservedViewDto | undefined, cursor: StepCursor): HTMLElement {
  const pageSize = result.call.pageSize;
  // A probe prints a fixed number of slots whatever the array's size (the kprobe recipe four, bpftrace
  // up to 256), so some lie past its end; an index beyond that is a garbled line, not a row to draw.
  const capacity = Math.max(source.total, result.maxPages, 256);
  const seen = new Map((observed?.bvecs ?? []).filter((b) => b.idx < capacity).map((b) => [b.idx, b]));
  const observedRet = observed?.ret ?? null;
  // Slots the trace recorded past the array's end still get a row: they are the stale ones.
  const total = Math.max(source.total, ...[...seen.keys()].map((i) => i + 1));
  let step: StepDto | null = null;

  const row = (i: number): HTMLElement => {
    const bv = source.get(i);
    const slot = seen.get(i);
    const stale = slot !== undefined && observedRet !== null && i >= observedRet;
    const future = step !== null && (step.state.blockFreed || i >= step.state.npages);
    const attrs: Record<string, string> = {
      role: 'row',
      'aria-rowindex': String(i + 2),
      class: ['bvec-row', future ? 'future' : '', stale ? 'stale-slot' : ''].filter(Boolean).join(' '),
    };
    let cells: HTMLElement[];
    if (i >= source.total) {
      attrs['data-testid'] = 'bvec-stale';
      cells = [cell(String(i)), cell('past the returned count', 'addr'), cell(''), cell(''), cell('')];
    } else if (!bv) {
      attrs['data-testid'] = 'bvec-loading';
      cells = [cell(String(i)), cell('…'), cell(''), cell(''), cell('')];
    } else {
      Object.assign(attrs, { 'data-testid': 'bvec', 'data-index': String(i), 'data-offset': String(bv.offset), 'data-len': String(bv.len) });
      cells = [cell(String(i)), cell(bv.uaddr ?? 'stale pointer', 'addr'), cell(hex(bv.offset)), cell(bytes(bv.len)), cell(coverage(bv.offset, bv.len, pageSize))];
    }
    if (seen.size) cells.push(kernelCell(bv, slot, stale));
    if (future) attrs['aria-description'] = step?.state.blockFreed ? 'freed' : 'not written yet at this step';
    return h('div', attrs, ...cells);
  };

  const header = h(
    'div',
    { role: 'row', class: 'bvec-row bvec-head', 'aria-rowindex': '1' },
    ...['#', 'bv_page', 'bv_offset', 'bv_len', 'in page', ...(seen.size ? ['kernel recorded'] : [])].map((t) => h('div', { role: 'columnheader' }, t)),
  );
  const rows: VirtualRows = virtualRows({
    rowPx: BVEC_ROW_PX,
    total: () => total,
    row,
    header,
    onRange: (first, end) => source.want(first, Math.min(end, source.total), () => rows.redraw()),
    rowId: (i) => `bvec-row-${i}`,
    attrs: {
      class: `virtual-rows bvec-grid${seen.size ? ' with-kernel' : ''}`,
      role: 'grid',
      'aria-label': `bio_vec array, ${total} rows; arrow keys move between rows`,
      'aria-rowcount': String(total + 1),
      'data-testid': 'bvec-grid',
    },
  });
  const grid = rows.element;
  cursor.watch((next) => {
    step = next;
    rows.redraw();
  });

  const written = result.ret >= 0 ? result.ret : 0;
  return h(
    'section',
    { class: 'bvecs', 'aria-label': 'bio_vec array' },
    h('h2', {}, `bio_vec array (${written.toLocaleString('en')} returned, ${result.maxPages.toLocaleString('en')} slots)`),
    seen.size ? h('p', { class: 'empty' }, `The trace recorded ${seen.size} slot(s) at return; slots at or past the returned count hold stale heap data.`) : null,
    grid,
  );
}
