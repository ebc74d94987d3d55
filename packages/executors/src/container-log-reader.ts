import type { IncomingMessage } from 'node:http';
import type { OutputStream, StepOutput } from '@slipway/core';
import type { DockerApiClient } from './docker-api-client.js';
import { DockerStreamDemultiplexer } from './demultiplex-docker-stream.js';

/**
 * Delivers a container's output to a {@link StepOutput}: live while the container runs,
 * by following its logs, and completely once it has exited. Some engines end or stall a
 * followed log stream before its last bytes when the container exits, so {@link finish}
 * reads the whole log once more and delivers only what the live stream had not.
 */
export class ContainerLogReader {
  private readonly delivered: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  private live: IncomingMessage | undefined;
  private stopped = false;

  constructor(
    private readonly api: DockerApiClient,
    private readonly containerId: string,
    private readonly output: StepOutput,
  ) {}

  /** Starts delivering output as it is produced. Failures here are made good by {@link finish}. */
  follow(): void {
    const demultiplexer = new DockerStreamDemultiplexer((stream, chunk) => {
      this.delivered[stream] += chunk.length;
      this.output.write(stream, chunk);
    });
    this.api
      .stream({ method: 'GET', path: this.logsPath, query: { follow: 1, stdout: 1, stderr: 1 } })
      .then((response) => {
        if (this.stopped) {
          response.destroy();
          return;
        }
        this.live = response;
        response.on('data', (chunk: Buffer) => {
          try {
            demultiplexer.push(chunk);
          } catch {
            response.destroy();
          }
        });
        response.on('error', () => undefined);
      })
      .catch(() => undefined);
  }

  /** Stops following; call once the container has exited to deliver the rest of its output. */
  async finish(): Promise<void> {
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
