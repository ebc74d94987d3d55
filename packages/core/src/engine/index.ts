export { runPlan, type RunPlanOptions } from './run-plan.js';
export { RunControls } from './run-controls.js';
export { silentObserver, type RunObserver } from './run-observer.js';
export type { ArtifactFile, RunSummary, TaskSummary } from './run-summary.js';
export {
  runAttempt,
  type AttemptInput,
  type AttemptReport,
  type AttemptStop,
} from './run-attempt.js';
export type { ApprovalAnswer, ApprovalPrompter } from './approval-prompter.js';
export { readsExpressionContext } from './step-environment.js';
