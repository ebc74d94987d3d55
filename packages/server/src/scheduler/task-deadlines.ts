import { formatDuration, type AttemptRef, type ControlStore } from '@slipway/core';

/** Options of {@link TaskDeadlines}. */
export interface TaskDeadlinesOptions {
  /** How long past its task's timeout an attempt may still run before the server ends it. */
  readonly graceMs: number;
  /** Attempts looked at per pass. */
  readonly batch: number;
}

/** The longest a pass of {@link TaskDeadlines.enforce} leaves between two looks at the store. */
const LOOK_AT_LEAST_EVERY_MS = 1000;

/*
 * The server's side of task timeouts. An agent stops an attempt that runs past its task's
 * `timeout` itself and reports it timed out; this covers agents that do not (a step that
 * ignores SIGTERM on an agent that never escalates, a wedged or old agent) while they
 * still renew their leases. An attempt claimed more than `timeout + grace` ago is settled
 * with outcome `timed_out`, as if its agent had reported it: the outcome is applied to
 * its run like any other (the task's retry policy decides), and from then on the agent's
 * heartbeats are answered `gone`, on which it kills the attempt's process groups.
 *
 * The timeout counts from the claim, so the checkout is inside it; the grace covers that
 * and the agent's own stopping (SIGTERM, the kill grace, delivering logs and the result).
 * Plans are immutable, so each run's task timeouts are kept while the run holds attempts.
 *
 * The scheduler calls `enforce` at every pass, many times a second when runs are busy;
 * the held attempts are read only when one of them may be overdue: not before the
 * earliest deadline seen in the last look (an attempt claimed since then ends no earlier
 * than the grace after its claim), and at least every second.
 */
export class TaskDeadlines {
  private readonly timeouts = new Map<string, ReadonlyMap<string, number>>();
  private nextLookAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: ControlStore,
    private readonly options: TaskDeadlinesOptions,
  ) {}

  /** Settles the held attempts past their deadline at `now`; returns them. */
  async enforce(now: number): Promise<AttemptRef[]> {
    if (now < this.nextLookAt) return [];
    const { batch, graceMs } = this.options;
    const held = await this.store.listHeldAttempts(batch);
    let nextLookAt = now + Math.min(graceMs, LOOK_AT_LEAST_EVERY_MS);
    const overdue: { attemptId: string; error: string }[] = [];
    const runs = new Set<string>();
    for (const attempt of held) {
      runs.add(attempt.runId);
      const timeoutMs = (await this.timeoutsOf(attempt.runId)).get(attempt.taskId);
      if (timeoutMs === undefined) continue;
      const deadline = attempt.claimedAt + timeoutMs + graceMs;
      if (now <= deadline) {
        nextLookAt = Math.min(nextLookAt, deadline + 1);
        continue;
      }
      overdue.push({
        attemptId: attempt.attemptId,
        error:
          `the task timed out after ${formatDuration(timeoutMs)}; the server ended the ` +
          `attempt since agent ${attempt.agentId} had not ${formatDuration(graceMs)} later`,
      });
    }
    // With more held attempts than a look reads, the unread ones may be due at any time.
    this.nextLookAt = held.length >= batch ? now : nextLookAt;
    for (const runId of this.timeouts.keys()) if (!runs.has(runId)) this.timeouts.delete(runId);
    return overdue.length === 0 ? [] : this.store.timeOutAttempts(overdue, now);
  }

  /** The timeouts of a run's tasks that have one, by task id. */
  private async timeoutsOf(runId: string): Promise<ReadonlyMap<string, number>> {
    let timeouts = this.timeouts.get(runId);
    if (timeouts === undefined) {
      const plan = (await this.store.getRun(runId))?.plan;
      timeouts = new Map(
        (plan?.tasks ?? []).flatMap((task) =>
          task.timeoutMs === null ? [] : [[task.id, task.timeoutMs] as const],
        ),
      );
      this.timeouts.set(runId, timeouts);
    }
    return timeouts;
  }
}
