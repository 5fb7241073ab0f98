// The streaming entry point: bytes in (chunk by chunk), calls out (one
// callback each, in start order), a summary at the end. Memory holds only
// the calls still open and the unfinished tail line.
import { detectFormat, parserFor, type TraceFormat } from './detect';
import type { SkippedLine, TraceEvent } from './events';
import type { LineParser } from './formats/ftrace';
import { LineScanner, looksBinary, looksLikeText, type Decode, type Find } from './line-scanner';
import { Reconstructor, type RawCall, type ReconstructOptions } from './reconstruct';

export interface TraceReaderOptions {
  readonly decode: Decode;
  /** A native byte search (Buffer's): lets the reader skip irrelevant lines without decoding them. */
  readonly find?: Find;
  /** 'auto' (default) detects from the first lines. */
  readonly format?: TraceFormat | 'auto';
  /** Each call, with what the trace says of itself (known before its first event line). */
  readonly onCall: (call: RawCall, trace: TraceFacts) => void;
  /** A line of a task whose call was already handed out (see Reconstructor). */
  readonly onLate?: (event: TraceEvent) => void;
  /** How many skipped lines to keep as examples. */
  readonly skippedExamples?: number;
  /** The bytes pushed start at this line and byte offset of the file (a call's lines read again). */
  readonly firstLine?: number;
  readonly firstByte?: number;
  /** The bytes pushed come after the top of the trace, whose facts these are (a piece of a trace read in parts). */
  readonly facts?: TraceFacts;
  /** Passed to the reconstructor (tests; a read split into pieces). */
  readonly reconstruct?: Pick<ReconstructOptions, 'releaseLines' | 'onQuiet'>;
  /** Feeds each relevant line's events in place of the reader (which otherwise feeds its reconstructor). */
  readonly feed?: (events: readonly TraceEvent[], start: number, end: number) => void;
}

/** What a trace records about the machine it was taken on (SHARED-DECISIONS 1). */
export interface TraceFacts {
  /** `uname -r` from a "# pinscope: kernel_release=… arch=…" line before the first event. */
  readonly kernelRelease: string | null;
  readonly arch: string | null;
}

/** The line recordings and recipes put at a trace's top. */
const FACTS_LINE = /^# pinscope: kernel_release=(\S+)(?:\s+arch=(\S+))?/;
const FACTS_KEYWORD = '# pinscope:';

export interface TraceSummary extends TraceFacts {
  readonly format: TraceFormat;
  readonly lines: number;
  readonly bytes: number;
  readonly calls: number;
  readonly skipped: { readonly lines: number; readonly examples: readonly SkippedLine[] };
  readonly lost: ReadonlyArray<{ readonly line: number; readonly cpu: number | null; readonly count: number }>;
  /** Lines of a task that came after its call was handed out (counted, not attached). */
  readonly late: number;
}

/** Why a file cannot be read as a trace. */
export class TraceError extends Error {
  /** @param unsupported a valid file in a form Pinscope does not read (another tool might). */
  constructor(
    message: string,
    readonly unsupported = false,
  ) {
    super(message);
    this.name = 'TraceError';
  }
}

const DETECT_LINES = 200;
const BINARY = 'this is a binary file, neither a text trace nor a trace.dat';

export class TraceReader {
  private readonly scanner: LineScanner;
  private format: TraceFormat | null;
  private parser: LineParser | null = null;
  private readonly reconstructor: Reconstructor;
  private readonly buffered: Array<[string, number, number, number]> = [];
  private skippedCount = 0;
  private readonly skippedExamples: SkippedLine[] = [];
  private calls = 0;
  private sawText = false;
  private facts: TraceFacts = { kernelRelease: null, arch: null };
  /** A line other than a comment was read: a facts line after it no longer counts (it belongs at the top). */
  private pastTop = false;

