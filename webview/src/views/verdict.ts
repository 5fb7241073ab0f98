import type { ReplayResultDto } from '../../../extension/protocol/dto';
import type { ShowReplayMessage } from '../../../extension/protocol/webview';
import { h } from '../dom';

/** The model's prediction against what the kernel did (calls from a trace). */
export function verdictView(result: ReplayResultDto, observed: NonNullable<ShowReplayMessage['observed']>): HTMLElement {
  const same = (a: unknown, b: unknown) => (a === b ? 'same' : 'differs');
  const rows: Array<[string, string, string, string]> = [
    ['return value', String(observed.ret ?? 'not recorded'), String(result.ret), observed.ret === null ? 'unknown' : same(observed.ret, result.ret)],
    ['new iterator count', String(observed.bytes ?? 'not recorded'), String(result.bytes ?? 'untouched'), observed.bytes === null ? 'unknown' : same(observed.bytes, result.bytes)],
  ];
  const agrees = rows.every((r) => r[3] !== 'differs');
  return h(
    'section',
    { class: 'verdict-panel', 'aria-label': 'Prediction against the kernel' },
    h('h2', {}, 'Model against kernel'),
    h('p', { 'data-testid': 'verdict-summary', class: agrees ? 'agree' : 'disagree' }, agrees ? `The ${result.variant} model agrees with what the kernel did.` : `The ${result.variant} model and the kernel disagree.`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'kernel'), h('th', {}, 'model'), h('th', {}, ''))),
      h('tbody', {}, ...rows.map(([what, kernel, model, verdict]) => h('tr', { 'data-testid': 'verdict-row', class: verdict }, h('td', {}, what), h('td', {}, kernel), h('td', {}, model), h('td', {}, verdict)))),
    ),
    observed.missing.length ? h('p', { class: 'empty' }, `Not recorded by this trace: ${observed.missing.join(', ')}.`) : null,
  );
}
