import {
  RunStatus,
  TaskStatus,
  type ClaimedAttempt,
  type ControlStore,
  type RecordedOutcome,
  type StatusCounts,
} from '@slipway/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AgentRegistry } from '../agents/agent-registry.js';

/** Where the metrics read at scrape time come from. */
export interface MetricSources {
  readonly store: ControlStore;
  readonly agents: AgentRegistry;
  /** An agent heard from within this long counts as connected. */
  readonly leaseMs: number;
  readonly now: () => number;
}

/** The route label of requests no route matched, so that raw URLs never become labels. */
export const UNMATCHED_ROUTE = 'unmatched';

const SECONDS = 1000;

/**
 * The server's Prometheus metrics, in a registry of its own (not the process-wide one),
 * so several servers in one process keep theirs apart.
 *
 * Counters and histograms count what this server did (its HTTP requests, the claims it
 * answered, the outcomes it applied, the leases it expired); sum them across replicas.
 * Gauges are read from the shared store at scrape time, one aggregate query each, so
 * every replica reports the same values; take one replica's, or the max, not the sum.
 * `slipway_agents_connected` counts the agents this server heard from.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'route' | 'method' | 'status' | 'success'>;
  private readonly httpDuration: Histogram<'route' | 'method'>;
  private readonly queueWait: Histogram;
  private readonly attemptDuration: Histogram<'outcome'>;
  private readonly lostAttempts: Counter;
  private readonly webhookDeliveries: Counter<'forge' | 'result'>;
  private readonly webhookRejections: Counter<'forge' | 'reason'>;
  private readonly triggerEvents: Counter<'status'>;
  private readonly triggersFired: Counter<'event'>;
  private readonly cronTicks: Counter<'result'>;
  private readonly catalogFailures: Counter;
  private readonly completionEvents: Counter;
  private readonly pollCycles: Counter<'result'>;
  private readonly pollItemsOverThreshold: Counter;
  private readonly forgeRequests: Counter<'host' | 'status' | 'success'>;
  private readonly commitStatuses: Counter<'result'>;
  private readonly slackAcks: Histogram<'kind'>;
  private readonly slackRejections: Counter<'reason'>;
  private readonly slackReplies: Counter<'result'>;

  private readonly mergeAttempts: Counter;
  private readonly merges: Counter<'result'>;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'slipway_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method, status and success (not a 5xx)',
      labelNames: ['route', 'method', 'status', 'success'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'slipway_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by route pattern and method',
      labelNames: ['route', 'method'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.queueWait = new Histogram({
      name: 'slipway_queue_wait_seconds',
      help: 'Time task attempts waited in the queue before an agent claimed them',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'slipway_task_attempt_duration_seconds',
      help: 'Time from the claim of a task attempt to its outcome, by outcome',
      labelNames: ['outcome'],
      buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 10800],
      registers,
    });
    this.lostAttempts = new Counter({
      name: 'slipway_lost_attempts_total',
      help: 'Task attempts whose agent stopped renewing the lease',
      registers,
    });

    this.webhookDeliveries = new Counter({
      name: 'slipway_webhook_deliveries_total',
      help: 'Webhook deliveries stored (accepted) or recognised as replays (duplicate), by forge',
      labelNames: ['forge', 'result'],
      registers,
    });
    this.webhookRejections = new Counter({
      name: 'slipway_webhook_rejections_total',
      help: 'Webhook deliveries refused, by forge and reason (no_secret, bad_signature, malformed, missing_header)',
      labelNames: ['forge', 'reason'],
      registers,
    });
    this.forgeRequests = new Counter({
      name: 'slipway_forge_requests_total',
      help: 'Requests to forge APIs (statuses, comments, pull requests), by host, HTTP status (or network) and success',
      labelNames: ['host', 'status', 'success'],
      registers,
    });
    this.commitStatuses = new Counter({
      name: 'slipway_commit_status_deliveries_total',
      help: 'Commit status deliveries, by result (delivered, retry, abandoned)',
      labelNames: ['result'],
      registers,
    });
    this.slackAcks = new Histogram({
      name: 'slipway_slack_ack_seconds',
      help: 'Time to acknowledge a Slack request (Slack gives up after 3 s), by kind (command, interaction)',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
      registers,
    });
    this.slackRejections = new Counter({
      name: 'slipway_slack_rejections_total',
      help: 'Requests said to come from Slack that were refused, by reason (no_secret, missing_header, stale, bad_signature, replay, malformed)',
      labelNames: ['reason'],
      registers,
    });
    this.slackReplies = new Counter({
      name: 'slipway_slack_replies_total',
      help: 'Tries of posts to Slack (answers to commands and button presses, approval requests), by result (delivered, failed)',
      labelNames: ['result'],
      registers,
    });
    this.mergeAttempts = new Counter({
      name: 'slipway_auto_merge_attempts_total',
      help: "Calls of forges' merge APIs by auto-merge",
      registers,
    });
    this.merges = new Counter({
      name: 'slipway_auto_merges_total',
      help: 'Automatic merges taken from the merge outbox, by how they ended (merged, retry, failed, dropped)',
      labelNames: ['result'],
      registers,
    });
    this.triggerEvents = new Counter({
      name: 'slipway_trigger_events_processed_total',
      help: 'Trigger events this server handled, by the status they ended with (processed, ignored, failed)',
      labelNames: ['status'],
      registers,
    });
    this.triggersFired = new Counter({
      name: 'slipway_triggers_fired_total',
      help: 'Runs created by trigger events, by event (push, pull_request, cron, pipeline)',
      labelNames: ['event'],
      registers,
    });
    this.cronTicks = new Counter({
      name: 'slipway_cron_ticks_total',
      help: 'Cron ticks this server recorded as trigger events (fired) or found recorded already (duplicate)',
      labelNames: ['result'],
      registers,
    });
    this.catalogFailures = new Counter({
      name: 'slipway_catalog_read_failures_total',
      help: "Reads of a project's default-branch pipelines (for cron and on.pipeline) that failed",
      registers,
    });
    this.completionEvents = new Counter({
      name: 'slipway_completion_events_total',
      help: 'Trigger events recorded because a run ended and on.pipeline of another pipeline takes it',
      registers,
    });
    this.pollCycles = new Counter({
      name: 'slipway_poll_cycles_total',
      help: 'Polls of project repositories, by result (baseline, unchanged, changed, tripped, failed)',
      labelNames: ['result'],
      registers,
    });
    this.pollItemsOverThreshold = new Counter({
      name: 'slipway_poll_tripped_items_total',
      help: 'New or moved heads found by polls that opened their breaker (none of them started a run)',
      registers,
    });

    const { store, agents } = sources;
    new Gauge({
      name: 'slipway_poll_breakers_open',
      help: 'Polled projects whose breaker is open (polling stopped until an admin resets it)',
      registers,
      async collect() {
        const polls = await store.listProjectPolls();
        this.set(polls.filter((poll) => poll.breaker === 'open').length);
      },
    });
    new Gauge({
      name: 'slipway_runs',
      help: 'Runs by status',
      labelNames: ['status'],
      registers,
      async collect() {
        setByStatus(this, Object.values(RunStatus), await store.countRunsByStatus());
      },
    });
    new Gauge({
      name: 'slipway_tasks',
      help: 'Tasks of all runs by status',
      labelNames: ['status'],
      registers,
      async collect() {
        setByStatus(this, Object.values(TaskStatus), await store.countTasksByStatus());
      },
    });
    new Gauge({
      name: 'slipway_queue_depth',
      help: 'Task attempts queued and not claimed by an agent yet',
      registers,
      async collect() {
        this.set(await store.countQueuedAttempts());
      },
    });
    new Gauge({
      name: 'slipway_zombie_runs',
      help: 'Running runs that nothing moves on: no queued attempt, no live lease, no pending outcome or wake-up',
      registers,
      async collect() {
        this.set(await store.countZombieRuns(sources.now()));
      },
    });
    new Gauge({
      name: 'slipway_agents_connected',
      help: 'Agents this server heard from within the lease time',
      registers,
      async collect() {
        this.set((await agents.heardSince(sources.now() - sources.leaseMs)).length);
      },
    });
  }

  /** Counts an answered request; `route` is the matched route's pattern. */
  requestAnswered(route: string, method: string, status: number, seconds: number): void {
    const success = status < 500 ? 'true' : 'false';
    this.httpRequests.inc({ route, method, status: String(status), success });
    this.httpDuration.observe({ route, method }, seconds);
  }

  /** Records how long attempts this server handed to an agent at `now` waited. */
  attemptsClaimed(claimed: readonly ClaimedAttempt[], now: number): void {
    for (const attempt of claimed) {
      this.queueWait.observe(Math.max(0, now - attempt.queuedAt) / SECONDS);
    }
  }

  /** Records how long an attempt ran, once its outcome changed its run. */
  outcomeApplied(outcome: RecordedOutcome): void {
    if (outcome.claimedAt === null) return;
    const seconds = Math.max(0, outcome.finishedAt - outcome.claimedAt) / SECONDS;
    this.attemptDuration.observe({ outcome: outcome.outcome }, seconds);
  }

  /** Counts attempts this server marked lost. */
  attemptsLost(count: number): void {
    if (count > 0) this.lostAttempts.inc(count);
  }

  /** Counts a webhook delivery stored, or recognised as a replay. */
  webhookReceived(forge: string, duplicate: boolean): void {
    this.webhookDeliveries.inc({ forge, result: duplicate ? 'duplicate' : 'accepted' });
  }

  /** Counts a webhook delivery refused, by reason. */
  webhookRejected(forge: string, reason: string): void {
    this.webhookRejections.inc({ forge, reason });
  }

  /** Observes the time a Slack request took to acknowledge. */
  slackAcknowledged(kind: 'command' | 'interaction', seconds: number): void {
    this.slackAcks.observe({ kind }, seconds);
  }

  /** Counts a request said to come from Slack that was refused, by reason. */
  slackRejected(reason: string): void {
    this.slackRejections.inc({ reason });
  }

  /** Counts one try of a post to Slack (a message to a channel, an answer): each try of a retried post. */
  slackReplied(delivered: boolean): void {
    this.slackReplies.inc({ result: delivered ? 'delivered' : 'failed' });
  }

  /** Counts a trigger event settled by this server, and the runs it created. */
  triggerEventSettled(status: string, event: string | null, runs: number): void {
    this.triggerEvents.inc({ status });
    if (event !== null && runs > 0) this.triggersFired.inc({ event }, runs);
  }

  /** Counts a cron tick recorded, or found recorded already. */
  cronTick(duplicate: boolean): void {
    this.cronTicks.inc({ result: duplicate ? 'duplicate' : 'fired' });
  }

  /** Counts a failed read of a project's pipeline catalog. */
  catalogFailed(): void {
    this.catalogFailures.inc();
  }

  /** Counts pipeline-completion trigger events recorded. */
  completionEventsRecorded(count: number): void {
    this.completionEvents.inc(count);
  }

  /** Counts a poll by how it ended, and the heads a tripped poll found. */
  polled(result: string, changes: number): void {
    this.pollCycles.inc({ result });
    if (result === 'tripped') this.pollItemsOverThreshold.inc(changes);
  }

  /** Counts a request to a forge API. */
  forgeRequest(host: string, status: string, success: boolean): void {
    this.forgeRequests.inc({ host, status, success: success ? 'true' : 'false' });
  }

  /** Counts a commit status delivery by how it went. */
  commitStatusDelivery(result: 'delivered' | 'retry' | 'abandoned'): void {
    this.commitStatuses.inc({ result });
  }

  /** Counts a call of a forge's merge API. */
  mergeAttempted(): void {
    this.mergeAttempts.inc();
  }

  /** Counts a due automatic merge by how it ended this time. */
  mergeResult(result: 'merged' | 'retry' | 'failed' | 'dropped'): void {
    this.merges.inc({ result });
  }

  /** The metrics in the Prometheus text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function setByStatus<S extends string>(
  gauge: Gauge<'status'>,
  statuses: readonly S[],
  counts: StatusCounts<S>,
): void {
  for (const status of statuses) gauge.set({ status }, counts[status] ?? 0);
}
