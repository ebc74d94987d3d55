import { OutputStream } from '@slipway/core';

const HEADER_LENGTH = 8;

/**
 * Splits the Docker API's multiplexed output stream (used for logs and attach when a
 * container has no TTY) back into stdout and stderr. Each frame is an 8-byte header
 * (stream type, three zero bytes, big-endian payload length) followed by the payload.
 * Frames may be split anywhere across the chunks given to {@link push}; payload bytes
 * are passed on as soon as they arrive, so a frame may reach `onChunk` in pieces.
 */
export class DockerStreamDemultiplexer {
  private readonly header = new Uint8Array(HEADER_LENGTH);
  private headerLength = 0;
  private remaining = 0;
  private stream: OutputStream | undefined;

  constructor(private readonly onChunk: (stream: OutputStream, chunk: Uint8Array) => void) {}

  /** Feeds the next piece of the stream. Throws when the bytes are not a multiplexed stream. */
  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(HEADER_LENGTH - this.headerLength, chunk.length - offset);
        this.header.set(chunk.subarray(offset, offset + take), this.headerLength);
        this.headerLength += take;
        offset += take;
        if (this.headerLength < HEADER_LENGTH) return;
        this.headerLength = 0;
        this.stream = streamOfFrame(this.header);
        this.remaining = new DataView(this.header.buffer).getUint32(4);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      if (this.stream !== undefined)
        this.onChunk(this.stream, chunk.subarray(offset, offset + take));
      this.remaining -= take;
      offset += take;
    }
  }

  /** True when the bytes seen so far end exactly at a frame boundary. */
  get atFrameBoundary(): boolean {
    return this.headerLength === 0 && this.remaining === 0;
  }
}

/** Stdin frames carry nothing a step produced and are dropped; type 3 is an engine error. */
function streamOfFrame(header: Uint8Array): OutputStream | undefined {
  const type = header[0] ?? -1;
  if (header[1] !== 0 || header[2] !== 0 || header[3] !== 0) {
    throw new Error(
      `not a multiplexed Docker stream: frame header ${Array.from(header).join(',')}`,
    );
  }
  switch (type) {
    case 0:
      return undefined;
    case 1:
      return OutputStream.Stdout;
    case 2:
    case 3:
      return OutputStream.Stderr;
    default:
      throw new Error(`not a multiplexed Docker stream: frame type ${String(type)}`);
  }
}
