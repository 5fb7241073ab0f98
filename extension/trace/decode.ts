// A reconstructed call -> the engine's call description, what the kernel was
// seen to do, and what is missing. Field names are the user's: the common
// spellings are recognised (Pinscope's recipes, the spec's examples, BTF
// names). iter_type numbers are read with the kernel version's numbering.
import type { CallDto, EventDto, PinRoundDto, RangeDto } from '../protocol/dto';
import { kernelProfile, type KernelProfile } from '../engine/kernel-profile';
import { roundStoppedAt } from '../engine/observables';
import { addressText, exactNumber, ModelNumbers, signed64, type Exact } from './numbers';
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

/** A number a double holds exactly (decimal, hex or signed text); null for "(fault)", absent or past 2^53. */
export function num(text: string | undefined): number | null {
  const value = exactNumber(text);
  return typeof value === 'number' ? value : null;
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

/** The arguments as recorded at entry (absent fields are null; past 2^53 exact decimal text). */
export interface RecordedArgsDto {
  readonly origLen: Exact | null;
  readonly iterType: Exact | null;
  readonly dataSource: Exact | null;
  readonly nofault: Exact | null;
  readonly iovOffset: Exact | null;
  readonly count: Exact | null;
  readonly nrSegs: Exact | null;
  /** UBUF: the user address; IOVEC: the kernel address of the iovec array. */
  readonly ptr: string | null;
  /** IOVEC segments as recorded (a kprobe shows a fixed number of slots). */
  readonly iov: ReadonlyArray<{ readonly base: string; readonly len: Exact }>;
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
  /** The iterator's kind as recorded, even when the call is too incomplete to replay. */
  readonly iter: CallDto['iter'] | null;
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

/** The IOVEC segments as recorded, exactly: from the bpftrace lines, or a probe's iovN_base/iovN_len slots. */
function recordedSegments(call: RawCall): Array<{ base: string | null; len: Exact | null }> {
  // Array.from visits the holes a lost segment line leaves (map would skip them).
  if (call.segments.length) return Array.from(call.segments, (seg) => ({ base: addressText(seg?.base), len: exactNumber(seg?.len) }));
  const found: Array<{ base: string | null; len: Exact | null }> = [];
  for (let i = 0; call.iov; i++) {
    const base = call.iov[`iov${i}_base`] ?? (i === 0 ? call.iov.seg0 : undefined);
    const len = call.iov[`iov${i}_len`] ?? (i === 0 ? call.iov.seg0len : undefined);
    if (base === undefined || len === undefined) break;
    found.push({ base: addressText(base), len: exactNumber(len) });
  }
  return found;
}

/**
 * The segments the model gets, from the current one. A probe records a fixed
 * number of slots: the call is still complete when the recorded segments
 * already hold the iterator's whole count (less iov_offset, consumed from the
 * first), for then every segment after them must be empty.
 */
function segmentsOf(call: RawCall, nrSegs: number, count: number | null, iovOffset: number, numbers: ModelNumbers): { segments: RangeDto[]; recorded: number; complete: boolean } {
  const segments: RangeDto[] = [];
  let total = 0;
  for (const [i, seg] of recordedSegments(call).entries()) {
    if (i >= nrSegs) break;
    const len = numbers.exact(`iov${i}_len`, seg.len);
    if (seg.base === null || len === null) break;
    segments.push({ addr: seg.base, len });
    total += len;
  }
  const recorded = segments.length;
  if (recorded < nrSegs && count !== null && recorded > 0 && total - iovOffset === count) {
    for (let i = recorded; i < nrSegs; i++) segments.push({ addr: '0x0', len: 0 });
  }
  return { segments, recorded, complete: segments.length === nrSegs };
}

/** The detailed pin rounds; a number a double cannot hold is noted, never used rounded (the rounds feed the model's faults). */
function pinRounds(call: RawCall, seen: ModelNumbers): PinRoundDto[] {
  return call.pins
    .filter((p) => p.detailed)
    .map((p, i) => ({
      start: addressText(field(p.fields, 'start')) ?? '0x0',
      nrPages: seen.take(`pin round ${i + 1} nr_pages`, field(p.fields, 'nrPages')) ?? 0,
      gupFlags: seen.take(`pin round ${i + 1} gup_flags`, field(p.fields, 'gupFlags')) ?? 0,
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

/** The last kernel asked for and its profile: a trace decodes every call with the same one. */
let lastProfile: { version: string; profile: KernelProfile } | null = null;

function profileOf(version: string): KernelProfile {
  if (lastProfile?.version !== version) lastProfile = { version, profile: kernelProfile(version) ?? kernelProfile('6.12')! };
  return lastProfile.profile;
}

export function decodeCall(call: RawCall, kernelVersion: string, pageSize = 4096): DecodedCall {
  const kernel = profileOf(kernelVersion);
  const missing: string[] = [];
  const entry = call.entry;
  const exit = call.exit;
  // What the kernel was seen to do: a value past 2^53 is named, never compared rounded.
  const seen = new ModelNumbers();
  const roundNumbers = new ModelNumbers();
  const rounds = pinRounds(call, roundNumbers);

  const ret = seen.take('ret', field(exit, 'ret'), signed64);
  const succeeded = ret !== null && ret >= 0;
  const observed: ObservedDto = {
    args: entry
      ? {
          origLen: exactNumber(field(entry, 'origLen')),
          iterType: exactNumber(field(entry, 'type')),
          dataSource: exactNumber(field(entry, 'source')),
          nofault: exactNumber(field(entry, 'nofault')),
          iovOffset: exactNumber(field(entry, 'iovOffset')),
          count: exactNumber(field(entry, 'count')),
          nrSegs: exactNumber(field(entry, 'nrSegs')),
          ptr: addressText(field(entry, 'ptr')),
          iov: recordedSegments(call).flatMap((s) => (s.base === null || s.len === null ? [] : [{ base: s.base, len: s.len }])),
        }
      : null,
    ret,
    // Before 6.12 a return probe cannot read `new`: iov_iter_bvec's arguments say the same.
    bytes: succeeded ? seen.take('new_count', field(exit, 'newCount') ?? call.newIter?.cnt) : null,
    nrSegs: succeeded ? seen.take('new_nr_segs', field(exit, 'newNrSegs') ?? call.newIter?.nr) : null,
    origAfter: exit
      ? {
          count: seen.take('orig_count', field(exit, 'origCount')),
          iovOffset: seen.take('orig_iov_offset', field(exit, 'origIovOffset')),
          nrSegs: seen.take('orig_nr_segs', field(exit, 'origNrSegs')),
        }
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
  const seenTooBig = seen.message();
  if (seenTooBig) missing.push(`kernel result not compared: ${seenTooBig}`);
  if (!entry) return { input: null, iter: null, observed, missing };

  // What the model is given: each number exact, or the call is not replayed.
  const numbers = new ModelNumbers();
  numbers.tooBig.push(...roundNumbers.tooBig);
  const blocking: string[] = [];
  const iter = iterKind(numbers.take('type', field(entry, 'type')), kernel);
  const origLen = numbers.take('orig_len', field(entry, 'origLen'));
  const count = numbers.take('count', field(entry, 'count'));
  const iovOffset = numbers.take('iov_offset', field(entry, 'iovOffset')) ?? 0;
  const source = numbers.take('data_source', field(entry, 'source'));
  if (iter === null && !numbers.has('type')) blocking.push('iterator type');
  if (origLen === null && !numbers.has('orig_len')) blocking.push('orig_len');
  if (source === null && !numbers.has('data_source')) blocking.push('direction (data_source)');

  let segments: RangeDto[] = [];
  let segmentOffset = iovOffset;
  if (iter === 'ubuf') {
    // An address stays exact text: the model itself refuses one past user space, naming it.
    const ptr = addressText(field(entry, 'ptr'));
    if (ptr === null || (count === null && !numbers.has('count'))) blocking.push('user buffer address and count');
    else if (count !== null) segments = [{ addr: ptr, len: iovOffset + count }];
  } else if (iter === 'iovec') {
    const nrSegs = numbers.take('nr_segs', field(entry, 'nrSegs'));
    const found = nrSegs === null ? null : segmentsOf(call, nrSegs, count, iovOffset, numbers);
    if (found) segments = found.segments;
    if (!found?.complete && !numbers.tooBig.length) blocking.push(`iovec segments (${found?.recorded ?? 0} of ${nrSegs ?? '?'} recorded)`);
    // The recorded first segment is the current one; its iov_offset applies to it.
    segmentOffset = iovOffset;
  } else if (iter !== null) {
    segments = [{ addr: hex(0), len: count ?? 0 }];
  }
  const tooBig = numbers.message();
  if (tooBig) blocking.push(tooBig);
  missing.push(...blocking);
  if (blocking.length) return { input: null, iter, observed, missing };

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
  return { input, iter, observed, missing };
}
