import type { PlanTask } from '../plan/plan.js';
import type { ApprovalDecision } from '../scheduler/events.js';

/** A decision about an approval task, as a person (or a flag given beforehand) made it. */
export interface ApprovalAnswer {
  readonly decision: ApprovalDecision;
  /** Who decided: a user name. */
  readonly by: string;
  readonly comment: string | null;
}

/**
 * How `runPlan` gets decisions about approval tasks: asked once per approval task when
 * it starts waiting (possibly while another is being asked: an implementation that talks
 * to one terminal asks one at a time). `signal` aborts when the answer is no longer
 * wanted (the run was cancelled, the approval timed out); the promise may then settle any
 * way, and what it says is ignored. A rejected promise is a bug and aborts the run.
 */
export interface ApprovalPrompter {
  ask(task: PlanTask, signal: AbortSignal): Promise<ApprovalAnswer>;
}
