import { UserError, UserErrorKind } from '@slipway/core/ports';

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const NAME_RULE = 'letters, digits, "_" and "-", not starting with a digit or "-"';

/**
 * `['a=1', 'b=x=y']` from repeated flags → `{ a: '1', b: 'x=y' }`; bad input says what to
 * write, quoting it unless the values are `secret`.
 */
export function parseAssignments(
  values: readonly string[],
  flag: string,
  { secret = false }: { secret?: boolean } = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    const name = at > 0 ? value.slice(0, at) : '';
    if (!NAME.test(name)) {
      const got = secret ? 'got something else (not shown: it may be a secret)' : `got "${value}"`;
      const expected = at > 0 ? `NAME=VALUE with a NAME of ${NAME_RULE}` : 'NAME=VALUE';
      throw new UserError(UserErrorKind.Usage, `${flag} expects ${expected}, ${got}`);
    }
    if (Object.hasOwn(out, name)) {
      throw new UserError(UserErrorKind.Usage, `${flag} sets ${name} twice: give it once`);
    }
    out[name] = value.slice(at + 1);
  }
  return out;
}
