import type { MatrixValue } from '../plan/plan.js';
import type { MatrixSpec } from '../spec/pipeline-schema.js';
import type { Problems } from './problems.js';

/** The most combinations one matrix task may expand to. */
export const MATRIX_LIMIT = 1024;

export type Combination = Readonly<Record<string, MatrixValue>>;

/**
 * Expands a matrix into its combinations: the product of the axes in declaration order,
 * minus every combination an `exclude` entry matches, plus the `include` entries. An
 * include entry whose axis values match existing combinations adds its extra keys to
 * them; one that matches none is added as a combination of its own.
 */
export function expandMatrix(
  matrix: MatrixSpec,
  path: readonly (string | number)[],
  problems: Problems,
): Combination[] {
  const axes = Object.entries(matrix.axes);
  const axisNames = new Set(axes.map(([name]) => name));
  const size = axes.reduce((n, [, values]) => n * values.length, 1);
  if (size > MATRIX_LIMIT) {
    problems.add(
      [...path, 'axes'],
      `the matrix expands to ${size} combinations; the limit is ${MATRIX_LIMIT}: remove axis values or split the task`,
    );
    return [];
  }

  let combinations: Record<string, MatrixValue>[] = [{}];
  for (const [name, values] of axes) {
    combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }

  (matrix.exclude ?? []).forEach((entry, index) => {
    for (const key of Object.keys(entry)) {
      if (!axisNames.has(key)) {
        problems.add(
          [...path, 'exclude', index, key],
          `"${key}" is not a matrix axis; axes are ${[...axisNames].join(', ')}`,
        );
      }
    }
    combinations = combinations.filter((c) => !matches(c, entry));
  });

  for (const entry of matrix.include ?? []) {
    const onAxes = Object.fromEntries(Object.entries(entry).filter(([k]) => axisNames.has(k)));
    const extra = Object.entries(entry).filter(([k]) => !axisNames.has(k));
    const targets = combinations.filter((c) => matches(c, onAxes));
    if (targets.length > 0 && (extra.length > 0 || Object.keys(onAxes).length > 0)) {
      for (const target of targets) Object.assign(target, Object.fromEntries(extra));
    } else {
      combinations.push({ ...entry });
    }
  }

  if (combinations.length > MATRIX_LIMIT) {
    problems.add(
      path,
      `the matrix expands to ${combinations.length} combinations; the limit is ${MATRIX_LIMIT}`,
    );
    return [];
  }
  if (combinations.length === 0) {
    problems.add(path, 'the matrix has no combinations left after exclude');
  }
  return combinations;
}

function matches(combination: Combination, entry: Readonly<Record<string, MatrixValue>>): boolean {
  return Object.entries(entry).every(([key, value]) => combination[key] === value);
}

/** `test[node=20,os=linux]`: the task name plus the combination, keys sorted. */
export function matrixTaskId(name: string, combination: Combination): string {
  const parts = Object.keys(combination)
    .sort()
    .map((key) => `${key}=${String(combination[key])}`);
  return `${name}[${parts.join(',')}]`;
}
