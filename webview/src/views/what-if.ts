// What-if controls: the same call through another variant, page size or an
// unmapped range, replayed here in the webview by the engine itself.
import { CallError, normaliseCall, replayCall } from '../../../extension/engine';
import type { ReplayResultDto } from '../../../extension/protocol/dto';
import { h } from '../dom';

export function whatIfView(result: ReplayResultDto, show: (result: ReplayResultDto, note: string) => void): HTMLElement {
  const call = result.call;
  const variant = h('select', { 'aria-label': 'Variant', 'data-testid': 'whatif-variant' }, ...['v0', 'v1', 'v2', 'v3'].map((v) => h('option', v === call.variant ? { value: v, selected: '' } : { value: v }, v)));
  const pageSize = h('select', { 'aria-label': 'Page size', 'data-testid': 'whatif-pagesize' }, ...[4096, 16384, 65536].map((p) => h('option', p === call.pageSize ? { value: String(p), selected: '' } : { value: String(p) }, `${p / 1024} KiB`)));
  const unmapped = h('input', {
    'aria-label': 'Unmapped range, ADDR:LEN',
    placeholder: 'unmap ADDR:LEN (e.g. 0x7f0000003000:0x1000)',
    'data-testid': 'whatif-unmapped',
    size: '34',
  }) as HTMLInputElement;
  const enomem = h('input', {
    'aria-label': 'GUP -ENOMEM on a range, ADDR:LEN',
    placeholder: '-ENOMEM at ADDR:LEN',
    'data-testid': 'whatif-enomem',
    size: '24',
  }) as HTMLInputElement;
  const munmap = h('input', {
    'aria-label': 'A sibling thread unmaps ADDR:LEN before extraction call N, as N@ADDR:LEN',
    placeholder: 'munmap N@ADDR:LEN',
    'data-testid': 'whatif-munmap',
    size: '26',
  }) as HTMLInputElement;
  const error = h('span', { class: 'error', role: 'alert' });
  const run = () => {
    const range = unmapped.value.trim();
    const extra = range ? [{ addr: range.split(':')[0]!, len: range.split(':')[1] ?? '' }] : [];
    const oom = enomem.value.trim();
    const events: Array<Record<string, unknown>> = oom ? [{ kind: 'gup-error', errno: 'ENOMEM', addr: oom.split(':')[0]!, len: oom.split(':')[1] ?? '' }] : [];
    const sibling = munmap.value.trim();
    if (sibling) {
      const [at, where] = sibling.includes('@') ? sibling.split('@') : ['', sibling];
      events.push({ kind: 'unmap', at: at ?? '', addr: where!.split(':')[0]!, len: where!.split(':')[1] ?? '' });
    }
    try {
      const next = replayCall(
        normaliseCall({
          ...call,
          variant: (variant as HTMLSelectElement).value,
          pageSize: Number((pageSize as HTMLSelectElement).value),
          unmapped: [...call.unmapped, ...extra],
          events: [...call.events, ...events],
        }),
      );
      error.textContent = '';
      const notes = [
        `${(variant as HTMLSelectElement).value}, ${Number((pageSize as HTMLSelectElement).value) / 1024} KiB pages`,
        range ? `${range} unmapped` : '',
        oom ? `-ENOMEM at ${oom}` : '',
        sibling ? `munmap ${sibling}` : '',
      ].filter(Boolean);
      show(next, `what if: ${notes.join(', ')}`);
    } catch (e) {
      error.textContent = e instanceof CallError ? e.message : String(e);
    }
  };
  const go = h('button', { type: 'button', 'data-testid': 'whatif-run' }, 'Replay');
  go.addEventListener('click', run);
  unmapped.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') run();
  });
  for (const input of [enomem, munmap]) {
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') run();
    });
  }
  return h('section', { class: 'what-if', 'aria-label': 'What if' }, h('h2', {}, 'What if'), variant, ' ', pageSize, ' ', unmapped, ' ', enomem, ' ', munmap, ' ', go, ' ', error);
}
