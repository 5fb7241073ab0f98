import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { bytes, h } from '../dom';

function verdict(result: ReplayResultDto): string {
  return result.ret < 0
    ? `returned ${result.ret} (error)`
    : `returned ${result.ret} bvec${result.ret === 1 ? '' : 's'} covering ${bytes(result.bytes ?? 0)} bytes`;
}

export function summaryView(title: string, result: ReplayResultDto): HTMLElement {
  const call = result.call;
  return h(
    'section',
    { class: 'summary', 'aria-label': 'Summary' },
    h('h1', {}, title),
    h('p', { class: 'verdict', 'data-testid': 'verdict' }, `netfs_extract_user_iter ${verdict(result)}`),
    h(
      'dl',
      {},
      h('dt', {}, 'Variant'),
      h('dd', { 'data-testid': 'variant' }, call.variant),
      h('dt', {}, 'Iterator'),
      h('dd', {}, `${call.iter.toUpperCase()}, ${call.dir === 'read' ? 'read (ITER_DEST, FOLL_WRITE)' : 'write (ITER_SOURCE)'}`),
      h('dt', {}, 'orig_len'),
      h('dd', {}, bytes(call.len)),
      h('dt', {}, 'Page size'),
      h('dd', {}, bytes(call.pageSize)),
      h('dt', {}, 'max_pages'),
      h('dd', {}, String(result.maxPages)),
      h('dt', {}, 'Pins held'),
      h('dd', { 'data-testid': 'pins-held' }, String(result.pinned)),
      h('dt', {}, 'orig advanced'),
      h('dd', {}, bytes(result.origAdvance)),
    ),
  );
}
