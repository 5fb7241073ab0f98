// What-if controls: the same call through another variant (or all four side
// by side), page size, max_pages, an unmapped range, -ENOMEM on a range or a
// sibling munmap — replayed here in the webview by the engine itself.
import { CallError, normaliseCall, replayCall, VARIANTS } from '../../../extension/engine';
import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { h } from '../dom';

export interface WhatIfOutlet {
  show(result: ReplayResultDto, note: string): void;
  compare(results: readonly ReplayResultDto[], note: string): void;
}

function input(label: string, placeholder: string, testid: string, size: number): HTMLInputElement {
  return h('input', { 'aria-label': label, placeholder, 'data-testid': testid, size: String(size) }) as HTMLInputElement;
}

/** "ADDR:LEN" → the fields of a range; the engine checks the values and names the field. */
function range(text: string): { addr: string; len: string } {
  const [addr, len] = text.split(':');
  return { addr: addr ?? '', len: len ?? '' };
}

export function whatIfView(result: ReplayResultDto, outlet: WhatIfOutlet): HTMLElement {
  const call = result.call;
  const variant = h(
    'select',
    { 'aria-label': 'Variant', 'data-testid': 'whatif-variant' },
    ...VARIANTS.map((v) => h('option', v === call.variant ? { value: v, selected: '' } : { value: v }, v)),
    h('option', { value: 'compare' }, 'compare v0 … v3'),
  ) as HTMLSelectElement;
  const pageSize = h(
    'select',
    { 'aria-label': 'Page size', 'data-testid': 'whatif-pagesize' },
    ...[4096, 16384, 65536].map((p) => h('option', p === call.pageSize ? { value: String(p), selected: '' } : { value: String(p) }, `${p / 1024} KiB`)),
  ) as HTMLSelectElement;
  const maxPages = input('max_pages: what if iov_iter_npages reported this many pages', `max_pages (${result.maxPages})`, 'whatif-maxpages', 14);
  const unmapped = input('Unmapped range, ADDR:LEN', 'unmap ADDR:LEN (e.g. 0x7f0000003000:0x1000)', 'whatif-unmapped', 34);
  const enomem = input('GUP -ENOMEM on a range, ADDR:LEN', '-ENOMEM at ADDR:LEN', 'whatif-enomem', 24);
  const munmap = input('A sibling thread unmaps ADDR:LEN before extraction call N, as N@ADDR:LEN', 'munmap N@ADDR:LEN', 'whatif-munmap', 26);
  const error = h('span', { class: 'error', role: 'alert' });

  const run = () => {
    const gap = unmapped.value.trim();
    const oom = enomem.value.trim();
    const sibling = munmap.value.trim();
    const pages = maxPages.value.trim();
    const events: Array<Record<string, unknown>> = [];
    if (oom) events.push({ kind: 'gup-error', errno: 'ENOMEM', ...range(oom) });
    if (sibling) {
      const [at, where] = sibling.includes('@') ? sibling.split('@') : ['', sibling];
      events.push({ kind: 'unmap', at: at ?? '', ...range(where ?? '') });
    }
    if (pages) events.push({ kind: 'npages', pages });
    const notes = [
      variant.value === 'compare' ? 'v0 … v3' : variant.value,
      `${Number(pageSize.value) / 1024} KiB pages`,
      pages ? `max_pages ${pages}` : '',
      gap ? `${gap} unmapped` : '',
      oom ? `-ENOMEM at ${oom}` : '',
      sibling ? `munmap ${sibling}` : '',
    ].filter(Boolean);
    const replay = (v: string) =>
      replayCall(
        normaliseCall({
          ...call,
          variant: v,
          pageSize: Number(pageSize.value),
          unmapped: [...call.unmapped, ...(gap ? [range(gap)] : [])],
          events: [...call.events.filter((e) => !(pages && e.kind === 'npages')), ...events],
        }),
      );
    try {
      const note = `what if: ${notes.join(', ')}`;
      if (variant.value === 'compare') outlet.compare(VARIANTS.map(replay), note);
      else outlet.show(replay(variant.value), note);
      error.textContent = '';
    } catch (e) {
      error.textContent = e instanceof CallError ? e.message : String(e);
    }
  };
  const go = h('button', { type: 'button', 'data-testid': 'whatif-run' }, h('span', { class: 'codicon codicon-debug-restart', 'aria-hidden': 'true' }), ' Replay');
  go.addEventListener('click', run);
  for (const field of [maxPages, unmapped, enomem, munmap]) {
    field.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') run();
    });
  }
  return h(
    'section',
    { class: 'what-if', 'aria-label': 'What if' },
    h('h2', {}, 'What if'),
    variant, ' ', pageSize, ' ', maxPages, ' ', unmapped, ' ', enomem, ' ', munmap, ' ', go, ' ', error,
  );
}
