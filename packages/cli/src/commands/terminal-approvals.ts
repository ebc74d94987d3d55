import { createInterface } from 'node:readline/promises';
import {
  ApprovalDecision,
  UserError,
  UserErrorKind,
  type ApprovalAnswer,
  type ApprovalPrompter,
  type Plan,
  type PlanTask,
} from '@slipway/core';

/** What {@link TerminalApprovals} works with. */
export interface TerminalApprovalsOptions {
  /** Approval tasks approved beforehand (`--approve`), by task id or name. */
  readonly approved: ReadonlySet<string>;
  /** True when a person can answer at `input` (an interactive terminal). */
  readonly interactive: boolean;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Who decides: the user running the command. */
  readonly user: string;
}

/**
 * Decides approval tasks of `slipway run`: tasks named by `--approve` are approved at
 * once; otherwise a person at an interactive terminal is asked, one question at a time
 * (approve or reject, then an optional comment); without a terminal the task is rejected
 * with a message saying how to approve it beforehand.
 */
export class TerminalApprovals implements ApprovalPrompter {
  /** Questions wait for the one before them: they share one terminal. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: TerminalApprovalsOptions) {}

  ask(task: PlanTask, signal: AbortSignal): Promise<ApprovalAnswer> {
    const { approved, interactive, user } = this.options;
    if (approved.has(task.id) || approved.has(task.name)) {
      return Promise.resolve({
        decision: ApprovalDecision.Approve,
        by: user,
        comment: 'approved beforehand with --approve',
      });
    }
    if (!interactive) {
      return Promise.resolve({
        decision: ApprovalDecision.Reject,
        by: 'slipway run',
        comment: `no one can be asked without an interactive terminal; pass \`--approve ${task.id}\` to approve it beforehand`,
      });
    }
    const answer = this.queue.then(() => this.question(task, signal));
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  private async question(task: PlanTask, signal: AbortSignal): Promise<ApprovalAnswer> {
    const { input, output, user } = this.options;
    const withdrawn = { decision: ApprovalDecision.Reject, by: user, comment: null };
    if (signal.aborted) return withdrawn;
    const rl = createInterface({
      input,
      output,
      terminal: 'isTTY' in input && input.isTTY === true,
    });
    // A terminal in raw mode turns Ctrl-C into this event: pass it on as the signal the
    // run's interrupt handling listens to.
    rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    try {
      const message = task.approval?.message ?? `approve task ${task.id}?`;
      output.write(`\n[${task.id}] approval needed: ${message}\n`);
      for (;;) {
        const reply = (await rl.question('approve? [y]es / [n]o: ', { signal })).trim();
        const decision = decisionOf(reply);
        if (decision === null) continue;
        const comment = (await rl.question('comment (optional): ', { signal })).trim();
        return { decision, by: user, comment: comment === '' ? null : comment };
      }
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') return withdrawn;
      throw error;
    } finally {
      rl.close();
    }
  }
}

function decisionOf(reply: string): ApprovalDecision | null {
  const word = reply.toLowerCase();
  if (word === 'y' || word === 'yes' || word === 'approve') return ApprovalDecision.Approve;
  if (word === 'n' || word === 'no' || word === 'reject') return ApprovalDecision.Reject;
  return null;
}

/**
 * Checks that every `--approve` name is an approval task of the plan (by id or name), so
 * a misspelt name fails before anything runs instead of leaving its task unapproved.
 */
export function checkApproveFlags(plan: Plan, names: readonly string[]): void {
  const approvals = plan.tasks.filter((t) => t.approval !== undefined);
  for (const name of names) {
    if (approvals.some((t) => t.id === name || t.name === name)) continue;
    const known = approvals.map((t) => t.id);
    throw new UserError(
      UserErrorKind.Usage,
      `--approve ${name}: the pipeline has no approval task "${name}"` +
        (known.length === 0
          ? '; it has no approval tasks at all'
          : `; its approval tasks are ${known.join(', ')}`) +
        '. Nothing was run.',
    );
  }
}
