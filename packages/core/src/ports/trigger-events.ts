/**
 * Where the events that start runs come from. Webhooks name their forge; sources added
 * later (cron ticks, polling) name themselves here too.
 */
export const TriggerSource = {
  GitHub: 'github',
  GitLab: 'gitlab',
  Gitea: 'gitea',
  Generic: 'generic',
} as const;
export type TriggerSource = (typeof TriggerSource)[keyof typeof TriggerSource];

/** The forges a project's webhook may come from. */
export const FORGES = [
  TriggerSource.GitHub,
  TriggerSource.GitLab,
  TriggerSource.Gitea,
  TriggerSource.Generic,
] as const;
export type Forge = (typeof FORGES)[number];

/*
 * A trigger event is stored `pending` when it arrives and settles once:
 *
 *   pending ──► processed   (runs were created; `outcome` lists them)
 *           ├─► ignored     (nothing to do; `outcome` says why)
 *           └─► failed      (it could not be handled; `outcome` says what went wrong)
 *
 * Settled events never change. A replica claims pending events for a while (a lease);
 * a claim that lapses (the replica died) lets another replica take the event again, so
 * an event is handled at least once and, in the common case, exactly once.
 */
export const TriggerEventStatus = {
  Pending: 'pending',
  Processed: 'processed',
  Ignored: 'ignored',
  Failed: 'failed',
} as const;
export type TriggerEventStatus = (typeof TriggerEventStatus)[keyof typeof TriggerEventStatus];

/** A trigger event as it arrives, before it is stored. */
export interface NewTriggerEvent {
  readonly projectId: string;
  readonly source: TriggerSource;
  /** The sender's id of this delivery; a second event with the same (project, source, id) is a replay. */
  readonly deliveryId: string;
  /** The sender's name for the kind of event: `push`, `pull_request`, `Merge Request Hook`, … */
  readonly kind: string;
  /** The payload, as JSON text. */
  readonly payload: string;
  readonly receivedAt: number;
}

/** A stored trigger event, without its payload. */
export interface TriggerEventRecord extends Omit<NewTriggerEvent, 'payload'> {
  /** Ids sort by arrival. */
  readonly id: string;
  readonly status: TriggerEventStatus;
  /** What handling it did: the runs it created, or why it was ignored or failed. */
  readonly outcome: string | null;
  /** Ids of the runs it created. */
  readonly runIds: readonly string[];
  readonly processedAt: number | null;
}

/** A pending event claimed for handling, with its payload. */
export interface ClaimedTriggerEvent extends TriggerEventRecord {
  /** The payload, as JSON text. */
  readonly payload: string;
}

/** What {@link TriggerEventStore.recordTriggerEvents} did with one event. */
export interface RecordedTriggerEvent {
  readonly event: TriggerEventRecord;
  /** True when an event with this delivery id was stored before; nothing was stored now. */
  readonly duplicate: boolean;
}

/** How a claimed event ended. */
export interface TriggerEventSettlement {
  readonly id: string;
  readonly status: Exclude<TriggerEventStatus, 'pending'>;
  readonly outcome: string;
  readonly runIds: readonly string[];
  readonly processedAt: number;
}

/** A project's webhook settings; the secret stays sealed (see the server's secret box). */
export interface ProjectWebhook {
  readonly projectId: string;
  readonly forge: Forge;
  readonly sealedSecret: string;
  readonly updatedAt: number;
}

/** A page of a project's trigger events, newest first. */
export interface TriggerEventQuery {
  readonly projectId: string;
  /** Only events with an id lower than this (the last id of the previous page). */
  readonly before?: string;
  readonly status?: TriggerEventStatus;
  readonly limit: number;
}

/**
 * The store of trigger events and webhook settings, part of the control store.
 *
 * Concurrency: {@link TriggerEventStore.claimTriggerEvents} never hands one event to two
 * replicas while a claim lasts (`FOR UPDATE SKIP LOCKED` on PostgreSQL); settling checks
 * that the event is still pending, so a late replica whose claim lapsed changes nothing.
 */
export interface TriggerEventStore {
  /**
   * Stores events `pending` in one transaction, each unless its delivery id was stored
   * before (a replay, also within the same call); answers each in order.
   */
  recordTriggerEvents(events: readonly NewTriggerEvent[]): Promise<RecordedTriggerEvent[]>;
  /**
   * Claims up to `limit` pending events whose claim is free or lapsed before `now`,
   * oldest first, for `holder` until `until`.
   */
  claimTriggerEvents(
    holder: string,
    now: number,
    until: number,
    limit: number,
  ): Promise<ClaimedTriggerEvent[]>;
  /**
   * Settles pending events in one transaction; returns the ids it settled (an event
   * settled already is left as it is).
   */
  settleTriggerEvents(settlements: readonly TriggerEventSettlement[]): Promise<string[]>;
  /** A project's events, newest first. */
  listTriggerEvents(query: TriggerEventQuery): Promise<TriggerEventRecord[]>;
  /** Stores a project's webhook settings, replacing the ones it had. */
  putProjectWebhook(webhook: ProjectWebhook): Promise<void>;
  /** A project's webhook settings; null when none were set. */
  findProjectWebhook(projectId: string): Promise<ProjectWebhook | null>;
}
