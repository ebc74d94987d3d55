import { setTimeout as sleep } from 'node:timers/promises';
import { ForgeCallError } from './forge-call-error.js';

/** One outbound forge request as the metrics count it. */
export interface ForgeRequestRecord {
  readonly host: string;
  /** The HTTP status, or `network` when no answer came. */
  readonly status: string;
  readonly success: boolean;
}

/** How a forge client calls its forge. */
export interface ForgeHttpOptions {
  /** Retries after the first try, for server errors, 429 and network failures (3 by default). */
  readonly retries?: number;
  /** The first retry's delay; each next one doubles, with jitter (500 ms by default). */
  readonly backoffMs?: number;
  /** The longest delay between tries, also for a `Retry-After` (10 s by default). */
  readonly maxBackoffMs?: number;
  /** How long one request may take (10 s by default). */
  readonly timeoutMs?: number;
  /** Called after each request, for the outbound request metric. */
  readonly onRequest?: (record: ForgeRequestRecord) => void;
}

/** A request to a forge API, JSON in and out. */
export interface ForgeRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Names the call in error messages, such as "setting the status of abc123". */
  readonly what: string;
}

/**
 * Sends a request, retrying server errors, 429 and network failures with exponential
 * backoff and jitter (a 429's `Retry-After` is honoured up to the longest delay), never
 * other 4xx answers. Answers the parsed JSON body (null for an empty one), or throws a
 * {@link ForgeCallError}.
 */
export async function forgeRequest(
  request: ForgeRequest,
  options: ForgeHttpOptions = {},
): Promise<unknown> {
  const retries = options.retries ?? 3;
  const backoff = options.backoffMs ?? 500;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  const host = new URL(request.url).host;
  let last: ForgeCallError | null = null;
  let retryAfter = 0;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) {
      const exponential = Math.min(maxBackoff, backoff * 2 ** (attempt - 1));
      const delay = Math.min(
        maxBackoff,
        Math.max(exponential * (0.5 + Math.random() / 2), retryAfter),
      );
      await sleep(delay);
    }
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          'user-agent': 'slipway',
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...request.headers,
        },
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
    } catch (error) {
      options.onRequest?.({ host, status: 'network', success: false });
      retryAfter = 0;
      const cause =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
      last = new ForgeCallError(
        `${request.what}: ${host} could not be reached (${cause}); check the forge API URL`,
        null,
        true,
      );
      continue;
    }
    const text = await response.text();
    options.onRequest?.({ host, status: String(response.status), success: response.ok });
    if (response.ok) return text.trim() === '' ? null : (JSON.parse(text) as unknown);
    const transient = response.status >= 500 || response.status === 429;
    last = new ForgeCallError(
      `${request.what}: ${host} answered ${response.status}${detail(text)}${advice(response.status)}`,
      response.status,
      transient,
    );
    retryAfter = retryAfterMs(response.headers.get('retry-after'));
    if (!transient) throw last;
  }
  throw last ?? new ForgeCallError(`${request.what}: no request was made`, null, true);
}

function retryAfterMs(value: string | null): number {
  if (value === null) return 0;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 0;
}

function detail(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return ` (${body.message.slice(0, 200)})`;
  } catch {
    // Not JSON: the status says enough.
  }
  return '';
}

function advice(status: number): string {
  switch (status) {
    case 401:
      return '; set a valid API token with `slipway project forge`';
    case 403:
      return '; give the API token the permission to write statuses and comments';
    case 404:
      return '; check the repository and API URL with `slipway project forge`';
    default:
      return '';
  }
}
