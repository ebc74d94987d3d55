import { findCycle } from '../dag/find-cycle.js';
import { topologicalOrder } from '../dag/topological-order.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { interpolate, parseTemplate } from '../expressions/index.js';
import type { LoadedPipeline } from '../pipeline/index.js';
import {
  APPROVAL_RESULTS,
  TaskKind,
  TriggerEvent,
  type ConcurrencyPolicy,
  type MakefileInference,
  type ParamValue,
  type Plan,
  type PlanStep,
  type PlanTask,
  type RetryPolicy,
  type TriggerFacts,
} from '../plan/plan.js';
import {
  NAME_PATTERN,
  type PipelineSpec,
  type StepSpec,
  type TaskSpec,
} from '../spec/pipeline-schema.js';
import { didYouMean } from '../text/closest-match.js';
import type { ResolvedTemplates } from '../templates/resolved-template.js';
import { applyTemplate, type InlinedTask } from './apply-template.js';
import {
  checkExpression,
  parseConditionAt,
  parseTemplateAt,
  type ExpressionScope,
  type TaskVisibility,
} from './check-expression.js';
import { checkTriggers } from './check-triggers.js';
import { durationToMs } from './durations.js';
import { expandMatrix, matrixTaskId, type Combination } from './expand-matrix.js';
import { Problems } from './problems.js';
import { resolveParams, type GivenParam } from './resolve-params.js';
import { shellArgv } from './shells.js';

/** How long a run may take when the pipeline sets no `timeout`. */
export const DEFAULT_RUN_TIMEOUT_MS = 6 * 3_600_000;
const DEFAULT_MAX_BACKOFF_MS = 10 * 60_000;

export interface CompileOptions {
  /** Parameter values of the run; strings are converted to the declared type. */
  readonly params?: Readonly<Record<string, GivenParam>>;
  readonly trigger?: TriggerFacts;
  /** Every template the pipeline `uses`, fetched beforehand. */
  readonly templates?: ResolvedTemplates;
  /** When false (validation), missing required params get placeholders. Default true. */
  readonly requireParams?: boolean;
  /** Set when the pipeline was inferred from a Makefile. */
  readonly inferredFrom?: MakefileInference;
}

export type CompileResult =
  | { readonly ok: true; readonly plan: Plan }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

type Path = readonly (string | number)[];

interface TaskEntry {
  readonly name: string;
  readonly kind: TaskKind;
  readonly path: Path;
  readonly inlined: InlinedTask;
}

/**
 * Compiles a validated pipeline into a {@link Plan}: inlines templates, checks `needs`
 * and every expression, expands matrices and fills defaults. Pure: the same input gives
 * the same plan, and bad input gives diagnostics, never an exception.
 */
