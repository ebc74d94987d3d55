import { secretForms } from './secret-forms.js';

/** What a masked secret is replaced with. */
export const MASK = '***';
/** A line longer than this is passed on in pieces rather than held until it ends. */
const MAX_BUFFERED = 64 * 1024;

/** Masks log text written in pieces; see {@link SecretMasker.createStream}. */
export interface MaskingStream {
  write(chunk: string): void;
  /** Masks and emits whatever is held back; call it when the output ends. */
  flush(): void;
}

/**
 * Hides secret values in text. Each secret is hidden in every form it commonly takes
 * in a log: as is, line by line when it has several lines, base64-encoded (also wrapped,
 * and inside a longer base64 text), and URL-encoded. Values shorter than 3 characters
 * are not masked. Where forms overlap, the longest is replaced.
 */
export class SecretMasker {
  /** Every form that is hidden, longest first. */
  readonly patterns: readonly string[];
  private readonly pattern: RegExp | null;

  constructor(secrets: readonly string[]) {
    const forms = new Set(secrets.flatMap(secretForms));
    this.patterns = [...forms].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    this.pattern = this.patterns.length
      ? new RegExp(this.patterns.map(escapeRegExp).join('|'), 'g')
      : null;
  }

  /** `text` with each occurrence of a secret form replaced by `***`. */
  mask(text: string): string {
    return this.pattern ? text.replace(this.pattern, MASK) : text;
  }

  /**
   * A stream that masks text arriving in chunks, including secrets split across chunks,
   * and hands the masked text to `emit` in order. Complete lines are emitted at once; the
   * unfinished last line is held back until it ends, until {@link MaskingStream.flush},
   * or, past 64 KiB, until only a possible start of a secret remains.
   */
  createStream(emit: (text: string) => void): MaskingStream {
    if (!this.pattern) {
      return {
        write: (chunk) => {
          if (chunk) emit(chunk);
        },
        flush: () => undefined,
      };
    }
    return new LineMaskingStream(this.pattern, (this.patterns[0]?.length ?? 1) - 1, emit);
  }
}

/**
 * No secret form contains a line break, so a complete line can be masked on its own.
 * The unfinished line stays in `pending`; when it grows past the limit, everything up to
 * `keep` characters from its end is emitted, because a secret starting before that point
 * lies entirely within `pending` and is masked now.
 */
class LineMaskingStream implements MaskingStream {
  private pending = '';

  constructor(
    private readonly pattern: RegExp,
    private readonly keep: number,
    private readonly emit: (text: string) => void,
  ) {}

  write(chunk: string): void {
    if (!chunk) return;
    const lastBreak = lastLineBreak(chunk);
    if (lastBreak >= 0) {
      this.emitMasked(this.pending + chunk.slice(0, lastBreak + 1));
      this.pending = chunk.slice(lastBreak + 1);
    } else {
      this.pending += chunk;
    }
    if (this.pending.length > MAX_BUFFERED) this.emitHead();
  }

  flush(): void {
    this.emitMasked(this.pending);
    this.pending = '';
  }

  private emitHead(): void {
    const text = this.pending;
    const cut = text.length - this.keep;
    let out = '';
    let done = 0;
    this.pattern.lastIndex = 0;
    for (let m = this.pattern.exec(text); m && m.index < cut; m = this.pattern.exec(text)) {
      out += text.slice(done, m.index) + MASK;
      done = m.index + m[0].length;
    }
    const end = Math.max(done, cut);
    out += text.slice(done, end);
    this.pending = text.slice(end);
    if (out) this.emit(out);
  }

  private emitMasked(text: string): void {
    if (text) this.emit(text.replace(this.pattern, MASK));
  }
}

function lastLineBreak(text: string): number {
  return Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
