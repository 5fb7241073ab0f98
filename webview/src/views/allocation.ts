import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { bytes, h } from '../dom';

/** The kvmalloc'd block: bvecs from the start, page pointers at the end. */
export function allocationView(result: ReplayResultDto): HTMLElement | null {
  const block = result.block;
  if (!block) return null;
  const used = result.bvecs.length * 16;
  const bar = h('div', { class: 'block-bar', 'aria-hidden': 'true' });
  const bvecPart = h('div', { class: 'block-bvecs' });
  bvecPart.style.width = block.bytes ? `${(100 * used) / block.bytes}%` : '0';
  const pointerPart = h('div', { class: 'block-pointers' });
  pointerPart.style.left = block.bytes ? `${(100 * block.pointersAt) / block.bytes}%` : '0';
  bar.append(bvecPart, pointerPart);
  return h(
    'section',
    { class: 'allocation', 'aria-label': 'The kvmalloc block' },
    h('h2', {}, 'The allocation'),
    h(
      'p',
      { 'data-testid': 'allocation' },
      `kvmalloc ${bytes(block.bytes)} bytes: ${result.bvecs.length} bio_vec(s) written from byte 0, page pointers from byte ${bytes(block.pointersAt)}`,
      block.freed ? '; freed by the error path' : '',
      block.overflowBytes ? `; ${block.overflowBytes} byte(s) written past the end` : '',
    ),
    bar,
    h(
      'p',
      { class: 'empty', 'data-testid': 'allocation-cursor' },
      `The page-pointer cursor ended at slot ${result.bvecs.length} of ${result.maxPages}: each pointer is consumed before its bvec is written, so a bvec never lands on a pointer still to be read`,
      result.anomalies.some((a) => a.kind === 'clobbered-pointer') ? ' — except here: see the clobbered-pointer anomaly.' : '.',
    ),
  );
}
