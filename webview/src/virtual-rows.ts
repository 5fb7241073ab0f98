// A scroll box that keeps only the rows in view (plus a margin) in the DOM.
// Rows have one fixed height and are placed by index, so a million rows cost
// what forty do. Used by the bio_vec grid and big page strips.
import { h } from './dom';

/** Rows drawn above and below the visible ones. */
const OVERSCAN = 10;
/** Rows drawn before the box has been laid out. */
const FIRST_PAINT_ROWS = 30;

export interface VirtualRowsOptions {
  readonly rowPx: number;
  /** Rows in all, given the box's width (0 before layout); asked on every draw. */
  total(width: number): number;
  /** Builds row i; the helper positions it. */
  row(index: number): HTMLElement;
  /** Rows [first, end) are about to be drawn. */
  onRange?(first: number, end: number): void;
  readonly header?: HTMLElement;
  readonly attrs?: Record<string, string>;
}

export interface VirtualRows {
  readonly element: HTMLElement;
  /** Draws the rows in view again (data or state changed). */
  redraw(): void;
  /** Scrolls so that row i is visible. */
  reveal(index: number): void;
}

export function virtualRows(options: VirtualRowsOptions): VirtualRows {
  const { rowPx } = options;
  const body = h('div', { class: 'virtual-body', role: 'rowgroup' });
  const box = h('div', { class: 'virtual-rows', ...(options.attrs ?? {}) });
  if (options.header) box.append(options.header);
  box.append(body);

  let drawn = '';
  const draw = (force: boolean) => {
    const total = options.total(box.clientWidth);
    body.style.height = `${total * rowPx}px`;
    const height = box.clientHeight || FIRST_PAINT_ROWS * rowPx;
    const first = Math.max(0, Math.floor(box.scrollTop / rowPx) - OVERSCAN);
    const end = Math.min(total, Math.ceil((box.scrollTop + height) / rowPx) + OVERSCAN);
    const key = `${first}:${end}:${total}`;
    if (key === drawn && !force) return;
    drawn = key;
    options.onRange?.(first, end);
    const rows: HTMLElement[] = [];
    for (let i = first; i < end; i++) {
      const row = options.row(i);
      row.style.position = 'absolute';
      row.style.top = `${i * rowPx}px`;
      rows.push(row);
    }
    body.replaceChildren(...rows);
  };

  let frame = 0;
  box.addEventListener(
    'scroll',
    () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        draw(false);
      });
    },
    { passive: true },
  );
  if (typeof ResizeObserver !== 'undefined') {
    const resized = new ResizeObserver(() => {
      // A box taken off the page (the next replay replaced it) reports a last size change: let it go.
      if (!box.isConnected) resized.disconnect();
      else draw(true);
    });
    resized.observe(box);
  }
  draw(true);
  return {
    element: box,
    redraw: () => draw(true),
    reveal(index) {
      const top = index * rowPx;
      // The sticky header takes a row's height at the top.
      const headerPx = options.header ? rowPx : 0;
      if (top < box.scrollTop) box.scrollTop = top;
      else if (top + rowPx + headerPx > box.scrollTop + box.clientHeight) box.scrollTop = top + rowPx + headerPx - box.clientHeight;
      draw(true);
    },
  };
}
