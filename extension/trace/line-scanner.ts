// Splits a stream of byte chunks into numbered lines without holding the
// file: only the unfinished tail of the last chunk is kept. A cheap byte
// pre-filter lets callers skip decoding lines that cannot matter.

export type Decode = (bytes: Uint8Array) => string;

export interface ScanOptions {
  readonly decode: Decode;
  /** Called for every line that passes the filter (1-based numbers). */
  readonly onLine: (text: string, line: number) => void;
  /** Decode only lines for which this returns true (it sees the raw bytes). */
  readonly filter?: (bytes: Uint8Array, start: number, end: number) => boolean;
  /** Longest line kept whole; longer ones are cut (and still counted). */
  readonly maxLineBytes?: number;
}

const NEWLINE = 10;
const CR = 13;

export class LineScanner {
  private tail: Uint8Array = new Uint8Array(0);
  private lineNo = 0;
  bytes = 0;

  constructor(private readonly options: ScanOptions) {}

  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    let data = chunk;
    if (this.tail.length) {
      data = new Uint8Array(this.tail.length + chunk.length);
      data.set(this.tail);
      data.set(chunk, this.tail.length);
    }
    let start = 0;
    for (let i = data.indexOf(NEWLINE, start); i >= 0; i = data.indexOf(NEWLINE, start)) {
      this.emit(data, start, i);
      start = i + 1;
    }
    const max = this.options.maxLineBytes ?? 1 << 20;
    this.tail = data.length - start > max ? data.slice(start, start + max) : data.slice(start);
  }

  /** The last line, when the file does not end with a newline. */
  end(): void {
    if (this.tail.length) this.emit(this.tail, 0, this.tail.length);
    this.tail = new Uint8Array(0);
  }

  private emit(data: Uint8Array, start: number, end: number): void {
    this.lineNo++;
    const stop = end > start && data[end - 1] === CR ? end - 1 : end;
    if (this.options.filter && !this.options.filter(data, start, stop)) return;
    this.options.onLine(this.options.decode(data.subarray(start, stop)), this.lineNo);
  }
}

/** True when the bytes look like text: no NUL and few control characters. */
export function looksLikeText(sample: Uint8Array): boolean {
  let control = 0;
  for (const b of sample) {
    if (b === 0) return false;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control <= sample.length / 100;
}
