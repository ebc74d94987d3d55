import {
  CommitSync,
  decide,
  isRunFinished,
  RunStatus,
  TaskStatus,
  type ControlStore,
  type Decision,
  type NewApproval,
  type NewRun,
  type QueuedAttempt,
  type RecordedOutcome,
  type RunRecord,
  type RunSnapshot,
  type RunState,
  type RunUpdate,
  type SchedulerEvent,
  type TaskChange,
} from '@slipway/core';
import { decodeRunState, encodeRunState } from './run-state-codec.js';

/** What applying one event (or several in a row) to a run did. */
export interface AppliedEvent {
  /** The run's status afterwards. */
  readonly status: RunStatus;
  readonly decisions: readonly Decision[];
  /** How many of `decisions` each event made, in the order of the events. */
  readonly decisionsPerEvent: readonly number[];
  /** Attempts queued for agents. */
  readonly queued: number;
  readonly projectId: string;
  readonly runId: string;
  /** The run's concurrency group; null outside any. */
  readonly concurrencyGroup: string | null;
}

/** Options of {@link applyEvent}. */
export interface ApplyOptions {
  /** Ids of the recorded attempt outcomes this event applies. */
  readonly applied?: readonly string[];
  /**
   * When the change must be on disk (see `ControlStore.updateRun`): `Later` for changes
   * the store's own rows call for, which the scheduler loop makes again if they are lost.
   */
  readonly sync?: CommitSync;
}

/**
 * Applies one scheduler event to a stored run in one store transaction: loads its state,
 * lets core's pure {@link decide} choose, and stores the new state, the task rows, the
 * attempts to queue, the stop requests and the next wake-up time. Events that do not
 * apply (a second cancel, an outcome of a settled attempt) change nothing but still mark
 * the given outcomes as applied.
 */
export function applyEvent(
  store: ControlStore,
  runId: string,
  event: SchedulerEvent,
  now: number,
  options: ApplyOptions = {},
): Promise<AppliedEvent> {
  return applyEvents(store, runId, [event], now, options);
}

/**
 * Applies events to a stored run one after another, as {@link applyEvent} would apply
 * each, but in one store transaction: the outcomes of many attempts of one run that
 * ended together cost one read and one commit of the run instead of one each.
 */
export function applyEvents(
  store: ControlStore,
  runId: string,
  events: readonly SchedulerEvent[],
  now: number,
  options: ApplyOptions = {},
): Promise<AppliedEvent> {
  return store.updateRun(
    runId,
    (snapshot) => transition(snapshot, () => events, now, options.applied ?? []),
    options.sync,
  );
}

/**
 * The change of a run that applies attempt outcomes recorded for it, in their order, and
 * marks them applied: what {@link applyEvents} makes of them, for a store call that makes
 * the change itself (`ControlStore.finishAndClaim`).
 */
export function outcomesChange(
  outcomes: readonly RecordedOutcome[],
  now: number,
): (snapshot: RunSnapshot) => RunUpdate<AppliedEvent> {
  const events = outcomes.map(outcomeEvent);
  const applied = outcomes.map((outcome) => outcome.attemptId);
  return (snapshot) => transition(snapshot, () => events, now, applied);
}

/** The scheduler event of a recorded attempt outcome. */
export function outcomeEvent(outcome: RecordedOutcome): SchedulerEvent {
  return {
    type: 'attempt_finished',
    taskId: outcome.taskId,
    attempt: outcome.attempt,
    outcome: outcome.outcome,
    results: outcome.results,
    error: outcome.error,
  };
}

/**
 * Stores a new run and applies `run_started` to it in the same store transaction, as
 * {@link applyEvent} would right after storing it. Returns the run as stored and what
 * the event did.
 */
export async function createStartedRun(
  store: ControlStore,
  run: NewRun,
  now: number,
): Promise<{ run: RunRecord; applied: AppliedEvent }> {
  const created = await store.createAndUpdateRun(run, (snapshot) =>
    transition(snapshot, () => [{ type: 'run_started' }], now, []),
  );
  return { run: created.run, applied: created.result };
}

