/**
 * When a store change must reach the disk. `Now`: before the change returns (as the
 * database is configured to sync). `Later`: with the next change that syncs, which takes
 * every earlier one along; an operating system crash or power loss before then may undo
 * it, a crash of Slipway's process cannot. A change may be `Later` only when losing it to
 * a power loss loses nothing anyone was told of, because it is found and made again:
 * log chunks (an agent reports an attempt's end only after its logs, so the end's commit
 * makes them durable), claims of trigger events, and a run's scheduler passes over
 * recorded outcomes and wake-ups (see `ControlStore.updateRun`).
 */
export const CommitSync = {
  Now: 'now',
  Later: 'later',
} as const;
export type CommitSync = (typeof CommitSync)[keyof typeof CommitSync];
