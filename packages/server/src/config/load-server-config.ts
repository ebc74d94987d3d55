import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { didYouMean, formatKeyPath, UserError, UserErrorKind } from '@slipway/core';
import { ServerConfigSchema, type ServerConfig } from './server-config.js';

/** Where {@link loadServerConfig} reads from. */
export interface ConfigSources {
  /**
   * Values of command-line flags keyed like the schema (`dataDir`, `port`, …); undefined
   * values are ignored. `config` names a config file.
   */
  readonly flags?: Readonly<Record<string, unknown>>;
  /** Usually `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Relative paths given by flags and environment resolve against this folder. */
  readonly cwd?: string;
}

const KEYS = Object.keys(ServerConfigSchema.shape) as (keyof ServerConfig)[];
const PATH_KEYS: readonly string[] = ['dataDir', 'secretKeyFile', 'webDir'];

/** `dataDir` → `SLIPWAY_DATA_DIR`. */
export function envName(key: string): string {
  return `SLIPWAY_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/**
 * Reads the server configuration. For each key, the first of these that sets it wins:
 *
 * 1. a flag (`flags`),
 * 2. the environment variable `SLIPWAY_<KEY>`,
 * 3. the JSON config file named by the `config` flag or `SLIPWAY_CONFIG` (relative paths
 *    in it resolve against the file's folder),
 * 4. the default (`dataDir`: `$XDG_DATA_HOME/slipway`, else `~/.local/share/slipway`).
 *
 * Throws a {@link UserError} naming each invalid value and where it came from.
 */
export async function loadServerConfig(sources: ConfigSources = {}): Promise<ServerConfig> {
  const flags = sources.flags ?? {};
  const env = sources.env ?? {};
  const cwd = sources.cwd ?? process.cwd();
  const merged: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  const set = (key: string, value: unknown, from: string, base: string) => {
    if (value === undefined || key in merged) return;
    merged[key] =
      PATH_KEYS.includes(key) && typeof value === 'string' ? resolve(base, value) : value;
    origin[key] = from;
  };

  for (const [key, value] of Object.entries(flags)) {
    if (key !== 'config') set(key, value, `flag ${flagName(key)}`, cwd);
  }
  for (const key of KEYS) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') set(key, value, envName(key), cwd);
  }
  const file = stringOrUndefined(flags.config) ?? stringOrUndefined(env.SLIPWAY_CONFIG);
  if (file !== undefined) {
    const path = resolve(cwd, file);
    for (const [key, value] of Object.entries(await readConfigFile(path))) {
      set(key, value, path, dirname(path));
    }
  }
  const dataHome = stringOrUndefined(env.XDG_DATA_HOME) ?? join(homedir(), '.local', 'share');
  set('dataDir', join(dataHome, 'slipway'), 'default', cwd);

  const parsed = ServerConfigSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = formatKeyPath(issue.path);
    const from = origin[String(issue.path[0])];
    if (issue.code === 'unrecognized_keys') {
      const named = issue.keys.map((unknown) => `${unknown}${didYouMean(unknown, KEYS)}`);
      return `unknown setting${issue.keys.length > 1 ? 's' : ''} ${named.join(', ')}; the settings are ${KEYS.join(', ')}`;
    }
    const message =
      issue.code === 'invalid_type' && issue.expected === 'number'
        ? `expected a number, not ${JSON.stringify(merged[String(issue.path[0])])}`
        : issue.message;
    return `${key || 'config'}${from ? ` (from ${from})` : ''}: ${message}`;
  });
  throw new UserError(UserErrorKind.Usage, `invalid configuration:\n  ${problems.join('\n  ')}`);
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const why =
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new UserError(
      UserErrorKind.Usage,
      `cannot read the config file ${path}: ${why}; give the path of a JSON file of settings (--config or SLIPWAY_CONFIG)`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      UserErrorKind.Usage,
      `the config file ${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(UserErrorKind.Usage, `the config file ${path} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
