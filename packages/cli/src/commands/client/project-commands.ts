import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UserError, UserErrorKind } from '@slipway/core';
import { ExitCode } from '../../exit-codes.js';
import { connect, type ServerOptions } from './connect.js';
import { print, table } from './print.js';

/** Registers a repository (Git URL or local path) as a project. */
export async function projectAddCommand(
  options: ServerOptions & {
    name: string;
    source: string;
    branch: string | undefined;
    json: boolean;
  },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const project = await call(() =>
    client.createProject({
      name: options.name,
      source: localSource(options.source),
      ...(options.branch ? { defaultBranch: options.branch } : {}),
    }),
  );
  print(project, options.json, (p) => [
    `project ${p.name} added (${p.source}, default branch ${p.defaultBranch})`,
  ]);
  return ExitCode.Succeeded;
}

/**
 * A relative path to a folder here, made absolute as the server needs it (`./svc` from
 * this folder); anything else (a URL, `git@host:repo`, an absolute path) as given. A
 * relative path to nothing here is refused: the server could only call it not a URL.
 */
function localSource(source: string): string {
  if (isAbsolute(source) || source.includes(':')) return source;
  if (!existsSync(source)) {
    throw new UserError(
      UserErrorKind.Usage,
      `there is no folder ${resolve(source)} (from "${source}"): give the path of a Git repository, or a Git URL (https://, ssh://, git@host:path or file://)`,
    );
  }
  return resolve(source);
}

/** Lists the projects. */
export async function projectListCommand(
  options: ServerOptions & { json: boolean },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const projects = await call(() => client.listProjects());
  print(projects, options.json, (list) =>
    table(
      ['NAME', 'DEFAULT BRANCH', 'SOURCE'],
      list.map((p) => [p.name, p.defaultBranch, p.source]),
    ),
  );
  return ExitCode.Succeeded;
}

/** Changes a project's default branch (project admins); the branch must exist. */
export async function projectDefaultBranchCommand(
  options: ServerOptions & { name: string; branch: string; json: boolean },
): Promise<ExitCode> {
  const { client, call } = connect(options);
  const project = await call(() => client.putProjectDefaultBranch(options.name, options.branch));
  print(project, options.json, (p) => [`project ${p.name}: default branch ${p.defaultBranch}`]);
  return ExitCode.Succeeded;
}
