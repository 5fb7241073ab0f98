// Address text <-> number. User addresses on x86-64 stay below 2^47, so they
// fit a JS number exactly; anything larger is refused at parse time.

/** Lowest address that is not user space on x86-64 with 4-level paging. */
export const USER_ADDRESS_LIMIT = 2 ** 47;

export function toHex(value: number): string {
  return '0x' + value.toString(16);
}

/** Parses "0x…" or decimal text (or a number) into a non-negative integer, or returns null. */
export function parseUnsigned(value: unknown): number | null {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? value : null;
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text)) return null;
  const big = BigInt(text);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : null;
}
