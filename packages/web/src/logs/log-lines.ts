import type { LogChunk } from '@slipway/api';

/** One line of a task's output. */
export interface LogLine {
  /** 1-based, across all the task's steps. */
  readonly number: number;
  readonly step: number;
  readonly stream: LogChunk['stream'];
  /** When the chunk that began the line was written. */
  readonly at: number;
  /** The line as written, escape sequences included, without its line break. */
  readonly text: string;
}

/** What a carriage return leaves visible: the text after the last one. */
function visible(text: string): string {
  const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
  const cut = trimmed.lastIndexOf('\r');
  return cut === -1 ? trimmed : trimmed.slice(cut + 1);
}

/**
 * Turns a task's output chunks into lines as they arrive. Each step's output is its own
 * sequence of lines: a line left open by one chunk is continued by the next chunk of the
 * same step and stream, and closed when another step or stream writes.
 */
export class LogLines {
  private readonly done: LogLine[] = [];
  private open: { step: number; stream: LogChunk['stream']; at: number; text: string } | null =
    null;

  /** Adds a chunk; returns whether the visible lines changed. */
  add(chunk: LogChunk): boolean {
    if (chunk.text === '') return false;
    if (this.open && (this.open.step !== chunk.step || this.open.stream !== chunk.stream)) {
      this.close();
    }
    const parts = chunk.text.split('\n');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      this.open ??= { step: chunk.step, stream: chunk.stream, at: chunk.at, text: '' };
      this.open.text += part;
      if (i < parts.length - 1) this.close();
    }
    return true;
  }

  /** Every line, the last one possibly still open. */
  lines(): readonly LogLine[] {
    if (this.open === null || this.open.text === '') return this.done;
    return [...this.done, this.lineOf(this.open, this.done.length + 1)];
  }

  private close(): void {
    if (this.open === null) return;
    this.done.push(this.lineOf(this.open, this.done.length + 1));
    this.open = null;
  }

  private lineOf(open: NonNullable<LogLines['open']>, number: number): LogLine {
    return { number, step: open.step, stream: open.stream, at: open.at, text: visible(open.text) };
  }
}
