import type { Plan as CorePlan, PlanTask as CorePlanTask } from '@slipway/core';
import { z } from 'zod';
import { ParamValue, StringMap, TriggerFacts } from './common.js';

const MatrixValue = z.union([z.string(), z.number(), z.boolean()]);

export const PlanStep = z.object({
  name: z.string(),
  run: z.string(),
  shell: z.array(z.string()),
  env: StringMap,
  timeoutMs: z.number().int().nullable(),
  continueOnError: z.boolean(),
});

export const RetryPolicy = z.object({
  count: z.number().int().nonnegative(),
  backoffMs: z.number().int().nonnegative(),
  maxBackoffMs: z.number().int().nonnegative(),
});

export const MatrixGroup = z.object({
  name: z.string(),
  maxParallel: z.number().int().nullable(),
  failFast: z.boolean(),
});

export const TemplateProvenance = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: z.string(), sha256: z.string() }),
  z.object({
    kind: z.literal('git'),
    repository: z.string(),
    ref: z.string(),
    commit: z.string(),
    path: z.string(),
    sha256: z.string(),
  }),
]);

/** What an approval task asks and who may answer; see core's `PlanApproval`. */
export const PlanApproval = z.object({
  message: z.string().nullable(),
  approvers: z
    .array(z.string())
    .nullable()
    .describe('User names who may decide; null: anyone with the developer role or higher.'),
});

/** One task of a compiled plan; see core's `PlanTask`. */
export const PlanTask = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['main', 'finally']),
  matrix: z.record(z.string(), MatrixValue).nullable(),
  needs: z.array(z.string()),
  when: z.string().nullable(),
  image: z.string().nullable(),
  runsOn: z.array(z.string()),
  env: StringMap,
  steps: z.array(PlanStep),
  timeoutMs: z.number().int().nullable(),
  retries: RetryPolicy,
  results: z.array(z.string()),
  reports: z.array(z.string()),
  artifacts: z.array(z.string()),
  template: TemplateProvenance.nullable(),
  matrixGroup: MatrixGroup.nullable(),
  approval: PlanApproval.optional().describe('Set on approval tasks only.'),
}) satisfies z.ZodType<CorePlanTask>;
export type PlanTask = z.infer<typeof PlanTask>;

/** A compiled, immutable plan; see core's `Plan`. */
export const Plan = z.object({
  schemaVersion: z.literal(1),
  pipeline: z.string(),
  source: z.object({
    file: z.string(),
    inferredFrom: z
      .object({ targets: z.array(z.string()), reasons: z.array(z.string()) })
      .optional(),
  }),
  params: z.record(z.string(), ParamValue),
  trigger: TriggerFacts,
  timeoutMs: z.number().int().nullable(),
  concurrency: z
    .object({ group: z.string(), limit: z.number().int(), cancelInProgress: z.boolean() })
    .nullable(),
  tasks: z.array(PlanTask),
}) satisfies z.ZodType<CorePlan>;
export type Plan = z.infer<typeof Plan>;
