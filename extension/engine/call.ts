// A call description: defaults filled in, every field checked, addresses as
// numbers. Errors name the field so the CLI and the editor can say what is wrong.
import type { CallDto, Direction, EventDto, IterKind, Protection, RangeDto, VariantId, VmaDto } from '../protocol/dto';
import { USER_ADDRESS_LIMIT, parseUnsigned, toHex } from './hex';
import { DEFAULT_KERNEL, kernelProfile, type KernelProfile } from './kernel-profile';

export interface Range {
  readonly addr: number;
  readonly len: number;
}

export interface Vma {
  readonly start: number;
  readonly end: number;
  readonly prot: Protection;
  readonly kind: 'anon' | 'file' | 'io';
  readonly populated: boolean;
  readonly folioOrder: number;
}

export type Event =
  | { readonly kind: 'unmap'; readonly at: number; readonly range: Range }
  | { readonly kind: 'remap'; readonly at: number; readonly range: Range; readonly prot: Protection }
  | { readonly kind: 'gup-error'; readonly range: Range; readonly errno: 'ENOMEM' | 'EFAULT' | 'EHWPOISON' }
  | { readonly kind: 'npages'; readonly pages: number }
  | {
      readonly kind: 'extractor';
      readonly at: number;
      readonly times: number;
      readonly ret: number | null;
      readonly offset: number | null;
      readonly pages: number | null;
    };

export interface Call {
  readonly iter: IterKind;
  readonly segments: readonly Range[];
  readonly iovOffset: number;
  readonly len: number;
  readonly dir: Direction;
  readonly pageSize: number;
  readonly variant: VariantId;
  readonly kernel: KernelProfile;
  readonly nofault: boolean;
  /** The address space before the call, sorted, non-overlapping. */
  readonly vmas: readonly Vma[];
  readonly events: readonly Event[];
  /** The description with every default filled in, for echoing back. */
  readonly dto: CallDto;
}

export const PAGE_SIZES = [4096, 16384, 65536] as const;
export const VARIANTS: readonly VariantId[] = ['v0', 'v1', 'v2', 'v3'];
export const ITER_KINDS: readonly IterKind[] = ['ubuf', 'iovec', 'kvec', 'bvec', 'xarray', 'folioq', 'discard'];
/** mmap_min_addr: nothing is ever mapped below it. */
export const MMAP_MIN_ADDR = 0x10000;

export class CallError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'CallError';
  }
}

type Raw = Record<string, unknown>;

function count(value: unknown, field: string): number {
  const parsed = parseUnsigned(value);
  if (parsed === null) throw new CallError(field, `expected a non-negative integer, got ${JSON.stringify(value)}`);
  return parsed;
}

function record(value: unknown, field: string): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CallError(field, 'expected an object');
  return value as Raw;
}

function list(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new CallError(field, 'expected an array');
  return value;
}

function range(value: unknown, field: string): Range {
  const item = record(value, field);
  const addr = count(item.addr, `${field}.addr`);
  const len = count(item.len, `${field}.len`);
  if (addr + len > USER_ADDRESS_LIMIT) {
    throw new CallError(field, `${toHex(addr)}+${toHex(len)} runs past the user address space (${toHex(USER_ADDRESS_LIMIT)})`);
  }
  return { addr, len };
}

