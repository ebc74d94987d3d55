/** What an expression evaluates to. Contexts and objects are never values. */
export type ExpressionValue = string | number | boolean | null;

/** `false`, `0`, `''` and `null` are false; every other value is true. */
export function isTruthy(v: ExpressionValue): boolean {
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  return v !== null && v !== false && v !== '';
}

/** The text a value becomes when interpolated: `null` → `''`, `true` → `'true'`, `3` → `'3'`. */
export function valueToString(v: ExpressionValue): string {
  return v === null ? '' : String(v);
}

/**
 * The expression source of a literal, such that parsing it gives the same value back:
 * `'it''s'`, `-1.5`, `true`, `null`. Numbers must be finite.
 */
export function formatLiteral(v: ExpressionValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (!Number.isFinite(v)) throw new RangeError(`${v} has no literal form`);
  return Object.is(v, -0) ? '-0' : String(v);
}

const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** The number a numeric string stands for (`' 42 '` → 42), or null when it is not numeric. */
export function numericValue(s: string): number | null {
  return NUMERIC.test(s) ? Number(s) : null;
}
