// The bio_vec array the function builds, in typed arrays: one slot per page,
// page frame NaN for a pointer read from stale heap memory.

export class BvecArray {
  page: Float64Array;
  uaddr: Float64Array;
  offset: Uint32Array;
  len: Uint32Array;
  length = 0;

  constructor(capacity: number) {
    const n = Math.max(1, capacity);
    this.page = new Float64Array(n);
    this.uaddr = new Float64Array(n);
    this.offset = new Uint32Array(n);
    this.len = new Uint32Array(n);
  }

  private ensure(index: number): void {
    if (index < this.page.length) return;
    const n = Math.max(index + 1, this.page.length * 2);
    const grow = <T extends Float64Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as { new (n: number): T })(n);
      b.set(a);
      return b;
    };
    this.page = grow(this.page);
    this.uaddr = grow(this.uaddr);
    this.offset = grow(this.offset);
    this.len = grow(this.len);
  }

  set(index: number, page: number, uaddr: number, offset: number, len: number): void {
    this.ensure(index);
    this.page[index] = page;
    this.uaddr[index] = uaddr;
    this.offset[index] = offset;
    this.len[index] = len;
    if (index >= this.length) this.length = index + 1;
  }

  /** Σ bv_len over the first `n` entries. */
  totalLen(n: number): number {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.len[i]!;
    return sum;
  }
}
