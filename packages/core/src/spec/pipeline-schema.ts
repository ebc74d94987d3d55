import { z } from 'zod';

/**
 * The pipeline language as one schema: it validates `.slipway.yml` documents, gives the
 * {@link PipelineSpec} types their shape, and generates the published JSON Schema
 * (`schema/slipway-pipeline.schema.json`) for editor completion. Checks that need more
 * than one key at a time (needs, cycles, expressions) live in the compiler.
 */

/** What a pipeline, task, param or matrix axis may be named. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `90s`, `10m`, `1h30m`, `500ms`, or a number of seconds. */
const DURATION = /^(\d+(ms|s|m|h|d))+$/;

const name = (what: string) =>
  z.string().regex(NAME_PATTERN, {
    error: `${what} names start with a letter and use only letters, digits, "-" and "_"`,
  });

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

export const DurationSchema = z
  .union(
    [
      z.number().positive(),
      z.string().regex(DURATION, { error: 'durations look like 90s, 10m, 1h30m or 500ms' }),
    ],
    {
      error: 'expected a duration such as 90s, 10m, 1h30m or 500ms, or a number of seconds',
    },
  )
  .describe('A duration: 90s, 10m, 1h30m, 500ms, or a number of seconds.');

const envValue = z.union([z.string(), z.number(), z.boolean()]);
export const EnvSchema = z
  .record(
    z
      .string()
      .regex(ENV_NAME, {
        error:
          'environment variable names use only letters, digits and "_", and do not start with a digit',
      })
      .refine((k) => !k.startsWith('SLIPWAY_'), {
        error: 'the SLIPWAY_ prefix is reserved for variables Slipway sets; choose another name',
      }),
    envValue,
  )
  .describe(
    'Environment variables. Values may use ${{ expressions }}; task env overrides pipeline env, step env overrides task env.',
  );

const globs = oneOrMany(z.string().min(1));

/** Globs of files in the workspace: relative, and never out of it through "..". */
const workspaceGlobs = oneOrMany(
  z
    .string()
    .min(1)
    .refine((glob) => !/^(?:[\\/]|[A-Za-z]:[\\/])/.test(glob), {
      error: 'use a path relative to the repository, not an absolute one',
    })
    .refine((glob) => !glob.split(/[\\/]/).includes('..'), {
      error: 'remove the ".." parts: reports and artifacts are files inside the repository',
    }),
);

const PushFilterSchema = z.strictObject({
  branches: globs.optional().describe('Run only for pushes to branches matching these globs.'),
  'branches-ignore': globs.optional().describe('Skip pushes to branches matching these globs.'),
  tags: globs.optional().describe('Run only for pushed tags matching these globs.'),
  'tags-ignore': globs.optional().describe('Skip pushed tags matching these globs.'),
  paths: globs.optional().describe('Run only when a changed file matches one of these globs.'),
  'paths-ignore': globs.optional().describe('Skip when every changed file matches these globs.'),
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
  types: oneOrMany(z.enum(PullRequestAction))
    .optional()
    .describe('Pull request actions that start a run. Default: opened, synchronize, reopened.'),
  branches: globs
    .optional()
    .describe('Run only for pull requests into branches matching these globs.'),
  'branches-ignore': globs
    .optional()
    .describe('Skip pull requests into branches matching these globs.'),
  paths: globs.optional().describe('Run only when a changed file matches one of these globs.'),
  'paths-ignore': globs.optional().describe('Skip when every changed file matches these globs.'),
});

const CronEntrySchema = z.union(
  [
    z.string().min(1).describe('Cron expression, five or six fields, in UTC.'),
    z.strictObject({
      schedule: z.string().min(1).describe('Cron expression, five or six fields.'),
      timezone: z.string().min(1).optional().describe('IANA time zone, such as Europe/Berlin.'),
    }),
  ],
  { error: 'expected a cron expression or a mapping with schedule and timezone' },
);

export const RunStatusFilter = ['succeeded', 'failed', 'cancelled', 'timed_out'] as const;

const PipelineCompletionSchema = z.strictObject({
  project: z.string().min(1).optional().describe('Project of the pipeline; this one if omitted.'),
  name: z.string().min(1).describe('Name of the pipeline whose runs trigger this one.'),
  status: oneOrMany(z.enum(RunStatusFilter))
    .optional()
    .describe('Run statuses that trigger this pipeline. Default: succeeded.'),
});

