import {
  evaluateExpression,
  parseTemplate,
  referencedPaths,
  valueToString,
  type Expression,
  type TemplateSegment,
} from '../expressions/index.js';
import type { TemplateProvenance } from '../plan/plan.js';
import type { TaskSpec } from '../spec/pipeline-schema.js';
import { didYouMean } from '../text/closest-match.js';
import {
  type ResolvedTemplates,
  describeUses,
  templateKey,
} from '../templates/resolved-template.js';
import { Problems } from './problems.js';

type InputValue = string | number | boolean;

/** A task with its template inlined: the template's body under the task's own keys. */
export interface InlinedTask {
  readonly spec: TaskSpec;
  /** Env from the template (inputs as INPUT_* first), below the task's own env. */
  readonly templateEnv: Readonly<Record<string, string>>;
  readonly provenance: TemplateProvenance | null;
  /** Problems found inside the template file, reported against that file. */
  readonly templateProblems: Problems | null;
}

/**
 * Inlines the template a task `uses`. Keys the task sets itself win over the template's;
 * env is merged (task over template). Template inputs are checked against `with` and
 * substituted where the template writes `${{ inputs.x }}`; each input also reaches the
 * steps as `INPUT_X`. Other expressions in the template stay for the compiler to check.
 */
export function applyTemplate(
  task: TaskSpec,
  path: readonly (string | number)[],
  templates: ResolvedTemplates,
  problems: Problems,
): InlinedTask {
  if (task.uses === undefined) {
    return { spec: task, templateEnv: {}, provenance: null, templateProblems: null };
  }
  const resolved = templates.get(templateKey(task.uses));
  if (!resolved) {
    problems.add([...path, 'uses'], `template ${describeUses(task.uses)} was not loaded`);
    return { spec: task, templateEnv: {}, provenance: null, templateProblems: null };
  }
  const { template } = resolved;
  const templateProblems = new Problems(template.file, template.source);
  if (task.steps) {
    problems.add(
      [...path, 'steps'],
      'a task with `uses` takes its steps from the template: remove `steps` or `uses`',
    );
  }

  const declared = template.spec.inputs ?? {};
  const inputs: Record<string, InputValue> = {};
  for (const [name, value] of Object.entries(task.with ?? {})) {
    const input = declared[name];
    if (!input) {
      const known = Object.keys(declared);
      problems.add(
        [...path, 'with', name],
        `the template has no input "${name}"${didYouMean(name, known)}` +
          (known.length ? `; its inputs are ${known.join(', ')}` : '; it declares none'),
      );
    } else if (input.type !== undefined && input.type !== 'string' && typeof value !== input.type) {
      problems.add([...path, 'with', name], `input "${name}" must be a ${input.type}`);
    } else {
      inputs[name] = value;
    }
  }
  for (const [name, input] of Object.entries(declared)) {
    if (Object.hasOwn(inputs, name)) continue;
    if (input.default !== undefined) inputs[name] = input.default;
    else if (input.required === true) {
      problems.add([...path, 'with'], `the template needs input "${name}": add it under \`with\``);
    }
  }

  const substitute = (text: string, at: readonly (string | number)[]): string =>
    substituteInputs(text, inputs, at, templateProblems);
  const body = template.spec.task;
  const templateEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) {
    templateEnv[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`] = String(value);
  }
  for (const [name, value] of Object.entries(body.env ?? {})) {
    templateEnv[name] = substitute(String(value), ['task', 'env', name]);
  }
  const steps = body.steps?.map((step, index) =>
    typeof step === 'string'
      ? step
      : {
          ...step,
          env: step.env
            ? Object.fromEntries(
                Object.entries(step.env).map(([k, v]) => [
                  k,
                  substitute(String(v), ['task', 'steps', index, 'env', k]),
                ]),
              )
            : undefined,
        },
  );
  const image = task.image ?? body.image;
  const spec: TaskSpec = {
    ...task,
    image:
      image !== undefined && task.image === undefined
        ? substitute(image, ['task', 'image'])
        : image,
    'runs-on': task['runs-on'] ?? body['runs-on'],
    timeout: task.timeout ?? body.timeout,
    retries: task.retries ?? body.retries,
    results: task.results ?? body.results,
    reports: task.reports ?? body.reports,
    artifacts: task.artifacts ?? body.artifacts,
    steps,
  };
  return { spec, templateEnv, provenance: resolved.provenance, templateProblems };
}

/**
 * Replaces each `${{ }}` segment that reads only `inputs` by its value, keeping every
 * other segment as written so it is checked and evaluated like any pipeline expression.
 */
function substituteInputs(
  text: string,
  inputs: Readonly<Record<string, InputValue>>,
  path: readonly (string | number)[],
  problems: Problems,
): string {
  let segments: TemplateSegment[];
  try {
    segments = parseTemplate(text);
  } catch {
    return text;
  }
  return segments
    .map((segment) => {
      if ('literal' in segment) return segment.literal;
      if (!readsOnlyInputs(segment.expression)) return `\${{ ${segment.expression.source} }}`;
      try {
        return valueToString(evaluateExpression(segment.expression, { inputs }));
      } catch (error) {
        problems.add(path, (error as Error).message);
        return '';
      }
    })
    .join('');
}

function readsOnlyInputs(expression: Expression): boolean {
  const paths = referencedPaths(expression);
  return paths.length > 0 && paths.every((p) => p[0] === 'inputs');
}
