import {
  ExpressionError,
  parseCondition,
  parseTemplate,
  referencedFunctions,
  referencedPaths,
  type Expression,
} from '../expressions/index.js';
import { APPROVAL_RESULTS } from '../plan/plan.js';
import { didYouMean } from '../text/closest-match.js';
import type { Problems } from './problems.js';

export const TRIGGER_FACTS = [
  'event',
  'branch',
  'tag',
  'pr',
  'actor',
  'commit',
  'base',
  'title',
  'message',
] as const;
const STATUS_FUNCTIONS = new Set(['success', 'failure', 'always', 'cancelled']);
const CONTEXTS = ['params', 'trigger', 'matrix', 'tasks'];

/** What an expression at one place in a pipeline may read. */
export interface ExpressionScope {
  readonly params: ReadonlySet<string>;
  /** Matrix keys of the task, or null outside a matrix task. */
  readonly matrixKeys: ReadonlySet<string> | null;
  /** How `tasks.NAME` may be read here, or null where no task has run yet. */
  readonly tasks: TaskVisibility | null;
  /** `success()`, `failure()`, `always()` and `cancelled()` make sense only in `when`. */
  readonly statusFunctions: boolean;
}

export interface TaskVisibility {
  /** 'ok', or why this place cannot read that task. */
  canRead(name: string): 'ok' | 'unknown' | 'not-needed';
  /** Declared results of a task, or null for a matrix task (whose results cannot be read). */
  resultsOf(name: string): readonly string[] | null;
  readonly names: readonly string[];
}

/** Parses an env value, image or label (`text ${{ expr }} text`); problems are recorded. */
export function parseTemplateAt(
  text: string,
  path: readonly (string | number)[],
  problems: Problems,
): Expression[] {
  try {
    return parseTemplate(text).flatMap((s) => ('expression' in s ? [s.expression] : []));
  } catch (error) {
    problems.add(path, expressionMessage(error));
    return [];
  }
}

/** Parses a `when` condition; problems are recorded and null returned. */
export function parseConditionAt(
  text: string,
  path: readonly (string | number)[],
  problems: Problems,
): Expression | null {
  try {
    return parseCondition(text);
  } catch (error) {
    problems.add(path, expressionMessage(error));
    return null;
  }
}

/** Checks that every context, key and function an expression uses exists here. */
export function checkExpression(
  expression: Expression,
  scope: ExpressionScope,
  path: readonly (string | number)[],
  problems: Problems,
): void {
  const where = `in \`${expression.source}\``;
  for (const fn of referencedFunctions(expression)) {
    if (STATUS_FUNCTIONS.has(fn) && !scope.statusFunctions) {
      problems.add(path, `${fn}() can only be used in \`when\` ${where}`);
    }
  }
  for (const ref of referencedPaths(expression)) {
    const [root = '', key, field, result] = ref;
    switch (root) {
      case 'params':
        if (key !== undefined && !scope.params.has(key)) {
          problems.add(
            path,
            `unknown parameter "${key}"${didYouMean(key, scope.params)} ${where}; declare it under \`params\``,
          );
        }
        break;
      case 'trigger':
        if (key !== undefined && !(TRIGGER_FACTS as readonly string[]).includes(key)) {
          problems.add(
            path,
            `trigger has no "${key}"${didYouMean(key, TRIGGER_FACTS)} ${where}; it has ${TRIGGER_FACTS.join(', ')}`,
          );
        }
        break;
      case 'matrix':
        if (scope.matrixKeys === null) {
          problems.add(path, `matrix values exist only in a task with a \`matrix\` ${where}`);
        } else if (key !== undefined && !scope.matrixKeys.has(key)) {
          problems.add(
            path,
            `the matrix has no "${key}"${didYouMean(key, scope.matrixKeys)} ${where}`,
          );
        }
        break;
      case 'tasks':
        checkTaskReference(scope, key, field, result, where, path, problems);
        break;
      case 'inputs':
        problems.add(path, `inputs exist only inside templates ${where}`);
        break;
      default:
        problems.add(
          path,
          `unknown context "${root}"${didYouMean(root, CONTEXTS)} ${where}; use ${CONTEXTS.join(', ')}`,
        );
    }
  }
}

function checkTaskReference(
  scope: ExpressionScope,
  name: string | undefined,
  field: string | undefined,
  result: string | undefined,
  where: string,
  path: readonly (string | number)[],
  problems: Problems,
): void {
  const tasks = scope.tasks;
  if (tasks === null) {
    problems.add(path, `task statuses and results are not known yet here ${where}`);
    return;
  }
  if (name === undefined) return;
  switch (tasks.canRead(name)) {
    case 'unknown':
      problems.add(path, `unknown task "${name}"${didYouMean(name, tasks.names)} ${where}`);
      return;
    case 'not-needed':
      problems.add(
        path,
        `this task reads task "${name}" but does not need it ${where}: add "${name}" to \`needs\``,
      );
      return;
    case 'ok':
      break;
  }
  if (field === undefined) return;
  if (field !== 'status' && field !== 'results') {
    problems.add(path, `a task has \`status\` and \`results\`, not "${field}" ${where}`);
    return;
  }
  if (field === 'results' && result !== undefined) {
    const declared = tasks.resultsOf(name);
    if (declared === null) {
      problems.add(path, `results of the matrix task "${name}" cannot be read ${where}`);
    } else if (!declared.includes(result)) {
      const fix =
        declared === APPROVAL_RESULTS
          ? `an approval task has only the results ${APPROVAL_RESULTS.join(' and ')}`
          : 'add it to its `results`';
      problems.add(
        path,
        `task "${name}" declares no result "${result}"${didYouMean(result, declared)} ${where}; ${fix}`,
      );
    }
  }
}

function expressionMessage(error: unknown): string {
  if (error instanceof ExpressionError) return error.message;
  throw error;
}
