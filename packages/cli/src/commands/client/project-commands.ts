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
      source: options.source,
      ...(options.branch ? { defaultBranch: options.branch } : {}),
    }),
  );
  print(project, options.json, (p) => [
    `project ${p.name} added (${p.source}, default branch ${p.defaultBranch})`,
  ]);
  return ExitCode.Succeeded;
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
