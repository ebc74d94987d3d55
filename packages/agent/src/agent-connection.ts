import { LOG_BATCH_MAX_BYTES } from '@slipway/api';
import type {
  ExpressionContext,
  LeaseAnswer,
  LogChunk,
  ParamValue,
  PlanTask,
  TestReport,
  TriggerFacts,
} from '@slipway/core';

/**
 * What an agent needs from the control plane: the five calls of the agent protocol. The
 * HTTP implementation is {@link HttpAgentConnection}; tests use a scripted fake.
 *
 * Call order: `register` first; then the other calls with the id it returned. An agent
 * makes at most one `claim`, one `heartbeat` and one `sendLogs` call at a time, but these
 * and `finish` calls may overlap. Every call may fail with an {@link AgentRequestError};
 * the agent retries those marked retriable.
 */
export interface AgentConnection {
  register(request: RegisterRequest): Promise<{ agentId: string }>;
  /**
   * Long-poll: resolves as soon as work exists (at most `free` attempts) or after
   * `waitMs` with an empty list. `signal` abandons the wait.
   */
  claim(request: ClaimRequest, signal?: AbortSignal): Promise<{ attempts: AssignedAttempt[] }>;
  /** Renews the leases of running attempts; says per attempt whether it may go on. */
  heartbeat(request: HeartbeatRequest): Promise<{ answers: Record<string, LeaseAnswer> }>;
  /**
   * Stores log chunks; one request carries at most {@link MAX_LOG_REQUEST_CHUNKS} chunks
   * and at most {@link MAX_LOG_REQUEST_BYTES}, as JSON or as a frame.
   */
  sendLogs(request: LogsRequest): Promise<void>;
  /**
   * Reports how an attempt ended; `accepted` is false when it was settled or reassigned.
   * With a `claim`, also claims work without waiting: `attempts` holds what it got.
   */
  finish(request: FinishRequest): Promise<{ accepted: boolean; attempts: AssignedAttempt[] }>;
  /**
   * Stores an attempt's parsed test report (before `finish`); `accepted` is false when the
   * attempt was settled or reassigned.
   */
  sendReport(request: ReportRequest): Promise<{ accepted: boolean }>;
  /**
   * Stores one artifact file of an attempt (before `finish`), streamed from `file`. Fails
   * with a request error that is not retriable when the server refuses the file (its size
   * or path) or the attempt is no longer the agent's (status 409).
   */
  uploadArtifact(request: ArtifactUploadRequest): Promise<void>;
}

/** The largest body of one `sendLogs` request, as JSON or as a frame. */
export const MAX_LOG_REQUEST_BYTES = LOG_BATCH_MAX_BYTES;

/** The most chunks one `sendLogs` request may carry. */
export const MAX_LOG_REQUEST_CHUNKS = 10_000;

export interface RegisterRequest {
  /** Shown in the UI and logs; not necessarily unique. */
  readonly name: string;
  readonly labels: readonly string[];
  readonly capacity: number;
}

export interface ClaimRequest {
  readonly agentId: string;
  readonly labels: readonly string[];
  /** How many attempts the agent can start now. */
  readonly free: number;
  readonly waitMs: number;
}

/** One attempt handed to an agent: what to run, on which code, with which secrets. */
export interface AssignedAttempt {
  readonly attemptId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly task: PlanTask;
  readonly run: {
    readonly pipeline: string;
    readonly params: Readonly<Record<string, ParamValue>>;
    readonly trigger: TriggerFacts;
  };
  /** The repository (Git URL or path) and the exact commit to check out. */
  readonly project: { readonly source: string; readonly commit: string };
  /** How long the lease lasts without a heartbeat. */
  readonly leaseMs: number;
  /**
   * Bytes of log text each step may store; the control plane drops what a step prints
   * past it, so that output need not be sent.
   */
  readonly maxStepLogBytes?: number | undefined;
  /** Secret values by env name: injected into every step and masked in logs and results. */
  readonly secrets: Readonly<Record<string, string>>;
  /**
   * What the task's env expressions can read (results and statuses of the tasks it
   * needs). Without it, expressions see only params, trigger facts and matrix values.
   */
  readonly context?: ExpressionContext | undefined;
}

export interface HeartbeatRequest {
  readonly agentId: string;
  readonly attemptIds: readonly string[];
}

export interface LogsRequest {
  readonly agentId: string;
  readonly chunks: readonly LogChunk[];
}

/** How an attempt ended, as an agent reports it. */
export const FinishOutcome = {
  Succeeded: 'succeeded',
  Failed: 'failed',
  TimedOut: 'timed_out',
  Cancelled: 'cancelled',
} as const;
export type FinishOutcome = (typeof FinishOutcome)[keyof typeof FinishOutcome];

export interface FinishRequest {
  readonly agentId: string;
  readonly attemptId: string;
  readonly outcome: FinishOutcome;
  readonly results: Readonly<Record<string, string>>;
  readonly error: string | null;
  /**
   * Claims up to `free` attempts in the same call, after the outcome is applied: the next
   * task of a chain comes back with the result's answer.
   */
  readonly claim?: { readonly labels: readonly string[]; readonly free: number };
}

/**
 * A call to the control plane that failed. `retriable` errors (the network, a timeout, a
 * 5xx or 429 answer) are worth trying again; others (a refused token, a malformed
 * request) are not going to succeed by waiting.
 */
export class AgentRequestError extends Error {
  override readonly name = 'AgentRequestError';
  constructor(
    message: string,
    readonly retriable: boolean,
    /** The HTTP status, when the server answered. */
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** True for errors worth retrying: retriable request errors and anything unexpected. */
export function isRetriable(error: unknown): boolean {
  return !(error instanceof AgentRequestError) || error.retriable;
}

export interface ReportRequest {
  readonly agentId: string;
  readonly attemptId: string;
  readonly report: TestReport;
}

export interface ArtifactUploadRequest {
  readonly agentId: string;
  readonly attemptId: string;
  /** Relative to the workspace, `/`-separated. */
  readonly path: string;
  /** The file on this machine to send. */
  readonly file: string;
  /** Its size in bytes, sent as the `Content-Length`. */
  readonly size: number;
}
