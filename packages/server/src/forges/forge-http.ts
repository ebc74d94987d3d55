import {
  fetchWithRetries,
  isTransientStatus,
  type RetryPolicy,
} from '../http/fetch-with-retries.js';
import { ForgeCallError } from './forge-call-error.js';

/** One outbound forge request as the metrics count it. */
export interface ForgeRequestRecord {
  readonly host: string;
  /** The HTTP status, or `network` when no answer came. */
  readonly status: string;
  readonly success: boolean;
}

/** How a forge client calls its forge: how requests are retried, and what is counted. */
export interface ForgeHttpOptions extends RetryPolicy {
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
 * Sends a request with {@link fetchWithRetries}: server errors, 429 and network failures
 * are retried with exponential backoff and jitter (a 429's `Retry-After` is honoured up to
 * the longest delay), other 4xx answers never. Answers the parsed JSON body (null for an
 * empty one), or throws a {@link ForgeCallError}.
 */
export async function forgeRequest(
  request: ForgeRequest,
  options: ForgeHttpOptions = {},
): Promise<unknown> {
  const host = new URL(request.url).host;
  const outcome = await fetchWithRetries(
    request.url,
    {
      method: request.method,
      headers: {
        accept: 'application/json',
        'user-agent': 'slipway',
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...request.headers,
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      redirect: 'error',
    },
    options,
    (tried) => {
      options.onRequest?.(
        tried.kind === 'network'
          ? { host, status: 'network', success: false }
          : { host, status: String(tried.status), success: tried.ok },
      );
    },
  );
  if (outcome.kind === 'network') {
    throw new ForgeCallError(
      `${request.what}: ${host} could not be reached (${outcome.cause}); check the forge API URL`,
      null,
      true,
    );
  }
  const { status, text } = outcome;
  if (outcome.ok) return text.trim() === '' ? null : (JSON.parse(text) as unknown);
  throw new ForgeCallError(
    `${request.what}: ${host} answered ${status}${detail(text)}${advice(status)}`,
    status,
    isTransientStatus(status),
  );
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
