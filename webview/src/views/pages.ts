// Pinned pages: one cell per page (long runs as one cell) with its user
// address, pins, folio and state. Pages GUP failed on get a cell too. The
// cells restyle for the step the cursor is on.
import { roundStoppedAt } from '../../../extension/engine';
import type { CallDto, PinnedPageDto, ReplayResultDto, StepDto } from '../../../extension/protocol/dto';
import { h, hex } from '../dom';
import type { StepCursor } from '../step-cursor';
import { virtualRows, type VirtualRows } from '../virtual-rows';

/** Runs up to this long are drawn page by page; longer ones as one cell. */
const EXPAND_LIMIT = 64;

interface PageCell {
  readonly uaddr: number;
  readonly pages: number;
  /** null: GUP failed on this page, nothing pinned. */
  readonly run: PinnedPageDto | null;
}

/** A page's state when the call returns. */
function finalState(run: PinnedPageDto | null): string {
  if (!run) return 'failed';
  if (run.leaked) return 'leaked';
  if (run.held === 0) return 'unpinned';
  return run.pinned > 1 ? 'pinned-repeatedly' : 'pinned';
}

const STATE_WORDS: Record<string, string> = {
  failed: 'GUP failed here',
  leaked: 'leaked',
  unpinned: 'unpinned by cleanup',
  'pinned-repeatedly': 'pinned more than once',
  pinned: 'pinned',
  future: 'not pinned yet',
};

const inside = (ranges: readonly { addr: string; len: number }[], at: number) => ranges.some((r) => Number(r.addr) <= at && at < Number(r.addr) + r.len);

/** What the address space said about the page before the call. */
function pageFacts(call: CallDto, at: number): { folioOrder: number; faultedIn: boolean } {
  const vma = call.vmas?.find((v) => Number(v.addr) <= at && at < Number(v.addr) + v.len);
  return { folioOrder: vma?.folioOrder ?? 0, faultedIn: inside(call.untouched, at) || vma?.populated === false };
}

function folioWords(run: PinnedPageDto | null, folioOrder: number): string {
  if (!run) return '';
  if (run.page === -1) return 'the zero page';
  if (run.page <= -2) return 'the huge zero folio';
  return `frame ${run.page}, ${folioOrder > 0 ? `order-${folioOrder} folio (+1 refcount and _pincount per pin)` : 'small folio (+1024 refcount per pin)'}`;
}

function cells(result: ReplayResultDto): PageCell[] {
  const pageSize = result.call.pageSize;
  const list: PageCell[] = [];
  for (const run of result.pages) {
    if (run.pages > EXPAND_LIMIT) list.push({ uaddr: Number(run.uaddr), pages: run.pages, run });
    else for (let i = 0; i < run.pages; i++) list.push({ uaddr: Number(run.uaddr) + i * pageSize, pages: 1, run });
  }
  const pinnedAt = new Set(list.map((c) => c.uaddr));
  for (const round of result.pinRounds) {
    const failed = roundStoppedAt(round, pageSize);
    if (failed === null || pinnedAt.has(failed)) continue;
    list.push({ uaddr: failed, pages: 1, run: null });
    pinnedAt.add(failed);
  }
  return list.sort((a, b) => a.uaddr - b.uaddr);
}

/** Pins the first `rounds` pin rounds took on the cell's first page. */
function pinsSoFar(result: ReplayResultDto, rounds: number, uaddr: number): number {
  const pageSize = result.call.pageSize;
  let pins = 0;
  for (const round of result.pinRounds.slice(0, rounds)) {
    const start = Number(round.start);
    if (round.ret > 0 && start <= uaddr && uaddr < start + round.ret * pageSize) pins++;
  }
  return pins;
}

