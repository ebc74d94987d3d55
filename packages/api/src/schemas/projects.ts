import { z } from 'zod';
import { Id, Timestamp } from './common.js';

/** Lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit. */
export const ProjectName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,62}$/,
    'use 1 to 63 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

const SOURCE_FORMS = /^(?:(?:https?|ssh|git|file):\/\/\S+|[\w.-]+@[\w.-]+:\S+|\/\S*)$/;

/** A Git URL (https, ssh, git, file, or `user@host:path`) or an absolute local path. */
export const ProjectSource = z
  .string()
  .max(2048)
  .regex(
    SOURCE_FORMS,
    'use a Git URL (https://, ssh://, git://, file:// or user@host:path) or an absolute path',
  );

/** A branch name as Git allows it, without a leading `-`. */
export const BranchName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^(?!-)(?!.*\.\.)[^\s~^:?*[\\\p{Cc}]+$/u, 'not a valid branch name');

export const CreateProjectRequest = z.strictObject({
  name: ProjectName,
  source: ProjectSource,
  defaultBranch: BranchName.optional().describe(
    "The branch runs use when no ref is given; read from the repository's HEAD if absent.",
  ),
});
export type CreateProjectRequest = z.infer<typeof CreateProjectRequest>;

export const PutDefaultBranchRequest = z.strictObject({
  branch: BranchName.describe(
    'The branch runs use when no ref is given, whose pipelines the schedules and the run form read; it must exist.',
  ),
});
export type PutDefaultBranchRequest = z.infer<typeof PutDefaultBranchRequest>;

/** A repository Slipway builds. */
export const Project = z.object({
  id: Id,
  name: z.string(),
  source: z.string(),
  defaultBranch: z.string(),
  createdAt: Timestamp,
});
export type Project = z.infer<typeof Project>;

export const ProjectList = z.object({ projects: z.array(Project) });
export type ProjectList = z.infer<typeof ProjectList>;

export const ProjectPath = z.object({ project: z.string().min(1).max(200) });
