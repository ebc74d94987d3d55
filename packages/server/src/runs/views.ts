import type { Project as ProjectView, Run as RunView, Task as TaskView } from '@slipway/api';
import type { ApprovalRecord, PlanTask, Project, RunRecord, TaskRecord } from '@slipway/core';

/** A project as the API shows it. */
export function projectView(project: Project): ProjectView {
  return {
    id: project.id,
    name: project.name,
    source: project.source,
    defaultBranch: project.defaultBranch,
    createdAt: project.createdAt,
  };
}

/** A run as the API shows it (without its plan). */
export function runView(run: RunRecord, projectName: string): RunView {
  return {
    id: run.id,
    projectId: run.projectId,
    projectName,
    number: run.number,
    pipeline: run.pipeline,
    status: run.status,
    trigger: { ...run.trigger },
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    trusted: run.trusted,
    ...(run.retryOf !== undefined ? { retryOf: run.retryOf } : {}),
    ...(run.rerunOf !== undefined ? { rerunOf: run.rerunOf } : {}),
  };
}

/**
 * A task of a run as the API shows it; `task` is its entry in the plan and `decision` the
 * decision stored for it when it is an approval task.
 */
export function taskView(
  record: TaskRecord,
  task: PlanTask | undefined,
  decision: ApprovalRecord | null = null,
): TaskView {
  const approval = task?.approval;
  return {
    taskId: record.taskId,
    name: task?.name ?? record.taskId,
    kind: task?.kind ?? 'main',
    needs: [...(task?.needs ?? [])],
    status: record.status,
    attempt: record.attempt,
    reason: record.reason,
    results: { ...record.results },
    attemptId: record.attemptId,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    ...(record.carriedFrom !== undefined ? { carriedFrom: record.carriedFrom } : {}),
    ...(approval === undefined
      ? {}
      : {
          approval: {
            message: approval.message,
            approvers: approval.approvers === null ? null : [...approval.approvers],
            timeoutMs: task?.timeoutMs ?? null,
            decision:
              decision === null
                ? null
                : {
                    decision: decision.decision,
                    by: decision.by,
                    comment: decision.comment,
                    at: decision.at,
                  },
          },
        }),
  };
}
