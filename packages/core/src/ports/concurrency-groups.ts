/** A concurrency group: runs of one project whose plans name the same group. */
export interface ConcurrencyGroupRef {
  readonly projectId: string;
  readonly group: string;
}

/**
 * What `ControlStore.admitRuns` decided for a group: the runs that may start now (their
 * status is `queued` again) and the runs a newer run of a cancel-in-progress group
 * superseded, which are to be cancelled.
 */
export interface GroupAdmission {
  /** Oldest first. */
  readonly start: readonly string[];
  readonly cancel: readonly string[];
}