function ranges(value: unknown, field: string): Range[] {
  return list(value, field).map((item, i) => range(item, `${field}[${i}]`));
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, field: string): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new CallError(field, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

function bool(value: unknown, fallback: boolean, field: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new CallError(field, `expected true or false, got ${JSON.stringify(value)}`);
}

function optionalCount(value: unknown, field: string): number | null {
  return value === undefined || value === null ? null : count(value, field);
}

function vma(value: unknown, field: string, pageSize: number): Vma {
  const item = record(value, field);
  const { addr, len } = range(item, field);
  if (addr % pageSize || len % pageSize) throw new CallError(field, `a mapping must be page-aligned (page size ${pageSize})`);
  const folioOrder = item.folioOrder === undefined ? 0 : count(item.folioOrder, `${field}.folioOrder`);
  if (folioOrder > 18) throw new CallError(`${field}.folioOrder`, `${folioOrder} is larger than any folio`);
  return {
    start: addr,
    end: addr + len,
    prot: oneOf<Protection>(item.prot, ['rw', 'r', 'none'], 'rw', `${field}.prot`),
    kind: oneOf(item.kind, ['anon', 'file', 'io'] as const, 'anon', `${field}.kind`),
    populated: bool(item.populated, true, `${field}.populated`),
    folioOrder,
  };
}

function event(value: unknown, field: string): Event {
  const item = record(value, field);
  const kind = oneOf(item.kind, ['unmap', 'remap', 'gup-error', 'npages', 'extractor'] as const, 'unmap', `${field}.kind`);
  if (item.kind === undefined) throw new CallError(`${field}.kind`, 'expected unmap, remap, gup-error, npages or extractor');
  const at = () => count(item.at ?? 0, `${field}.at`);
  switch (kind) {
    case 'unmap':
      return { kind, at: at(), range: range(item, field) };
    case 'remap':
      return { kind, at: at(), range: range(item, field), prot: oneOf<Protection>(item.prot, ['rw', 'r', 'none'], 'rw', `${field}.prot`) };
    case 'gup-error':
      return { kind, range: range(item, field), errno: oneOf(item.errno, ['ENOMEM', 'EFAULT', 'EHWPOISON'] as const, 'ENOMEM', `${field}.errno`) };
    case 'npages':
      return { kind, pages: count(item.pages, `${field}.pages`) };
    case 'extractor': {
      const times = item.times === undefined ? 1 : count(item.times, `${field}.times`);
      if (times === 0) throw new CallError(`${field}.times`, 'must be at least 1');
      return {
        kind,
        at: at(),
        times,
        ret: optionalCount(item.ret, `${field}.ret`),
        offset: optionalCount(item.offset, `${field}.offset`),
        pages: optionalCount(item.pages, `${field}.pages`),
      };
    }
  }
}

/** Replaces [start, end) in a sorted, non-overlapping VMA list with `fill` (or a hole). */
export function carve(vmas: readonly Vma[], start: number, end: number, fill: ((old: Vma | null) => Vma | null) | null): Vma[] {
  const out: Vma[] = [];
  for (const v of vmas) {
    if (v.end <= start || v.start >= end) {
      out.push(v);
      continue;
    }
    if (v.start < start) out.push({ ...v, end: start });
    if (fill) {
      const replaced = fill(v);
      if (replaced) out.push({ ...replaced, start: Math.max(v.start, start), end: Math.min(v.end, end) });
    }
    if (v.end > end) out.push({ ...v, start: end });
  }
  return out.sort((a, b) => a.start - b.start);
}

function pageRange(r: Range, pageSize: number): [number, number] {
  const start = r.addr - (r.addr % pageSize);
  const end = Math.ceil((r.addr + r.len) / pageSize) * pageSize;
  return [start, end];
}

/** The address space: explicit VMAs, or everything mapped read-write but the ranges named. */
function addressSpace(input: Raw, pageSize: number): { vmas: Vma[]; dto: VmaDto[] | null } {
  if (input.vmas !== undefined && input.vmas !== null) {
    const vmas = list(input.vmas, 'vmas').map((v, i) => vma(v, `vmas[${i}]`, pageSize));
    vmas.sort((a, b) => a.start - b.start);
    vmas.forEach((v, i) => {
      if (i > 0 && vmas[i - 1]!.end > v.start) throw new CallError('vmas', `mappings overlap at ${toHex(v.start)}`);
    });
    const dto = vmas.map((v) => ({ addr: toHex(v.start), len: v.end - v.start, prot: v.prot, kind: v.kind, populated: v.populated, folioOrder: v.folioOrder }));
    return { vmas, dto };
  }
  let vmas: Vma[] = [
    { start: MMAP_MIN_ADDR, end: USER_ADDRESS_LIMIT - pageSize, prot: 'rw', kind: 'anon', populated: true, folioOrder: 0 },
  ];
  for (const [i, r] of ranges(input.readonly, 'readonly').entries()) {
    void i;
    const [s, e] = pageRange(r, pageSize);
    vmas = carve(vmas, s, e, (old) => (old ? { ...old, prot: 'r' } : null));
  }
  for (const r of ranges(input.untouched, 'untouched')) {
    const [s, e] = pageRange(r, pageSize);
    vmas = carve(vmas, s, e, (old) => (old ? { ...old, populated: false } : null));
  }
  for (const r of ranges(input.unmapped, 'unmapped')) {
    const [s, e] = pageRange(r, pageSize);
    vmas = carve(vmas, s, e, null);
  }
  return { vmas, dto: null };
}

function rangeDto(r: Range): RangeDto {
  return { addr: toHex(r.addr), len: r.len };
}

function eventDto(e: Event): EventDto {
  switch (e.kind) {
    case 'unmap':
      return { kind: e.kind, at: e.at, ...rangeDto(e.range) };
    case 'remap':
      return { kind: e.kind, at: e.at, ...rangeDto(e.range), prot: e.prot };
    case 'gup-error':
      return { kind: e.kind, ...rangeDto(e.range), errno: e.errno };
    case 'npages':
      return { kind: e.kind, pages: e.pages };
    case 'extractor':
      return {
        kind: e.kind,
        at: e.at,
        times: e.times,
        ...(e.ret === null ? {} : { ret: e.ret }),
        ...(e.offset === null ? {} : { offset: e.offset }),
        ...(e.pages === null ? {} : { pages: e.pages }),
      };
  }
}

/** Checks a call description and fills in the defaults (v3, kernel 6.12, 4 KiB pages, read, len = count). */
export function normaliseCall(input: Partial<Record<keyof CallDto, unknown>>): Call {
  const raw = input as Raw;
  const iter = oneOf<IterKind>(raw.iter, ITER_KINDS, 'ubuf', 'iter');
  const segments = ranges(raw.segments, 'segments');
  if (segments.length === 0) throw new CallError('segments', 'a call needs at least one segment');
  if (iter === 'ubuf' && segments.length !== 1) {
    throw new CallError('segments', `a UBUF iterator has exactly one segment, got ${segments.length}`);
  }
  const pageSize = raw.pageSize === undefined ? 4096 : count(raw.pageSize, 'pageSize');
  if (!(PAGE_SIZES as readonly number[]).includes(pageSize)) {
    throw new CallError('pageSize', `expected one of ${PAGE_SIZES.join(', ')}, got ${pageSize}`);
  }
  const total = segments.reduce((sum, s) => sum + s.len, 0);
  const iovOffset = raw.iovOffset === undefined ? 0 : count(raw.iovOffset, 'iovOffset');
  const firstLen = segments[0]!.len;
  if (iovOffset > firstLen) {
    throw new CallError('iovOffset', `${iovOffset} is past the end of the first segment (${firstLen} bytes)`);
  }
  const len = raw.len === undefined ? total - iovOffset : count(raw.len, 'len');
  const kernelText = raw.kernel === undefined ? DEFAULT_KERNEL : String(raw.kernel);
  const kernel = kernelProfile(kernelText);
  if (!kernel) throw new CallError('kernel', `${JSON.stringify(kernelText)} is not a kernel with netfs_extract_user_iter (6.3 or later)`);
  const variant = oneOf<VariantId>(raw.variant, VARIANTS, 'v3', 'variant');
  const dir = oneOf<Direction>(raw.dir, ['read', 'write'], 'read', 'dir');
  const nofault = bool(raw.nofault, false, 'nofault');
  const space = addressSpace(raw, pageSize);
  const events = list(raw.events, 'events').map((e, i) => event(e, `events[${i}]`));
  return {
    iter,
    segments,
    iovOffset,
    len,
    dir,
    pageSize,
    variant,
    kernel,
    nofault,
    vmas: space.vmas,
    events,
    dto: {
      iter,
      segments: segments.map(rangeDto),
      iovOffset,
      len,
      dir,
      pageSize,
      variant,
      unmapped: ranges(raw.unmapped, 'unmapped').map(rangeDto),
      readonly: ranges(raw.readonly, 'readonly').map(rangeDto),
      untouched: ranges(raw.untouched, 'untouched').map(rangeDto),
      vmas: space.dto,
      events: events.map(eventDto),
      kernel: kernelText,
      nofault,
    },
  };
}
