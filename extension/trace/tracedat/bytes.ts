// Bounds-checked little-endian reads over a byte array, each failure a
// DatError that says where in the file it happened. Nothing here trusts a
// size or offset read from the file: every read is checked first.

/** A trace.dat that cannot be read, with the place that says why. */
export class DatError extends Error {
  /** @param unsupported the file is valid but uses something Pinscope does not read (trace-cmd could). */
  constructor(
    message: string,
    readonly unsupported = false,
  ) {
    super(message);
    this.name = 'DatError';
  }
}

/** Something the file uses that Pinscope does not read: a DatError marked so (trace-cmd may read it). */
export function unsupported(message: string, where: string): never {
  throw new DatError(`${message} (${where})`, true);
}

/** Hex of a non-negative offset, for messages. */
export function hex(n: number): string {
  return '0x' + n.toString(16);
}

const TWO_32 = 2 ** 32;

export class Cursor {
  pos = 0;
  private readonly view: DataView;

  /**
   * @param where how a position is named in messages: `where(pos)`, e.g.
   *   "byte 0x1234" for the file itself, "kallsyms section (at 0x…), byte 12" inside a decompressed section.
   */
  constructor(
    readonly bytes: Uint8Array,
    private readonly where: (pos: number) => string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A cursor for bytes that sit at file offset `base`. */
  static atFile(bytes: Uint8Array, base: number): Cursor {
    return new Cursor(bytes, (pos) => `byte ${hex(base + pos)}`);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  location(pos = this.pos): string {
    return this.where(pos);
  }

  fail(message: string, pos = this.pos): never {
    throw new DatError(`${message} (${this.where(pos)})`);
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.bytes.length) this.fail(`${what}: needs ${n} bytes, only ${this.bytes.length - this.pos} left`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A 64-bit size or offset: must fit a JS number exactly (files beyond 8 PiB are not real). */
  u64(what: string): number {
    this.need(8, what);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    if (hi >= 0x200000) this.fail(`${what}: ${(BigInt(hi) << 32n) | BigInt(lo)} is not a plausible size or offset`);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  /** A NUL-terminated ASCII string of at most `max` bytes. */
  cstring(what: string, max = 4096): string {
    const end = this.bytes.indexOf(0, this.pos);
    if (end < 0 || end - this.pos > max) this.fail(`${what}: no terminating NUL within ${Math.min(max, this.remaining)} bytes`);
    const text = latin1(this.bytes, this.pos, end);
    this.pos = end + 1;
    return text;
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Bytes as one char each (ASCII metadata: names, numbers, format files). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i += 4096) text += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 4096)));
  return text;
}
