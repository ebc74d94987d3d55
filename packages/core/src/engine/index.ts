export { runPlan, type RunPlanOptions } from './run-plan.js';
export { RunControls } from './run-controls.js';
export { silentObserver, type RunObserver } from './run-observer.js';
export type { ArtifactFile, RunSummary, TaskSummary } from './run-summary.js';
export { formatDuration } from './run-attempt.js';
