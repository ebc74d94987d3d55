export { TaskStatus, canTaskMove, isTaskSettled } from './task-status.js';
export { RunStatus, canRunMove, isRunFinished } from './run-status.js';
export { ApprovalDecision, AttemptOutcome, type SchedulerEvent } from './events.js';
export { StopMode, type Decision } from './decisions.js';
export type { GroupInfo, RunGraph } from './run-graph.js';
export { buildRunGraph } from './run-graph.js';
export type { CarriedTaskState, RunState, RunStateOptions, TaskState } from './run-state.js';
export { createRunState, taskState } from './run-state.js';
export { decide, type Decided } from './decide.js';
export {
  expressionContextOf,
  taskExpressionContext,
  tasksReadBy,
  type VisibleTaskFacts,
} from './task-context.js';
export { retryDelayMs } from './retry-delay.js';
