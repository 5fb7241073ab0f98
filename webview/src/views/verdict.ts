// The model's prediction against what the kernel did, for a call from a trace.
import { pagesPinned, unpinsSeen } from '../../../extension/engine';
import type { PinRoundDto, ReplayResultDto } from '../../../extension/protocol/dto';
import type { ObservedViewDto } from '../../../extension/protocol/webview';
import { h, hex } from '../dom';

type Row = readonly [what: string, kernel: number | null | undefined, model: number | null, note: string];

export function verdictView(result: ReplayResultDto, observed: ObservedViewDto): HTMLElement {
  const rows: Row[] = [
    ['return value', observed.ret, result.ret, ''],
    ['new iterator count', observed.bytes, result.bytes, result.bytes === null ? 'untouched' : ''],
    ['pages pinned', observed.pinned, pagesPinned(result.pinRounds), ''],
    ['unpin_user_page calls', observed.unpins, unpinsSeen(result), 'the function’s cleanup and the caller’s release'],
  ];
  const verdictOf = ([, kernel, model]: Row) => (kernel === null || kernel === undefined ? 'unknown' : kernel === model ? 'same' : 'differs');
  const differs = rows.filter((r) => verdictOf(r) === 'differs');
  const unknown = rows.filter((r) => verdictOf(r) === 'unknown').map((r) => r[0]);
  const summary = differs.length
    ? `The ${result.variant} model and the kernel disagree on the ${differs.map((r) => r[0]).join(', ')}.`
    : `The ${result.variant} model agrees with what the kernel did${unknown.length ? ` (as far as the trace shows: it does not record the ${unknown.join(', ')})` : ''}.`;
  return h(
    'section',
    { class: 'verdict-panel', 'aria-label': 'Prediction against the kernel' },
    h('h2', {}, 'Model against kernel'),
    h('p', { 'data-testid': 'verdict-summary', class: differs.length ? 'disagree' : 'agree' }, h('span', { class: `codicon codicon-${differs.length ? 'error' : 'pass'}`, 'aria-hidden': 'true' }), ' ', summary),
    // Which variant the trace was replayed with and why: its kernel release, its calls, or asked for.
    observed.variant ? h('p', { 'data-testid': 'variant-why', class: 'variant-why' }, `Replayed as ${observed.variant.reason}`) : null,
    observed.variant?.warning
      ? h('p', { 'data-testid': 'variant-warning', class: 'disagree' }, h('span', { class: 'codicon codicon-warning', 'aria-hidden': 'true' }), ' ', observed.variant.warning)
      : null,
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'kernel'), h('th', {}, 'model'), h('th', {}, ''))),
      h(
        'tbody',
        {},
        ...rows.map((row) => {
          const [what, kernel, model, note] = row;
          const verdict = verdictOf(row);
          return h(
            'tr',
            { 'data-testid': 'verdict-row', class: verdict, title: note },
            h('td', {}, what),
            h('td', {}, kernel === null || kernel === undefined ? (what === 'new iterator count' && (observed.ret ?? 0) < 0 ? 'untouched (error)' : 'not recorded') : String(kernel)),
            h('td', {}, model === null ? note : String(model)),
            h('td', {}, verdict),
          );
        }),
      ),
    ),
    observed.differences?.length ? h('ul', { class: 'differences', 'data-testid': 'differences' }, ...observed.differences.map((d) => h('li', {}, d))) : null,
    roundsTable(result.pinRounds, observed.pinRounds ?? []),
    observed.missing.length ? h('p', { class: 'empty' }, `Not recorded by this trace: ${observed.missing.join(', ')}.`) : null,
  );
}

/** One pin_user_pages_fast() call, short enough for a narrow panel: start ×nr_pages (gup_flags) → ret. */
const roundText = (r: PinRoundDto | undefined) => (r ? `${r.start} ×${r.nrPages} (${hex(r.gupFlags)}) → ${r.ret}` : 'none');

/** The GUP rounds side by side, when the trace recorded them: where a mismatch starts. */
function roundsTable(model: readonly PinRoundDto[], kernel: readonly PinRoundDto[]): HTMLElement | null {
  if (!kernel.length) return null;
  const rows = Array.from({ length: Math.max(model.length, kernel.length) }, (_, i) => {
    const [k, m] = [kernel[i], model[i]];
    const same = k !== undefined && m !== undefined && k.start === m.start && k.nrPages === m.nrPages && k.gupFlags === m.gupFlags && k.ret === m.ret;
    return h('tr', { 'data-testid': 'round-row', class: same ? 'same' : 'differs' }, h('td', {}, String(i + 1)), h('td', {}, roundText(k)), h('td', {}, roundText(m)), h('td', {}, same ? 'same' : 'differs'));
  });
  return h(
    'details',
    { class: 'rounds', open: '' },
    h('summary', {}, `GUP rounds — pin_user_pages_fast(start ×nr_pages (gup_flags)) → pages pinned: ${kernel.length} recorded, ${model.length} in the model`),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'kernel'), h('th', {}, 'model'), h('th', {}, ''))), h('tbody', {}, ...rows)),
  );
}
