import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isApiError, SlipwayClient, type Project, type Run } from '@slipway/api';
import { UserError, UserErrorKind } from '@slipway/core';

const execFileAsync = promisify(execFile);

/** The sample project `--demo` runs, in the Slipway repository this command was built in. */
const EXAMPLE = fileURLToPath(new URL('../../../../examples/node-service', import.meta.url));

/** The project name the demo registers. */
export const DEMO_PROJECT = 'node-service';

/** What {@link startDemo} did. */
export interface DemoStarted {
  /** The Git repository the copy of the example is in. */
  readonly repository: string;
  /** The project run: the one registered now, or the one of that name that existed. */
  readonly project: Project;
  /** False when a project of that name existed already. */
  readonly registered: boolean;
  readonly run: Run;
}

/**
 * Runs the sample project end to end on a server that just started: makes
 * `DATA/demo/node-service` a Git repository holding a copy of `examples/node-service`
 * (a project is a whole repository, and the example is a folder of the Slipway
 * repository), commits whatever changed in the example since the last start, registers
 * the copy as project `node-service` unless a project of that name exists, and
 * triggers its pipeline.
 */
export async function startDemo(options: {
  readonly url: string;
  readonly token: string;
  readonly dataDir: string;
}): Promise<DemoStarted> {
  const repository = await prepareDemoRepository(join(options.dataDir, 'demo', DEMO_PROJECT));
  const client = new SlipwayClient({ baseUrl: options.url, token: options.token });
  let registered = false;
  let project: Project;
  try {
    project = await client.getProject(DEMO_PROJECT);
  } catch (error) {
    if (!isApiError(error) || error.status !== 404) throw error;
    project = await client.createProject({ name: DEMO_PROJECT, source: repository });
    registered = true;
  }
  const run = await client.createRun(DEMO_PROJECT, {});
  return { repository, project, registered, run };
}

/** Copies the example into `repository` (a Git repository on `main`) and commits changes. */
async function prepareDemoRepository(repository: string): Promise<string> {
  if (!(await exists(join(EXAMPLE, '.slipway.yml')))) {
    throw new UserError(
      UserErrorKind.Environment,
      `--demo runs the sample project examples/node-service of the Slipway repository, ` +
        `which is not at ${EXAMPLE}; run \`npx slipway up --demo\` in a clone of the repository`,
    );
  }
  await mkdir(repository, { recursive: true });
  if (!(await exists(join(repository, '.git')))) {
    await git(repository, 'init', '--quiet', '--initial-branch=main');
  }
  for (const entry of await readdir(repository)) {
    if (entry !== '.git') await rm(join(repository, entry), { recursive: true, force: true });
  }
  await cp(EXAMPLE, repository, {
    recursive: true,
    filter: (path) => !isGenerated(relative(EXAMPLE, path)),
  });
  await git(repository, 'add', '--all');
  const staged = await git(repository, 'status', '--porcelain');
  if (staged.trim() !== '') {
    await git(
      repository,
      'commit',
      '--quiet',
      '--no-verify',
      '--message',
      'node-service, copied from examples/node-service',
    );
  }
  return repository;
}

/** What runs of the example leave in it, which the copy leaves out. */
function isGenerated(path: string): boolean {
  const first = path.split(sep)[0] ?? '';
  return (
    ['node_modules', 'reports', 'dist'].includes(first) || path.startsWith(join('.slipway', 'runs'))
  );
}

async function git(dir: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(
      'git',
      ['-C', dir, '-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args],
      {
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'Slipway demo',
          GIT_AUTHOR_EMAIL: 'demo@slipway.invalid',
          GIT_COMMITTER_NAME: 'Slipway demo',
          GIT_COMMITTER_EMAIL: 'demo@slipway.invalid',
          GIT_TERMINAL_PROMPT: '0',
        },
      },
    );
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(UserErrorKind.Environment, '--demo needs git; install it and retry');
    }
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new UserError(
      UserErrorKind.Environment,
      `--demo could not prepare the repository ${dir}: git ${args[0] ?? ''} failed: ${stderr.trim()}`,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
