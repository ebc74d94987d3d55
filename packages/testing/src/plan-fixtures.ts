import type { Plan, PlanStep, PlanTask } from '@slipway/core';

/**
 * A step named `name` that runs `echo <name>` with `sh -c`, no env, no timeout, and fails
 * its task when it fails. `overrides` replace any of those.
 */
export function planStep(name: string, overrides: Partial<PlanStep> = {}): PlanStep {
  return {
    name,
    run: `echo ${name}`,
    shell: ['sh', '-c'],
    env: {},
    timeoutMs: null,
    continueOnError: false,
    ...overrides,
  };
}

/** One {@link planStep} per script, named `step-0`, `step-1`, ... in order. */
export function planSteps(...runs: string[]): PlanStep[] {
  return runs.map((run, i) => planStep(`step-${i}`, { run }));
}

/**
 * A main task whose name is its id: no needs, no condition, no image or labels, no env,
 * no timeout, no retries, no declared outputs, and one step, `planStep('main')`.
 * `overrides` replace any of those.
 */
export function planTask(id: string, overrides: Partial<PlanTask> = {}): PlanTask {
  return {
    id,
    name: id,
    kind: 'main',
    matrix: null,
    needs: [],
    when: null,
    image: null,
    runsOn: [],
    env: {},
    steps: [planStep('main')],
    timeoutMs: null,
    retries: { count: 0, backoffMs: 0, maxBackoffMs: 0 },
    results: [],
    reports: [],
    artifacts: [],
    template: null,
    matrixGroup: null,
    ...overrides,
  };
}

/**
 * A plan of `tasks` for pipeline `ci` from `.slipway.yml`, started by a push to `main`,
 * with no params, no run timeout and no concurrency group. `overrides` replace any of those.
 */
export function testPlan(tasks: readonly PlanTask[], overrides: Partial<Plan> = {}): Plan {
  return {
    schemaVersion: 1,
    pipeline: 'ci',
    source: { file: '.slipway.yml' },
    params: {},
    trigger: { event: 'push', branch: 'main' },
    timeoutMs: null,
    concurrency: null,
    tasks,
    ...overrides,
  };
}
