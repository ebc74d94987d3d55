import type { ExpressionContext as CoreExpressionContext } from '@slipway/core';
import { z } from 'zod';
import { Id, ParamValue, StringMap, Timestamp, TriggerFacts } from './common.js';
import { LogChunk } from './logs.js';
import { PlanTask } from './plan.js';

/** Longest a claim may wait for work. */
export const CLAIM_WAIT_MAX_MS = 30_000;

const Label = z.string().min(1).max(100);
const Labels = z.array(Label).max(64);

export const RegisterAgentRequest = z.object({
  name: z.string().min(1).max(200).describe('Shown to users, such as the host name.'),
  labels: Labels.describe(
    'What the agent offers; a task runs only on an agent that has every label of its `runs-on`.',
  ),
  capacity: z.number().int().min(1).max(1024).describe('How many attempts the agent runs at once.'),
});
export type RegisterAgentRequest = z.infer<typeof RegisterAgentRequest>;

export const RegisterAgentResponse = z.object({ agentId: Id });
export type RegisterAgentResponse = z.infer<typeof RegisterAgentResponse>;

/** An agent the answering server process has heard from since it started. */
export const AgentInfo = z.object({
  id: Id,
  name: z.string().describe('As registered; the id for an agent registered before a restart.'),
  labels: z.array(z.string()),
  capacity: z
    .number()
    .int()
    .nonnegative()
    .describe('Attempts it runs at once; 0 when it registered before a restart.'),
  registeredAt: Timestamp.describe('When it registered, or was first heard from.'),
  lastSeenAt: Timestamp.describe('When it last registered, claimed, beat, sent logs or finished.'),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

export const AgentList = z.object({ agents: z.array(AgentInfo) });
export type AgentList = z.infer<typeof AgentList>;

/** What agents can run at once and how much of it is in use: no project data, for every user. */
export const AgentCapacity = z.object({
  agents: z
    .number()
    .int()
    .nonnegative()
    .describe('Agents connected: heard from by any replica within the lease time.'),
  slots: z
    .number()
    .int()
    .nonnegative()
    .describe('Attempts the connected agents run at once, together (their capacities added).'),
  busy: z
    .number()
    .int()
    .nonnegative()
    .describe('Attempts agents hold now (claimed, not finished): the slots in use.'),
  queued: z
    .number()
    .int()
    .nonnegative()
    .describe('Task attempts queued and waiting for an agent to claim them.'),
});
export type AgentCapacity = z.infer<typeof AgentCapacity>;

/** How many attempts an agent asks for: as many as it can start now. */
const FreeSlots = z
  .number()
  .int()
  .min(1)
  .max(1024)
  .describe('How many attempts the agent can take now, at least 1.');

export const ClaimRequest = z.object({
  agentId: Id,
  labels: Labels,
  free: FreeSlots,
  waitMs: z
    .number()
    .int()
    .min(0)
    .max(CLAIM_WAIT_MAX_MS)
    .describe(
      'Longest the server waits for work before answering with no attempts (at most 30 000).',
    ),
});
export type ClaimRequest = z.infer<typeof ClaimRequest>;

/**
 * What a task's expressions can read when its attempt starts: params, trigger facts,
 * matrix values, `tasks.NAME.status`/`results` of the tasks it needs, and the run's
 * outcome so far. Env values holding `${{ }}` are evaluated against it; see core's
 * `ExpressionContext`.
 */
export const ExpressionContext = z.object({
  params: z.record(z.string(), ParamValue).optional(),
  trigger: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  matrix: z.record(z.string(), ParamValue).optional(),
  inputs: z.record(z.string(), ParamValue).optional(),
  tasks: z.record(z.string(), z.object({ status: z.string(), results: StringMap })).optional(),
  status: z.object({ failed: z.boolean(), cancelled: z.boolean() }).optional(),
}) satisfies z.ZodType<CoreExpressionContext>;
export type ExpressionContext = z.infer<typeof ExpressionContext>;

/** One attempt handed to an agent, with everything needed to run it. */
export const ClaimedAttempt = z.object({
  attemptId: Id,
  runId: Id,
  taskId: z.string(),
  attempt: z.number().int().positive().describe('1 for the first try, 2 for the first retry, …'),
  task: PlanTask,
  run: z.object({
    pipeline: z.string(),
    params: z.record(z.string(), ParamValue),
    trigger: TriggerFacts,
  }),
  project: z
    .object({ source: z.string(), commit: z.string() })
    .describe("Where to check the workspace out: the project's source at exactly this commit."),
  context: ExpressionContext.optional().describe(
    "What the task's env expressions read; absent when no env value of the task or its steps holds an expression.",
  ),
  leaseMs: z
    .number()
    .int()
    .positive()
    .describe('The lease lasts this long from the claim and from each heartbeat.'),
  maxStepLogBytes: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      "Bytes of log text each step may store: the server drops what a step prints past it, so an agent may stop sending a step's output once it has sent more.",
    ),
  secrets: StringMap.describe(
    "Secret values by env name: set in every step's environment and masked everywhere.",
  ),
});
export type ClaimedAttempt = z.infer<typeof ClaimedAttempt>;

export const ClaimResponse = z.object({ attempts: z.array(ClaimedAttempt) });
export type ClaimResponse = z.infer<typeof ClaimResponse>;

export const HeartbeatRequest = z.object({
  agentId: Id,
  attemptIds: z.array(Id).max(1024),
});
export type HeartbeatRequest = z.infer<typeof HeartbeatRequest>;

/**
 * Per attempt: `ok` (lease renewed, go on), `stop` (stop it with this mode and report it
 * finished), or `gone` (no longer the agent's: settled, lost or reassigned; stop it and
 * report nothing).
 */
export const LeaseAnswer = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok') }),
  z.object({ status: z.literal('stop'), mode: z.enum(['cancel', 'kill']) }),
  z.object({ status: z.literal('gone') }),
]);
export type LeaseAnswer = z.infer<typeof LeaseAnswer>;

export const HeartbeatResponse = z.object({ answers: z.record(z.string(), LeaseAnswer) });
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;

export const AgentLogsRequest = z.object({
  agentId: Id,
  chunks: z.array(LogChunk).max(10_000),
});
export type AgentLogsRequest = z.infer<typeof AgentLogsRequest>;

export const FinishRequest = z.object({
  agentId: Id,
  attemptId: Id,
  outcome: z
    .enum(['succeeded', 'failed', 'timed_out', 'cancelled'])
    .describe("`lost` is the server's to decide, when a lease lapses."),
  results: StringMap.describe('Declared results of a succeeded attempt.'),
  error: z
    .string()
    .max(10_000)
    .nullable()
    .describe("Why the attempt did not succeed, shown as the task's reason; secrets masked."),
  claim: z
    .object({
      labels: Labels,
      free: FreeSlots,
    })
    .optional()
    .describe(
      "Claim work in the same call, without waiting: after the outcome is applied (which may queue the run's next tasks), up to `free` queued attempts are handed to the agent in `attempts`.",
    ),
});
export type FinishRequest = z.infer<typeof FinishRequest>;

export const FinishResponse = z.object({
  accepted: z
    .boolean()
    .describe("False when the attempt was already settled or is no longer the agent's."),
  attempts: z
    .array(ClaimedAttempt)
    .optional()
    .describe('With a `claim`: the attempts claimed, as a claim answers them (maybe none).'),
});
export type FinishResponse = z.infer<typeof FinishResponse>;
