import { describe, expect, it } from 'vitest';
import {
  ApprovalDecision,
  RunStatus,
  TaskStatus,
  type ControlStore,
  type NewApproval,
  type RunUpdate,
  type TaskChange,
} from '@slipway/core';
import {
  CONTRACT_T0 as T0,
  contractPlan,
  contractProject,
  contractRun,
} from './control-store-contract-fixtures.js';

function decided(
  store: ControlStore,
  runId: string,
  status: RunStatus,
  tasks: readonly TaskChange[],
  approvals: readonly NewApproval[],
  now: number,
): Promise<undefined> {
  return store.updateRun(runId, (current): RunUpdate<undefined> => ({
    state: current.state,
    status,
    tasks,
    queue: [],
    stop: [],
    applied: [],
    approvals,
    wakeAt: null,
    now,
    result: undefined,
  }));
}

/**
 * The part of the {@link ControlStore} contract about approval decisions. `store` returns
 * the store of the running test.
 */
export function describeControlStoreApprovalsContract(store: () => ControlStore): void {
  describe('approval decisions', () => {
    it('stores who decided what, when and why with the update that applies it', async () => {
      const project = await contractProject(store());
      const run = await contractRun(store(), project.id, contractPlan(['approve', 'deploy']));
      await decided(
        store(),
        run.id,
        RunStatus.Waiting,
        [{ taskId: 'approve', status: TaskStatus.Waiting, attempt: 0, reason: null }],
        [],
        T0 + 1,
      );
      expect(await store().getRun(run.id)).toMatchObject({
        status: RunStatus.Waiting,
        startedAt: T0 + 1,
      });
      expect(await store().listApprovals(run.id)).toEqual([]);
      await decided(
        store(),
        run.id,
        RunStatus.Running,
        [
          {
            taskId: 'approve',
            status: TaskStatus.Succeeded,
            attempt: 0,
            reason: null,
            results: { approved_by: 'alice', comment: 'ship it' },
          },
        ],
        [
          {
            taskId: 'approve',
            decision: ApprovalDecision.Approve,
            by: 'alice',
            comment: 'ship it',
            at: T0 + 5,
          },
        ],
        T0 + 5,
      );
      expect(await store().listApprovals(run.id)).toEqual([
        {
          runId: run.id,
          taskId: 'approve',
          decision: 'approve',
          by: 'alice',
          comment: 'ship it',
          at: T0 + 5,
        },
      ]);
      expect((await store().listTasks(run.id))[0]).toMatchObject({
        status: TaskStatus.Succeeded,
        results: { approved_by: 'alice', comment: 'ship it' },
        startedAt: T0 + 1,
        finishedAt: T0 + 5,
      });
    });

    it('keeps one decision per task: a second one fails its whole update', async () => {
      const project = await contractProject(store());
      const run = await contractRun(store(), project.id, contractPlan(['approve']));
      const rejection: NewApproval = {
        taskId: 'approve',
        decision: ApprovalDecision.Reject,
        by: 'bob',
        comment: null,
        at: T0 + 2,
      };
      await decided(store(), run.id, RunStatus.Running, [], [rejection], T0 + 2);
      await expect(
        decided(
          store(),
          run.id,
          RunStatus.Failed,
          [],
          [{ ...rejection, decision: ApprovalDecision.Approve, by: 'carol', at: T0 + 3 }],
          T0 + 3,
        ),
      ).rejects.toThrow();
      expect(await store().listApprovals(run.id)).toEqual([
        { runId: run.id, ...rejection, comment: null },
      ]);
      expect((await store().getRun(run.id))?.status).toBe(RunStatus.Running);
    });

    it('lists decisions per run, oldest first, and none for an unknown run', async () => {
      const project = await contractProject(store());
      const plan = contractPlan(['first', 'second']);
      const run = await contractRun(store(), project.id, plan);
      const other = await contractRun(store(), project.id, plan);
      const approval = (taskId: string, at: number): NewApproval => ({
        taskId,
        decision: ApprovalDecision.Approve,
        by: 'alice',
        comment: null,
        at,
      });
      await decided(store(), run.id, RunStatus.Running, [], [approval('second', T0 + 1)], T0 + 1);
      await decided(store(), run.id, RunStatus.Running, [], [approval('first', T0 + 9)], T0 + 9);
      await decided(store(), other.id, RunStatus.Running, [], [approval('first', T0 + 4)], T0 + 4);
      expect((await store().listApprovals(run.id)).map((a) => a.taskId)).toEqual([
        'second',
        'first',
      ]);
      expect(await store().listApprovals('no-such-run')).toEqual([]);
    });
  });
}
