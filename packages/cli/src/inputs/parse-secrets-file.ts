import { UserError, UserErrorKind } from '@slipway/core';

/**
 * Reads a secrets file in the dotenv form: `NAME=value` lines, `#` comments, and values
 * in double quotes that may span lines or use `\n`; single quotes keep text as is.
 */
export function parseSecretsFile(text: string, file: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  const setOn = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      const name = line.includes('=')
        ? ' with a NAME of letters, digits and "_", not starting with a digit'
        : '';
      throw new UserError(
        UserErrorKind.Usage,
        `${file}:${i + 1}: expected NAME=VALUE${name} (a secret per line)`,
      );
    }
    const [, name = '', rest = ''] = match;
    const earlier = setOn.get(name);
    if (earlier !== undefined) {
      throw new UserError(
        UserErrorKind.Usage,
        `${file}:${i + 1}: ${name} is set again (first on line ${earlier}); keep one of the two`,
      );
    }
    setOn.set(name, i + 1);
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      let value = rest.slice(1);
      const startLine = i + 1;
      while (!closes(value, quote)) {
        i++;
        if (i >= lines.length) {
          throw new UserError(
            UserErrorKind.Usage,
            `${file}:${startLine}: the quoted value of ${name} is not closed`,
          );
        }
        value += `\n${lines[i] ?? ''}`;
      }
      value = value.slice(0, value.lastIndexOf(quote));
      secrets[name] = checked(
        quote === '"'
          ? value.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')
          : value,
        name,
        `${file}:${startLine}`,
      );
    } else {
      secrets[name] = checked(rest.replace(/\s+#.*$/, '').trim(), name, `${file}:${i + 1}`);
    }
  }
  return secrets;
}

/** A value an environment variable can carry: one without a NUL byte. */
function checked(value: string, name: string, at: string): string {
  if (value.includes('\0')) {
    throw new UserError(
      UserErrorKind.Usage,
      `${at}: the value of ${name} holds a NUL byte, which an environment variable cannot carry; remove it`,
    );
  }
  return value;
}

function closes(value: string, quote: string): boolean {
  const trimmed = value.trimEnd();
  return (
    trimmed.endsWith(quote) &&
    !(quote === '"' && trimmed.endsWith('\\"') && !trimmed.endsWith('\\\\"'))
  );
}
