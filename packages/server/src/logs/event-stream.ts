import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** One server-sent event. */
export interface StreamEvent {
  readonly event: string;
  readonly data: unknown;
  readonly id?: number;
}

/**
 * Server-sent events on a response Fastify no longer handles (`reply.hijack()`): writes
 * the headers at once, sends a keep-alive comment every `keepAliveMs`, and waits for the
 * client to take what was written before more is sent. {@link signal} aborts when the
 * client goes away or the stream ends.
 */
export class EventStream {
  private readonly closing = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly raw: ServerResponse,
    keepAliveMs: number,
  ) {
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.flushHeaders();
    raw.once('close', () => {
      this.end();
    });
    this.timer = setInterval(() => {
      if (!this.signal.aborted) raw.write(': keep-alive\n\n');
    }, keepAliveMs);
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.closing.signal;
  }

  /** Writes `events` in one piece; resolves once the client can take more (or has gone). */
  async send(events: readonly StreamEvent[]): Promise<void> {
    if (this.signal.aborted || events.length === 0) return;
    let text = '';
    for (const { event, data, id } of events) {
      text += `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    }
    if (this.raw.write(text)) return;
    await once(this.raw, 'drain', { signal: this.signal }).catch(() => undefined);
  }

  /** Ends the response, if the client has not gone already. */
  end(): void {
    clearInterval(this.timer);
    if (!this.closing.signal.aborted) this.closing.abort();
    if (!this.raw.writableEnded) this.raw.end();
  }
}
