import { readFileSync } from 'node:fs';

/**
 * This command's version, from its package.json: two folders up from this module, both
 * as compiled (dist/commands) and as bundled (dist/bundle).
 */
export function cliVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const { version } = JSON.parse(text) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}
