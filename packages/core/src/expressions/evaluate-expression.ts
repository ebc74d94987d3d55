import type { Expression, ExpressionNode } from './ast.js';
import { ExpressionError } from './expression-error.js';
import type { ExpressionValue } from './expression-value.js';
import { isTruthy, numericValue, valueToString } from './expression-value.js';
import type { OutcomeFacts } from './functions.js';
import { FunctionFailure, findFunction } from './functions.js';

/** What an expression can read about one task: `tasks.NAME.status`, `tasks.NAME.results.X`. */
export interface TaskFacts {
  readonly status: string;
  readonly results: Readonly<Record<string, string>>;
}

/**
 * The values an expression can read. A root left undefined is not available where the
 * expression is evaluated, and reading from it is an error rather than `null`.
 */
export interface ExpressionContext {
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  readonly trigger?: Readonly<Record<string, string | number | undefined>>;
  readonly matrix?: Readonly<Record<string, string | number | boolean>>;
  readonly inputs?: Readonly<Record<string, string | number | boolean>>;
  readonly tasks?: Readonly<Record<string, TaskFacts>>;
  /** Outcome of the needed tasks and the run, for success(), failure(), cancelled(). */
  readonly status?: OutcomeFacts;
}

/**
 * Evaluates a parsed expression. Properties that do not exist read as `null`; a context
 * root absent from `ctx`, a property that names an object rather than a value, and a
 * status function without `ctx.status` throw {@link ExpressionError}.
 */
export function evaluateExpression(expr: Expression, ctx: ExpressionContext): ExpressionValue {
  return evaluate(expr.root, ctx);
}

function evaluate(node: ExpressionNode, ctx: ExpressionContext): ExpressionValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'path':
      return readPath(node, ctx);
    case 'not':
      return !isTruthy(evaluate(node.operand, ctx));
    case 'binary':
      return binary(node, ctx);
    case 'call':
      return call(node, ctx);
  }
}

function binary(
  node: ExpressionNode & { kind: 'binary' },
  ctx: ExpressionContext,
): ExpressionValue {
  const left = evaluate(node.left, ctx);
  switch (node.operator) {
    case '&&':
      return isTruthy(left) ? evaluate(node.right, ctx) : left;
    case '||':
      return isTruthy(left) ? left : evaluate(node.right, ctx);
    case '==':
      return looselyEqual(left, evaluate(node.right, ctx));
    case '!=':
      return !looselyEqual(left, evaluate(node.right, ctx));
    case '<':
      return compare(left, evaluate(node.right, ctx), (o) => o < 0);
    case '<=':
      return compare(left, evaluate(node.right, ctx), (o) => o <= 0);
    case '>':
      return compare(left, evaluate(node.right, ctx), (o) => o > 0);
    case '>=':
      return compare(left, evaluate(node.right, ctx), (o) => o >= 0);
  }
}

function readPath(
  node: ExpressionNode & { kind: 'path' },
  ctx: ExpressionContext,
): ExpressionValue {
  let current: unknown = ctx[node.root];
  if (current === undefined) {
    throw new ExpressionError(`\`${node.root}\` is not available here`, node.offset);
  }
  let shown: string = node.root;
  for (const keyNode of node.keys) {
    const key = valueToString(evaluate(keyNode, ctx));
    shown += keyNode.kind === 'literal' && /^[A-Za-z_][\w-]*$/.test(key) ? `.${key}` : `['${key}']`;
    current =
      typeof current === 'object' && current !== null && Object.hasOwn(current, key)
        ? (current as Record<string, unknown>)[key]
        : undefined;
  }
  if (current === undefined || current === null) return null;
  if (typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean') {
    return current;
  }
  throw new ExpressionError(
    `\`${shown}\` is not a value; name one of its properties (${describeProperties(current)})`,
    node.offset,
  );
}

function describeProperties(value: unknown): string {
  const keys = typeof value === 'object' && value ? Object.keys(value) : [];
  return keys.length ? keys.slice(0, 5).join(', ') : 'it has none';
}

function call(node: ExpressionNode & { kind: 'call' }, ctx: ExpressionContext): ExpressionValue {
  const spec = findFunction(node.name);
  if (!spec) throw new ExpressionError(`unknown function \`${node.name}\``, node.offset);
  if (spec.needsStatus && !ctx.status) {
    throw new ExpressionError(`\`${node.name}()\` is not available here`, node.offset);
  }
  const args = node.args.map((arg) => evaluate(arg, ctx));
  try {
    return spec.call(args, ctx.status);
  } catch (error) {
    if (error instanceof FunctionFailure) throw new ExpressionError(error.message, node.offset);
    throw error;
  }
}

/**
 * Values of the same type compare strictly; a number and a numeric string compare as
 * numbers; `null` equals only `null`; any other pair is unequal.
 */
function looselyEqual(a: ExpressionValue, b: ExpressionValue): boolean {
  if (typeof a === typeof b || a === null || b === null) return a === b;
  if (typeof a === 'number' && typeof b === 'string') return numericValue(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return numericValue(a) === b;
  return false;
}

/**
 * Orders two numbers, two strings (by UTF-16 code units, so case-sensitively), or a
 * number and a numeric string; any other pair is unordered and every comparison is false.
 */
function compare(
  a: ExpressionValue,
  b: ExpressionValue,
  test: (order: number) => boolean,
): boolean {
  const x = typeof a === 'string' && typeof b === 'number' ? numericValue(a) : a;
  const y = typeof b === 'string' && typeof a === 'number' ? numericValue(b) : b;
  if (typeof x === 'number' && typeof y === 'number') {
    return !Number.isNaN(x) && !Number.isNaN(y) && test(x < y ? -1 : x > y ? 1 : 0);
  }
  if (typeof x === 'string' && typeof y === 'string') return test(x < y ? -1 : x > y ? 1 : 0);
  return false;
}
