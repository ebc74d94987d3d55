/**
 * A {@link Plan} is what a pipeline compiles to: an immutable, fully resolved graph of
 * tasks. Templates are inlined (their provenance kept), the matrix is expanded, defaults
 * are filled and every expression that can be known before the run (params, trigger,
 * matrix, template inputs) is already evaluated. What is left for run time are `when`
 * conditions and env values that read results or statuses of other tasks.
 *
 * Engines, agents and executors only ever see a Plan, never the YAML.
 */
export interface Plan {
  readonly schemaVersion: 1;
  /** Pipeline name (the `name` key, or the file name without extension). */
  readonly pipeline: string;
  readonly source: PlanSource;
  /** Parameter values of this run, defaults filled. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly trigger: TriggerFacts;
  readonly timeoutMs: number | null;
  readonly concurrency: ConcurrencyPolicy | null;
  /** Main tasks in a topological order, then `finally` tasks. */
  readonly tasks: readonly PlanTask[];
}

export type ParamValue = string | number | boolean;
export type MatrixValue = string | number | boolean;

export interface PlanSource {
  /** Repository-relative path of the pipeline file, or `Makefile` for an inferred pipeline. */
  readonly file: string;
  /** Set when no pipeline file existed and the Makefile convention produced the plan. */
  readonly inferredFrom?: MakefileInference;
}

/** Why each task of an inferred pipeline exists, for `slipway plan`. */
export interface MakefileInference {
  readonly targets: readonly string[];
  readonly reasons: readonly string[];
}

/** Facts about what started the run; they reach expressions as `trigger.*`. */
export interface TriggerFacts {
  readonly event: TriggerEvent;
  readonly branch?: string | undefined;
  readonly tag?: string | undefined;
  readonly pr?: number | undefined;
  readonly actor?: string | undefined;
  readonly commit?: string | undefined;
  /** The branch a pull request goes into. */
  readonly base?: string | undefined;
  /** The pull request's title. */
  readonly title?: string | undefined;
  /** The message of the commit the run builds, when the event carried it. */
  readonly message?: string | undefined;
}

export const TriggerEvent = {
  Manual: 'manual',
  Push: 'push',
  PullRequest: 'pull_request',
  Cron: 'cron',
  Pipeline: 'pipeline',
  Api: 'api',
} as const;
export type TriggerEvent = (typeof TriggerEvent)[keyof typeof TriggerEvent];

export interface ConcurrencyPolicy {
  readonly group: string;
  readonly limit: number;
  readonly cancelInProgress: boolean;
}

export const TaskKind = { Main: 'main', Finally: 'finally' } as const;
export type TaskKind = (typeof TaskKind)[keyof typeof TaskKind];

export interface PlanTask {
  /** Stable id: the task name, plus matrix values for expanded tasks: `test[node=20,os=linux]`. */
  readonly id: string;
  /** The task's key in the pipeline file. */
  readonly name: string;
  readonly kind: TaskKind;
  readonly matrix: Readonly<Record<string, MatrixValue>> | null;
  /** Ids of tasks that must settle first. */
  readonly needs: readonly string[];
  /** Condition evaluated when the needed tasks have settled; null means `success()`. */
  readonly when: string | null;
  readonly image: string | null;
  readonly runsOn: readonly string[];
  /** Pipeline, task and template env merged; values may still hold run-time expressions. */
  readonly env: Readonly<Record<string, string>>;
  readonly steps: readonly PlanStep[];
  readonly timeoutMs: number | null;
  readonly retries: RetryPolicy;
  readonly results: readonly string[];
  readonly reports: readonly string[];
  readonly artifacts: readonly string[];
  readonly template: TemplateProvenance | null;
  /** Set on the expansions of a matrix task. */
  readonly matrixGroup: MatrixGroup | null;
  /**
   * Set on an approval task: it has no steps and runs on no agent; it waits for a person
   * to approve or reject it, for at most `timeoutMs` when that is set. Absent on every
   * other task (and on plans stored before approvals existed).
   */
  readonly approval?: PlanApproval;
}

/** What an approval task asks, and who may answer. */
export interface PlanApproval {
  /** Shown to whoever decides; null when the pipeline gives none. */
  readonly message: string | null;
  /**
   * User names (the `user` of their tokens) allowed to decide; null lets anyone with the
   * developer role or higher on the project decide.
   */
  readonly approvers: readonly string[] | null;
}

/** The results an approval task publishes when it is approved. */
export const APPROVAL_RESULTS = ['approved_by', 'comment'] as const;

export interface PlanStep {
  readonly name: string;
  readonly run: string;
  /** The shell argv; the script is appended as its last argument. */
  readonly shell: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number | null;
  readonly continueOnError: boolean;
}

export interface RetryPolicy {
  /** Retries after the first attempt; 0 means run once. */
  readonly count: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export interface MatrixGroup {
  /** The task name the group was expanded from. */
  readonly name: string;
  readonly maxParallel: number | null;
  readonly failFast: boolean;
}

/** Where an inlined template came from, so a run can be reproduced. */
export type TemplateProvenance =
  | { readonly kind: 'file'; readonly path: string; readonly sha256: string }
  | {
      readonly kind: 'git';
      readonly repository: string;
      readonly ref: string;
      readonly commit: string;
      readonly path: string;
      readonly sha256: string;
    };
