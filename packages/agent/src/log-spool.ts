import { closeSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { OutputStream } from '@slipway/core';

/** Output of one step, as appended to a {@link LogShipper}, kept on disk for a while. */
export interface SpooledOutput {
  readonly attemptId: string;
  readonly step: number;
  readonly stream: OutputStream;
  readonly text: string;
  /** When the output arrived, in milliseconds since the epoch. */
  readonly at: number;
}

/**
 * A record starts with its length and the length of its header, 4 bytes each, and one
 * byte saying how its text is encoded.
 */
const PREFIX_BYTES = 9;
const ENCODING_AT = 8;

/** How a record's text is stored: each character as one byte when all are ASCII. */
const TextEncoding = { Utf16: 0, Ascii: 1 } as const;

/**
 * Output waiting on disk, first in first out: a {@link LogShipper} keeps here what
 * arrives while its memory bound is reached, instead of dropping it, and takes it back as
 * memory frees up. One file, written and read with synchronous calls (each is one
 * `write` or `read` of the page cache). A record is its length and its header's length
 * (4 bytes each, big-endian), how its text is encoded (one byte), the header (the output
 * without its text, as JSON) and the text: one byte per character when all of them are
 * ASCII, as most output is, else in UTF-16, copied as it is with no encoding to check;
 * either way every string comes back exactly as it went in. The file is emptied whenever
 * everything in it has been taken, and deleted by {@link LogSpool.close}. A write that
 * fails (the disk is full, say) counts as the spool being full.
 */
export class LogSpool {
  private fd: number | undefined;
  private writeAt = 0;
  private readAt = 0;

  /** `path` is created on first use; anything there before is replaced. */
  constructor(
    private readonly path: string,
    /** The most bytes kept (a forced put may pass it). */
    readonly maxBytes: number,
  ) {}

  /** Bytes written and not yet taken. */
  get bytes(): number {
    return this.writeAt - this.readAt;
  }

  /** Keeps `output`; false when it did not fit, unless `force` (for a short marker). */
  put(output: SpooledOutput, force = false): boolean {
    const { text, ...rest } = output;
    const header = JSON.stringify(rest);
    const headerBytes = Buffer.byteLength(header, 'utf8');
    const ascii = Buffer.byteLength(text, 'utf8') === text.length;
    const length = PREFIX_BYTES + headerBytes + text.length * (ascii ? 1 : 2);
    if (!force && this.bytes + length > this.maxBytes) return false;
    const record = Buffer.allocUnsafe(length);
    record.writeUInt32BE(length, 0);
    record.writeUInt32BE(headerBytes, 4);
    record.writeUInt8(ascii ? TextEncoding.Ascii : TextEncoding.Utf16, ENCODING_AT);
    record.write(header, PREFIX_BYTES, 'utf8');
    record.write(text, PREFIX_BYTES + headerBytes, ascii ? 'latin1' : 'utf16le');
    try {
      this.fd ??= openSync(this.path, 'w+', 0o600);
      let written = 0;
      while (written < record.length) {
        written += writeSync(
          this.fd,
          record,
          written,
          record.length - written,
          this.writeAt + written,
        );
      }
    } catch {
      return false;
    }
    this.writeAt += record.length;
    return true;
  }

  /** Takes the oldest outputs, in order, until about `maxChars` of text are taken. */
  take(maxChars: number): SpooledOutput[] {
    const taken: SpooledOutput[] = [];
    let chars = 0;
    const prefix = Buffer.alloc(PREFIX_BYTES);
    while (this.fd !== undefined && this.readAt < this.writeAt && chars < maxChars) {
      this.readFully(prefix, this.readAt);
      const record = Buffer.allocUnsafe(prefix.readUInt32BE(0));
      this.readFully(record, this.readAt);
      this.readAt += record.length;
      const textAt = PREFIX_BYTES + prefix.readUInt32BE(4);
      const header = JSON.parse(record.toString('utf8', PREFIX_BYTES, textAt)) as Omit<
        SpooledOutput,
        'text'
      >;
      const ascii = record.readUInt8(ENCODING_AT) === TextEncoding.Ascii;
      const text = record.toString(ascii ? 'latin1' : 'utf16le', textAt);
      taken.push({ ...header, text });
      chars += text.length;
    }
    if (this.fd !== undefined && this.readAt === this.writeAt && this.writeAt > 0) {
      ftruncateSync(this.fd, 0);
      this.readAt = 0;
      this.writeAt = 0;
    }
    return taken;
  }

  /** Forgets everything kept and deletes the file. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    this.readAt = 0;
    this.writeAt = 0;
    rmSync(this.path, { force: true });
  }

  private readFully(into: Buffer, position: number): void {
    let read = 0;
    while (read < into.length) {
      const got = readSync(this.fd ?? -1, into, read, into.length - read, position + read);
      if (got === 0) throw new Error(`the log spool ${this.path} ended early`);
      read += got;
    }
  }
}