export function compilePipeline(
  pipeline: LoadedPipeline,
  options: CompileOptions = {},
): CompileResult {
  const { spec } = pipeline;
  const problems = new Problems(pipeline.file, pipeline.source);
  const params = resolveParams(
    spec.params ?? {},
    options.params ?? {},
    options.requireParams ?? true,
    problems,
  );
  const trigger = options.trigger ?? { event: TriggerEvent.Manual };
  checkTriggers(spec.on, problems);

  if (spec.name === undefined && !NAME_PATTERN.test(pipelineNameFromFile(pipeline.file))) {
    problems.add(
      [],
      `the file name makes the pipeline's name "${pipelineNameFromFile(pipeline.file)}", but names start with a letter and use only letters, digits, "-" and "_": rename the file or set \`name\``,
    );
  }
  const entries = collectTasks(spec, options.templates ?? new Map(), problems);
  const byName = new Map(entries.map((e) => [e.name, e]));
  checkNeeds(entries, byName, problems);

  const paramNames = new Set(Object.keys(spec.params ?? {}));
  const visibility = taskVisibility(entries, byName);
  const ids = new Map<string, string[]>();
  const tasks: PlanTask[] = [];
  for (const entry of entries) {
    const built = buildTasks(entry, spec, { params, trigger }, paramNames, visibility, problems);
    ids.set(
      entry.name,
      built.map((t) => t.id),
    );
    tasks.push(...built);
  }
  const concurrency = compileConcurrency(spec, params, trigger, paramNames, problems);

  const diagnostics = [
    ...problems.list,
    ...entries.flatMap((e) => e.inlined.templateProblems?.list ?? []),
  ];
  if (diagnostics.length > 0) return { ok: false, diagnostics };

  const expanded = tasks.map((t) => ({
    ...t,
    needs: t.needs.flatMap((name) => ids.get(name) ?? []),
  }));
  const plan: Plan = {
    schemaVersion: 1,
    pipeline: spec.name ?? pipelineNameFromFile(pipeline.file),
    source: options.inferredFrom
      ? { file: pipeline.file, inferredFrom: options.inferredFrom }
      : { file: pipeline.file },
    params,
    trigger,
    timeoutMs: spec.timeout === undefined ? DEFAULT_RUN_TIMEOUT_MS : durationToMs(spec.timeout),
    concurrency,
    tasks: [
      ...inDependencyOrder(expanded.filter((t) => t.kind === TaskKind.Main)),
      ...inDependencyOrder(expanded.filter((t) => t.kind === TaskKind.Finally)),
    ],
  };
  return { ok: true, plan: deepFreeze(plan) };
}

/** `.slipway/deploy.yml` → `deploy`; `.slipway.yml` → `default`. */
export function pipelineNameFromFile(file: string): string {
  const base = file.split('/').pop() ?? file;
  const stem = base.replace(/\.(ya?ml)$/, '');
  return stem === '.slipway' || stem === '' ? 'default' : stem;
}

function collectTasks(
  spec: PipelineSpec,
  templates: ResolvedTemplates,
  problems: Problems,
): TaskEntry[] {
  const entries: TaskEntry[] = [];
  const add = (tasks: Record<string, TaskSpec> | undefined, kind: TaskKind, key: string) => {
    for (const [name, task] of Object.entries(tasks ?? {})) {
      const path = [key, name];
      if (kind === TaskKind.Finally && Object.hasOwn(spec.tasks, name)) {
        problems.add(
          path,
          `"${name}" is already a task under \`tasks\`: give the finally task another name`,
        );
        continue;
      }
      const inlined =
        task.approval === undefined
          ? applyTemplate(task, path, templates, problems)
          : checkApprovalTask(task, path, problems);
      entries.push({ name, kind, path, inlined });
    }
  };
  add(spec.tasks, TaskKind.Main, 'tasks');
  add(spec.finally, TaskKind.Finally, 'finally');
  if (Object.keys(spec.tasks).length === 0)
    problems.add(['tasks'], 'the pipeline has no tasks: add one under `tasks`');
  return entries;
}

/** Keys an approval task may have besides `approval`. */
const APPROVAL_KEYS: ReadonlySet<string> = new Set(['approval', 'needs', 'when', 'timeout']);

/** An approval task runs nothing: every key about running something is a mistake. */
function checkApprovalTask(task: TaskSpec, path: Path, problems: Problems): InlinedTask {
  for (const key of Object.keys(task)) {
    if (APPROVAL_KEYS.has(key)) continue;
    problems.add(
      [...path, key],
      `an approval task waits for a person and runs nothing, so it cannot have \`${key}\`: ` +
        'remove it (an approval task takes only needs, when and timeout), or move the work to a task that needs this one',
    );
  }
  return { spec: task, templateEnv: {}, provenance: null, templateProblems: null };
}

