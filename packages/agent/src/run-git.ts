import { execFile } from 'node:child_process';
import { UserError, UserErrorKind } from '@slipway/core';

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

/**
 * Runs `git ARGS` (never through a shell) and resolves with its standard output. Rejects
 * with a {@link GitCommandError} carrying git's own words when it fails, and with a
 * {@link UserError} when git is not installed. `signal` ends the command.
 */
export function runGit(
  args: readonly string[],
  options: { cwd?: string; signal?: AbortSignal | undefined } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...GIT_CONFIG, ...args],
      {
        cwd: options.cwd,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
        signal: options.signal,
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(
            new UserError(
              UserErrorKind.Environment,
              'git is not installed on this agent (or not on its PATH); install git to check out projects',
            ),
          );
          return;
        }
        const said = stderr.trim().split('\n').slice(-5).join('\n');
        reject(new GitCommandError(said || error.message, stderr));
      },
    );
  });
}

/** A repository address for messages: user names and passwords in URLs are hidden. */
export function redactSource(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
