import type { LoadedPipeline } from '../pipeline/index.js';
import type { MakefileInference } from '../plan/plan.js';
import type { PipelineSpec, TaskSpec } from '../spec/pipeline-schema.js';
import { parseMakefileTargets } from './parse-makefile-targets.js';

/** The standard targets, by the stage they belong to. */
export const STANDARD_TARGETS = {
  setup: ['init'],
  checks: ['style', 'format', 'complexity', 'security-sast', 'security-dependency-scan'],
  checksUmbrella: 'security',
  tests: ['test-unit', 'test-functional', 'test-integration'],
  testsUmbrella: 'test',
  build: ['build'],
} as const;

export interface InferredPipeline {
  readonly pipeline: LoadedPipeline;
  readonly inference: MakefileInference;
}

/**
 * The default pipeline of a repository that has no pipeline file but follows the
 * Makefile convention: `init` first, then the checks in parallel, then the tests in
 * parallel, then `build`; each task runs `make TARGET`. Umbrella targets (`security`,
 * `test`) stand in only when none of the specific targets of their stage exist.
 * Returns null when the Makefile has none of the standard targets.
 */
export function inferMakefilePipeline(file: string, text: string): InferredPipeline | null {
  const defined = parseMakefileTargets(text);
  const has = (target: string) => defined.has(target);
  const reasons: string[] = [];

  const setup = STANDARD_TARGETS.setup.filter(has);
  if (setup.length) reasons.push('init: runs first, because the Makefile has an `init` target');

  const checks: string[] = STANDARD_TARGETS.checks.filter(has);
  const specificSecurity = checks.some((t) => t.startsWith('security-'));
  if (!specificSecurity && has(STANDARD_TARGETS.checksUmbrella)) {
    checks.push(STANDARD_TARGETS.checksUmbrella);
    reasons.push(
      'security: the umbrella target stands in, as there is no security-sast or security-dependency-scan',
    );
  }
  if (checks.length)
    reasons.push(
      `${checks.join(', ')}: checks, run in parallel${setup.length ? ' after init' : ''}`,
    );

  const tests: string[] = STANDARD_TARGETS.tests.filter(has);
  if (!tests.length && has(STANDARD_TARGETS.testsUmbrella)) {
    tests.push(STANDARD_TARGETS.testsUmbrella);
    reasons.push(
      'test: the umbrella target stands in, as there is no test-unit, test-functional or test-integration',
    );
  }
  const before = (stage: readonly string[], fallback: readonly string[]) =>
    stage.length ? stage : fallback;
  const testNeeds = before(checks, setup);
  if (tests.length) {
    reasons.push(
      `${tests.join(', ')}: tests, run in parallel${testNeeds.length ? ` after ${testNeeds.join(', ')}` : ''}`,
    );
  }
  const build = STANDARD_TARGETS.build.filter(has);
  const buildNeeds = before(tests, testNeeds);
  if (build.length)
    reasons.push(`build: runs last${buildNeeds.length ? `, after ${buildNeeds.join(', ')}` : ''}`);

  const missing = [
    ...STANDARD_TARGETS.setup,
    ...STANDARD_TARGETS.checks,
    ...STANDARD_TARGETS.tests,
    ...STANDARD_TARGETS.build,
  ].filter((t) => !has(t));
  const used = [...setup, ...checks, ...tests, ...build];
  if (used.length === 0) return null;
  if (missing.length) reasons.push(`not in the Makefile, so not run: ${missing.join(', ')}`);

  const task = (target: string, needs: readonly string[]): [string, TaskSpec] => [
    target,
    {
      steps: [{ name: `make ${target}`, run: `make ${target}` }],
      ...(needs.length ? { needs: [...needs] } : {}),
    },
  ];
  const spec: PipelineSpec = {
    name: 'default',
    tasks: Object.fromEntries([
      ...setup.map((t) => task(t, [])),
      ...checks.map((t) => task(t, setup)),
      ...tests.map((t) => task(t, testNeeds)),
      ...build.map((t) => task(t, buildNeeds)),
    ]),
  };
  const locate = (path: readonly (string | number)[]) => {
    const target = path[0] === 'tasks' && typeof path[1] === 'string' ? path[1] : undefined;
    return { line: (target === undefined ? undefined : defined.get(target)) ?? 1, column: 1 };
  };
  return {
    pipeline: { file, spec, source: { locate } },
    inference: { targets: used, reasons },
  };
}
