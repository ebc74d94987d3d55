/**
 * The files of a run as the engine needs them: where each attempt's steps start, where
 * they write results, and how reports and artifacts are read back. One instance serves
 * one run; its methods may be called concurrently for different tasks.
 */
export interface TaskWorkspace {
  /**
   * Folders for one attempt: where steps start, and where they write results. A task that
   * declares results (`resultNames` not empty) gets an empty folder of its own per
   * attempt; the others share one folder whose files are never read, which spares a new
   * folder for every attempt of a large run.
   */
  prepareAttempt(
    taskId: string,
    attempt: number,
    resultNames: readonly string[],
  ): Promise<{ workingDirectory: string; resultsDirectory: string }>;
  /**
   * Declared results written by the attempt, one file per name in `resultsDirectory`:
   * trailing newline trimmed; over 4 KiB or missing → UserError naming the result and file.
   */
  readResults(resultsDirectory: string, names: readonly string[]): Promise<Record<string, string>>;
  /** Files matching the globs, relative to the working directory, for reports. */
  readReportFiles(globs: readonly string[]): Promise<{ file: string; text: string }[]>;
  /**
   * Copies matching files into the run's artifact store; refuses `..`, absolute paths and
   * links out of the workspace (UserError).
   */
  collectArtifacts(
    taskId: string,
    globs: readonly string[],
  ): Promise<{ path: string; size: number }[]>;
}
