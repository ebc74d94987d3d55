import type { z } from 'zod';

type Schema = z.core.$ZodType;

/**
 * What `schema` accepts, as a noun phrase for messages: `a string or a list of strings`,
 * `one of "bash", "sh", "python3" or "node"`, `true or false`.
 */
export function expectedPhrase(schema: Schema): string {
  const options = alternatives(schema);
  if (options.length > 2 && options.every((o) => o.startsWith('"'))) {
    return `one of ${joinOr(options)}`;
  }
  return joinOr(options);
}

/** How a value read from YAML is described after "got": `a number (3)`, `a list`, `true`. */
export function describeFound(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'string') return `a string (${preview(value)})`;
  if (typeof value === 'number') return `a number (${String(value)})`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (isPlainObject(value)) return 'a mapping';
  return 'a value of an unsupported YAML type';
}

/** A scalar as it would be written in the file, quoted and shortened; undefined for others. */
export function previewScalar(value: unknown): string | undefined {
  if (typeof value === 'string') return preview(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `a`, `a or b`, `a, b or c`. */
export function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

/** A plain mapping read from YAML (not a list, date, or other object). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function preview(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return JSON.stringify(short);
}

function alternatives(schema: Schema): string[] {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case 'string':
    case 'template_literal':
      return ['a string'];
    case 'number':
      return [isInteger(schema) ? 'a whole number' : 'a number'];
    case 'boolean':
      return ['true', 'false'];
    case 'null':
      return ['an empty value'];
    case 'literal':
      return def.values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v)));
    case 'enum':
      return Object.values(def.entries).map((v) => JSON.stringify(v));
    case 'array':
      return [`a list of ${plural(def.element)}`];
    case 'object':
    case 'record':
    case 'map':
      return ['a mapping'];
    case 'union':
      return unique(def.options.flatMap(alternatives));
    case 'pipe':
      return alternatives(def.in);
    case 'nullable':
      return unique([...alternatives(def.innerType), 'an empty value']);
    case 'optional':
    case 'nonoptional':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return alternatives(def.innerType);
    case 'lazy':
      return alternatives(def.getter());
    case 'bigint':
    case 'symbol':
    case 'undefined':
    case 'void':
    case 'never':
    case 'any':
    case 'unknown':
    case 'date':
    case 'file':
    case 'tuple':
    case 'intersection':
    case 'set':
    case 'success':
    case 'transform':
    case 'nan':
    case 'promise':
    case 'function':
    case 'custom':
      return ['a valid value'];
  }
}

const PLURALS: Partial<Record<z.core.$ZodTypeDef['type'], string>> = {
  string: 'strings',
  boolean: 'booleans',
  object: 'mappings',
  record: 'mappings',
  array: 'lists',
};

function plural(schema: Schema): string {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  if (def.type === 'number') return isInteger(schema) ? 'whole numbers' : 'numbers';
  if (def.type === 'enum' || def.type === 'literal') {
    return `values from ${joinOr(alternatives(schema))}`;
  }
  if (def.type === 'union') return joinOr(unique(def.options.map(plural)));
  if (def.type === 'pipe') return plural(def.in);
  if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') {
    return plural(def.innerType);
  }
  return PLURALS[def.type] ?? 'values';
}

function isInteger(schema: Schema): boolean {
  return (schema._zod.def.checks ?? []).some((check) => {
    const def = check._zod.def as { check: string; format?: string };
    return def.check === 'number_format' && (def.format === 'safeint' || def.format === 'int32');
  });
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
