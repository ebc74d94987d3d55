import { TextDecoder } from 'node:util';
import type { OutputStream, StepOutput } from '../ports/executor.js';
import type { MaskingStream, SecretMasker } from '../secrets/index.js';

interface Channel {
  readonly decoder: TextDecoder;
  readonly masked: MaskingStream;
}

/**
 * The output of one step on its way to an observer: bytes are decoded as UTF-8 (a
 * character split across chunks is kept whole) and secrets are masked, also when split
 * across chunks. Each stream has its own decoder and masking stream, made on its first
 * chunk. Call {@link end} once the step has ended, to pass on what is held back.
 */
export class MaskedStepOutput implements StepOutput {
  private stdout: Channel | undefined;
  private stderr: Channel | undefined;
  private ended = false;

  constructor(
    private readonly masker: SecretMasker,
    private readonly emit: (stream: OutputStream, text: string) => void,
  ) {}

  write(stream: OutputStream, chunk: Uint8Array): void {
    if (this.ended) return;
    const channel = this.channel(stream);
    const text = channel.decoder.decode(chunk, { stream: true });
    if (text) channel.masked.write(text);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const channel of [this.stdout, this.stderr]) {
      if (!channel) continue;
      const tail = channel.decoder.decode();
      if (tail) channel.masked.write(tail);
      channel.masked.flush();
    }
  }

  private channel(stream: OutputStream): Channel {
    const existing = stream === 'stdout' ? this.stdout : this.stderr;
    if (existing) return existing;
    const channel: Channel = {
      decoder: new TextDecoder('utf-8'),
      masked: this.masker.createStream((text) => {
        this.emit(stream, text);
      }),
    };
    if (stream === 'stdout') this.stdout = channel;
    else this.stderr = channel;
    return channel;
  }
}
