import type { z } from 'zod';
import type { Diagnostic } from '../errors/diagnostic.js';
import { formatKeyPath } from '../errors/key-path.js';
import { closestMatch } from '../text/closest-match.js';
import {
  describeFound,
  expectedPhrase,
  isPlainObject,
  joinOr,
  previewScalar,
} from './describe-value.js';
import type { ParseResult, SourceLocator } from './parse-result.js';

type Path = readonly (string | number)[];
type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

/** Keys each strict object declares, keyed by the input object that had unknown keys. */
type KnownKeys = Map<object, readonly string[]>;

interface Finding {
  readonly path: Path;
  readonly message: string;
  /** Set on "unknown key" findings that suggest a key. */
  readonly suggests?: string;
  /** Set on "add the required key" findings. */
  readonly missing?: boolean;
}

/**
 * Validates `data` against `schema` and turns every problem into a {@link Diagnostic} at
 * the offending key, with a message that says what to write instead.
 */
export function validateWithSchema<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file: string,
  source: SourceLocator,
): ParseResult<z.output<S>> {
  const knownKeys: KnownKeys = new Map();
  const result = schema.safeParse(data, { error: (issue) => expectation(issue, knownKeys) });
  if (result.success) return { ok: true, value: result.data };
  const findings: Finding[] = [];
  for (const issue of result.error.issues) collect(issue, [], data, knownKeys, findings);
  return { ok: false, diagnostics: toDiagnostics(findings, file, source) };
}

/** The first half of each message, written while zod still knows the schema and input. */
function expectation(issue: RawIssue, knownKeys: KnownKeys): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      const schema = owningSchema(issue);
      const phrase =
        issue.expected === 'int' || schema === undefined
          ? describeExpected(issue.expected)
          : expectedPhrase(schema);
      const key = issue.path?.at(-1);
      if (issue.input === undefined && typeof key === 'string') {
        return `add the required key "${key}" (${phrase})`;
      }
      return `expected ${phrase}`;
    }
    case 'invalid_union': {
      if (issue.errors.length === 0 && issue.discriminator !== undefined) {
        const allowed = joinOr(unionOptions(issue).map((o) => JSON.stringify(o)));
        const present =
          isPlainObject(issue.input) && Object.hasOwn(issue.input, issue.discriminator);
        return present
          ? `must be one of ${allowed}`
          : `add the required key "${issue.discriminator}" (one of ${allowed})`;
      }
      const schema = owningSchema(issue);
      return schema === undefined ? undefined : `expected ${expectedPhrase(schema)}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${joinOr(issue.values.map((v) => JSON.stringify(v)))}`;
    case 'too_small':
      return sizeMessage('at least', 'greater than', issue.origin, issue.minimum, issue.inclusive);
    case 'too_big':
      return sizeMessage('at most', 'less than', issue.origin, issue.maximum, issue.inclusive);
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys': {
      const schema = owningSchema(issue);
      if (schema?._zod.def.type === 'object' && isPlainObject(issue.input)) {
        knownKeys.set(issue.input, Object.keys((schema as z.core.$ZodObject)._zod.def.shape));
      }
      return undefined;
    }
    case 'invalid_format':
      return `is not a valid ${issue.format}`;
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return undefined;
  }
}

/** The discriminator values a discriminated union accepts; empty for other unions. */
function unionOptions(issue: object): unknown[] {
  return 'options' in issue && Array.isArray(issue.options) ? (issue.options as unknown[]) : [];
}

function owningSchema(issue: RawIssue): z.core.$ZodType | undefined {
  const inst = issue.inst;
  if (inst !== undefined && 'type' in inst._zod.def) return inst as z.core.$ZodType;
  return issue.schema;
}

