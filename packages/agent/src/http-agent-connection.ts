import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ApiError, CLAIM_WAIT_MAX_MS, SlipwayClient } from '@slipway/api';
import type { LeaseAnswer } from '@slipway/core';
import {
  AgentRequestError,
  type AgentConnection,
  type ArtifactUploadRequest,
  type AssignedAttempt,
  type ClaimRequest,
  type FinishRequest,
  type HeartbeatRequest,
  type LogsRequest,
  type RegisterRequest,
  type ReportRequest,
} from './agent-connection.js';
import { createHttpFetch } from './http-fetch.js';

/** Slowest upload rate allowed for before an artifact upload counts as timed out. */
const MIN_UPLOAD_BYTES_PER_MS = 1000;

/** Where and how an {@link HttpAgentConnection} reaches the control plane. */
export interface HttpAgentConnectionOptions {
  /** The server's base URL, such as `http://127.0.0.1:7700`. */
  readonly server: string;
  /** An agent token, sent as `Authorization: Bearer TOKEN`. */
  readonly token: string;
  /** How long a call may take (beyond a claim's own wait); default 30 s. */
  readonly timeoutMs?: number;
}

/**
 * The agent protocol over HTTP, through the API's {@link SlipwayClient} (JSON bodies, and
 * log batches as frames, posted to `/api/agent/*` with a bearer token, answers checked
 * against the API schemas).
 * Every call has a time limit. Failures become {@link AgentRequestError}s: network
 * errors, timeouts, answers that break the protocol, 408, 429 and 5xx are retriable;
 * other 4xx answers (a refused token, a malformed request) are not.
 */
export class HttpAgentConnection implements AgentConnection {
  private readonly client: SlipwayClient;
  private readonly origin: string;
  private readonly timeoutMs: number;

  constructor(options: HttpAgentConnectionOptions) {
    let url: URL;
    try {
      url = new URL(options.server);
    } catch {
      throw new AgentRequestError(
        `"${options.server}" is not a server URL: give the address \`slipway up\` printed, like http://127.0.0.1:7070`,
        false,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new AgentRequestError('the server URL must start with http:// or https://', false);
    }
    this.origin = url.origin;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.client = new SlipwayClient({
      baseUrl: options.server,
      token: options.token,
      fetch: createHttpFetch(),
    });
  }

  register(request: RegisterRequest): Promise<{ agentId: string }> {
    return this.call('register', (signal) =>
      this.client.registerAgent(
        { name: request.name, labels: [...request.labels], capacity: request.capacity },
        { signal },
      ),
    );
  }

  async claim(
    request: ClaimRequest,
    signal?: AbortSignal,
  ): Promise<{ attempts: AssignedAttempt[] }> {
    const waitMs = Math.min(request.waitMs, CLAIM_WAIT_MAX_MS);
    const { attempts } = await this.call(
      'claim',
      (combined) =>
        this.client.claim(
          { agentId: request.agentId, labels: [...request.labels], free: request.free, waitMs },
          { signal: combined },
        ),
      waitMs,
      signal,
    );
    return { attempts };
  }

  async heartbeat(request: HeartbeatRequest): Promise<{ answers: Record<string, LeaseAnswer> }> {
    const { answers } = await this.call('heartbeat', (signal) =>
      this.client.heartbeat(
        { agentId: request.agentId, attemptIds: [...request.attemptIds] },
        { signal },
      ),
    );
    return { answers };
  }

  sendLogs(request: LogsRequest): Promise<void> {
    return this.call('logs', (signal) =>
      this.client.sendLogs({ agentId: request.agentId, chunks: [...request.chunks] }, { signal }),
    );
  }

  async finish(
    request: FinishRequest,
  ): Promise<{ accepted: boolean; attempts: AssignedAttempt[] }> {
    const { claim } = request;
    const { accepted, attempts } = await this.call('finish', (signal) =>
      this.client.finish(
        {
          agentId: request.agentId,
          attemptId: request.attemptId,
          outcome: request.outcome,
          results: { ...request.results },
          error: request.error,
          ...(claim ? { claim: { labels: [...claim.labels], free: claim.free } } : {}),
        },
        { signal },
      ),
    );
    return { accepted, attempts: attempts ?? [] };
  }

  sendReport(request: ReportRequest): Promise<{ accepted: boolean }> {
    return this.call('report', (signal) =>
      this.client.sendReport(
        { agentId: request.agentId, attemptId: request.attemptId, report: request.report },
        { signal },
      ),
    );
  }

  async uploadArtifact(request: ArtifactUploadRequest): Promise<void> {
    await this.call(
      'artifact',
      (signal) =>
        this.client.uploadArtifact(
          {
            agentId: request.agentId,
            attemptId: request.attemptId,
            path: request.path,
            size: request.size,
            content: Readable.toWeb(createReadStream(request.file)) as ReadableStream<Uint8Array>,
          },
          { signal },
        ),
      Math.ceil(request.size / MIN_UPLOAD_BYTES_PER_MS),
    );
  }

  /** Runs one client call with a time limit, turning its failures into request errors. */
  private async call<T>(
    name: string,
    run: (signal: AbortSignal) => Promise<T>,
    extraMs = 0,
    signal?: AbortSignal,
  ): Promise<T> {
    const limitMs = this.timeoutMs + extraMs;
    const timeout = AbortSignal.timeout(limitMs);
    try {
      return await run(signal ? AbortSignal.any([signal, timeout]) : timeout);
    } catch (error) {
      if (error instanceof ApiError) {
        const retriable = error.status === 408 || error.status === 429 || error.status >= 500;
        const what =
          error.status === 401 || error.status === 403
            ? 'the server refused the agent token'
            : `the server answered ${error.status}`;
        throw new AgentRequestError(`${name}: ${what}: ${error.message}`, retriable, error.status);
      }
      if (isProtocolBreach(error)) {
        throw new AgentRequestError(
          `${name}: the answer of ${this.origin} is not what the agent protocol says`,
          true,
        );
      }
      const why = timeout.aborted
        ? `no answer within ${Math.round(limitMs / 1000)} s`
        : signal?.aborted
          ? 'abandoned'
          : describeNetworkError(error);
      throw new AgentRequestError(`${name}: cannot reach ${this.origin}: ${why}`, true);
    }
  }
}

/** A schema mismatch or a body that is not JSON. */
function isProtocolBreach(error: unknown): boolean {
  return error instanceof SyntaxError || (error instanceof Error && error.name === 'ZodError');
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code} (${cause.message})` : cause.message;
  }
  return error.message;
}
