// A reconstructed call -> the engine's call description, what the kernel was
// seen to do, and what is missing. Field names are the user's: the common
// spellings are recognised (Pinscope's recipes, the spec's examples, BTF
// names). iter_type numbers are read with the kernel version's numbering.
import type { CallDto, EventDto, PinRoundDto, RangeDto } from '../protocol/dto';
import { kernelProfile, type KernelProfile } from '../engine/kernel-profile';
import { roundStoppedAt } from '../engine/observables';
import type { RawCall } from './reconstruct';

const ALIASES = {
  origLen: ['orig_len', 'len', 'arg2'],
  type: ['type', 'iter_type', 'orig->iter_type'],
  source: ['source', 'data_source', 'dir', 'orig->data_source'],
  nofault: ['nofault', 'orig->nofault'],
  iovOffset: ['iov_offset', 'ioff', 'orig->iov_offset'],
  ptr: ['ptr', 'ubuf', 'orig->ubuf'],
  count: ['count', 'cnt', 'orig->count'],
  nrSegs: ['nr_segs', 'nsegs', 'orig->nr_segs'],
  ret: ['ret', 'retval', 'arg1'],
  newCount: ['new_count', 'ncnt', 'new->count'],
  newNrSegs: ['new_nr_segs', 'new->nr_segs', 'nsegs'],
  origCount: ['orig_count', 'ocnt'],
  origIovOffset: ['orig_iov_offset'],
  origNrSegs: ['orig_nr_segs'],
  start: ['start', 'arg1'],
  nrPages: ['nr_pages', 'n', 'arg2'],
  gupFlags: ['gup_flags', 'flags', 'arg3'],
} as const;

function field(fields: Readonly<Record<string, string>> | null, name: keyof typeof ALIASES): string | undefined {
  if (!fields) return undefined;
  for (const alias of ALIASES[name]) if (fields[alias] !== undefined) return fields[alias];
  return undefined;
}

/** Decimal, hex, or signed text -> number; null for "(fault)" and the like. */
export function num(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^0x[0-9a-fA-F]+$/.test(t)) {
    const big = BigInt(t);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : null;
  }
  return null;
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

/** The arguments as recorded at entry (absent fields are null). */
export interface RecordedArgsDto {
  readonly origLen: number | null;
  readonly iterType: number | null;
  readonly dataSource: number | null;
  readonly nofault: number | null;
  readonly iovOffset: number | null;
  readonly count: number | null;
  readonly nrSegs: number | null;
  /** UBUF: the user address; IOVEC: the kernel address of the iovec array. */
  readonly ptr: string | null;
  /** IOVEC segments as recorded (a kprobe shows a fixed number of slots). */
  readonly iov: ReadonlyArray<{ readonly base: string; readonly len: number }>;
}

export interface ObservedDto {
  readonly args: RecordedArgsDto | null;
  readonly ret: number | null;
  readonly bytes: number | null;
  readonly nrSegs: number | null;
  readonly origAfter: { readonly count: number | null; readonly iovOffset: number | null; readonly nrSegs: number | null } | null;
  readonly pinRounds: readonly PinRoundDto[];
  /** pin_user_pages_fast calls seen without their arguments (function tracer, function_graph). */
  readonly pinCalls: number;
  readonly unpins: number;
  readonly bvecs: ReadonlyArray<{ readonly idx: number; readonly offset: number; readonly len: number; readonly page: string | null }>;
  readonly children: readonly string[];
  readonly caller: string | null;
}

/** bio_vec slots a return probe printed as bv<N>_page/_len/_off (the recipes' kprobe records the first four). */
function slotsAtExit(exit: Readonly<Record<string, string>> | null): ObservedDto['bvecs'] {
  const slots: Array<ObservedDto['bvecs'][number]> = [];
  for (let idx = 0; exit && exit[`bv${idx}_len`] !== undefined; idx++) {
    slots.push({ idx, offset: num(exit[`bv${idx}_off`]) ?? 0, len: num(exit[`bv${idx}_len`]) ?? 0, page: exit[`bv${idx}_page`] ?? null });
  }
  return slots;
}

export interface DecodedCall {
  /** The call as the engine takes it, or null when too little was recorded. */
  readonly input: CallDto | null;
  readonly observed: ObservedDto;
  readonly missing: string[];
}

function iterKind(type: number | null, kernel: KernelProfile): CallDto['iter'] | null {
  if (type === null) return null;
  const name = kernel.iterTypes[type];
  switch (name) {
    case 'ITER_UBUF':
      return 'ubuf';
    case 'ITER_IOVEC':
      return 'iovec';
    case 'ITER_KVEC':
      return 'kvec';
    case 'ITER_BVEC':
      return 'bvec';
    case 'ITER_XARRAY':
      return 'xarray';
    case 'ITER_FOLIOQ':
      return 'folioq';
    case 'ITER_DISCARD':
      return 'discard';
    default:
      return null;
  }
}

function segmentsOf(call: RawCall, nrSegs: number | null): { segments: RangeDto[]; complete: boolean } {
  const found: RangeDto[] = [];
  if (call.segments.length) {
    for (const seg of call.segments) {
      const addr = num(seg?.base);
      const len = num(seg?.len);
      if (addr === null || len === null) return { segments: found, complete: false };
      found.push({ addr: hex(addr), len });
    }
  } else if (call.iov) {
    for (let i = 0; nrSegs === null || i < nrSegs; i++) {
      const addr = num(call.iov[`iov${i}_base`] ?? (i === 0 ? call.iov.seg0 : undefined));
      const len = num(call.iov[`iov${i}_len`] ?? (i === 0 ? call.iov.seg0len : undefined));
      if (addr === null || len === null) break;
      found.push({ addr: hex(addr), len });
    }
  }
  return { segments: found, complete: nrSegs !== null && found.length >= nrSegs };
}

