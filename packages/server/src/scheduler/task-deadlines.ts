import { formatDuration, type AttemptRef, type ControlStore, type Plan } from '@slipway/core';

/** Options of {@link TaskDeadlines}. */
export interface TaskDeadlinesOptions {
  /** How long past its task's timeout an attempt may still run before the server ends it. */
  readonly graceMs: number;
  /** Attempts looked at per pass. */
  readonly batch: number;
}

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
 * Plans are immutable, so they are cached per run while the run has held attempts.
 */
export class TaskDeadlines {
  private readonly plans = new Map<string, Plan | null>();

  constructor(
    private readonly store: ControlStore,
    private readonly options: TaskDeadlinesOptions,
  ) {}

  /** Settles the held attempts past their deadline at `now`; returns them. */
  async enforce(now: number): Promise<AttemptRef[]> {
    const held = await this.store.listHeldAttempts(this.options.batch);
    const overdue: { attemptId: string; error: string }[] = [];
    const runs = new Set<string>();
    for (const attempt of held) {
      runs.add(attempt.runId);
      const timeoutMs = (await this.planOf(attempt.runId))?.tasks.find(
        (t) => t.id === attempt.taskId,
      )?.timeoutMs;
      if (timeoutMs === null || timeoutMs === undefined) continue;
      if (now <= attempt.claimedAt + timeoutMs + this.options.graceMs) continue;
      overdue.push({
        attemptId: attempt.attemptId,
        error:
          `the task timed out after ${formatDuration(timeoutMs)}; the server ended the ` +
          `attempt since agent ${attempt.agentId} had not ${formatDuration(this.options.graceMs)} later`,
      });
    }
    for (const runId of this.plans.keys()) if (!runs.has(runId)) this.plans.delete(runId);
    return overdue.length === 0 ? [] : this.store.timeOutAttempts(overdue, now);
  }

  private async planOf(runId: string): Promise<Plan | null> {
    let plan = this.plans.get(runId);
    if (plan === undefined) {
      plan = (await this.store.getRun(runId))?.plan ?? null;
      this.plans.set(runId, plan);
    }
    return plan;
  }
}
