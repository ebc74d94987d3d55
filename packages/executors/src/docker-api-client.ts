import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { UserError, UserErrorKind } from '@slipway/core';
import { formatDockerHost, type DockerHost } from './docker-host.js';

/** The Docker Engine API version every request is made against. */
export const DOCKER_API_VERSION = '1.41';

/** One request to the engine. `path` is relative to the versioned API root, such as `/_ping`. */
export interface DockerApiRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Give up when the whole exchange takes longer than this; no limit when unset. */
  readonly timeoutMs?: number;
  /** Abandon the request when this signal aborts; the promise rejects with an `AbortError`. */
  readonly signal?: AbortSignal;
}

/** A complete answer from the engine. */
export interface DockerApiResponse {
  readonly status: number;
  readonly body: Buffer;
}

/** The engine answered with an error status; `message` includes the engine's own message. */
export class DockerApiError extends Error {
  override readonly name = 'DockerApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** The message the engine gave, or the raw body when it gave none. */
    readonly engineMessage: string,
  ) {
    super(`the container engine answered ${method} ${path} with ${status}: ${engineMessage}`);
  }
}

/**
 * A minimal client for the Docker Engine API over a unix socket or TCP. A failure to
 * reach the engine is a {@link UserError} of kind `environment`; an error status is a
 * {@link DockerApiError}.
 */
export class DockerApiClient {
  private readonly agent = new Agent({ keepAlive: true });

  constructor(readonly host: DockerHost) {}

  /** Closes every connection of this client, those of running requests included. */
  close(): void {
    this.agent.destroy();
  }

  /** Sends a request and reads the whole answer, whatever its status. */
  async send(request: DockerApiRequest): Promise<DockerApiResponse> {
    const response = await this.open(request);
    const body = await readBody(response, this.host);
    return { status: response.statusCode ?? 0, body };
  }

  /** Sends a request and parses the JSON answer; an error status throws {@link DockerApiError}. */
  async json<T>(request: DockerApiRequest): Promise<T> {
    const response = await this.send(request);
    if (!isSuccess(response.status)) throw apiError(request, response);
    return JSON.parse(response.body.toString('utf8')) as T;
  }

  /** Sends a request and discards the answer; an error status throws {@link DockerApiError}. */
  async call(request: DockerApiRequest): Promise<void> {
    const response = await this.send(request);
    if (!isSuccess(response.status)) throw apiError(request, response);
  }

  /**
   * Sends a request and hands back the answer's body as a stream, for endless answers
   * such as followed logs. An error status throws {@link DockerApiError}.
   */
  async stream(request: DockerApiRequest): Promise<IncomingMessage> {
    const response = await this.open(request);
    const status = response.statusCode ?? 0;
    if (isSuccess(status)) return response;
    const body = await readBody(response, this.host);
    throw apiError(request, { status, body });
  }

  /**
   * Attaches to a container's output (`POST /containers/ID/attach`): the engine upgrades
   * the connection to a raw, multiplexed stream of what the container writes from now on,
   * which ends when the container exits. An error status throws {@link DockerApiError}.
   */
  attach(containerId: string): Promise<Readable> {
    const host = this.host;
    const path = `/v${DOCKER_API_VERSION}/containers/${containerId}/attach?stream=1&stdout=1&stderr=1`;
    const target =
      host.kind === 'unix'
        ? { socketPath: host.socketPath }
        : { hostname: host.hostname, port: host.port };
    return new Promise<Readable>((resolve, reject) => {
      const outgoing = httpRequest({
        ...target,
        agent: false,
        method: 'POST',
        path,
        headers: { Host: 'docker', Connection: 'Upgrade', Upgrade: 'tcp' },
      });
      outgoing.once('error', (error) => {
        reject(describeConnectionError(error, host));
      });
      outgoing.once('upgrade', (_response, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
      });
      outgoing.once('response', (response) => {
        const status = response.statusCode ?? 0;
        if (isSuccess(status)) {
          resolve(response);
          return;
        }
        readBody(response, host).then((body) => {
          reject(
            apiError(
              { method: 'POST', path: `/containers/${containerId}/attach` },
              { status, body },
            ),
          );
        }, reject);
      });
      outgoing.end();
    });
  }

  private open(request: DockerApiRequest): Promise<IncomingMessage> {
    const host = this.host;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) query.set(key, String(value));
    }
    const search = query.size > 0 ? `?${query.toString()}` : '';
    const path = `/v${DOCKER_API_VERSION}${request.path}${search}`;
    const payload =
      request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');
    const headers: Record<string, string | number> = { Host: 'docker' };
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = payload.length;
    }
    const target =
      host.kind === 'unix'
        ? { socketPath: host.socketPath }
        : { hostname: host.hostname, port: host.port };

    return new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = httpRequest({
        ...target,
        agent: this.agent,
        method: request.method,
        path,
        headers,
      });
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        outgoing.destroy(abortError());
      };
      const cleanUp = (): void => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
      };
      if (request.timeoutMs !== undefined) {
        const seconds = Math.ceil(request.timeoutMs / 1000);
        timer = setTimeout(() => {
          outgoing.destroy(
            new UserError(
              UserErrorKind.Environment,
              `the container engine at ${formatDockerHost(host)} did not answer ${request.method} ${request.path} within ${seconds} s`,
            ),
          );
        }, request.timeoutMs);
      }
      if (request.signal?.aborted === true) {
        reject(abortError());
        outgoing.destroy();
        return;
      }
      request.signal?.addEventListener('abort', onAbort, { once: true });
      outgoing.once('error', (error) => {
        cleanUp();
        reject(describeConnectionError(error, host));
      });
      outgoing.once('response', (response) => {
        // The timeout and abort signal stay in force while the body is read.
        response.once('close', cleanUp);
        resolve(response);
      });
      outgoing.end(payload);
    });
  }
}

function readBody(response: IncomingMessage, host: DockerHost): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.once('end', () => {
      resolve(Buffer.concat(chunks));
    });
    response.once('error', (error) => {
      reject(describeConnectionError(error, host));
    });
    response.once('aborted', () => {
      reject(
        new UserError(
          UserErrorKind.Environment,
          `the connection to the container engine at ${formatDockerHost(host)} was lost`,
        ),
      );
    });
  });
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function apiError(request: DockerApiRequest, response: DockerApiResponse): DockerApiError {
  return new DockerApiError(
    request.method,
    request.path,
    response.status,
    engineMessage(response.body),
  );
}

/** The `message` field of an engine error body, or the body itself. */
export function engineMessage(body: Buffer): string {
  const text = body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'message' in parsed) {
      const message = parsed.message;
      if (typeof message === 'string' && message !== '') return message;
    }
  } catch {
    // Not JSON: the text itself is the message.
  }
  return text === '' ? '(no message)' : text;
}

function abortError(): Error {
  return new DOMException('the request was abandoned', 'AbortError');
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'EACCES',
  'EPERM',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOTSOCK',
]);

function describeConnectionError(error: Error, host: DockerHost): Error {
  if (error instanceof UserError || error.name === 'AbortError') return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && CONNECTION_ERROR_CODES.has(code)) {
    return new UserError(
      UserErrorKind.Environment,
      `cannot reach the container engine at ${formatDockerHost(host)} (${code}): start it, or set DOCKER_HOST to its address`,
    );
  }
  return error;
}
