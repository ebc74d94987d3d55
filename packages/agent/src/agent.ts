import { join } from 'node:path';
import {
  SecretMasker,
  type AttemptStop,
  type Clock,
  type LeaseAnswer,
  type Timer,
} from '@slipway/core';
import {
  FinishOutcome,
  MAX_LOG_REQUEST_BYTES,
  MAX_LOG_REQUEST_CHUNKS,
  isRetriable,
  type AgentConnection,
  type AssignedAttempt,
} from './agent-connection.js';
import { AttemptFolders } from './attempt-folders.js';
import { GitCheckouts } from './git-checkouts.js';
import type { CommandLauncher } from '@slipway/executors';
import { LogShipper } from './log-shipper.js';
import { LogSpool } from './log-spool.js';
import { prepareWorkFolder } from './work-folder.js';
import { publishOutputs } from './publish-outputs.js';
import { retryDelayMs, defaultRetryPolicy, type RetryPolicy } from './retry-delay.js';
import {
  runAssignedAttempt,
  type AgentExecutors,
  type AttemptEnd,
} from './run-assigned-attempt.js';

/** After the grace period of a stop, how long results and logs may still take to be delivered. */
const FINAL_DELIVERY_MS = 5000;

/**
 * Step output waiting on disk (in the work folder's `log-spool`) while the control plane
 * takes it more slowly than steps print it; beyond this, output is dropped with a marker.
 */
const MAX_LOG_SPOOL_BYTES = 1024 * 1024 * 1024;

/** How an {@link Agent} works. */
export interface AgentOptions {
  readonly connection: AgentConnection;
  /** Shown by the control plane; the host name is a good choice. */
  readonly name: string;
  /** Tasks whose `runs-on` labels are all among these may run here. */
  readonly labels: readonly string[];
  /** At most this many attempts run at once. */
  readonly capacity: number;
  /** Where checkouts, the fetch cache and waiting log output live; one folder per agent process. */
  readonly workDir: string;
  readonly executors: AgentExecutors;
  /** How git commands are started; in this process by default. */
  readonly launch?: CommandLauncher;
  readonly clock: Clock;
  /** How often the leases of running attempts are renewed. */
  readonly heartbeatMs: number;
  /** Step output waits at most this long before it is sent. */
  readonly logFlushMs: number;
  /** The environment steps start from (secrets and `SLIPWAY_*` facts are added); default none. */
  readonly baseEnv?: Readonly<Record<string, string>>;
  /** How long a step may take to stop after SIGTERM before it is killed; default 10 s. */
  readonly killGraceMs?: number;
  /** How long one claim waits for work at the control plane; default 30 s. */
  readonly claimWaitMs?: number;
  /** Waits between tries of failing calls; default 250 ms doubling to 10 s. */
  readonly retry?: RetryPolicy;
  /** Told about problems the agent works around (network errors, refused results). */
  readonly log?: (message: string) => void;
}

interface ActiveAttempt {
  readonly work: AssignedAttempt;
  readonly stop: AttemptStop;
  readonly masker: SecretMasker;
  /** The control plane no longer wants it: it is killed and its result is not sent. */
  gone: boolean;
  /** Killed because the agent stopped: its result is not sent; its lease will lapse. */
  abandoned: boolean;
  /** Its steps have ended. */
  ran: boolean;
  /**
   * Its steps have ended, and its slot waits for the answer to its result, which claims
   * the slot's next attempt.
   */
  keepsSlot: boolean;
  /** Resolves when its steps have ended. */
  running: Promise<AttemptEnd>;
  /** Gives its folder back (for reuse, or removal); run once its result is delivered. */
  giveBack: () => Promise<void>;
  /** Resolves when its result was delivered or given up. */
  settled: Promise<void>;
}

/*
 * The agent's life: `start` registers (retrying while the control plane cannot be
 * reached), then three activities run until `stop`:
 *
 * - the claim loop long-polls for work while fewer than `capacity` attempts are active,
 *   and starts each attempt it gets without waiting for it;
 * - the heartbeat loop renews the leases of active attempts every `heartbeatMs` and acts
 *   on the answers (`stop` cancels or kills the attempt's steps, `gone` kills them and
 *   drops their result and unsent output);
 * - the log shipper sends step output in ordered batches (output the control plane has
 *   not taken yet waits in memory, then in a file of the work folder).
 *
 * An attempt is active from its claim until its result was delivered (or dropped), so a
 * result waiting for the network keeps its lease alive. It takes a capacity slot while
 * its steps run. When they end with all its output delivered, the slot waits for the
 * result, which claims the slot's next attempt in the same call (one round trip, and one
 * commit at the control plane, for both; for a chain, the next task comes back with the
 * result that queued it); when nothing comes back, the claim loop takes the slot over.
 * When output is still to be sent, the slot is freed at once: the claim loop may take it
 * while the logs and result are delivered (which overlaps the round trips), but no more
 * than `capacity` attempts wait for delivery at once, so a control plane that is slow to
 * take results slows the claims instead of letting unsent results pile up. Its
 * test report and artifact files are sent when its steps end, while its checkout still
 * exists, and its logs are always delivered before its result. Its folder and checkout
 * are given back (see `AttemptFolders`) once it is no longer active, so that removing
 * them does not delay the next task. Calls that fail are retried with backoff; nothing the control plane does ends
 * the loops.
 *
 * `stop` ends claiming at once, lets running attempts go on for the grace period, then
 * kills what still runs and leaves those attempts to the control plane's lease expiry
 * (no result is sent for them). Results and logs of attempts that ended get a few more
 * seconds to be delivered; once the removals of their folders are done, heartbeats end
 * and `stop` resolves.
 */