const OnSchema = z
  .strictObject({
    push: z
      .union([z.null(), z.boolean(), PushFilterSchema], {
        error: 'expected true, false, nothing, or a mapping of branches, tags and paths filters',
      })
      .optional()
      .describe('Pushes start a run; filters narrow which ones.'),
    pull_request: z
      .union([z.null(), z.boolean(), PullRequestFilterSchema], {
        error: 'expected true, false, nothing, or a mapping of types, branches and paths filters',
      })
      .optional()
      .describe('Pull request events start a run; filters narrow which ones.'),
    cron: oneOrMany(CronEntrySchema).optional().describe('Schedules that start a run.'),
    manual: z.boolean().optional().describe('Whether runs can be started by hand.'),
    pipeline: oneOrMany(PipelineCompletionSchema)
      .optional()
      .describe('Runs of other pipelines whose completion starts a run.'),
  })
  .describe('What starts this pipeline. Without `on`, push, pull requests and manual runs do.');

const ParamSchema = z
  .discriminatedUnion('type', [
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
      values: z.array(z.string()).min(1).describe('The allowed values.'),
      default: z.string().optional(),
      description: z.string().optional(),
    }),
  ])
  .describe('A run parameter. Without a default, every run must give a value.');

const ConcurrencySchema = z
  .union(
    [
      z.string().min(1),
      z.strictObject({
        group: z.string().min(1).describe('Runs with the same group share the limit.'),
        limit: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('How many runs of the group may run at once. Default: 1.'),
        'cancel-in-progress': z
          .boolean()
          .optional()
          .describe('Cancel the running run of the group when a new one starts. Default: false.'),
      }),
    ],
    { error: 'expected a group name or a mapping with group, limit and cancel-in-progress' },
  )
  .describe('Limit how many runs of this pipeline run at once; others wait in a queue.');

const ShellSchema = z
  .union([
    z.enum(['bash', 'sh', 'python3', 'node'], {
      error: 'must be bash, sh, python3 or node, or an argv list such as [zsh, -c]',
    }),
    z.array(z.string().min(1)).min(1),
  ])
  .describe('bash (bash -eo pipefail), sh (sh -e), python3, node, or an argv the script follows.');

const StepObjectSchema = z.strictObject({
  name: z.string().min(1).optional().describe('Shown in logs. Default: the first line of run.'),
  run: z.string().min(1).describe('The script. Values reach it as $ENV variables only.'),
  env: EnvSchema.optional(),
  timeout: DurationSchema.optional().describe('Stop the step after this long.'),
  'continue-on-error': z
    .boolean()
    .optional()
    .describe('A failure of this step does not fail the task. Default: false.'),
  shell: ShellSchema.optional(),
});
export const StepSchema = z
  .union([z.string().min(1).describe('The script, run with bash.'), StepObjectSchema], {
    error: 'expected a script (a string) or a mapping with run',
  })
  .describe('A shell script. Steps of a task run in order in the same workspace.');

const MatrixValueSchema = z.union([z.string(), z.number(), z.boolean()]);
const MatrixSchema = z
  .strictObject({
    axes: z
      .record(name('matrix axis'), z.array(MatrixValueSchema).min(1))
      .describe('Each axis lists its values; every combination becomes a task.'),
    include: z
      .array(z.record(z.string(), MatrixValueSchema))
      .optional()
      .describe('Combinations to add, or extra keys for the combinations they match.'),
    exclude: z
      .array(z.record(z.string(), MatrixValueSchema))
      .optional()
      .describe('Combinations to remove: every combination matching one entry.'),
    'max-parallel': z
      .number()
      .int()
      .positive()
      .optional()
      .describe('How many combinations may run at once. Default: all.'),
    'fail-fast': z
      .boolean()
      .optional()
      .describe('Cancel the other combinations when one fails. Default: true.'),
  })
  .describe('Run the task once per combination of axis values: NAME[key=value,...].');

const RetriesSchema = z
  .union(
    [
      z.number().int().min(0).max(10),
      z.strictObject({
        count: z.number().int().min(0).max(10).describe('Retries after the first attempt.'),
        backoff: DurationSchema.optional().describe(
          'Wait before the first retry; doubles each time. Default: 0.',
        ),
        'max-backoff': DurationSchema.optional().describe('Longest wait between attempts.'),
      }),
    ],
    { error: 'expected a number of retries (0 to 10) or a mapping with count and backoff' },
  )
  .describe('Run the task again when it fails, up to this many more times.');

const GitTemplateSchema = z.strictObject({
  git: z.string().min(1).describe('Clone URL or local path of the repository.'),
  ref: z.string().min(1).describe('Branch, tag or commit; the resolved commit is recorded.'),
  path: z.string().min(1).describe('Path of the template file in that repository.'),
});
export const UsesSchema = z
  .union(
    [
      z.string().min(1).describe('Path of a template file, relative to the repository root.'),
      GitTemplateSchema,
    ],
    { error: 'expected a repository-relative path or a mapping with git, ref and path' },
  )
  .describe('A task template this task is made from.');

