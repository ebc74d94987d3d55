/** Fetches of one repository between two that let git run its automatic maintenance. */
const FETCHES_PER_MAINTENANCE = 20;

/**
 * Decides which fetches run git's automatic maintenance. After each fetch git starts
 * `git maintenance run --auto`, a process of its own that mostly finds nothing to do;
 * starting it costs as much as a small git command. Here only the first fetch of a
 * repository in this process and every twentieth after it let git start it, which keeps
 * packs and loose objects in check all the same.
 */
export class FetchMaintenance {
  private readonly fetches = new Map<string, number>();

  /** The flags of the next fetch of `repository`. */
  flags(repository: string): readonly string[] {
    const count = this.fetches.get(repository) ?? 0;
    if (this.fetches.size >= 10_000) this.fetches.clear();
    this.fetches.set(repository, count + 1);
    return count % FETCHES_PER_MAINTENANCE === 0 ? [] : ['--no-auto-maintenance'];
  }
}
