// The kvmalloc'd block: bvecs grow from byte 0, the extractor's page pointers
// sit in the second half, and the loop reads pointer k before writing bvec k.
// Drawn to scale on a bar; the cursor step moves the marks.
import type { ReplayResultDto, StepDto } from '../../../extension/protocol/dto';
import { bytes, h } from '../dom';
import type { StepCursor } from '../step-cursor';

const BVEC_BYTES = 16;
const POINTER_BYTES = 8;

function placed(className: string, from: number, to: number, total: number, attrs: Record<string, string> = {}): HTMLElement {
  const part = h('div', { class: className, ...attrs });
  part.style.left = `${(100 * from) / total}%`;
  part.style.width = `${(100 * Math.max(0, to - from)) / total}%`;
  return part;
}

export function allocationView(result: ReplayResultDto, cursor: StepCursor): HTMLElement | null {
  const block = result.block;
  if (!block) return null;
  const size = Math.max(1, block.bytes);
  const bar = h('div', { class: 'block-bar', role: 'img', 'data-testid': 'block-bar' });
  const text = h('p', { 'data-testid': 'allocation' });
  const cursorText = h('p', { class: 'empty', 'data-testid': 'allocation-cursor' });
  const clobbers = block.clobbers.map((c) =>
    placed('block-clobber', block.pointersAt + POINTER_BYTES * c.slot, block.pointersAt + POINTER_BYTES * (c.slot + 1), size, {
      'data-testid': 'clobber',
      title: `bvec ${c.bvec} overwrote page-pointer slot ${c.slot} before it was read`,
    }),
  );

  const show = (step: StepDto | null) => {
    // At return: what the call left; after a step: what the loop had done by then.
    const written = step ? step.state.npages : Math.max(0, result.ret);
    const pointers = step ? step.state.pointers : Math.max(written, ...block.clobbers.map((c) => c.slot + 1));
    const freed = step ? step.state.blockFreed : block.freed;
    const consumedTo = block.pointersAt + POINTER_BYTES * written;
    bar.classList.toggle('freed', freed);
    bar.replaceChildren(
      placed('block-pointers', block.pointersAt, block.pointersAt + POINTER_BYTES * pointers, size, { title: `${pointers} page pointer(s) written by the extractor` }),
      placed('block-bvecs', 0, BVEC_BYTES * written, size, { title: `${written} bio_vec(s) written` }),
      placed('block-cursor', consumedTo, consumedTo, size, { title: `pointer cursor: slot ${written}` }),
      ...(step ? [] : clobbers),
    );
    bar.setAttribute(
      'aria-label',
      `Block of ${block.bytes} bytes: ${written} bio_vec(s) from byte 0, ${pointers} page pointer(s) from byte ${block.pointersAt}, cursor at slot ${written}${freed ? ', freed' : ''}${!step && clobbers.length ? `, ${clobbers.length} clobbered pointer(s)` : ''}`,
    );
    text.textContent = [
      `kvmalloc ${bytes(block.bytes)} bytes: ${written} bio_vec(s) written from byte 0, page pointers from byte ${bytes(block.pointersAt)}`,
      freed ? '; freed by the error path' : '',
      !step && block.overflowBytes ? `; ${block.overflowBytes} byte(s) written past the end` : '',
    ].join('');
    cursorText.textContent =
      `The page-pointer cursor is at slot ${written} of ${result.maxPages}: each pointer is read before its bvec is written, so a bvec never lands on a pointer still to be read` +
      (!step && clobbers.length ? ` — except here: ${clobbers.length} pointer(s) were overwritten first (marked on the bar).` : '.');
  };
  cursor.watch(show);
  return h('section', { class: 'allocation', 'aria-label': 'The kvmalloc block' }, h('h2', {}, 'The allocation'), text, bar, cursorText);
}
