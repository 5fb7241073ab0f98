// A call description: defaults filled in, every field checked, addresses as
// numbers. Errors name the field so the CLI and the editor can say what is wrong.
import type { CallDto, Direction, IterKind, RangeDto, VariantId } from '../protocol/dto';
import { USER_ADDRESS_LIMIT, parseUnsigned, toHex } from './hex';

export interface Range {
  readonly addr: number;
  readonly len: number;
}

export interface Call {
  readonly iter: IterKind;
  readonly segments: readonly Range[];
  readonly iovOffset: number;
  readonly len: number;
  readonly dir: Direction;
  readonly pageSize: number;
  readonly variant: VariantId;
  readonly unmapped: readonly Range[];
  readonly readonly: readonly Range[];
}

export const PAGE_SIZES = [4096, 16384, 65536] as const;
export const VARIANTS: readonly VariantId[] = ['v0', 'v1', 'v2', 'v3'];

export class CallError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'CallError';
  }
}

function count(value: unknown, field: string): number {
  const parsed = parseUnsigned(value);
  if (parsed === null) throw new CallError(field, `expected a non-negative integer, got ${JSON.stringify(value)}`);
  return parsed;
}

function ranges(value: unknown, field: string): Range[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new CallError(field, 'expected an array of {addr, len}');
  return value.map((item: unknown, i) => {
    const where = `${field}[${i}]`;
    if (typeof item !== 'object' || item === null) throw new CallError(where, 'expected {addr, len}');
    const { addr: rawAddr, len: rawLen } = item as Record<string, unknown>;
    const addr = count(rawAddr, `${where}.addr`);
    const len = count(rawLen, `${where}.len`);
    if (addr + len > USER_ADDRESS_LIMIT) {
      throw new CallError(where, `${toHex(addr)}+${toHex(len)} runs past the user address space (${toHex(USER_ADDRESS_LIMIT)})`);
    }
    return { addr, len };
  });
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, field: string): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new CallError(field, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

/** Checks a call description and fills in the defaults (v3, 4 KiB pages, read, len = count). */
export function normaliseCall(input: Partial<Record<keyof CallDto, unknown>>): Call {
  const iter = oneOf<IterKind>(input.iter, ['ubuf', 'iovec'], 'ubuf', 'iter');
  const segments = ranges(input.segments, 'segments');
  if (segments.length === 0) throw new CallError('segments', 'a call needs at least one segment');
  if (iter === 'ubuf' && segments.length !== 1) {
    throw new CallError('segments', `a UBUF iterator has exactly one segment, got ${segments.length}`);
  }
  const pageSize = input.pageSize === undefined ? 4096 : count(input.pageSize, 'pageSize');
  if (!(PAGE_SIZES as readonly number[]).includes(pageSize)) {
    throw new CallError('pageSize', `expected one of ${PAGE_SIZES.join(', ')}, got ${pageSize}`);
  }
  const total = segments.reduce((sum, s) => sum + s.len, 0);
  const iovOffset = input.iovOffset === undefined ? 0 : count(input.iovOffset, 'iovOffset');
  const firstLen = segments[0]!.len;
  if (iovOffset > firstLen) {
    throw new CallError('iovOffset', `${iovOffset} is past the end of the first segment (${firstLen} bytes)`);
  }
  const len = input.len === undefined ? total - iovOffset : count(input.len, 'len');
  return {
    iter,
    segments,
    iovOffset,
    len,
    dir: oneOf<Direction>(input.dir, ['read', 'write'], 'read', 'dir'),
    pageSize,
    variant: oneOf<VariantId>(input.variant, VARIANTS, 'v3', 'variant'),
    unmapped: ranges(input.unmapped, 'unmapped'),
    readonly: ranges(input.readonly, 'readonly'),
  };
}

function rangeDto(r: Range): RangeDto {
  return { addr: toHex(r.addr), len: r.len };
}

export function callToDto(call: Call): CallDto {
  return {
    iter: call.iter,
    segments: call.segments.map(rangeDto),
    iovOffset: call.iovOffset,
    len: call.len,
    dir: call.dir,
    pageSize: call.pageSize,
    variant: call.variant,
    unmapped: call.unmapped.map(rangeDto),
    readonly: call.readonly.map(rangeDto),
  };
}