function checkNeeds(
  entries: readonly TaskEntry[],
  byName: ReadonlyMap<string, TaskEntry>,
  problems: Problems,
): void {
  for (const kind of [TaskKind.Main, TaskKind.Finally]) {
    const sameKind = entries.filter((e) => e.kind === kind);
    const names = sameKind.map((e) => e.name);
    for (const entry of sameKind) {
      (entry.inlined.spec.needs ?? []).forEach((need, index) => {
        const target = byName.get(need);
        const at = [...entry.path, 'needs', index];
        if (!target) {
          const others = names.filter((n) => n !== entry.name);
          problems.add(at, `unknown task "${need}"${didYouMean(need, others)}`);
        } else if (target.kind !== kind) {
          problems.add(
            at,
            kind === TaskKind.Finally
              ? `finally tasks run after every task has settled: remove "${need}" from needs`
              : `"${need}" is a finally task; tasks cannot need finally tasks`,
          );
        }
      });
    }
    const cycle = findCycle(new Map(sameKind.map((e) => [e.name, e.inlined.spec.needs ?? []])));
    if (cycle) {
      const first = byName.get(cycle[0] ?? '');
      problems.add(
        [...(first?.path ?? []), 'needs'],
        `tasks need each other in a cycle: ${cycle.join(' → ')}`,
      );
    }
  }
}

/** Which tasks each task may read through `tasks.NAME`: those it needs, directly or not. */
function taskVisibility(entries: readonly TaskEntry[], byName: ReadonlyMap<string, TaskEntry>) {
  const names = entries.map((e) => e.name);
  const resultsOf = (name: string) => {
    const entry = byName.get(name);
    if (entry?.inlined.spec.approval) return APPROVAL_RESULTS;
    return entry?.inlined.spec.matrix ? null : (entry?.inlined.spec.results ?? []);
  };
  return (reader: TaskEntry): TaskVisibility => ({
    names,
    resultsOf,
    canRead(name) {
      const target = byName.get(name);
      if (!target) return 'unknown';
      if (reader.kind === TaskKind.Finally && target.kind === TaskKind.Main) return 'ok';
      return target.kind === reader.kind && needsTransitively(reader, name, byName)
        ? 'ok'
        : 'not-needed';
    },
  });
}

function needsTransitively(
  from: TaskEntry,
  target: string,
  byName: ReadonlyMap<string, TaskEntry>,
): boolean {
  const direct = from.inlined.spec.needs ?? [];
  if (direct.includes(target)) return true;
  const seen = new Set<string>();
  const stack = [...direct];
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    if (name === target) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...(byName.get(name)?.inlined.spec.needs ?? []));
  }
  return false;
}

interface RunFacts {
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly trigger: TriggerFacts;
}

