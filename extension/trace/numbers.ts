// Numbers as a trace prints them, read exactly. A u64 field (a count, a
// length, an address in decimal) can be past 2^53, where a JS number would
// silently round it (18446744073709551615 -> 18446744073709552000): such a
// value is kept as its exact decimal text, and the model is never handed it.

/** A value from a trace: a number when a double holds it exactly, else its exact decimal text. */
export type Exact = number | string;

const DECIMAL = /^-?\d+$/;
const HEX = /^0x[0-9a-fA-F]+$/;

function bigOf(text: string | undefined): bigint | null {
  if (text === undefined) return null;
  const t = text.trim();
  return DECIMAL.test(t) || HEX.test(t) ? BigInt(t) : null;
}

function exactOf(big: bigint): Exact {
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
}

/** "0x" and lowercase hex digits without a leading zero: already the text addressText makes (the common case). */
function isCanonicalHex(text: string): boolean {
  const length = text.length;
  if (length < 3 || text.charCodeAt(0) !== 48 || text.charCodeAt(1) !== 120 /* 0x */) return false;
  if (text.charCodeAt(2) === 48 && length > 3) return false;
  for (let i = 2; i < length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Hex digit value of a character code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * The number most trace values are, read without a BigInt (the common case,
 * several times a line): up to 15 decimal or 13 hex digits, below 2^53, so
 * exact. null when the text is anything else, and bigOf decides.
 */
function shortOf(text: string): number | null {
  const length = text.length;
  if (length >= 3 && text.charCodeAt(0) === 48 && text.charCodeAt(1) === 120 /* 0x */) {
    if (length > 15) return null;
    let n = 0;
    for (let i = 2; i < length; i++) {
      const d = hexDigit(text.charCodeAt(i));
      if (d < 0) return null;
      n = n * 16 + d;
    }
    return n;
  }
  const negative = text.charCodeAt(0) === 45; /* - */
  const from = negative ? 1 : 0;
  if (length === from || length - from > 15) return null;
  let n = 0;
  for (let i = from; i < length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  // "-0" is 0, as BigInt reads it.
  return negative && n !== 0 ? -n : n;
}

/** Decimal, hex or signed text -> the exact value; null for "(fault)" and other non-numbers. */
export function exactNumber(text: string | undefined): Exact | null {
  const short = text === undefined ? null : shortOf(text);
  if (short !== null) return short;
  const big = bigOf(text);
  return big === null ? null : exactOf(big);
}

const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;

/**
 * An ssize_t (a return value): a probe that fetched it as u64 or x64 prints
 * -14 as 18446744073709551602 or 0xfffffffffffffff2; read as 64-bit two's
 * complement, exactly as the kernel's register held it.
 */
export function signed64(text: string | undefined): Exact | null {
  // Below 2^53 a value is its own two's complement reading.
  const short = text === undefined ? null : shortOf(text);
  if (short !== null) return short;
  const big = bigOf(text);
  if (big === null) return null;
  return exactOf(big >= TWO_63 && big < TWO_64 ? big - TWO_64 : big);
}

/** An address, decimal or hex, as exact "0x…" text (no rounding at any size). */
export function addressText(text: string | undefined): string | null {
  if (text !== undefined && isCanonicalHex(text)) return text;
  const short = text === undefined ? null : shortOf(text);
  if (short !== null) return short < 0 ? null : '0x' + short.toString(16);
  const big = bigOf(text);
  return big === null || big < 0n ? null : '0x' + big.toString(16);
}

/**
 * Reads the numbers a call gives the model: those a double cannot hold are
 * noted (field and exact text) instead of being returned rounded.
 */
export class ModelNumbers {
  readonly tooBig: string[] = [];

  /** The value as a number, or null when absent or past 2^53 (then noted). */
  take(field: string, text: string | undefined, read: (t: string | undefined) => Exact | null = exactNumber): number | null {
    return this.exact(field, read(text));
  }

  /** An exact value already read: the number, or null when absent or past 2^53 (then noted). */
  exact(field: string, value: Exact | null): number | null {
    if (typeof value === 'string') {
      this.tooBig.push(`${field}=${value}`);
      return null;
    }
    return value;
  }

  has(field: string): boolean {
    return this.tooBig.some((t) => t.startsWith(`${field}=`));
  }

  /** The "missing" entry naming every value the model could not take, or null. */
  message(): string | null {
    return this.tooBig.length ? `a value the model cannot take (past 2^53): ${this.tooBig.join(', ')}` : null;
  }
}