/** A page cell: its element, and how to show the state after a step on it. */
function pageChip(result: ReplayResultDto, c: PageCell): { element: HTMLElement; show(step: StepDto | null): void } {
  const uaddr = hex(c.uaddr);
  const facts = pageFacts(result.call, c.uaddr);
  const folio = folioWords(c.run, facts.folioOrder);
  const stateText = h('span', { class: 'state' });
  const pins = h('span', { class: 'pins' });
  const chip = h(
    'li',
    { 'data-testid': c.pages === 1 ? 'page' : 'page-run', 'data-pages': String(c.pages), 'data-uaddr': uaddr, tabindex: '-1' },
    h('span', { class: 'codicon codicon-file-binary', 'aria-hidden': 'true' }),
    h('span', { class: 'addr' }, uaddr),
    c.pages > 1 ? h('span', { class: 'run' }, ` … ${c.pages.toLocaleString('en')} pages`) : null,
    pins,
    c.run?.zeroPage ? h('span', { class: 'zero' }, ' zero page') : null,
    facts.faultedIn && c.run ? h('span', { class: 'faulted', 'data-testid': 'faulted-in' }, ' faulted in') : null,
    stateText,
  );
  // The state after `step` (null: at return) in the cell's text, class and label.
  const show = (step: StepDto | null) => {
    let state = finalState(c.run);
    let held = c.run?.held ?? 0;
    if (step) {
      held = pinsSoFar(result, step.state.pinRounds, c.uaddr);
      const failedYet = result.pinRounds.slice(0, step.state.pinRounds).some((r) => roundStoppedAt(r, result.call.pageSize) === c.uaddr);
      if (!c.run) state = failedYet ? 'failed' : 'future';
      else if (held === 0) state = 'future';
      else if (step.state.pinsHeld === 0) [state, held] = ['unpinned', 0];
      else state = held > 1 ? 'pinned-repeatedly' : 'pinned';
    }
    chip.className = `page-${state}`;
    chip.dataset.state = state;
    chip.dataset.held = String(held);
    pins.textContent = c.run ? ` ×${held}` : '';
    stateText.textContent = state === 'pinned' || state === 'pinned-repeatedly' ? '' : ` ${STATE_WORDS[state]}${c.run?.leaked && !step ? ` (${c.run.leaked})` : ''}`;
    const label = `${uaddr}${c.pages > 1 ? ` and the next ${c.pages - 1} pages` : ''}: ${STATE_WORDS[state]}, ${held} pin(s) held${folio ? `; ${folio}` : ''}${c.run && !step ? `; refcount +${c.run.refcountDelta}${c.run.pincountDelta ? `, _pincount +${c.run.pincountDelta}` : ''}` : ''}`;
    chip.title = label;
    chip.setAttribute('aria-label', label);
  };
  return { element: chip, show };
}

/** Arrow keys move focus between the cells of `strip` (one tab stop for all). */
function arrowKeys(strip: HTMLElement): void {
  strip.addEventListener('keydown', (event) => {
    const chips = [...strip.querySelectorAll<HTMLElement>('li')];
    const i = chips.indexOf(event.target as HTMLElement);
    if (i < 0) return;
    const next = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? i + 1 : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? i - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? chips.length - 1 : null;
    const target = next === null ? undefined : chips[next];
    if (!target) return;
    event.preventDefault();
    chips[i]!.setAttribute('tabindex', '-1');
    target.setAttribute('tabindex', '0');
    target.focus();
  });
}

/** Up to this many cells are laid out as one wrapping strip; more go into virtualised rows. */
const STRIP_LIMIT = 512;
const CELL_PX = 250;
const CELL_ROW_PX = 30;

/** Thousands of cells: rows of as many as fit across, only the rows in view drawn. */
function virtualStrip(result: ReplayResultDto, list: readonly PageCell[], cursor: StepCursor): HTMLElement {
  let step: StepDto | null = null;
  let perRow = 1;
  const rows: VirtualRows = virtualRows({
    rowPx: CELL_ROW_PX,
    total: (width) => {
      perRow = Math.max(1, Math.floor((width || 1000) / CELL_PX));
      return Math.ceil(list.length / perRow);
    },
    row: (r) => {
      const chips = list.slice(r * perRow, (r + 1) * perRow).map((c) => {
        const chip = pageChip(result, c);
        chip.show(step);
        return chip.element;
      });
      return h('ol', { class: 'page-strip page-row', role: 'row' }, ...chips);
    },
    attrs: { class: 'virtual-rows page-rows', 'aria-label': `${list.length} page cells; arrow keys move between them` },
  });
  cursor.watch((next) => {
    step = next;
    rows.redraw();
  });
  arrowKeys(rows.element);
  return rows.element;
}

function wrappingStrip(result: ReplayResultDto, list: readonly PageCell[], cursor: StepCursor): HTMLElement {
  const chips = list.map((c) => pageChip(result, c));
  cursor.watch((step) => {
    for (const chip of chips) chip.show(step);
  });
  chips[0]?.element.setAttribute('tabindex', '0');
  const strip = h('ol', { class: 'page-strip', 'aria-label': 'Pages; arrow keys move between them' }, ...chips.map((c) => c.element));
  arrowKeys(strip);
  return strip;
}

export function pagesView(result: ReplayResultDto, cursor: StepCursor): HTMLElement {
  const list = cells(result);
  const pinnedPages = result.pages.reduce((sum, run) => sum + run.pages, 0);
  return h(
    'section',
    { class: 'pages', 'aria-label': 'Pinned pages' },
    h('h2', {}, `Pinned pages (${pinnedPages.toLocaleString('en')})`),
    list.length === 0
      ? h('p', { class: 'empty' }, 'No page was pinned.')
      : list.length <= STRIP_LIMIT
        ? wrappingStrip(result, list, cursor)
        : virtualStrip(result, list, cursor),
  );
}
