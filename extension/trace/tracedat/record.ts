// One event record's payload inside a decoded ring-buffer page, and its
// fields read by the event's format: integers exactly (64-bit ones as
// bigint), fixed arrays, __data_loc / __rel_loc strings.
import type { Field } from './format';

export interface RecordBytes {
  bytes: Uint8Array;
  view: DataView;
  /** Payload start (the common_type word) and length, inside `bytes`. */
  start: number;
  length: number;
}

/** An 8-byte unsigned field as its two 32-bit halves (addresses, without a bigint); false when outside the record. */
export function readWords(rec: RecordBytes, field: Field, out: { hi: number; lo: number }): boolean {
  if (field.size !== 8 || field.offset + 8 > rec.length) return false;
  out.lo = rec.view.getUint32(rec.start + field.offset, true);
  out.hi = rec.view.getUint32(rec.start + field.offset + 4, true);
  return true;
}

/** The integer in `field` (element `index` of an array), sign-extended when the field is signed; null when it lies outside the record. */
export function readInt(rec: RecordBytes, field: Field, index = 0): bigint | null {
  const size = field.elements > 0 ? field.size / field.elements : field.size;
  const at = field.offset + index * size;
  if (!Number.isInteger(size) || at + size > rec.length || size <= 0) return null;
  const p = rec.start + at;
  const v = rec.view;
  switch (size) {
    case 1:
      return BigInt(field.signed ? v.getInt8(p) : v.getUint8(p));
    case 2:
      return BigInt(field.signed ? v.getInt16(p, true) : v.getUint16(p, true));
    case 4:
      return BigInt(field.signed ? v.getInt32(p, true) : v.getUint32(p, true));
    case 8:
      return field.signed ? v.getBigInt64(p, true) : v.getBigUint64(p, true);
    default:
      return null;
  }
}

/** A small unsigned field as a number (pids, depths, ids); null when outside the record. */
export function readSmall(rec: RecordBytes, field: Field): number | null {
  const p = rec.start + field.offset;
  if (field.offset + field.size > rec.length) return null;
  const v = rec.view;
  switch (field.size) {
    case 1:
      return field.signed ? v.getInt8(p) : v.getUint8(p);
    case 2:
      return field.signed ? v.getInt16(p, true) : v.getUint16(p, true);
    case 4:
      return field.signed ? v.getInt32(p, true) : v.getUint32(p, true);
    default:
      return null;
  }
}

/** The bytes of a string or dynamic array field (up to its NUL for strings), clamped to the record. */
export function readBytes(rec: RecordBytes, field: Field, stopAtNul: boolean): Uint8Array {
  let from: number;
  let length: number;
  if (field.dynamic) {
    if (field.offset + 4 > rec.length) return new Uint8Array(0);
    const loc = rec.view.getUint32(rec.start + field.offset, true);
    from = loc & 0xffff;
    length = loc >>> 16;
    // __rel_loc counts from the end of the field itself.
    if (field.type.startsWith('__rel_loc')) from += field.offset + field.size;
  } else {
    from = field.offset;
    // "char buf[]" of size 0 runs to the end of the record.
    length = field.size === 0 ? rec.length - field.offset : field.size;
  }
  if (from >= rec.length) return new Uint8Array(0);
  const end = Math.min(rec.length, from + length);
  let bytes = rec.bytes.subarray(rec.start + from, rec.start + end);
  if (stopAtNul) {
    const nul = bytes.indexOf(0);
    if (nul >= 0) bytes = bytes.subarray(0, nul);
  }
  return bytes;
}