  constructor(private readonly options: TraceReaderOptions) {
    this.format = options.format && options.format !== 'auto' ? options.format : null;
    this.reconstructor = new Reconstructor({
      onCall: (call) => {
        this.calls++;
        options.onCall(call, this.facts);
      },
      ...(options.onLate ? { onLate: options.onLate } : {}),
      ...options.reconstruct,
    });
    if (options.facts) {
      this.facts = options.facts;
      this.pastTop = true;
    }
    this.scanner = new LineScanner({
      decode: options.decode,
      find: options.find,
      onLine: (text, line, start, end) => this.line(text, line, start, end),
      ...(options.firstLine !== undefined ? { firstLine: options.firstLine } : {}),
      ...(options.firstByte !== undefined ? { firstByte: options.firstByte } : {}),
    });
    if (this.format) this.useParser(parserFor(this.format));
  }

  private useParser(parser: LineParser): void {
    this.parser = parser;
    // The facts line is looked for only at the top: past it, no extra search per chunk.
    this.scanner.setKeywords(parser.keywords && !this.pastTop ? [...parser.keywords, FACTS_KEYWORD] : parser.keywords);
  }

  /** Tasks and calls the reconstructor holds now (what bounds the reader's memory). */
  get held(): { tasks: number; calls: number } {
    return this.reconstructor.held;
  }

  /** The reconstructor the lines are fed to (a read split into pieces looks at its tasks). */
  get reconstruction(): Reconstructor {
    return this.reconstructor;
  }

  /** The format and the trace's facts, once both are known (the format detected, the top read past); else null. */
  get known(): { readonly format: TraceFormat; readonly facts: TraceFacts } | null {
    return this.parser && this.pastTop ? { format: this.format!, facts: this.facts } : null;
  }

  /** Lines skipped so far, and the first few of them. */
  get skipped(): { readonly lines: number; readonly examples: readonly SkippedLine[] } {
    return { lines: this.skippedCount, examples: this.skippedExamples };
  }

  /** Lines read so far. */
  get lines(): number {
    return this.scanner.lines;
  }

  push(chunk: Uint8Array): void {
    if (!this.sawText && chunk.length) {
      if (!looksLikeText(chunk.subarray(0, 4096))) throw new TraceError(BINARY);
      this.sawText = true;
    }
    this.scanner.push(chunk);
  }

  private line(text: string, line: number, start: number, end: number): void {
    if (!this.pastTop) {
      if (text.startsWith(FACTS_KEYWORD)) {
        const m = FACTS_LINE.exec(text);
        if (m) this.facts = { kernelRelease: m[1]!, arch: m[2] ?? null };
        return;
      }
      if (!text.startsWith('#') && text.trim() !== '') {
        this.pastTop = true;
        if (this.parser) this.scanner.setKeywords(this.parser.keywords);
      }
    }
    if (!this.parser) {
      this.buffered.push([text, line, start, end]);
      if (this.buffered.length >= DETECT_LINES) this.detect();
      return;
    }
    const events = this.parser.parse(text, line);
    if (typeof events === 'string') {
      this.skippedCount++;
      if (this.skippedExamples.length < (this.options.skippedExamples ?? 5)) this.skippedExamples.push({ line, reason: events });
      return;
    }
    if (events.length === 0) return;
    if (this.options.feed) return this.options.feed(events, start, end);
    this.reconstructor.at(start, end);
    for (const event of events) this.reconstructor.feed(event);
  }

  private detect(): void {
    this.format = detectFormat(this.buffered.map(([text]) => text));
    if (!this.format) {
      // Not a trace: binary when most of its lines could be no text at all.
      const binary = this.buffered.filter(([text]) => looksBinary(text)).length;
      if (binary * 2 > this.buffered.length) throw new TraceError(BINARY);
      const first = this.buffered.find(([text]) => text.trim() !== '');
      throw new TraceError(
        first ? `no known trace format (line ${first[1]}: ${JSON.stringify(first[0].slice(0, 80))})` : 'the file is empty',
      );
    }
    this.useParser(parserFor(this.format));
    const lines = this.buffered.splice(0);
    for (const [text, line, start, end] of lines) this.line(text, line, start, end);
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
      late: this.reconstructor.late,
      ...this.facts,
    };
  }
}
