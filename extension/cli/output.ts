// Standard output for commands that stream: text is gathered into blocks and
// written as the stream drains, so a slow reader of the pipe holds the work
// back instead of the process buffering everything it has written.
const BLOCK = 64 * 1024;

export class StreamOut {
  private pending: string[] = [];
  private size = 0;

  constructor(private readonly stream: NodeJS.WritableStream & { writableNeedDrain?: boolean } = process.stdout) {}

  write(text: string): void {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= BLOCK) this.flush();
  }

  flush(): void {
    if (!this.size) return;
    this.stream.write(this.pending.join(''));
    this.pending = [];
    this.size = 0;
  }

  /** Resolves once the stream has room again (at once when it has). */
  ready(): Promise<void> | void {
    if (!this.stream.writableNeedDrain) return;
    return new Promise((resolve) => this.stream.once('drain', () => resolve()));
  }

  /** Everything written, and the stream drained. */
  async end(): Promise<void> {
    this.flush();
    await this.ready();
  }
}
