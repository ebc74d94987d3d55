/**
 * Collects text and writes it in one call per event-loop turn: a run with a thousand
 * short tasks would otherwise make thousands of small writes.
 */
export class BufferedWriter {
  private pending: string[] = [];
  private scheduled = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly beforeFlush: () => string = () => '',
    private readonly afterFlush: () => string = () => '',
  ) {}

  write(text: string): void {
    this.pending.push(text);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.flush();
      });
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.beforeFlush() + this.pending.join('') + this.afterFlush();
    this.pending = [];
    this.stream.write(text);
  }
}
