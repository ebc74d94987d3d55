import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

/**
 * A `fetch` for the agent's calls to the control plane, made with `node:http` and
 * `node:https` over kept-alive connections. The global `fetch` spends several times as
 * long per call (its streams and promises cost more than the call itself on loopback),
 * and an agent makes one call per attempt at least. It takes what the API client sends: a
 * URL string, a method, headers as an object, and a body that is a string, bytes or a
 * stream; it answers with a `Response` of the whole body. As `fetch` does, it rejects a
 * network failure with a `TypeError` whose `cause` is the error, and an aborted call with
 * the signal's reason. Idle connections do not keep the process alive.
 */
export function createHttpFetch(): typeof fetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };
  const httpFetch: typeof fetch = (input, init = {}) => {
    if (input instanceof Request) throw new TypeError('httpFetch takes a URL, not a Request');
    const url = new URL(input);
    const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
    const { signal } = init;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(reasonOf(signal));
        return;
      }
      const headers = { ...(init.headers as Record<string, string> | undefined) };
      const body = init.body;
      if (typeof body === 'string' || body instanceof Uint8Array) {
        headers['content-length'] = String(Buffer.byteLength(body));
      }
      const request = (protocol === 'https:' ? https : http).request(url, {
        method: init.method ?? 'GET',
        headers,
        agent: agents[protocol],
      });
      const onAbort = (): void => {
        request.destroy(reasonOf(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (error: Error): void => {
        done();
        reject(
          signal?.aborted === true
            ? reasonOf(signal)
            : new TypeError('fetch failed', { cause: error }),
        );
      };
      request.on('error', fail);
      request.on('response', (response: http.IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('end', () => {
          done();
          const status = response.statusCode ?? 500;
          const answer = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined)
              answer.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const bytes = Buffer.concat(chunks);
          resolve(
            new Response(status === 204 || status === 304 ? null : bytes, {
              status,
              statusText: response.statusMessage ?? '',
              headers: answer,
            }),
          );
        });
      });
      if (body === undefined || body === null) request.end();
      else if (typeof body === 'string' || body instanceof Uint8Array) request.end(body);
      else if (body instanceof ReadableStream) {
        Readable.fromWeb(body as NodeReadableStream<Uint8Array>)
          .on('error', (error) => request.destroy(error))
          .pipe(request);
      } else {
        request.destroy(new TypeError('httpFetch sends a string, bytes or a stream'));
      }
    });
  };
  return httpFetch;
}

function reasonOf(signal: AbortSignal | null | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error
    ? reason
    : new DOMException('This operation was aborted', 'AbortError');
}