function buildTasks(
  entry: TaskEntry,
  pipeline: PipelineSpec,
  facts: RunFacts,
  paramNames: ReadonlySet<string>,
  visibility: (reader: TaskEntry) => TaskVisibility,
  problems: Problems,
): PlanTask[] {
  const { spec } = entry.inlined;
  const path = entry.path;
  if (spec.approval) return [buildApprovalTask(entry, visibility, paramNames, problems)];
  if (!spec.steps) {
    problems.add(path, 'a task needs `steps` (or `uses` a template that has them)');
    return [];
  }
  const steps = spec.steps;
  const combinations: (Combination | null)[] = spec.matrix
    ? expandMatrix(spec.matrix, [...path, 'matrix'], problems)
    : [null];
  const matrixKeys = spec.matrix
    ? new Set(combinations.flatMap((c) => Object.keys(c ?? {})))
    : null;
  const runtimeScope: ExpressionScope = {
    params: paramNames,
    matrixKeys,
    tasks: visibility(entry),
    statusFunctions: false,
  };
  const compileTimeScope: ExpressionScope = { ...runtimeScope, tasks: null };

  const env = {
    ...stringValues(pipeline.env),
    ...entry.inlined.templateEnv,
    ...stringValues(spec.env),
  };
  checkEnv(env, runtimeScope, [...path, 'env'], problems);
  if (spec.when !== undefined && typeof spec.when === 'string') {
    const condition = parseConditionAt(spec.when, [...path, 'when'], problems);
    if (condition)
      checkExpression(
        condition,
        { ...runtimeScope, statusFunctions: true },
        [...path, 'when'],
        problems,
      );
  }
  const planSteps = steps.map((step, index) =>
    compileStep(step, [...path, 'steps', index], runtimeScope, problems),
  );
  const image = spec.image;
  if (image !== undefined) checkTemplate(image, compileTimeScope, [...path, 'image'], problems);
  const labels = spec['runs-on'] ?? [];
  labels.forEach((label, i) => {
    checkTemplate(label, compileTimeScope, [...path, 'runs-on', i], problems);
  });

  const retries = compileRetries(spec);
  const when =
    spec.when === undefined
      ? entry.kind === TaskKind.Finally
        ? 'always()'
        : null
      : String(spec.when);
  const group = spec.matrix
    ? {
        name: entry.name,
        maxParallel: spec.matrix['max-parallel'] ?? null,
        failFast: spec.matrix['fail-fast'] ?? true,
      }
    : null;

  return combinations.map((combination) => {
    const context = {
      params: facts.params,
      trigger: { ...facts.trigger },
      matrix: combination ?? {},
    };
    const evaluate = (text: string, at: Path) => {
      try {
        return interpolate(parseTemplate(text), context);
      } catch (error) {
        problems.add(at, (error as Error).message);
        return text;
      }
    };
    const matrixEnv: Record<string, string> = {};
    for (const [key, value] of Object.entries(combination ?? {})) {
      matrixEnv[`MATRIX_${key.toUpperCase().replace(/-/g, '_')}`] = String(value);
    }
    return {
      id: combination ? matrixTaskId(entry.name, combination) : entry.name,
      name: entry.name,
      kind: entry.kind,
      matrix: combination,
      needs: spec.needs ?? [],
      when,
      image: image === undefined ? null : evaluate(image, [...path, 'image']),
      runsOn: labels.map((label, i) => evaluate(label, [...path, 'runs-on', i])),
      env: { ...matrixEnv, ...env },
      steps: planSteps,
      timeoutMs: spec.timeout === undefined ? null : durationToMs(spec.timeout),
      retries,
      results: spec.results ?? [],
      reports: spec.reports ?? [],
      artifacts: spec.artifacts ?? [],
      template: entry.inlined.provenance,
      matrixGroup: group,
    };
  });
}

function buildApprovalTask(
  entry: TaskEntry,
  visibility: (reader: TaskEntry) => TaskVisibility,
  paramNames: ReadonlySet<string>,
  problems: Problems,
): PlanTask {
  const { spec } = entry.inlined;
  const approval = spec.approval ?? {};
  if (typeof spec.when === 'string') {
    const at = [...entry.path, 'when'];
    const condition = parseConditionAt(spec.when, at, problems);
    const scope: ExpressionScope = {
      params: paramNames,
      matrixKeys: null,
      tasks: visibility(entry),
      statusFunctions: true,
    };
    if (condition) checkExpression(condition, scope, at, problems);
  }
  const approvers = approval.approvers ?? null;
  return {
    id: entry.name,
    name: entry.name,
    kind: entry.kind,
    matrix: null,
    needs: spec.needs ?? [],
    when:
      spec.when === undefined
        ? entry.kind === TaskKind.Finally
          ? 'always()'
          : null
        : String(spec.when),
    image: null,
    runsOn: [],
    env: {},
    steps: [],
    timeoutMs: spec.timeout === undefined ? null : durationToMs(spec.timeout),
    retries: compileRetries(spec),
    results: [...APPROVAL_RESULTS],
    reports: [],
    artifacts: [],
    template: null,
    matrixGroup: null,
    approval: {
      message: approval.message ?? null,
      approvers: approvers === null ? null : [...new Set(approvers)],
    },
  };
}

