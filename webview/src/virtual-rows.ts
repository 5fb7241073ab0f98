// A scroll box that keeps only the rows in view (plus a margin) in the DOM.
// Rows have one fixed height and are placed by index, so a million rows cost
// what forty do. The box also holds the keyboard focus for its rows: arrows,
// Page Up/Down, Home and End move the active row (named to screen readers by
// aria-activedescendant), Enter chooses it. Used by the bio_vec grid, big page
// strips, long step lists, segment tables and trace call lists.
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
  /** The element id of row i: given, the box walks its rows by keyboard. */
  rowId?(index: number): string;
  /** Enter or Space on the active row. */
  onEnter?(index: number): void;
  readonly header?: HTMLElement;
  readonly attrs?: Record<string, string>;
}

export interface VirtualRows {
  readonly element: HTMLElement;
  /** Draws the rows in view again (data or state changed). */
  redraw(): void;
  /** Makes row i the active one and scrolls it into view. */
  activate(index: number): void;
}

export function virtualRows(options: VirtualRowsOptions): VirtualRows {
  const { rowPx } = options;
  const body = h('div', { class: 'virtual-body', role: 'rowgroup' });
  const box = h('div', { class: 'virtual-rows', ...(options.attrs ?? {}) });
  if (options.header) box.append(options.header);
  box.append(body);
  let active = 0;

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
      if (options.rowId) {
        row.id = options.rowId(i);
        if (i === active) row.classList.add('active');
      }
      rows.push(row);
    }
    body.replaceChildren(...rows);
  };

  const activate = (index: number) => {
    const total = options.total(box.clientWidth);
    active = Math.max(0, Math.min(total - 1, index));
    if (options.rowId) box.setAttribute('aria-activedescendant', options.rowId(active));
    // Keep the active row in view, below a sticky header.
    const top = active * rowPx;
    const headerPx = options.header ? rowPx : 0;
    if (top < box.scrollTop) box.scrollTop = top;
    else if (top + rowPx + headerPx > box.scrollTop + box.clientHeight) box.scrollTop = top + rowPx + headerPx - box.clientHeight;
    draw(true);
  };

  if (options.rowId) {
    box.setAttribute('tabindex', '0');
    box.setAttribute('aria-activedescendant', options.rowId(0));
    box.addEventListener('keydown', (event) => {
      if ((event.key === 'Enter' || event.key === ' ') && options.onEnter) {
        event.preventDefault();
        options.onEnter(active);
        return;
      }
      const page = Math.max(1, Math.floor(box.clientHeight / rowPx) - 1);
      const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
      const move = moves[event.key];
      if (move === undefined) return;
      event.preventDefault();
      activate(move === -Infinity ? 0 : move === Infinity ? Number.MAX_SAFE_INTEGER : active + move);
    });
  }

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
  return { element: box, redraw: () => draw(true), activate };
}
