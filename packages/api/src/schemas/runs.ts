import { z } from 'zod';
import {
  Id,
  ParamValue,
  RunStatus,
  StringMap,
  TaskStatus,
  Timestamp,
  TriggerFacts,
} from './common.js';
import { Plan } from './plan.js';

/** A branch, a tag or a commit id. */
export const GitRef = z
  .string()
  .min(1)
  .max(255)
  .regex(/^(?!-)[^\s~^:?*[\\\p{Cc}]+$/u, 'not a valid branch, tag or commit');

export const CreateRunRequest = z.strictObject({
  pipeline: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Which pipeline of the repository; may be left out when it has only one.'),
  ref: GitRef.optional().describe(
    "Branch, tag or commit to run; the project's default branch if absent.",
  ),
  params: z
    .record(z.string().min(1).max(200), ParamValue)
    .optional()
    .describe('Parameter values; strings are read as the type the pipeline declares.'),
  untrusted: z
    .boolean()
    .optional()
    .describe(
      'True when the trigger is not trusted, such as a pull request from a fork: the run gets no secrets.',
    ),
});
export type CreateRunRequest = z.infer<typeof CreateRunRequest>;

/** One execution of a plan at one commit. */
export const Run = z.object({
  id: Id,
  projectId: Id,
  projectName: z.string(),
  number: z.number().int().positive().describe('Numbered per project: 1, 2, …'),
  pipeline: z.string(),
  status: RunStatus,
  trigger: TriggerFacts,
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  trusted: z.boolean().describe('False when the trigger is untrusted: the run gets no secrets.'),
  retryOf: Id.optional().describe(
    'Set on a run that runs the tasks of this earlier run that did not succeed again.',
  ),
  rerunOf: Id.optional().describe('Set on a run that runs this earlier run again from the start.'),
});
export type Run = z.infer<typeof Run>;

export const ListRunsQuery = z.strictObject({
  project: z.string().min(1).max(200).optional().describe('Project id or name.'),
  status: RunStatus.optional(),
  pipeline: z.string().min(1).max(200).optional(),
  branch: GitRef.optional().describe('Only runs whose trigger names this branch.'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe('At most this many runs, 1 to 100; 20 when absent.'),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'The run number to page from (exclusive): the `nextBefore` of the previous page; needs `project`.',
    ),
});
export type ListRunsQuery = z.infer<typeof ListRunsQuery>;

export const RunList = z.object({
  runs: z.array(Run),
  nextBefore: z
    .number()
    .int()
    .nullable()
    .describe(
      'Pass as `before` for the next page; null on the last page and without a project filter.',
    ),
});
export type RunList = z.infer<typeof RunList>;

export const ApprovalDecision = z.enum(['approve', 'reject']);

/** What an approval task asks, who may answer, and what was decided. */
export const TaskApproval = z.object({
  message: z.string().nullable(),
  approvers: z
    .array(z.string())
    .nullable()
    .describe('User names who may decide; null: anyone with the developer role or higher.'),
  timeoutMs: z
    .number()
    .int()
    .nullable()
    .describe('How long the task waits for a decision before it fails; null: until the run ends.'),
  decision: z
    .object({
      decision: ApprovalDecision,
      by: z.string().describe('The user who decided.'),
      comment: z.string().nullable(),
      at: Timestamp,
    })
    .nullable()
    .describe('Null until someone decides.'),
});
export type TaskApproval = z.infer<typeof TaskApproval>;

/** A task of a run with its latest attempt. */
export const Task = z.object({
  taskId: z.string(),
  name: z.string(),
  kind: z.enum(['main', 'finally']),
  needs: z.array(z.string()),
  status: TaskStatus,
  attempt: z
    .number()
    .int()
    .nonnegative()
    .describe('Number of the latest attempt; 0 before the first.'),
  reason: z.string().nullable(),
  results: StringMap,
  attemptId: Id.nullable(),
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  carriedFrom: Id.optional().describe(
    'For a task kept, succeeded, from an earlier run (a retry): that run; `attemptId` is its attempt.',
  ),
  approval: TaskApproval.optional().describe(
    'Set on approval tasks: they wait (status `waiting`) for a person to approve or reject them.',
  ),
});
export type Task = z.infer<typeof Task>;

export const RunDetail = z.object({
  run: Run,
  plan: Plan,
  tasks: z.array(Task),
  commitUrl: z
    .string()
    .nullable()
    .describe(
      "Where the run's commit is shown at the project's forge; null when the project has no forge settings.",
    ),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const CancelRunRequest = z.strictObject({
  mode: z
    .enum(['cancel', 'kill'])
    .optional()
    .describe(
      '`cancel` (default) asks running steps to stop and still runs `finally` tasks; `kill` does neither.',
    ),
});
export type CancelRunRequest = z.infer<typeof CancelRunRequest>;

export const ApprovalRequest = z.strictObject({
  decision: ApprovalDecision.describe('`approve` lets the run go on; `reject` fails the task.'),
  comment: z
    .string()
    .max(2000)
    .optional()
    .describe('Why; shown on the run and, on approval, the `comment` result of the task.'),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

export const RunPath = z.object({ id: Id });
export const TaskPath = z.object({ id: Id, task: z.string().min(1).max(500) });
