// One CPU's ring-buffer data, a page at a time: uncompressed data is read
// a few pages per read; compressed data (v7) is a count of chunks, each
// "compressed size, uncompressed size, bytes", decompressed one chunk at a
// time. Memory: one read batch or one chunk per CPU.
import { Cursor, DatError, hex } from './bytes';
import type { Decompress } from './compression';
import type { CpuData, PageHeader } from './file';
import { decodePage, newPage, type DecodedPage } from './kbuffer';
import { readRange, type ByteSource } from './source';

/** Uncompressed data is read this many pages at a time (128 KiB of 4 KiB pages). */
const PAGES_PER_READ = 32;
/** The first read after a seek: a call's records are mostly near where it starts. */
const PAGES_AFTER_SEEK = 4;
const MAX_CHUNKS = 1 << 24;

export class CpuPages {
  /** The page decoded last, and the next record in it. */
  readonly page: DecodedPage;
  next = 0;
  /** Where the current page sits, for messages. */
  pageWhere = '';
  /** Compressed or on-disk bytes consumed so far (for progress). */
  consumed = 0;
  private batch: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.batch.buffer);
  private batchAt = 0;
  /** Where the current batch was read from: its first page (uncompressed) or its chunk. */
  private batchFileAt = 0;
  private batchLabel = '';
  private pagesPerRead = PAGES_PER_READ;
  private fileAt: number;
  private chunksLeft = -1;
  private done = false;

  constructor(
    private readonly source: ByteSource,
    readonly cpu: CpuData,
    readonly instance: string,
    private readonly pageSize: number,
    private readonly header: PageHeader,
    private readonly decompress: Decompress | null,
  ) {
    this.page = newPage(pageSize);
    this.fileAt = cpu.offset;
  }

  /** Where this CPU's data ends: compressed data's size leaves out its leading chunk count. */
  private get end(): number {
    return this.cpu.offset + this.cpu.size + (this.decompress ? 4 : 0);
  }

  private name(): string {
    return `${this.instance ? `instance "${this.instance}", ` : ''}CPU ${this.cpu.cpu}`;
  }

  /** Loads and decodes the next page; false at the end of this CPU's data. */
  async nextPage(): Promise<boolean> {
    for (;;) {
      if (this.batchAt + this.pageSize <= this.batch.length) {
        this.pageWhere = `${this.name()}, page at ${this.batchLabel}${hex(this.batchAt)}`;
        decodePage(this.view, this.batchAt, this.pageSize, this.header, this.page);
        this.batchAt += this.pageSize;
        this.next = 0;
        return true;
      }
      if (this.done || !(await this.refill())) {
        this.done = true;
        return false;
      }
    }
  }

  /** Where the current page is, for seek(): its file offset, or its chunk's and its offset inside it. */
  position(): { at: number; within: number; chunksLeft: number } {
    return this.decompress ? { at: this.batchFileAt, within: this.pageStart, chunksLeft: this.chunksLeft } : { at: this.batchFileAt + this.pageStart, within: 0, chunksLeft: 0 };
  }

  /** Loads and decodes the page a position() named (false: nothing there); nextPage() goes on from it. */
  async seek(at: number, within: number, chunksLeft: number): Promise<boolean> {
    if (!Number.isSafeInteger(at) || at < this.cpu.offset || at >= this.end) return false;
    this.done = false;
    this.set(new Uint8Array(0), '');
    this.batchAt = 0;
    this.fileAt = at;
    if (this.decompress) this.chunksLeft = chunksLeft + 1;
    else this.pagesPerRead = PAGES_AFTER_SEEK;
    if (!(await this.refill())) return false;
    if (within < 0 || within + this.pageSize > this.batch.length) return false;
    this.batchAt = within;
    return this.nextPage();
  }

  private async refill(): Promise<boolean> {
    this.batchAt = 0;
    this.batchFileAt = this.fileAt;
    if (!this.decompress) {
      const left = this.end - this.fileAt;
      if (left < this.pageSize) return false; // A partial page at the end holds nothing kbuffer would read.
      const length = Math.min(left - (left % this.pageSize), this.pageSize * this.pagesPerRead);
      this.pagesPerRead = PAGES_PER_READ;
      this.set(await readRange(this.source, this.fileAt, length, `${this.name()} data`), `file byte ${hex(this.fileAt)} + `);
      this.fileAt += length;
      this.consumed += length;
      return true;
    }
    if (this.chunksLeft < 0) {
      if (this.cpu.size === 0) return false;
      const head = Cursor.atFile(await readRange(this.source, this.fileAt, 4, `${this.name()} chunk count`), this.fileAt);
      this.chunksLeft = head.u32('chunk count');
      if (this.chunksLeft > MAX_CHUNKS) head.fail(`${this.name()}: ${this.chunksLeft} chunks claimed`, 0);
      this.fileAt += 4;
      this.consumed += 4;
    }
    if (this.chunksLeft === 0) return false;
    this.chunksLeft--;
    const at = this.fileAt;
    this.batchFileAt = at;
    if (this.end - at < 8) throw new DatError(`${this.name()}: a chunk header at ${hex(at)} runs past the CPU's data (it ends at ${hex(this.end)})`);
    const head = Cursor.atFile(await readRange(this.source, at, 8, `${this.name()} chunk header`), at);
    const compressed = head.u32('chunk compressed size');
    const uncompressed = head.u32('chunk uncompressed size');
    if (compressed > this.end - at - 8) head.fail(`${this.name()}: a chunk of ${compressed} compressed bytes runs past the CPU's data`, 0);
    const data = this.decompress(await readRange(this.source, at + 8, compressed, `${this.name()} chunk`), uncompressed, `${this.name()}, chunk at ${hex(at)}`);
    this.fileAt = at + 8 + compressed;
    this.consumed += 8 + compressed;
    this.set(data, `chunk at ${hex(at)}, byte `);
    return true;
  }

  private set(bytes: Uint8Array, label: string): void {
    this.batch = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.batchLabel = label;
  }

  /** The current batch's bytes (records' start offsets are relative to the page inside it). */
  get bytes(): Uint8Array {
    return this.batch;
  }

  get dataView(): DataView {
    return this.view;
  }

  /** Start of the current page inside `bytes`. */
  get pageStart(): number {
    return this.batchAt - this.pageSize;
  }
}
