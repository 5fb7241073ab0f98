// The streaming entry point: bytes in (chunk by chunk), calls out (one
// callback each, in start order), a summary at the end. Memory holds only
// the calls still open and the unfinished tail line.
import { detectFormat, parserFor, type TraceFormat } from './detect';
import type { SkippedLine } from './events';
import type { LineParser } from './formats/ftrace';
import { LineScanner, looksLikeText, type Decode, type Find } from './line-scanner';
import { Reconstructor, type RawCall } from './reconstruct';

export interface TraceReaderOptions {
  readonly decode: Decode;
  /** A native byte search (Buffer's): lets the reader skip irrelevant lines without decoding them. */
  readonly find?: Find;
  /** 'auto' (default) detects from the first lines. */
  readonly format?: TraceFormat | 'auto';
  readonly onCall: (call: RawCall) => void;
  /** How many skipped lines to keep as examples. */
  readonly skippedExamples?: number;
}

export interface TraceSummary {
  readonly format: TraceFormat;
  readonly lines: number;
  readonly bytes: number;
  readonly calls: number;
  readonly skipped: { readonly lines: number; readonly examples: readonly SkippedLine[] };
  readonly lost: ReadonlyArray<{ readonly line: number; readonly cpu: number | null; readonly count: number }>;
}

/** Why a file cannot be read as a trace. */
export class TraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceError';
  }
}

const DETECT_LINES = 200;

export class TraceReader {
  private readonly scanner: LineScanner;
  private format: TraceFormat | null;
  private parser: LineParser | null = null;
  private readonly reconstructor: Reconstructor;
  private readonly buffered: Array<[string, number]> = [];
  private skippedCount = 0;
  private readonly skippedExamples: SkippedLine[] = [];
  private calls = 0;
  private sawText = false;

  constructor(private readonly options: TraceReaderOptions) {
    this.format = options.format && options.format !== 'auto' ? options.format : null;
    this.reconstructor = new Reconstructor({
      onCall: (call) => {
        this.calls++;
        options.onCall(call);
      },
    });
    this.scanner = new LineScanner({ decode: options.decode, find: options.find, onLine: (text, line) => this.line(text, line) });
    if (this.format) this.useParser(parserFor(this.format));
  }

  private useParser(parser: LineParser): void {
    this.parser = parser;
    this.scanner.setKeywords(parser.keywords);
  }

  push(chunk: Uint8Array): void {
    if (!this.sawText && chunk.length) {
      if (!looksLikeText(chunk.subarray(0, 4096))) throw new TraceError('this is a binary file, not a text trace (a trace.dat needs `trace-cmd report` first)');
      this.sawText = true;
    }
    this.scanner.push(chunk);
  }

  private line(text: string, line: number): void {
    if (!this.parser) {
      this.buffered.push([text, line]);
      if (this.buffered.length >= DETECT_LINES) this.detect();
      return;
    }
    const events = this.parser.parse(text, line);
    if (typeof events === 'string') {
      this.skippedCount++;
      if (this.skippedExamples.length < (this.options.skippedExamples ?? 5)) this.skippedExamples.push({ line, reason: events });
      return;
    }
    for (const event of events) this.reconstructor.feed(event);
  }

  private detect(): void {
    this.format = detectFormat(this.buffered.map(([text]) => text));
    if (!this.format) {
      const first = this.buffered.find(([text]) => text.trim() !== '');
      throw new TraceError(
        first ? `no known trace format (line ${first[1]}: ${JSON.stringify(first[0].slice(0, 80))})` : 'the file is empty',
      );
    }
    this.useParser(parserFor(this.format));
    const lines = this.buffered.splice(0);
    for (const [text, line] of lines) this.line(text, line);
  }

  /** A live stream is quiet: hand out the calls that have returned (Reconstructor.settleReturned). */
  flushReturned(): void {
    this.reconstructor.settleReturned();
  }

  end(): TraceSummary {
    this.scanner.end();
    if (!this.parser) this.detect();
    this.reconstructor.end();
    return {
      format: this.format!,
      lines: this.scanner.lines,
      bytes: this.scanner.bytes,
      calls: this.calls,
      skipped: { lines: this.skippedCount, examples: this.skippedExamples },
      lost: this.reconstructor.lost,
    };
  }
}
