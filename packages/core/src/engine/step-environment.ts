import { UserError, UserErrorKind } from '../errors/user-error.js';
import {
  hasExpressions,
  interpolate,
  parseTemplate,
  type ExpressionContext,
} from '../expressions/index.js';
import type { PlanTask, TriggerFacts } from '../plan/plan.js';

/** What the environment of an attempt's steps is made from. */
export interface EnvironmentInput {
  readonly runId: string;
  readonly task: PlanTask;
  readonly attempt: number;
  readonly trigger: TriggerFacts;
  readonly workingDirectory: string;
  readonly resultsDirectory: string;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, string>>;
  /** Called at most once, and only when an env value holds an expression. */
  readonly context: () => ExpressionContext;
}

/**
 * Whether {@link stepEnvironments} reads the expression context for `task`: only when an
 * env value of the task or of one of its steps holds an expression.
 */
export function readsExpressionContext(task: PlanTask): boolean {
  const holdsExpressions = (env: Readonly<Record<string, string>>): boolean =>
    Object.values(env).some(hasExpressions);
  return holdsExpressions(task.env) || task.steps.some((step) => holdsExpressions(step.env));
}

/**
 * The complete environment of each step of an attempt. Later sources win: the base
 * environment, `CI=true`, the `SLIPWAY_*` facts, `MATRIX_<AXIS>`, the task's env, the
 * step's env, then the secrets. Env values holding `${{ }}` are evaluated now, at the
 * start of the attempt; a value that cannot be evaluated throws a {@link UserError}
 * naming the variable.
 */
export function stepEnvironments(input: EnvironmentInput): Record<string, string>[] {
  const { task, trigger } = input;
  let context: ExpressionContext | undefined;
  const resolve = (
    into: Record<string, string>,
    env: Readonly<Record<string, string>>,
    where: string,
  ) => {
    for (const [name, value] of Object.entries(env)) {
      if (!hasExpressions(value)) {
        into[name] = value;
        continue;
      }
      try {
        context ??= input.context();
        into[name] = interpolate(parseTemplate(value), context);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        throw new UserError(UserErrorKind.Config, `${where} ${name}: ${error.message}`);
      }
    }
  };

  const env: Record<string, string> = {
    ...input.baseEnv,
    CI: 'true',
    SLIPWAY_RUN_ID: input.runId,
    SLIPWAY_TASK_ID: task.id,
    SLIPWAY_TASK_NAME: task.name,
    SLIPWAY_ATTEMPT: String(input.attempt),
    SLIPWAY_RESULTS: input.resultsDirectory,
    SLIPWAY_WORKSPACE: input.workingDirectory,
    SLIPWAY_EVENT: trigger.event,
  };
  const facts: Readonly<Record<string, string | number | undefined>> = {
    SLIPWAY_BRANCH: trigger.branch,
    SLIPWAY_TAG: trigger.tag,
    SLIPWAY_COMMIT: trigger.commit,
    SLIPWAY_COMMIT_MESSAGE: trigger.message,
    SLIPWAY_PR: trigger.pr,
    SLIPWAY_PR_TITLE: trigger.title,
    SLIPWAY_BASE_BRANCH: trigger.base,
    SLIPWAY_ACTOR: trigger.actor,
  };
  for (const [key, value] of Object.entries(facts)) {
    if (value !== undefined) env[key] = String(value);
  }
  for (const [axis, value] of Object.entries(task.matrix ?? {})) {
    env[`MATRIX_${axis.toUpperCase().replaceAll('-', '_')}`] = String(value);
  }
  resolve(env, task.env, `task ${task.id}: env`);
  return task.steps.map((step) => {
    const own = { ...env };
    resolve(own, step.env, `task ${task.id}, step "${step.name}": env`);
    return Object.assign(own, input.secrets);
  });
}