function describeExpected(expected: string): string {
  if (expected === 'int') return 'a whole number';
  if (expected === 'object' || expected === 'record') return 'a mapping';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function sizeMessage(
  inclusiveWord: string,
  exclusiveWord: string,
  origin: string,
  limit: number | bigint,
  inclusive: boolean | undefined,
): string {
  const n = Number(limit);
  if (origin === 'string') {
    return inclusiveWord === 'at least' && n === 1
      ? 'must not be empty'
      : `must be ${inclusiveWord} ${String(n)} characters long`;
  }
  if (origin === 'array') {
    return inclusiveWord === 'at least' && n === 1
      ? 'must list at least one item'
      : `must list ${inclusiveWord} ${String(n)} items`;
  }
  return `must be ${inclusive === false ? exclusiveWord : inclusiveWord} ${String(n)}`;
}

/** Flattens one zod issue into findings, choosing the union branch the input was meant for. */
function collect(
  issue: Issue,
  prefix: Path,
  data: unknown,
  knownKeys: KnownKeys,
  out: Finding[],
): void {
  const path = [...prefix, ...issue.path.map(toSegment)];
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'invalid_union': {
      if (issue.errors.length === 0) {
        const options = unionOptions(issue).map(String);
        out.push({ path, message: withFound(issue.message, value, options) });
        return;
      }
      const fitting = issue.errors.filter((branch) => fitsType(branch, path, data));
      const best = fitting.reduce<Issue[] | undefined>(
        (chosen, branch) =>
          chosen === undefined || branch.length < chosen.length ? branch : chosen,
        undefined,
      );
      if (best === undefined) {
        out.push({ path, message: `${issue.message}, got ${describeFound(value)}` });
        return;
      }
      for (const inner of best) collect(inner, path, data, knownKeys, out);
      return;
    }
    case 'unrecognized_keys': {
      const known = isPlainObject(value) ? (knownKeys.get(value) ?? []) : [];
      for (const key of issue.keys) {
        const suggests = closestMatch(key, known);
        const message =
          suggests === undefined
            ? `unknown key "${key}"; ${known.length > 0 ? `the keys allowed here are ${known.join(', ')}` : 'remove it'}`
            : `unknown key "${key}"; did you mean "${suggests}"?`;
        out.push(
          suggests === undefined
            ? { path: [...path, key], message }
            : { path: [...path, key], message, suggests },
        );
      }
      return;
    }
    case 'invalid_key': {
      const reasons = issue.issues.map((inner) => inner.message);
      out.push({ path, message: reasons.join('; ') });
      return;
    }
    case 'invalid_type':
      out.push(
        value === undefined
          ? { path, message: issue.message, missing: true }
          : { path, message: `${issue.message}, got ${describeFound(value)}` },
      );
      return;
    case 'invalid_value':
      out.push({ path, message: withFound(issue.message, value, issue.values.map(String)) });
      return;
    case 'too_small':
    case 'too_big':
      out.push({
        path,
        message: issue.origin === 'number' ? withFound(issue.message, value, []) : issue.message,
      });
      return;
    case 'invalid_format':
    case 'not_multiple_of':
    case 'custom':
      out.push({ path, message: withFound(issue.message, value, []) });
      return;
    case 'invalid_element':
      out.push({ path, message: issue.message });
      return;
  }
}

/** False when the branch rejected the input's type outright (a string where a list goes). */
function fitsType(branch: readonly Issue[], path: Path, data: unknown): boolean {
  const value = valueAt(data, path);
  return !branch.some((issue) => {
    if (issue.path.length > 0) return false;
    switch (issue.code) {
      case 'invalid_type':
        return true;
      case 'invalid_value':
        return !issue.values.some((allowed) => typeof allowed === typeof value);
      case 'invalid_union':
        return (
          issue.errors.length > 0 && issue.errors.every((inner) => !fitsType(inner, path, data))
        );
      case 'too_big':
      case 'too_small':
      case 'invalid_format':
      case 'not_multiple_of':
      case 'unrecognized_keys':
      case 'invalid_key':
      case 'invalid_element':
      case 'custom':
        return false;
    }
  });
}

function withFound(message: string, value: unknown, allowed: readonly string[]): string {
  const shown = previewScalar(value);
  if (shown === undefined) return message;
  const suggests = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
  return `${message} (got ${shown})${suggests === undefined ? '' : `; did you mean "${suggests}"?`}`;
}

function toDiagnostics(
  findings: readonly Finding[],
  file: string,
  source: SourceLocator,
): Diagnostic[] {
  const suggested = new Set(
    findings.flatMap((f) =>
      f.suggests === undefined ? [] : [formatKeyPath([...f.path.slice(0, -1), f.suggests])],
    ),
  );
  const seen = new Set<string>();
  const located: (Diagnostic & { readonly order: number })[] = [];
  for (const finding of findings) {
    const key = formatKeyPath(finding.path);
    // "unknown key "rn"; did you mean "run"?" already tells the user how to add `run`.
    if (finding.missing === true && suggested.has(key)) continue;
    if (seen.has(`${key}\0${finding.message}`)) continue;
    seen.add(`${key}\0${finding.message}`);
    const { line, column } = source.locate(finding.path);
    located.push({ file, line, column, key, message: finding.message, order: located.length });
  }
  located.sort((a, b) => a.line - b.line || a.column - b.column || a.order - b.order);
  return located.map(({ order: _order, ...diagnostic }) => diagnostic);
}

function valueAt(data: unknown, path: Path): unknown {
  let current = data;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') {
      current = current[segment];
    } else if (isPlainObject(current) && Object.hasOwn(current, String(segment))) {
      current = current[String(segment)];
    } else {
      return undefined;
    }
  }
  return current;
}

function toSegment(key: PropertyKey): string | number {
  return typeof key === 'number' ? key : String(key);
}
