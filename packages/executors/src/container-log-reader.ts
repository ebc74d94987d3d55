import type { Readable } from 'node:stream';
import type { OutputStream, StepOutput } from '@slipway/core';
import type { DockerApiClient } from './docker-api-client.js';
import { DockerStreamDemultiplexer } from './demultiplex-docker-stream.js';

/** How long {@link ContainerLogReader.finish} waits for the live stream to end after the exit. */
const LIVE_END_WAIT_MS = 5000;

/**
 * Delivers a container's output to a {@link StepOutput}: live while the container runs,
 * and completely once it has exited. The live stream is the container's own output,
 * attached before it starts ({@link attach}); where attaching fails, its followed logs
 * ({@link follow}), which some engines deliver with gaps (Podman drops pieces of long
 * lines split across log records). {@link finish} reads the whole log once more and
 * delivers only what the live stream had not.
 */
export class ContainerLogReader {
  private readonly delivered: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  private live: Readable | undefined;
  private liveEnded: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly api: DockerApiClient,
    private readonly containerId: string,
    private readonly output: StepOutput,
  ) {}

  /**
   * Attaches to the created container before it starts, so that everything it writes is
   * delivered as it is written. False when the engine refused; then call {@link follow}
   * once the container has started.
   */
  async attach(containerId: string): Promise<boolean> {
    try {
      this.receive(await this.api.attach(containerId));
      return true;
    } catch {
      return false;
    }
  }

  /** Starts delivering output as it is logged. Failures here are made good by {@link finish}. */
  follow(): void {
    this.api
      .stream({ method: 'GET', path: this.logsPath, query: { follow: 1, stdout: 1, stderr: 1 } })
      .then((response) => {
        this.receive(response);
      })
      .catch(() => undefined);
  }

  private receive(live: Readable): void {
    if (this.stopped) {
      live.destroy();
      return;
    }
    this.live = live;
    const demultiplexer = new DockerStreamDemultiplexer((stream, chunk) => {
      this.delivered[stream] += chunk.length;
      this.output.write(stream, chunk);
    });
    this.liveEnded = new Promise<void>((resolve) => {
      live.once('close', resolve);
      live.once('end', resolve);
    });
    live.on('data', (chunk: Buffer) => {
      try {
        demultiplexer.push(chunk);
      } catch {
        live.destroy();
      }
    });
    live.on('error', () => undefined);
  }

  /** Stops following; call once the container has exited to deliver the rest of its output. */
  async finish(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.liveEnded,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, LIVE_END_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    this.stop();
    const skip = { ...this.delivered };
    const demultiplexer = new DockerStreamDemultiplexer((stream, chunk) => {
      const skipped = Math.min(skip[stream], chunk.length);
      skip[stream] -= skipped;
      if (skipped < chunk.length) this.output.write(stream, chunk.subarray(skipped));
    });
    const response = await this.api.stream({
      method: 'GET',
      path: this.logsPath,
      query: { stdout: 1, stderr: 1 },
    });
    for await (const chunk of response) demultiplexer.push(chunk as Buffer);
  }

  /** Stops following without delivering anything more. */
  stop(): void {
    this.stopped = true;
    this.live?.destroy();
  }

  private get logsPath(): string {
    return `/containers/${this.containerId}/logs`;
  }
}
