// `pinscope simulate` flags -> call descriptions for the engine.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CallError } from '../engine';

export interface SimulateRequest {
  /** Call descriptions, unchecked: the engine's normaliseCall checks them. */
  readonly calls: Array<Record<string, unknown>>;
  /** True when --input gave an array, so the output is an array too. */
  readonly many: boolean;
  readonly json: boolean;
}

/** "ADDR:LEN" -> {addr, len}, left as text for the engine to check. */
function range(text: string, flag: string): { addr: string; len: string } {
  const colon = text.lastIndexOf(':');
  if (colon <= 0 || colon === text.length - 1) throw new CallError(flag, `expected ADDR:LEN, got ${JSON.stringify(text)}`);
  return { addr: text.slice(0, colon), len: text.slice(colon + 1) };
}

export function parseSimulateArgs(argv: string[]): SimulateRequest {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ubuf: { type: 'string' },
      iov: { type: 'string' },
      'iov-offset': { type: 'string' },
      len: { type: 'string' },
      dir: { type: 'string' },
      'page-size': { type: 'string' },
      variant: { type: 'string' },
      unmapped: { type: 'string', multiple: true },
      readonly: { type: 'string', multiple: true },
      untouched: { type: 'string', multiple: true },
      enomem: { type: 'string', multiple: true },
      'max-pages': { type: 'string' },
      kernel: { type: 'string' },
      nofault: { type: 'boolean', default: false },
      input: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const json = values.json ?? false;
  if (values.input !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(values.input, 'utf8'));
    } catch (error) {
      throw new CallError('--input', `${values.input}: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new CallError('--input', `${values.input}: expected a JSON array of calls`);
    return { calls: parsed as Array<Record<string, unknown>>, many: true, json };
  }
  if ((values.ubuf === undefined) === (values.iov === undefined)) {
    throw new CallError('--ubuf/--iov', 'give exactly one of --ubuf ADDR:LEN or --iov ADDR:LEN[,ADDR:LEN…]');
  }
  const call: Record<string, unknown> = values.ubuf !== undefined
    ? { iter: 'ubuf', segments: [range(values.ubuf, '--ubuf')] }
    : { iter: 'iovec', segments: values.iov!.split(',').map((part) => range(part, '--iov')) };
  if (values['iov-offset'] !== undefined) call.iovOffset = values['iov-offset'];
  if (values.len !== undefined) call.len = values.len;
  if (values.dir !== undefined) call.dir = values.dir;
  if (values['page-size'] !== undefined) call.pageSize = values['page-size'];
  if (values.variant !== undefined) call.variant = values.variant;
  call.unmapped = (values.unmapped ?? []).map((r) => range(r, '--unmapped'));
  call.readonly = (values.readonly ?? []).map((r) => range(r, '--readonly'));
  call.untouched = (values.untouched ?? []).map((r) => range(r, '--untouched'));
  const events: Array<Record<string, unknown>> = (values.enomem ?? []).map((r) => ({ kind: 'gup-error', errno: 'ENOMEM', ...range(r, '--enomem') }));
  // What if iov_iter_npages() reported this many pages.
  if (values['max-pages'] !== undefined) events.push({ kind: 'npages', pages: values['max-pages'] });
  call.events = events;
  if (values.kernel !== undefined) call.kernel = values.kernel;
  if (values.nofault) call.nofault = true;
  return { calls: [call], many: false, json };
}