export const ApprovalSchema = z
  .strictObject({
    message: z.string().min(1).optional().describe('What the people deciding are asked.'),
    approvers: z
      .array(z.string().min(1), {
        error: 'expected a list of user names, such as [alice, bob]',
      })
      .min(1, { error: 'list at least one user name, or leave `approvers` out' })
      .optional()
      .describe(
        'User names (of their API tokens) who may decide. Default: anyone with the developer role or higher on the project.',
      ),
  })
  .describe(
    'Make this task wait for a person to approve or reject it instead of running steps. Approved, it succeeds with results approved_by and comment; rejected or timed out, it fails.',
  );

/** Keys a template may define for the task it becomes. */
const taskBodyShape = {
  image: z.string().min(1).optional().describe('Run the steps in a container of this image.'),
  'runs-on': oneOrMany(z.string().min(1)).optional().describe('Agent labels this task needs.'),
  env: EnvSchema.optional(),
  timeout: DurationSchema.optional().describe(
    'Stop the task after this long; for an approval task, how long to wait for a decision.',
  ),
  retries: RetriesSchema.optional(),
  results: z
    .array(name('result'))
    .optional()
    .describe('Names of values the task writes to files under $SLIPWAY_RESULTS.'),
  reports: workspaceGlobs
    .optional()
    .describe('JUnit XML files, as globs relative to the workspace.'),
  artifacts: workspaceGlobs
    .optional()
    .describe('Files to keep after the run, as globs relative to the workspace.'),
  steps: z
    .array(StepSchema, {
      // Zod also passes the issues of the array's checks (`min`) to this map.
      error: (issue: z.core.$ZodRawIssue) =>
        issue.code === 'invalid_type' ? 'expected a list of steps, such as [make test]' : undefined,
    })
    .min(1)
    .optional()
    .describe('Shell scripts run in order.'),
};

export const TaskSchema = z
  .strictObject({
    ...taskBodyShape,
    needs: oneOrMany(z.string().min(1))
      .optional()
      .describe('Tasks that must settle before this one starts.'),
    when: z
      .union([z.string().min(1), z.boolean()], {
        error: 'expected an expression such as "success()", or true or false',
      })
      .optional()
      .describe('Run only when this expression is true. Default: success().'),
    matrix: MatrixSchema.optional(),
    uses: UsesSchema.optional(),
    with: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('Input values for the template named by uses.'),
    approval: ApprovalSchema.optional(),
  })
  .describe('A unit of work: steps that run in order on one agent, in one workspace.');

const TasksSchema = z.record(name('task'), TaskSchema);

export const PipelineSchema = z
  .strictObject({
    name: name('pipeline').optional().describe('Defaults to the file name.'),
    on: OnSchema.optional(),
    params: z
      .record(name('parameter'), ParamSchema)
      .optional()
      .describe('Values given to each run, read as ${{ params.NAME }}.'),
    env: EnvSchema.optional(),
    concurrency: ConcurrencySchema.optional(),
    timeout: DurationSchema.optional().describe('Stop the whole run after this long.'),
    tasks: TasksSchema.describe(
      'The tasks, by name. They run in parallel unless needs orders them.',
    ),
    finally: TasksSchema.optional().describe('Tasks that run after all others have settled.'),
  })
  .describe('A Slipway pipeline: a graph of tasks made of shell steps.');

const TemplateInputSchema = z.strictObject({
  type: z.enum(['string', 'number', 'boolean']).optional().describe('Default: string.'),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  description: z.string().optional(),
  required: z.boolean().optional().describe('Whether a task using the template must give it.'),
});

/** A task template referenced by `uses`. Inputs reach it as `${{ inputs.x }}` and `$INPUT_X`. */
export const TemplateSchema = z
  .strictObject({
    description: z.string().optional(),
    inputs: z.record(name('input'), TemplateInputSchema).optional(),
    task: z.strictObject(taskBodyShape).describe('The task this template becomes.'),
  })
  .describe('A Slipway task template, used by tasks with uses and with.');

export type PipelineSpec = z.output<typeof PipelineSchema>;
export type TaskSpec = z.output<typeof TaskSchema>;
export type StepSpec = z.output<typeof StepSchema>;
export type ParamSpec = z.output<typeof ParamSchema>;
export type TemplateSpec = z.output<typeof TemplateSchema>;
export type UsesSpec = z.output<typeof UsesSchema>;
export type MatrixSpec = z.output<typeof MatrixSchema>;
export type ApprovalSpec = z.output<typeof ApprovalSchema>;
export type OnSpec = z.output<typeof OnSchema>;
export type ConcurrencySpec = z.output<typeof ConcurrencySchema>;
export type Duration = z.output<typeof DurationSchema>;
