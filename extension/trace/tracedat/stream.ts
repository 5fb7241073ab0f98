// Sequential reads over a ByteSource range (the v6 file's metadata, a v7
// section), through a small read-ahead window. Every length is checked
// against the range before it is read or allocated.
import { DatError, latin1 } from './bytes';
import { readRange, type ByteSource } from './source';

const WINDOW = 1 << 16;

export class Stream {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  private view = new DataView(this.buf.buffer);

  constructor(
    private readonly source: ByteSource,
    public pos: number,
    readonly end: number,
    private readonly where: (pos: number) => string,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string, pos = this.pos): never {
    throw new DatError(`${message} (${this.where(pos)})`);
  }

  /** `n` bytes from here; a view into the window when it fits there. */
  async take(n: number, what: string): Promise<Uint8Array> {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.end - this.pos) this.fail(`${what}: ${n} bytes claimed, ${this.end - this.pos} left`);
    if (n > WINDOW) {
      const bytes = await readRange(this.source, this.pos, n, what);
      this.pos += n;
      return bytes;
    }
    await this.fill(n, what);
    const at = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }

  private async fill(n: number, what: string): Promise<void> {
    if (this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length) return;
    const length = Math.min(WINDOW, this.end - this.pos);
    this.buf = await readRange(this.source, this.pos, length, what);
    this.bufStart = this.pos;
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  private async at(n: number, what: string): Promise<number> {
    if (n > this.end - this.pos) this.fail(`${what}: needs ${n} bytes, ${this.end - this.pos} left`);
    await this.fill(n, what);
    const at = this.pos - this.bufStart;
    this.pos += n;
    return at;
  }

  async u16(what: string): Promise<number> {
    const at = await this.at(2, what); // before reading this.view: at() may replace it
    return this.view.getUint16(at, true);
  }

  async u32(what: string): Promise<number> {
    const at = await this.at(4, what);
    return this.view.getUint32(at, true);
  }

  /** A 64-bit size or offset; beyond 2^53 it cannot be real. */
  async u64(what: string): Promise<number> {
    const start = this.pos;
    const at = await this.at(8, what);
    const lo = this.view.getUint32(at, true);
    const hi = this.view.getUint32(at + 4, true);
    if (hi >= 0x200000) this.fail(`${what}: ${(BigInt(hi) << 32n) | BigInt(lo)} is not a plausible size or offset`, start);
    return hi * 2 ** 32 + lo;
  }

  /** A NUL-terminated ASCII string of at most `max` bytes. */
  async cstring(what: string, max = 4096): Promise<string> {
    const start = this.pos;
    await this.fill(Math.min(max + 1, this.end - this.pos), what);
    const at = this.pos - this.bufStart;
    const nul = this.buf.subarray(at, at + max + 1).indexOf(0);
    if (nul < 0) this.fail(`${what}: no terminating NUL within ${max} bytes`, start);
    this.pos += nul + 1;
    return latin1(this.buf, at, at + nul);
  }
}
