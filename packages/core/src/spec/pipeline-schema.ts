import { z } from 'zod';

/**
 * The pipeline language as one schema: it validates `.slipway.yml` documents, gives the
 * {@link PipelineSpec} types their shape, and generates the published JSON Schema
 * (`schema/slipway-pipeline.schema.json`) for editor completion. Checks that need more
 * than one key at a time (needs, cycles, expressions) live in the compiler.
 */

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `90s`, `10m`, `1h30m`, `500ms`, or a number of seconds. */
const DURATION = /^(\d+(ms|s|m|h|d))+$/;

const name = (what: string) =>
  z
    .string()
    .regex(NAME, `${what} names start with a letter and use letters, digits, "-" and "_"`);

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

export const DurationSchema = z
  .union([
    z.number().positive(),
    z.string().regex(DURATION, 'durations look like 90s, 10m, 1h30m or 500ms'),
  ])
  .describe('A duration: 90s, 10m, 1h30m, 500ms, or a number of seconds.');

const envValue = z.union([z.string(), z.number(), z.boolean()]);
export const EnvSchema = z
  .record(
    z
      .string()
      .regex(ENV_NAME, 'environment variable names use letters, digits and "_"')
      .refine((k) => !k.startsWith('SLIPWAY_'), 'the SLIPWAY_ prefix is reserved for Slipway'),
    envValue,
  )
  .describe('Environment variables. Values may use ${{ expressions }}.');

const globs = oneOrMany(z.string().min(1));

const PushFilterSchema = z.strictObject({
  branches: globs.optional(),
  'branches-ignore': globs.optional(),
  tags: globs.optional(),
  'tags-ignore': globs.optional(),
  paths: globs.optional(),
  'paths-ignore': globs.optional(),
});

export const PullRequestAction = [
  'opened',
  'synchronize',
  'reopened',
  'closed',
  'labeled',
  'unlabeled',
  'edited',
] as const;

const PullRequestFilterSchema = z.strictObject({
  types: oneOrMany(z.enum(PullRequestAction)).optional(),
  branches: globs.optional(),
  'branches-ignore': globs.optional(),
  paths: globs.optional(),
  'paths-ignore': globs.optional(),
});

const CronEntrySchema = z.union([
  z.string().min(1),
  z.strictObject({
    schedule: z.string().min(1).describe('Cron expression, five or six fields.'),
    timezone: z.string().min(1).optional().describe('IANA time zone, such as Europe/Berlin.'),
  }),
]);

export const RunStatusFilter = ['succeeded', 'failed', 'cancelled', 'timed_out'] as const;

const PipelineCompletionSchema = z.strictObject({
  project: z.string().min(1).optional().describe('Project of the pipeline; this one if omitted.'),
  name: z.string().min(1).describe('Name of the pipeline whose runs trigger this one.'),
  status: oneOrMany(z.enum(RunStatusFilter)).optional(),
});

const OnSchema = z
  .strictObject({
    push: z.union([z.null(), z.boolean(), PushFilterSchema]).optional(),
    pull_request: z.union([z.null(), z.boolean(), PullRequestFilterSchema]).optional(),
    cron: oneOrMany(CronEntrySchema).optional(),
    manual: z.boolean().optional(),
    pipeline: oneOrMany(PipelineCompletionSchema).optional(),
  })
  .describe('What starts this pipeline. Without `on`, push, pull requests and manual runs do.');

const ParamSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('string'),
    default: z.string().optional(),
    description: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('number'),
    default: z.number().optional(),
    description: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('boolean'),
    default: z.boolean().optional(),
    description: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('enum'),
    values: z.array(z.string()).min(1),
    default: z.string().optional(),
    description: z.string().optional(),
  }),
]);

const ConcurrencySchema = z.union([
  z.string().min(1),
  z.strictObject({
    group: z.string().min(1).describe('Runs with the same group share the limit.'),
    limit: z.number().int().positive().optional(),
    'cancel-in-progress': z.boolean().optional(),
  }),
]);

const ShellSchema = z
  .union([z.enum(['bash', 'sh', 'python3', 'node']), z.array(z.string().min(1)).min(1)])
  .describe('bash (bash -eo pipefail), sh (sh -e), python3, node, or an argv the script follows.');