export class Agent {
  private agentId: string | undefined;
  private readonly active = new Map<string, ActiveAttempt>();
  /** Removals of settled attempts' folders still under way. */
  private readonly removals = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly delivery = new AbortController();
  private readonly heartbeatsOver = new AbortController();
  private readonly logs: LogShipper;
  private readonly folders: AttemptFolders;
  private readonly retry: RetryPolicy;
  private claimLoop: Promise<void> = Promise.resolve();
  private heartbeatLoop: Promise<void> = Promise.resolve();
  private slotFreed: (() => void) | undefined;
  private started = false;
  private stopped: Promise<void> | undefined;
  private warnedAboutLease = false;
  private killTimer: Timer | undefined;
  private killAt = Infinity;
  private over = false;

  constructor(private readonly options: AgentOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new Error(`agent capacity must be a positive integer, not ${options.capacity}`);
    }
    this.retry = options.retry ?? defaultRetryPolicy;
    this.folders = new AttemptFolders(
      join(options.workDir, 'attempts'),
      new GitCheckouts(join(options.workDir, 'git'), options.launch),
      options.capacity,
    );
    this.logs = new LogShipper({
      clock: options.clock,
      flushMs: options.logFlushMs,
      retry: this.retry,
      // The agent id and the request's own keys sit outside the chunks array.
      maxBatchBytes: MAX_LOG_REQUEST_BYTES - 1024,
      maxBatchChunks: MAX_LOG_REQUEST_CHUNKS,
      spool: new LogSpool(join(options.workDir, 'log-spool'), MAX_LOG_SPOOL_BYTES),
      send: (chunks) => options.connection.sendLogs({ agentId: this.agentId ?? '', chunks }),
      onSendError: (error, willRetry) => {
        this.say(
          `sending logs failed (${willRetry ? 'retrying' : 'this batch is dropped'}): ${describe(error)}`,
        );
      },
    });
    this.delivery.signal.addEventListener(
      'abort',
      () => {
        void this.logs.close(this.delivery.signal);
      },
      { once: true },
    );
  }

  /** The id the control plane gave this agent; set once `start` has resolved. */
  get id(): string | undefined {
    return this.agentId;
  }

  /** Attempts claimed and not yet settled (running, or delivering their result). */
  get activeAttempts(): number {
    return this.active.size;
  }

  /**
   * Prepares the work folder, registers with the control plane and starts claiming work.
   * Resolves once registered (or stopped first); rejects when the work folder cannot be
   * used or the control plane refuses the registration (a wrong token, say), which
   * waiting would not fix.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('the agent was already started');
    this.started = true;
    const { workDir, connection, name, labels, capacity } = this.options;
    prepareWorkFolder(workDir);
    for (let failures = 1; !this.stopping.signal.aborted; failures++) {
      try {
        this.agentId = (await connection.register({ name, labels, capacity })).agentId;
        break;
      } catch (error) {
        if (!isRetriable(error)) throw error;
        this.say(`registering with the control plane failed (retrying): ${describe(error)}`);
        await this.options.clock.sleep(retryDelayMs(this.retry, failures), this.stopping.signal);
      }
    }
    if (this.agentId === undefined || this.isStopping()) return;
    this.claimLoop = this.claimWork();
    this.heartbeatLoop = this.renewLeases();
  }

  /**
   * Stops claiming, lets running steps finish within `graceMs`, then kills what still
   * runs and leaves it to the control plane's lease expiry. Resolves when everything the
   * agent started has ended. Calling it again returns the same promise; a shorter
   * `graceMs` then brings the kill forward (a second Ctrl-C, say).
   */
  stop(options: { graceMs: number }): Promise<void> {
    this.scheduleKill(options.graceMs);
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private scheduleKill(graceMs: number): void {
    const { clock } = this.options;
    const at = clock.now() + graceMs;
    if (this.over || at >= this.killAt) return;
    this.killAt = at;
    this.killTimer?.cancel();
    this.killTimer = clock.setTimer(graceMs, () => {
      for (const attempt of this.active.values()) {
        if (attempt.ran) continue;
        attempt.abandoned = true;
        attempt.stop.reason ??= 'the agent stopped';
        attempt.stop.kill.abort();
      }
    });
  }

  private async shutDown(): Promise<void> {
    this.stopping.abort();
    this.slotFreed?.();
    await this.claimLoop;
    await Promise.all([...this.active.values()].map((attempt) => attempt.running));
    this.killTimer?.cancel();
    const deadline = this.options.clock.setTimer(FINAL_DELIVERY_MS, () => {
      this.delivery.abort();
    });
    await Promise.all([...this.active.values()].map((attempt) => attempt.settled));
    await this.logs.close(this.delivery.signal);
    deadline.cancel();
    await Promise.all(this.removals);
    await this.folders.clear();
    this.heartbeatsOver.abort();
    await this.heartbeatLoop;
    this.over = true;
  }

  private async claimWork(): Promise<void> {
    const { connection, clock, labels, capacity } = this.options;
    const agentId = this.agentId ?? '';
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      const free = this.freeSlots(capacity);
      if (free <= 0) {
        await new Promise<void>((resolve) => {
          this.slotFreed = resolve;
        });
        this.slotFreed = undefined;
        continue;
      }
      let attempts: AssignedAttempt[];
      try {
        const waitMs = this.options.claimWaitMs ?? 30_000;
        ({ attempts } = await connection.claim(
          { agentId, labels, free, waitMs },
          this.stopping.signal,
        ));
        failures = 0;
      } catch (error) {
        if (this.isStopping()) break;
        failures++;
        this.say(`claiming work failed (retrying): ${describe(error)}`);
        await clock.sleep(retryDelayMs(this.retry, failures), this.stopping.signal);
        continue;
      }
      this.beginClaimed(attempts);
    }
  }

  /** Starts claimed attempts, unless the agent is stopping. */
  private beginClaimed(attempts: readonly AssignedAttempt[]): void {
    if (this.isStopping()) {
      // The claim answered as the agent began to stop; the leases of these attempts
      // lapse and the control plane's retry policy decides what happens to them.
      for (const work of attempts)
        this.say(`attempt ${work.attemptId} left unstarted: the agent is stopping`);
      return;
    }
    for (const work of attempts) this.begin(work);
  }

  /** Slots for new attempts: see the life of an attempt above. */
  private freeSlots(capacity: number): number {
    let running = 0;
    for (const attempt of this.active.values()) if (!attempt.ran || attempt.keepsSlot) running++;
    const delivering = this.active.size - running;
    return capacity - running - Math.max(0, delivering - capacity);
  }

  private begin(work: AssignedAttempt): void {
    if (this.active.has(work.attemptId)) return;
    this.checkLease(work.leaseMs);
    const attempt: ActiveAttempt = {
      work,
      stop: {
        cancel: new AbortController(),
        kill: new AbortController(),
        reason: null,
        timedOut: false,
      },
      masker: new SecretMasker(Object.values(work.secrets)),
      gone: false,
      abandoned: false,
      ran: false,
      keepsSlot: false,
      running: Promise.resolve({ outcome: FinishOutcome.Failed, results: {}, error: null }),
      settled: Promise.resolve(),
      giveBack: () => Promise.resolve(),
    };
    this.active.set(work.attemptId, attempt);
    if (work.maxStepLogBytes !== undefined) {
      this.logs.limitSteps(work.attemptId, work.maxStepLogBytes);
    }
    attempt.running = this.run(attempt);
    attempt.settled = attempt.running
      .then(async (end) => {
        if (!attempt.keepsSlot) this.slotFreed?.();
        const next = await this.deliver(attempt, end);
        attempt.keepsSlot = false;
        this.beginClaimed(next);
        this.slotFreed?.();
      })
      .catch((error: unknown) => {
        this.say(`attempt ${work.attemptId}: ${describe(error)}`);
      })
      .finally(() => {
        this.active.delete(work.attemptId);
        this.logs.end(work.attemptId);
        this.slotFreed?.();
        const removal = attempt.giveBack();
        this.removals.add(removal);
        void removal.finally(() => this.removals.delete(removal));
      });
  }

  private async run(attempt: ActiveAttempt): Promise<AttemptEnd> {
    const { work, stop } = attempt;
    const { options } = this;
    try {
      return await runAssignedAttempt(work, stop, {
        folders: this.folders,
        executors: options.executors,
        baseEnv: options.baseEnv ?? {},
        killGraceMs: options.killGraceMs ?? 10_000,
        clock: options.clock,
        giveBackLater: (giveBack) => {
          attempt.giveBack = giveBack;
        },
        output: (step, stream, text) => {
          this.logs.append(work.attemptId, step, stream, text);
        },
        publish: (outputs, warn) =>
          publishOutputs(
            {
              connection: options.connection,
              agentId: this.agentId ?? '',
              attemptId: work.attemptId,
              taskId: work.taskId,
              clock: options.clock,
              retry: this.retry,
              signal: stop.kill.signal,
              warn,
              say: (message) => {
                this.say(message);
              },
            },
            outputs,
          ),
      });
    } catch (error) {
      stop.kill.abort();
      this.say(
        `attempt ${work.attemptId} failed inside the agent (a bug): ${describe(error, true)}`,
      );
      const why = error instanceof Error ? error.message : String(error);
      return {
        outcome: FinishOutcome.Failed,
        results: {},
        error: attempt.masker.mask(`the agent failed while running the attempt: ${why}`),
      };
    } finally {
      attempt.ran = true;
      attempt.keepsSlot = !this.isStopping() && this.logs.isDelivered(work.attemptId);
    }
  }

  /**
   * Delivers the attempt's logs, then its result, until accepted, refused or gone. While
   * the attempt keeps its slot, the result claims the slot's next attempt: returns what
   * that claim got.
   */
  private async deliver(attempt: ActiveAttempt, end: AttemptEnd): Promise<AssignedAttempt[]> {
    const { work } = attempt;
    if (attempt.gone) return [];
    await this.logs.delivered(work.attemptId);
    if (attempt.abandoned) return [];
    const { connection, clock, labels } = this.options;
    const pending = () => !attempt.gone && !this.delivery.signal.aborted;
    for (let failures = 1; pending(); failures++) {
      const claiming = attempt.keepsSlot && !this.isStopping();
      try {
        const { accepted, attempts } = await connection.finish({
          agentId: this.agentId ?? '',
          attemptId: work.attemptId,
          outcome: end.outcome,
          results: end.results,
          error: end.error,
          ...(claiming ? { claim: { labels, free: 1 } } : {}),
        });
        if (!accepted) {
          this.say(
            `the control plane did not take the result of attempt ${work.attemptId}: it was already settled or given to another agent`,
          );
        }
        return attempts;
      } catch (error) {
        if (!isRetriable(error)) {
          this.say(`the result of attempt ${work.attemptId} was refused: ${describe(error)}`);
          return [];
        }
        this.say(
          `sending the result of attempt ${work.attemptId} failed (retrying): ${describe(error)}`,
        );
        await clock.sleep(retryDelayMs(this.retry, failures), this.delivery.signal);
      }
    }
    return [];
  }

  private async renewLeases(): Promise<void> {
    const { connection, clock, heartbeatMs } = this.options;
    const over = this.heartbeatsOver.signal;
    while (!over.aborted) {
      await clock.sleep(heartbeatMs, over);
      if (this.heartbeatsOver.signal.aborted) break;
      const ids: string[] = [];
      for (const [id, attempt] of this.active)
        if (!attempt.gone && !attempt.abandoned) ids.push(id);
      if (ids.length === 0) continue;
      let answers: Record<string, LeaseAnswer>;
      try {
        ({ answers } = await connection.heartbeat({
          agentId: this.agentId ?? '',
          attemptIds: ids,
        }));
      } catch (error) {
        this.say(`renewing leases failed (trying again in ${heartbeatMs} ms): ${describe(error)}`);
        continue;
      }
      for (const id of ids) {
        const attempt = this.active.get(id);
        const answer = answers[id];
        if (attempt && answer) this.applyLeaseAnswer(attempt, answer);
      }
    }
  }

  private applyLeaseAnswer(attempt: ActiveAttempt, answer: LeaseAnswer): void {
    const { stop } = attempt;
    switch (answer.status) {
      case 'ok':
        return;
      case 'stop':
        stop.reason ??= 'stopped at the request of the control plane';
        if (answer.mode === 'kill') stop.kill.abort();
        else stop.cancel.abort();
        return;
      case 'gone':
        attempt.gone = true;
        stop.reason ??= 'the attempt is no longer held by this agent';
        stop.kill.abort();
        this.logs.drop(attempt.work.attemptId);
        return;
    }
  }

  /** Read through a call: the flag changes while the loops wait. */
  private isStopping(): boolean {
    return this.stopping.signal.aborted;
  }

  private checkLease(leaseMs: number): void {
    if (this.warnedAboutLease || this.options.heartbeatMs * 2 <= leaseMs) return;
    this.warnedAboutLease = true;
    this.say(
      `heartbeats every ${this.options.heartbeatMs} ms may not renew leases of ${leaseMs} ms in time; use a heartbeat interval under half the lease`,
    );
  }

  private say(message: string): void {
    this.options.log?.(message);
  }
}

function describe(error: unknown, withStack = false): string {
  if (!(error instanceof Error)) return String(error);
  return withStack && error.stack ? error.stack : error.message;
}
