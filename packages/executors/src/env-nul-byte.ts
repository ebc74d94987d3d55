/**
 * Why `what` (the step, or a command's program) cannot start with this environment, or
 * undefined when it can: the first variable whose name or value holds a NUL byte, which
 * no process environment can hold. The message names the variable and never quotes its
 * value, which may be a secret; checked before starting anything, since what refuses it
 * later (Node's spawn, a container runtime) may quote the value.
 */
export function nulByteInEnv(
  env: Readonly<Record<string, string | undefined>>,
  what = 'the step',
): string | undefined {
  for (const [name, value] of Object.entries(env)) {
    if (name.includes('\0') || value?.includes('\0') === true) {
      return `cannot start ${what}: the environment variable ${name.replace(/\0/g, '\\0')} holds a NUL byte, which an environment variable cannot hold (the value is not shown: it may be a secret); give it a value without one`;
    }
  }
  return undefined;
}