const StepObjectSchema = z.strictObject({
  name: z.string().min(1).optional(),
  run: z.string().min(1).describe('The script. Values reach it as $ENV variables only.'),
  env: EnvSchema.optional(),
  timeout: DurationSchema.optional(),
  'continue-on-error': z.boolean().optional(),
  shell: ShellSchema.optional(),
});
export const StepSchema = z.union([z.string().min(1), StepObjectSchema]);

const MatrixValueSchema = z.union([z.string(), z.number(), z.boolean()]);
const MatrixSchema = z.strictObject({
  axes: z.record(name('Matrix axis'), z.array(MatrixValueSchema).min(1)),
  include: z.array(z.record(z.string(), MatrixValueSchema)).optional(),
  exclude: z.array(z.record(z.string(), MatrixValueSchema)).optional(),
  'max-parallel': z.number().int().positive().optional(),
  'fail-fast': z.boolean().optional(),
});

const RetriesSchema = z.union([
  z.number().int().min(0).max(10),
  z.strictObject({
    count: z.number().int().min(0).max(10),
    backoff: DurationSchema.optional().describe('Wait before the first retry; doubles each time.'),
    'max-backoff': DurationSchema.optional(),
  }),
]);

const GitTemplateSchema = z.strictObject({
  git: z.string().min(1).describe('Clone URL or local path of the repository.'),
  ref: z.string().min(1).describe('Branch, tag or commit; the resolved commit is recorded.'),
  path: z.string().min(1).describe('Path of the template file in that repository.'),
});
export const UsesSchema = z.union([
  z.string().min(1).describe('Path of a template file, relative to the repository root.'),
  GitTemplateSchema,
]);

/** Keys a template may define for the task it becomes. */
const taskBodyShape = {
  image: z.string().min(1).optional().describe('Run the steps in a container of this image.'),
  'runs-on': oneOrMany(z.string().min(1)).optional().describe('Agent labels this task needs.'),
  env: EnvSchema.optional(),
  timeout: DurationSchema.optional(),
  retries: RetriesSchema.optional(),
  results: z
    .array(name('Result'))
    .optional()
    .describe('Names of values the task writes to files under $SLIPWAY_RESULTS.'),
  reports: globs.optional().describe('JUnit XML files, as globs relative to the workspace.'),
  artifacts: globs.optional().describe('Files to keep after the run, as globs.'),
  steps: z.array(StepSchema).min(1).optional(),
};

export const TaskSchema = z.strictObject({
  ...taskBodyShape,
  needs: oneOrMany(z.string().min(1)).optional(),
  when: z
    .union([z.string().min(1), z.boolean()])
    .optional()
    .describe('Run only when this expression is true. Default: success().'),
  matrix: MatrixSchema.optional(),
  uses: UsesSchema.optional(),
  with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

const TasksSchema = z.record(name('Task'), TaskSchema);

export const PipelineSchema = z
  .strictObject({
    name: name('Pipeline').optional().describe('Defaults to the file name.'),
    on: OnSchema.optional(),
    params: z.record(name('Parameter'), ParamSchema).optional(),
    env: EnvSchema.optional(),
    concurrency: ConcurrencySchema.optional(),
    timeout: DurationSchema.optional(),
    tasks: TasksSchema,
    finally: TasksSchema.optional().describe('Tasks that run after all others have settled.'),
  })
  .describe('A Slipway pipeline: a graph of tasks made of shell steps.');

const TemplateInputSchema = z.strictObject({
  type: z.enum(['string', 'number', 'boolean']).optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  description: z.string().optional(),
  required: z.boolean().optional(),
});

/** A task template referenced by `uses`. Inputs reach it as `${{ inputs.x }}` and `$INPUT_X`. */
export const TemplateSchema = z.strictObject({
  description: z.string().optional(),
  inputs: z.record(name('Input'), TemplateInputSchema).optional(),
  task: z.strictObject(taskBodyShape),
});

export type PipelineSpec = z.output<typeof PipelineSchema>;
export type TaskSpec = z.output<typeof TaskSchema>;
export type StepSpec = z.output<typeof StepSchema>;
export type ParamSpec = z.output<typeof ParamSchema>;
export type TemplateSpec = z.output<typeof TemplateSchema>;
export type UsesSpec = z.output<typeof UsesSchema>;
export type MatrixSpec = z.output<typeof MatrixSchema>;
export type OnSpec = z.output<typeof OnSchema>;
export type ConcurrencySpec = z.output<typeof ConcurrencySchema>;
export type Duration = z.output<typeof DurationSchema>;
