import { UserError, UserErrorKind } from '@slipway/core';
import { launchHere, type CommandLauncher, type LaunchedCommand } from '@slipway/executors';

/** Settings every git command of the agent runs with: no prompts, no `ext::` transport. */
const GIT_CONFIG = ['-c', 'protocol.ext.allow=never', '-c', 'core.hooksPath=/dev/null'];

/** How a git command ended when it did not succeed. */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** Options of {@link runGit}. */
export interface GitOptions {
  readonly cwd?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** How git is started; {@link launchHere} by default. */
  readonly launch?: CommandLauncher | undefined;
}

/**
 * Runs `git ARGS` (never through a shell) and resolves with its standard output. Rejects
 * with a {@link GitCommandError} carrying git's own words when it fails, and with a
 * {@link UserError} when git is not installed. `signal` ends the command.
 */
export async function runGit(args: readonly string[], options: GitOptions = {}): Promise<string> {
  const launch = options.launch ?? launchHere;
  let ended: LaunchedCommand;
  try {
    ended = await launch('git', [...GIT_CONFIG, ...args], {
      cwd: options.cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      signal: options.signal,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(
        UserErrorKind.Environment,
        'git is not installed on this agent (or not on its PATH); install git to check out projects',
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new GitCommandError(message, '');
  }
  if (ended.exitCode === 0) return ended.stdout;
  const said = ended.stderr.trim().split('\n').slice(-5).join('\n');
  const how = ended.exitCode === null ? 'was killed' : `exited with ${ended.exitCode}`;
  throw new GitCommandError(said || `git ${args[0] ?? ''} ${how}`, ended.stderr);
}

/** A repository address for messages: user names and passwords in URLs are hidden. */
export function redactSource(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