function compileStep(
  step: StepSpec,
  path: Path,
  scope: ExpressionScope,
  problems: Problems,
): PlanStep {
  const body = typeof step === 'string' ? { run: step } : step;
  const runPath = typeof step === 'string' ? path : [...path, 'run'];
  const match = /\$\{\{\s*(.*?)\s*\}\}/s.exec(body.run);
  if (match) {
    const expression = match[1] ?? '';
    const variable = envNameFor(expression);
    problems.add(
      runPath,
      `\${{ ${expression} }} cannot be used inside \`run\`: values reach scripts only as environment variables. ` +
        `Add \`env: { ${variable}: "\${{ ${expression} }}" }\` to the step or task and write "$${variable}" in the script`,
    );
  }
  const env = stringValues(typeof step === 'string' ? undefined : step.env);
  checkEnv(env, scope, [...path, 'env'], problems);
  return {
    name: (typeof step === 'string' ? undefined : step.name) ?? defaultStepName(body.run),
    run: body.run,
    shell: shellArgv(typeof step === 'string' ? undefined : step.shell),
    env,
    timeoutMs:
      typeof step === 'string' || step.timeout === undefined ? null : durationToMs(step.timeout),
    continueOnError: typeof step === 'string' ? false : (step['continue-on-error'] ?? false),
  };
}

function checkEnv(
  env: Readonly<Record<string, string>>,
  scope: ExpressionScope,
  path: Path,
  problems: Problems,
): void {
  for (const [name, value] of Object.entries(env))
    checkTemplate(value, scope, [...path, name], problems);
}

function checkTemplate(text: string, scope: ExpressionScope, path: Path, problems: Problems): void {
  if (!text.includes('${{')) return;
  for (const expression of parseTemplateAt(text, path, problems)) {
    checkExpression(expression, scope, path, problems);
  }
}

function compileRetries(spec: TaskSpec): RetryPolicy {
  const retries = spec.retries;
  if (retries === undefined) return { count: 0, backoffMs: 0, maxBackoffMs: 0 };
  if (typeof retries === 'number') return { count: retries, backoffMs: 0, maxBackoffMs: 0 };
  return {
    count: retries.count,
    backoffMs: retries.backoff === undefined ? 0 : durationToMs(retries.backoff),
    maxBackoffMs:
      retries['max-backoff'] === undefined
        ? DEFAULT_MAX_BACKOFF_MS
        : durationToMs(retries['max-backoff']),
  };
}

function compileConcurrency(
  spec: PipelineSpec,
  params: Readonly<Record<string, ParamValue>>,
  trigger: TriggerFacts,
  paramNames: ReadonlySet<string>,
  problems: Problems,
): ConcurrencyPolicy | null {
  const concurrency = spec.concurrency;
  if (concurrency === undefined) return null;
  const body = typeof concurrency === 'string' ? { group: concurrency } : concurrency;
  const path = typeof concurrency === 'string' ? ['concurrency'] : ['concurrency', 'group'];
  const scope: ExpressionScope = {
    params: paramNames,
    matrixKeys: null,
    tasks: null,
    statusFunctions: false,
  };
  checkTemplate(body.group, scope, path, problems);
  let group = body.group;
  try {
    group = interpolate(parseTemplate(body.group), { params, trigger: { ...trigger } });
  } catch {
    // Already reported by checkTemplate.
  }
  return {
    group,
    limit: 'limit' in body && body.limit !== undefined ? body.limit : 1,
    cancelInProgress: 'cancel-in-progress' in body ? (body['cancel-in-progress'] ?? false) : false,
  };
}

function inDependencyOrder(tasks: PlanTask[]): PlanTask[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return topologicalOrder(new Map(tasks.map((t) => [t.id, t.needs]))).flatMap((id) => {
    const task = byId.get(id);
    return task ? [task] : [];
  });
}

function stringValues(
  env: Readonly<Record<string, string | number | boolean>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? {})) out[name] = String(value);
  return out;
}

function defaultStepName(run: string): string {
  const firstLine = run.trim().split('\n')[0] ?? '';
  return firstLine.length > 60 ? `${firstLine.slice(0, 57)}...` : firstLine;
}

/** `params.version` → `VERSION`; `tasks.build.results.image-tag` → `IMAGE_TAG`. */
function envNameFor(expression: string): string {
  const last = /([A-Za-z_][A-Za-z0-9_-]*)\W*$/.exec(expression)?.[1] ?? 'VALUE';
  return last.toUpperCase().replace(/-/g, '_');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