function pinRounds(call: RawCall): PinRoundDto[] {
  return call.pins
    .filter((p) => p.detailed)
    .map((p) => ({
      start: hex(num(field(p.fields, 'start')) ?? 0),
      nrPages: num(field(p.fields, 'nrPages')) ?? 0,
      gupFlags: num(field(p.fields, 'gupFlags')) ?? 0,
      ret: p.ret ?? 0,
    }));
}

/** Pages GUP could not pin, as the pin rounds show (where each failing round stopped). */
function faultsFrom(rounds: readonly PinRoundDto[], pageSize: number): RangeDto[] {
  return rounds.flatMap((r) => {
    const stopped = roundStoppedAt(r, pageSize);
    return stopped === null ? [] : [{ addr: hex(stopped), len: pageSize }];
  });
}

export function decodeCall(call: RawCall, kernelVersion: string, pageSize = 4096): DecodedCall {
  const kernel = kernelProfile(kernelVersion) ?? kernelProfile('6.12')!;
  const missing: string[] = [];
  const entry = call.entry;
  const exit = call.exit;
  const rounds = pinRounds(call);

  const ret = num(field(exit, 'ret'));
  const ptr = num(field(entry, 'ptr'));
  const observed: ObservedDto = {
    args: entry
      ? {
          origLen: num(field(entry, 'origLen')),
          iterType: num(field(entry, 'type')),
          dataSource: num(field(entry, 'source')),
          nofault: num(field(entry, 'nofault')),
          iovOffset: num(field(entry, 'iovOffset')),
          count: num(field(entry, 'count')),
          nrSegs: num(field(entry, 'nrSegs')),
          ptr: ptr === null ? null : hex(ptr),
          iov: segmentsOf(call, null).segments.map((s) => ({ base: s.addr, len: s.len })),
        }
      : null,
    ret,
    // Before 6.12 a return probe cannot read `new`: iov_iter_bvec's arguments say the same.
    bytes: ret !== null && ret >= 0 ? (num(field(exit, 'newCount')) ?? num(call.newIter?.cnt)) : null,
    nrSegs: ret !== null && ret >= 0 ? (num(field(exit, 'newNrSegs')) ?? num(call.newIter?.nr)) : null,
    origAfter: exit
      ? { count: num(field(exit, 'origCount')), iovOffset: num(field(exit, 'origIovOffset')), nrSegs: num(field(exit, 'origNrSegs')) }
      : null,
    pinRounds: rounds,
    pinCalls: call.pins.length,
    unpins: call.unpins.length,
    bvecs: call.bvecs.length
      ? call.bvecs.map((b, i) => ({
          idx: num(b.idx) ?? i,
          offset: num(b.off ?? b.offset) ?? 0,
          len: num(b.len) ?? 0,
          page: b.page ?? null,
        }))
      : slotsAtExit(exit),
    children: call.children,
    caller: call.caller,
  };

  if (call.returnMissing) missing.push('return never seen');
  if (call.lostInside) missing.push('events were lost while the call ran');
  if (!exit && !call.graph) missing.push('return value');
  if (call.graph && !entry) missing.push('arguments (function and function_graph tracers record none)');
  if (call.graph && !exit) missing.push('return value (not recorded by this tracer)');
  if (!entry) return { input: null, observed, missing };

  const iter = iterKind(num(field(entry, 'type')), kernel);
  const origLen = num(field(entry, 'origLen'));
  const count = num(field(entry, 'count'));
  const iovOffset = num(field(entry, 'iovOffset')) ?? 0;
  const source = num(field(entry, 'source'));
  if (iter === null) missing.push('iterator type');
  if (origLen === null) missing.push('orig_len');
  if (source === null) missing.push('direction (data_source)');

  let segments: RangeDto[] = [];
  let segmentOffset = iovOffset;
  if (iter === 'ubuf') {
    const ptr = num(field(entry, 'ptr'));
    if (ptr === null || count === null) missing.push('user buffer address and count');
    else segments = [{ addr: hex(ptr), len: iovOffset + count }];
  } else if (iter === 'iovec') {
    const nrSegs = num(field(entry, 'nrSegs'));
    const found = segmentsOf(call, nrSegs);
    segments = found.segments;
    if (!found.complete) missing.push(`iovec segments (${found.segments.length} of ${nrSegs ?? '?'} recorded)`);
    // The recorded first segment is the current one; its iov_offset applies to it.
    segmentOffset = iovOffset;
  } else if (iter !== null) {
    segments = [{ addr: hex(0), len: count ?? 0 }];
  }
  if (missing.some((m) => !m.startsWith('return') && !m.startsWith('events'))) return { input: null, observed, missing };

  const events: EventDto[] = [];
  const input: CallDto = {
    iter: iter!,
    segments,
    iovOffset: segmentOffset,
    len: origLen!,
    dir: source === 0 ? 'read' : 'write',
    pageSize,
    variant: 'v3',
    unmapped: faultsFrom(rounds, pageSize),
    readonly: [],
    untouched: [],
    vmas: null,
    events,
    kernel: kernelVersion,
    nofault: num(field(entry, 'nofault')) === 1,
  };
  return { input, observed, missing };
}
