import type { CronSchedule } from '../triggers/cron-ticks.js';

/**
 * Where the events that start runs come from. Webhooks name their forge; the server's
 * own sources name themselves: `cron` (a schedule ticked) and `pipeline` (a run ended).
 */
export const TriggerSource = {
  GitHub: 'github',
  GitLab: 'gitlab',
  Gitea: 'gitea',
  Generic: 'generic',
  Cron: 'cron',
  Pipeline: 'pipeline',
  /** A branch or tag head that SCM polling found new or moved. */
  Poll: 'poll',
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
  /**
   * Why the event starts nothing, when that is known on arrival (a push deleting a
   * branch, a kind of event no pipeline listens to): it is stored `ignored` with this
   * outcome, already settled, and never handled in the background.
   */
  readonly ignored?: string;
}

/** A stored trigger event, without its payload. */
export interface TriggerEventRecord extends Omit<NewTriggerEvent, 'payload' | 'ignored'> {
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
 * One pipeline of a project's default branch: what it listens to besides forge events,
 * and the params a run of it takes.
 */
export interface CatalogPipeline {
  readonly name: string;
  /** Its `on.cron` schedules, time zones filled in. */
  readonly cron: readonly CronSchedule[];
  /** Its `on.pipeline` entries, `project` filled in (this project's name when omitted). */
  readonly completions: readonly CompletionFilter[];
  /**
   * Its declared params, in file order. Absent in catalogs stored before params were
   * (migration 0012 has those read again).
   */
  readonly params?: readonly CatalogParam[];
}

/** A declared run param of a catalog pipeline, as the run form shows it. */
export type CatalogParam = { readonly name: string; readonly description?: string } & (
  | { readonly type: 'string'; readonly default?: string }
  | { readonly type: 'number'; readonly default?: number }
  | { readonly type: 'boolean'; readonly default?: boolean }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly default?: string }
);

/** One `on.pipeline` entry: runs of `project`/`name` ending with one of `statuses`. */
export interface CompletionFilter {
  readonly project: string;
  readonly name: string;
  readonly statuses: readonly string[];
}

/**
 * The pipelines at the head of a project's default branch, as read at `readAt`: what
 * they listen to and their params. Pipelines that do not load are left out.
 */
export interface PipelineCatalog {
  readonly projectId: string;
  /** The default branch head the pipelines were read at. */
  readonly commit: string;
  readonly pipelines: readonly CatalogPipeline[];
  readonly readAt: number;
}

/**
 * The latest tick of one schedule of one pipeline that was handled (fired, or taken as
 * the starting point when the schedule was first seen).
 */
export interface CronMark {
  readonly projectId: string;
  readonly pipeline: string;
  /** The schedule as `TIMEZONE CRON` (see `scheduleKey`). */
  readonly schedule: string;
  readonly lastTickAt: number;
}

/*
 * A project's poll breaker:
 *
 *   closed ──► open   (one poll found more new or moved heads than the threshold:
 *                      nothing was started; `reason` says what it found)
 *   open ──► closed   (only an operator's reset; the remote's heads at the next poll
 *                      become the baseline and start nothing)
 */
export const PollBreaker = {
  Closed: 'closed',
  Open: 'open',
} as const;
export type PollBreaker = (typeof PollBreaker)[keyof typeof PollBreaker];

/** A project's SCM polling: its settings and what the last polls found. */
export interface ProjectPoll {
  readonly projectId: string;
  readonly intervalMs: number;
  /** When the next poll is due. */
  readonly nextPollAt: number;
  /** Branch and tag heads (`refs/heads/…`, `refs/tags/…` → commit) at the last poll; null before the first. */
  readonly heads: Readonly<Record<string, string>> | null;
  readonly breaker: PollBreaker;
  /** Why the breaker opened; null while it is closed. */
  readonly breakerReason: string | null;
  readonly breakerOpenedAt: number | null;
  /** Polls that failed in a row (0 after a poll that worked). */
  readonly failures: number;
  readonly lastError: string | null;
  readonly lastPolledAt: number | null;
}

/** What a poll changed: everything of {@link ProjectPoll} but the settings. */
export type PollResult = Omit<ProjectPoll, 'intervalMs'>;

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
  /** Stores what a project's default-branch pipelines listen to, replacing what it had. */
  putPipelineCatalog(catalog: PipelineCatalog): Promise<void>;
  /** Every project's catalog, by project id. */
  listPipelineCatalogs(): Promise<PipelineCatalog[]>;
  /** A project's catalog; null when it was never read. */
  findPipelineCatalog(projectId: string): Promise<PipelineCatalog | null>;
  /** Every schedule's mark. */
  listCronMarks(): Promise<CronMark[]>;
  /**
   * Records that a schedule's ticks up to `lastTickAt` are handled. A mark only moves
   * forward: an earlier time than the stored one changes nothing.
   */
  putCronMark(mark: CronMark): Promise<void>;
  /**
   * Sets a project's poll interval and next poll time, keeping what its polls found
   * (heads, breaker, failures); a project polled for the first time starts with none.
   */
  putPollSettings(projectId: string, intervalMs: number, nextPollAt: number): Promise<ProjectPoll>;
  /** Stops polling a project and forgets its state; false when it was not polled. */
  deleteProjectPoll(projectId: string): Promise<boolean>;
  /** A project's polling; null when it is not polled. */
  findProjectPoll(projectId: string): Promise<ProjectPoll | null>;
  /** Every polled project's polling, by project id. */
  listProjectPolls(): Promise<ProjectPoll[]>;
  /** Stores what a poll found; false, storing nothing, when the project is no longer polled. */
  savePollResult(result: PollResult): Promise<boolean>;
}
