// The bio_vec array the function builds, in typed arrays: one slot per page,
// page frame NaN for a pointer read from stale heap memory.

export class BvecArray {
  page: Float64Array;
  uaddr: Float64Array;
  offset: Uint32Array;
  len: Uint32Array;
  length = 0;

  constructor(capacity: number) {
    // One buffer for all four columns: one allocation per call, not four.
    const n = Math.max(1, capacity);
    const buffer = new ArrayBuffer(n * 24);
    this.page = new Float64Array(buffer, 0, n);
    this.uaddr = new Float64Array(buffer, n * 8, n);
    this.offset = new Uint32Array(buffer, n * 16, n);
    this.len = new Uint32Array(buffer, n * 20, n);
  }

  private ensure(index: number): void {
    if (index < this.page.length) return;
    const bigger = new BvecArray(Math.max(index + 1, this.page.length * 2));
    bigger.page.set(this.page);
    bigger.uaddr.set(this.uaddr);
    bigger.offset.set(this.offset);
    bigger.len.set(this.len);
    ({ page: this.page, uaddr: this.uaddr, offset: this.offset, len: this.len } = bigger);
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
