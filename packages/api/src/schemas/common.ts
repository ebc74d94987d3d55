import type {
  AttemptOutcome as CoreAttemptOutcome,
  Diagnostic as CoreDiagnostic,
  RunStatus as CoreRunStatus,
  TaskStatus as CoreTaskStatus,
  TriggerFacts as CoreTriggerFacts,
} from '@slipway/core';
import { z } from 'zod';
import { covering } from './covering.js';

/** Milliseconds since the Unix epoch. */
export const Timestamp = z
  .number()
  .int()
  .nonnegative()
  .describe('milliseconds since the Unix epoch');

/** An opaque identifier made by the server. */
export const Id = z.string().min(1).max(200);

export const RunStatus = covering<CoreRunStatus>()(
  z.enum(['queued', 'waiting', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out']),
);
export type RunStatus = z.infer<typeof RunStatus>;

export const TaskStatus = covering<CoreTaskStatus>()(
  z.enum([
    'pending',
    'ready',
    'running',
    'waiting',
    'succeeded',
    'failed',
    'skipped',
    'cancelled',
    'lost',
  ]),
);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const AttemptOutcome = covering<CoreAttemptOutcome>()(
  z.enum(['succeeded', 'failed', 'timed_out', 'cancelled', 'lost']),
);
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;

/** A parameter value: the type the pipeline declares decides how strings are read. */
export const ParamValue = z.union([z.string(), z.number(), z.boolean()]);
export type ParamValue = z.infer<typeof ParamValue>;

/** Named string values, such as a task's results. */
export const StringMap = z.record(z.string(), z.string());

export const TriggerFacts = z.object({
  event: z.enum(['manual', 'push', 'pull_request', 'cron', 'pipeline', 'api']),
  branch: z.string().optional(),
  tag: z.string().optional(),
  pr: z.number().int().optional(),
  actor: z.string().optional(),
  commit: z.string().optional(),
  base: z.string().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
}) satisfies z.ZodType<CoreTriggerFacts>;
export type TriggerFacts = z.infer<typeof TriggerFacts>;

/** One problem found in a pipeline file; line and column are 1-based, 0 when unknown. */
export const Diagnostic = z.object({
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  key: z.string(),
  message: z.string(),
}) satisfies z.ZodType<CoreDiagnostic>;
export type Diagnostic = z.infer<typeof Diagnostic>;