/**
 * Applies whatever a run's wake-up time was for: its timeout once the deadline has
 * passed, otherwise a `tick` that starts attempts whose retry backoff is over and fails
 * approvals whose timeout has passed. Committed {@link CommitSync.Later}: the wake-up
 * time stays stored until this change is, so a lost change is made again.
 */
export function applyWake(store: ControlStore, runId: string, now: number): Promise<AppliedEvent> {
  return store.updateRun(
    runId,
    (snapshot) =>
      transition(
        snapshot,
        (deadline) => [
          deadline !== null && now >= deadline ? { type: 'run_timed_out' } : { type: 'tick' },
        ],
        now,
        [],
      ),
    CommitSync.Later,
  );
}

function transition(
  snapshot: RunSnapshot,
  eventsFor: (deadline: number | null) => readonly SchedulerEvent[],
  now: number,
  applied: readonly string[],
): RunUpdate<AppliedEvent> {
  const { plan } = snapshot.run;
  const loaded = decodeRunState(plan, snapshot.state);
  let state = loaded.state;
  let deadline = loaded.deadline;
  const decisions: Decision[] = [];
  const decisionsPerEvent: number[] = [];
  for (const event of eventsFor(loaded.deadline)) {
    if (event.type === 'run_started' && state.status === RunStatus.Queued) {
      deadline = plan.timeoutMs === null ? null : now + plan.timeoutMs;
    }
    const step = decide(state, event, now);
    state = step.state;
    decisions.push(...step.decisions);
    decisionsPerEvent.push(step.decisions.length);
    if (event.type === 'run_timed_out') deadline = null;
  }
  if (isRunFinished(state.status)) deadline = null;

  const tasks = new Map<string, TaskChange>();
  const queue: QueuedAttempt[] = [];
  const stop: RunUpdate<AppliedEvent>['stop'][number][] = [];
  const approvals: NewApproval[] = [];
  for (const decision of decisions) {
    switch (decision.type) {
      case 'task_status': {
        const index = state.graph.indexOf.get(decision.taskId);
        const results = index === undefined ? undefined : state.tasks[index]?.results;
        tasks.set(decision.taskId, {
          taskId: decision.taskId,
          status: decision.status,
          attempt: decision.attempt,
          reason: decision.reason,
          ...(decision.status === TaskStatus.Succeeded && results ? { results } : {}),
        });
        break;
      }
      case 'start_attempt': {
        const index = state.graph.indexOf.get(decision.taskId);
        const task = index === undefined ? undefined : plan.tasks[index];
        queue.push({
          taskId: decision.taskId,
          attempt: decision.attempt,
          labels: task?.runsOn ?? [],
        });
        break;
      }
      case 'stop_attempt':
        stop.push({ taskId: decision.taskId, attempt: decision.attempt, mode: decision.mode });
        break;
      case 'record_approval':
        approvals.push({
          taskId: decision.taskId,
          decision: decision.decision,
          by: decision.by,
          comment: decision.comment,
          at: decision.at,
        });
        break;
      case 'wake_at':
      case 'finish_run':
        break;
    }
  }

  return {
    state: encodeRunState(state, deadline),
    status: state.status,
    tasks: [...tasks.values()],
    queue,
    stop,
    applied,
    approvals,
    wakeAt: isRunFinished(state.status) ? null : nextWake(state, deadline),
    now,
    result: {
      status: state.status,
      decisions,
      decisionsPerEvent,
      queued: queue.length,
      projectId: snapshot.run.projectId,
      runId: snapshot.run.id,
      concurrencyGroup: plan.concurrency?.group ?? null,
    },
  };
}

/**
 * The earliest of: a retry backoff's end, an approval's timeout, and the run's deadline.
 */
function nextWake(state: RunState, deadline: number | null): number | null {
  let next = deadline;
  const consider = (at: number | null | undefined) => {
    if (at != null && (next === null || at < next)) next = at;
  };
  for (const i of state.retrying) consider(state.tasks[i]?.notBefore);
  for (const i of state.awaiting) consider(state.tasks[i]?.decideBy);
  return next;
}
