import type { ParamValue } from '../plan/plan.js';
import type { ParamSpec } from '../spec/pipeline-schema.js';
import { didYouMean } from '../text/closest-match.js';
import type { Problems } from './problems.js';

/** A parameter value as given: typed (API) or a string to convert (`--param k=v`). */
export type GivenParam = string | number | boolean;

/**
 * Checks given values against the declared params and fills defaults. With
 * `requireAll` false (validation without a run), a missing required value gets a
 * placeholder of the right type instead of a problem.
 */
export function resolveParams(
  declared: Readonly<Record<string, ParamSpec>>,
  given: Readonly<Record<string, GivenParam>>,
  requireAll: boolean,
  problems: Problems,
): Record<string, ParamValue> {
  const values: Record<string, ParamValue> = {};
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name)) {
      const known = Object.keys(declared);
      problems.add(
        ['params'],
        `unknown parameter "${name}"${didYouMean(name, known)}; ` +
          (known.length
            ? `declared parameters: ${known.join(', ')}`
            : 'this pipeline declares none'),
      );
    }
  }
  for (const [name, spec] of Object.entries(declared)) {
    const raw = Object.hasOwn(given, name) ? given[name] : spec.default;
    if (raw === undefined) {
      if (requireAll) {
        problems.add(
          ['params', name],
          `parameter "${name}" is required: pass --param ${name}=VALUE`,
        );
      }
      values[name] = placeholder(spec);
      continue;
    }
    const value = convert(spec, raw);
    if (typeof value === 'string' && spec.type !== 'string' && spec.type !== 'enum') {
      problems.add(['params', name], `parameter "${name}": ${value}`);
      values[name] = placeholder(spec);
    } else if (spec.type === 'enum' && !spec.values.includes(String(value))) {
      problems.add(
        ['params', name],
        `parameter "${name}" must be one of ${spec.values.join(', ')}; got "${String(value)}"`,
      );
      values[name] = placeholder(spec);
    } else {
      values[name] = value;
    }
  }
  return values;
}

/** The typed value, or for number/boolean params a string explaining the problem. */
function convert(spec: ParamSpec, raw: GivenParam): ParamValue {
  switch (spec.type) {
    case 'string':
    case 'enum':
      return String(raw);
    case 'number': {
      const n = typeof raw === 'number' ? raw : Number(raw);
      return typeof raw !== 'boolean' && String(raw).trim() !== '' && Number.isFinite(n)
        ? n
        : `expected a number, got "${String(raw)}"`;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const text = String(raw).toLowerCase();
      if (['true', 'yes', '1'].includes(text)) return true;
      if (['false', 'no', '0'].includes(text)) return false;
      return `expected true or false, got "${String(raw)}"`;
    }
  }
}

function placeholder(spec: ParamSpec): ParamValue {
  switch (spec.type) {
    case 'string':
      return '';
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'enum':
      return spec.values[0] ?? '';
  }
}
