// Splits a stream of byte chunks into numbered lines without holding the
// file: only the unfinished last line is kept. Given keywords and a byte
// search (the shell passes Buffer's native one), it jumps from keyword to
// keyword and only counts the lines in between, decoding just the lines that
// can matter: a sparse log costs little more than reading it.

/** The text of bytes[start, end) (UTF-8; a bad sequence becomes U+FFFD, never an error). */
export type Decode = (bytes: Uint8Array, start: number, end: number) => string;
/** Position of `needle` (bytes, or one byte value) in `haystack` at or after `from`, or -1. */
export type Find = (haystack: Uint8Array, needle: Uint8Array | number, from: number) => number;

export interface ScanOptions {
  readonly decode: Decode;
  /** Called for every line that is decoded (1-based numbers). */
  readonly onLine: (text: string, line: number) => void;
  /** A native byte search; without it every line is decoded. */
  readonly find?: Find;
  /** Longest line kept whole; longer ones are cut (and still counted). */
  readonly maxLineBytes?: number;
}

const NEWLINE = 10;
const CR = 13;

/** Without a native search no keywords are set (see setKeywords), so only newlines are looked for. */
function newlineFind(haystack: Uint8Array, needle: Uint8Array | number, from: number): number {
  if (typeof needle !== 'number') throw new Error('keyword search needs a native find');
  return haystack.indexOf(needle, from);
}

export class LineScanner {
  private tail: Uint8Array = new Uint8Array(0);
  private lineNo = 0;
  private readonly find: Find;
  /** Keywords: when set, lines without any of them are counted, not decoded. */
  private needles: Uint8Array[] | null = null;
  /** Share of relevant lines in the last chunk: when high, keyword jumping costs more than it saves. */
  private dense = false;
  bytes = 0;

  constructor(private readonly options: ScanOptions) {
    this.find = options.find ?? newlineFind;
  }

  get lines(): number {
    return this.lineNo;
  }

  /** Only lines holding one of these keywords will be decoded from now on (null: all lines). */
  setKeywords(keywords: readonly string[] | null): void {
    // Keywords are ASCII: one byte per character.
    this.needles = keywords && this.options.find ? keywords.map((k) => Uint8Array.from(k, (c) => c.charCodeAt(0))) : null;
  }

  /** Reads `chunk` now; keeps nothing of it but copies, so its memory may be reused once this returns. */
  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    let start = 0;
    if (this.tail.length) {
      const nl = this.find(chunk, NEWLINE, 0);
      if (nl < 0) {
        this.keepTail(concat(this.tail, chunk));
        return;
      }
      const first = concat(this.tail, chunk.subarray(0, nl));
      this.tail = new Uint8Array(0);
      this.emit(first, 0, first.length);
      start = nl + 1;
    }
    const end = chunk.lastIndexOf(NEWLINE);
    if (end < start) {
      this.keepTail(copyOf(chunk, start, chunk.length));
      return;
    }
    if (this.needles && !this.dense) this.scanKeywords(chunk, start, end);
    else this.scanAll(chunk, start, end);
    this.keepTail(copyOf(chunk, end + 1, chunk.length));
  }

  private keepTail(bytes: Uint8Array): void {
    const max = this.options.maxLineBytes ?? 1 << 20;
    this.tail = bytes.length > max ? bytes.slice(0, max) : bytes;
  }

  /** Every line of chunk[start..end] (end is a newline). */
  private scanAll(chunk: Uint8Array, start: number, end: number): void {
    let pos = start;
    while (pos <= end) {
      const nl = this.find(chunk, NEWLINE, pos);
      this.emit(chunk, pos, nl);
      pos = nl + 1;
    }
    if (this.needles) this.dense = false;
  }

  /** Lines of chunk[start..end] holding a keyword; the others are only counted. */
  private scanKeywords(chunk: Uint8Array, start: number, end: number): void {
    const needles = this.needles!;
    const next = needles.map((n) => this.find(chunk, n, start));
    let pos = start;
    let relevant = 0;
    const linesBefore = this.lineNo;
    for (;;) {
      let hit = -1;
      for (let k = 0; k < next.length; k++) {
        if (next[k]! >= 0 && next[k]! < pos) next[k] = this.find(chunk, needles[k]!, pos);
        const at = next[k]!;
        if (at >= 0 && at <= end && (hit < 0 || at < hit)) hit = at;
      }
      const lineStart = hit < 0 ? end + 1 : chunk.lastIndexOf(NEWLINE, hit) + 1;
      for (let nl = this.find(chunk, NEWLINE, pos); nl >= 0 && nl < lineStart; nl = this.find(chunk, NEWLINE, nl + 1)) this.lineNo++;
      if (hit < 0) break;
      const lineEnd = this.find(chunk, NEWLINE, hit);
      this.emit(chunk, lineStart, lineEnd);
      relevant++;
      pos = lineEnd + 1;
    }
    this.dense = relevant * 5 > this.lineNo - linesBefore;
  }

  /** The last line, when the file does not end with a newline. */
  end(): void {
    if (this.tail.length) this.emit(this.tail, 0, this.tail.length);
    this.tail = new Uint8Array(0);
  }

  private emit(data: Uint8Array, start: number, end: number): void {
    this.lineNo++;
    const stop = end > start && data[end - 1] === CR ? end - 1 : end;
    this.options.onLine(this.options.decode(data, start, stop), this.lineNo);
  }
}

/**
 * A copy of chunk[start, end): the caller may reuse the chunk's memory (a
 * Buffer's own slice() would be a view of it).
 */
function copyOf(chunk: Uint8Array, start: number, end: number): Uint8Array {
  return Uint8Array.prototype.slice.call(chunk, start, end);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * False when the bytes hold a NUL, which no text trace has (trace.dat, ELF,
 * compressed data all do). Other control bytes prove nothing: a task's name
 * is whatever the process chose, and ftrace prints it raw.
 */
export function looksLikeText(sample: Uint8Array): boolean {
  return sample.indexOf(0) < 0;
}

/** A line no text holds: control characters other than tab, or bytes that were not UTF-8. */
export function looksBinary(line: string): boolean {
  return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(line);
}
