import { UserError, UserErrorKind } from '@slipway/core';

/**
 * Standard input as text, without one trailing newline. A terminal is refused with
 * `hint`, so that a value is never typed where it is echoed.
 */
export async function readStdin(hint: string): Promise<string> {
  if (process.stdin.isTTY) throw new UserError(UserErrorKind.Usage, hint);
  const parts: Buffer[] = [];
  for await (const part of process.stdin) parts.push(part as Buffer);
  return Buffer.concat(parts)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
