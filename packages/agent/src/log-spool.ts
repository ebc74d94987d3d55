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

const LENGTH_BYTES = 4;

/**
 * Output waiting on disk, first in first out: a {@link LogShipper} keeps here what
 * arrives while its memory bound is reached, instead of dropping it, and takes it back as
 * memory frees up. One file, written and read with synchronous calls (each is one
 * `write` or `read` of the page cache); each record is its length (4 bytes, big-endian)
 * and its JSON. The file is emptied whenever everything in it has been taken, and
 * deleted by {@link LogSpool.close}. A write that fails (the disk is full, say) counts as
 * the spool being full.
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
    const json = Buffer.from(JSON.stringify(output), 'utf8');
    if (!force && this.bytes + LENGTH_BYTES + json.length > this.maxBytes) return false;
    const record = Buffer.allocUnsafe(LENGTH_BYTES + json.length);
    record.writeUInt32BE(json.length, 0);
    json.copy(record, LENGTH_BYTES);
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
    const header = Buffer.alloc(LENGTH_BYTES);
    while (this.fd !== undefined && this.readAt < this.writeAt && chars < maxChars) {
      this.readFully(header, this.readAt);
      const record = Buffer.allocUnsafe(header.readUInt32BE(0));
      this.readFully(record, this.readAt + LENGTH_BYTES);
      this.readAt += LENGTH_BYTES + record.length;
      const output = JSON.parse(record.toString('utf8')) as SpooledOutput;
      taken.push(output);
      chars += output.text.length;
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
    if (this.fd !== undefined) closeSync(this.fd);
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
