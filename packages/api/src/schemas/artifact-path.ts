import { z } from 'zod';

/** Longest artifact path, in characters. */
export const ARTIFACT_PATH_MAX = 1024;

/**
 * Why `path` cannot name an artifact, or null when it can. An artifact path is relative
 * to the task's workspace, `/`-separated and normalised: not absolute, no `..`, `.` or
 * empty segments, no backslashes, no NUL or other control characters, at most
 * {@link ARTIFACT_PATH_MAX} characters.
 */
export function artifactPathProblem(path: string): string | null {
  if (path === '') return 'is empty';
  if (path.length > ARTIFACT_PATH_MAX) return `is longer than ${ARTIFACT_PATH_MAX} characters`;
  if (path.includes('\0')) return 'contains a NUL character';
  // eslint-disable-next-line no-control-regex
  if (/[\u0001-\u001f\u007f]/.test(path)) return 'contains a control character';
  if (path.includes('\\')) return 'contains a backslash; separate folders with /';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'is absolute';
  const segments = path.split('/');
  if (segments.includes('..')) return 'goes up a folder with ..';
  if (segments.includes('.')) return 'is not normalised: it has a . segment';
  if (segments.includes('')) return 'is not normalised: it has an empty segment';
  return null;
}

/** A path as {@link artifactPathProblem} accepts it. */
export const ArtifactPath = z
  .string()
  .superRefine((path, ctx) => {
    const problem = artifactPathProblem(path);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: `the path ${problem}` });
  })
  .describe(
    'Relative to the workspace, `/`-separated and normalised: no `..`, `.` or empty segments, not absolute, at most 1024 characters.',
  );
