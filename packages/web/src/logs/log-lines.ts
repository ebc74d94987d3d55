import type { LogChunk } from '@slipway/api';
import { parseAnsiLine, stripAnsi, type AnsiSegment, type AnsiStyle } from './ansi.js';

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
  /** The line as styled runs of plain text. */
  readonly segments: readonly AnsiSegment[];
  /** The line without escape sequences, lower-cased, for search. */
  readonly search: string;
}

interface OpenLine {
  readonly step: number;
  readonly stream: LogChunk['stream'];
  readonly at: number;
  text: string;
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
 * same step and stream, and closed when another step or stream writes. Colours carry
 * from one line to the next within a step and stream, as in a terminal.
 */
export class LogLines {
  private readonly done: LogLine[] = [];
  private open: OpenLine | null = null;
  /** The style the last closed line ended with, and where it was written. */
  private carried: { step: number; stream: LogChunk['stream']; style: AnsiStyle } | null = null;

  /** Adds a chunk; returns whether the visible lines changed. */
  add(chunk: LogChunk): boolean {
    if (chunk.text === '') return false;
    if (this.open && (this.open.step !== chunk.step || this.open.stream !== chunk.stream)) {
      this.close();
    }
    const parts = chunk.text.split('\n');
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      if (last && parts[i] === '') break;
      this.open ??= { step: chunk.step, stream: chunk.stream, at: chunk.at, text: '' };
      this.open.text += parts[i] ?? '';
      if (!last) this.close();
    }
    return true;
  }

  /** Every line, the last one possibly still open: a new array each time, for React state. */
  lines(): readonly LogLine[] {
    if (this.open === null || this.open.text === '') return this.done.slice();
    return [...this.done, this.lineOf(this.open).line];
  }

  private close(): void {
    if (this.open === null) return;
    const { line, end } = this.lineOf(this.open);
    this.done.push(line);
    this.carried = { step: line.step, stream: line.stream, style: end };
    this.open = null;
  }

  private lineOf(open: OpenLine): { line: LogLine; end: AnsiStyle } {
    const text = visible(open.text);
    const carried = this.carried;
    const start =
      carried !== null && carried.step === open.step && carried.stream === open.stream
        ? carried.style
        : {};
    const { segments, end } = parseAnsiLine(text, start);
    const line: LogLine = {
      number: this.done.length + 1,
      step: open.step,
      stream: open.stream,
      at: open.at,
      text,
      segments,
      search: stripAnsi(text).toLowerCase(),
    };
    return { line, end };
  }
}
