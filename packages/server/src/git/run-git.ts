import { execFile } from 'node:child_process';
import { UserError, UserErrorKind } from '@slipway/core';

/** Git failed; `stderr` says why. */
export class GitError extends Error {
  override readonly name = 'GitError';

  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ''} failed: ${firstLine(stderr)}`);
  }

  /** The first line of git's complaint, without its `fatal: ` prefix. */
  get reason(): string {
    return firstLine(this.stderr);
  }
}

/** Options of {@link runGit}. */
export interface GitOptions {
  readonly timeoutMs?: number;
  /** Variables added to git's environment (`GIT_INDEX_FILE`, say). */
  readonly env?: Readonly<Record<string, string>>;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Runs git with `args` as separate arguments (never through a shell) and resolves with
 * its standard output. Git never prompts (credentials must come from the environment or
 * a credential helper) and may use only the file, git, http(s) and ssh transports.
 * Rejects with {@link GitError} when git fails, and with a {@link UserError} when git is
 * not installed.
 */
export function runGit(args: readonly string[], options: GitOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_ALLOW_PROTOCOL: 'file:git:http:https:ssh',
          GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
          LC_ALL: 'C',
          ...options.env,
        },
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new UserError(UserErrorKind.Environment, 'git is not installed on the server'));
          return;
        }
        const why = error.killed
          ? `timed out after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`
          : stderr;
        reject(new GitError(args, why || error.message));
      },
    );
  });
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.replace(/^(fatal|error): /, '').trim();
}
