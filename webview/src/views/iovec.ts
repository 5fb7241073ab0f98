import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { bytes, h } from '../dom';

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
  );
}
