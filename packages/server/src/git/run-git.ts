import { UserError, UserErrorKind } from '@slipway/core';
import { launchHere, type CommandLauncher, type LaunchedCommand } from '@slipway/executors';

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
  /** How git is started; in this process by default. */
  readonly launch?: CommandLauncher | undefined;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Runs git with `args` as separate arguments (never through a shell) and resolves with
 * its standard output. Git never prompts (credentials must come from the environment or
 * a credential helper) and may use only the file, git, http(s) and ssh transports.
 * Rejects with {@link GitError} when git fails, and with a {@link UserError} when git is
 * not installed.
 */
export async function runGit(args: readonly string[], options: GitOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const launch = options.launch ?? launchHere;
  let ended: LaunchedCommand;
  try {
    ended = await launch('git', args, {
      env: {
        ...process.env,
        GIT_TERMINAL_PROMPT: '0',
        GIT_ALLOW_PROTOCOL: 'file:git:http:https:ssh',
        GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
        LC_ALL: 'C',
        ...options.env,
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') {
      throw new UserError(UserErrorKind.Environment, 'git is not installed on the server');
    }
    if (code === 'ABORT_ERR') throw new GitError(args, `timed out after ${timeoutMs} ms`);
    throw new GitError(args, error instanceof Error ? error.message : String(error));
  }
  if (ended.exitCode === 0) return ended.stdout;
  throw new GitError(
    args,
    ended.stderr || `exited with ${ended.exitCode === null ? 'a signal' : String(ended.exitCode)}`,
  );
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.replace(/^(fatal|error): /, '').trim();
}
