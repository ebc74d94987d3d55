import { describe, expect, it } from 'vitest';
import {
  RunStatus,
  type ConcurrencyPolicy,
  type ControlStore,
  type Project,
  type RunRecord,
} from '@slipway/core';
import {
  CONTRACT_T0 as T0,
  contractPlan,
  contractProject,
  contractRun,
  contractUpdate,
} from './control-store-contract-fixtures.js';

function policy(group: string, limit = 1, cancelInProgress = false): ConcurrencyPolicy {
  return { group, limit, cancelInProgress };
}

/**
 * The part of the {@link ControlStore} contract about concurrency groups. `store` returns
 * the store of the running test.
 */
export function describeControlStoreGroupsContract(store: () => ControlStore): void {
  const grouped = (project: Project, concurrency: ConcurrencyPolicy, at = T0) =>
    contractRun(store(), project.id, contractPlan(['deploy'], concurrency), at);
  const status = async (run: RunRecord) => (await store().getRun(run.id))?.status;
  const admit = (project: Project, group: string) =>
    store().admitRuns({ projectId: project.id, group });

  describe('concurrency groups', () => {
    it('stores a run of a group waiting, and one outside any queued', async () => {
      const project = await contractProject(store());
      expect((await grouped(project, policy('deploy'))).status).toBe(RunStatus.Waiting);
      const plain = await contractRun(store(), project.id, contractPlan(['build']));
      expect(plain.status).toBe(RunStatus.Queued);
    });

    it('admits runs up to the limit, oldest first, and the next when one finishes', async () => {
      const project = await contractProject(store());
      const runs: RunRecord[] = [];
      for (let i = 0; i < 4; i++) runs.push(await grouped(project, policy('deploy', 2), T0 + i));
      const [a, b, c, d] = runs as [RunRecord, RunRecord, RunRecord, RunRecord];

      expect(await admit(project, 'deploy')).toEqual({ start: [a.id, b.id], cancel: [] });
      expect(await status(a)).toBe(RunStatus.Queued);
      expect(await status(c)).toBe(RunStatus.Waiting);
      expect(await admit(project, 'deploy')).toEqual({ start: [], cancel: [] });

      await contractUpdate(store(), a.id, RunStatus.Running);
      expect(await admit(project, 'deploy')).toEqual({ start: [], cancel: [] });
      await contractUpdate(store(), a.id, RunStatus.Succeeded);
      expect(await admit(project, 'deploy')).toEqual({ start: [c.id], cancel: [] });
      await contractUpdate(store(), b.id, RunStatus.Cancelled);
      expect(await admit(project, 'deploy')).toEqual({ start: [d.id], cancel: [] });
    });

    it('keeps groups of different names and projects apart', async () => {
      const one = await contractProject(store());
      const two = await contractProject(store());
      const deploy = await grouped(one, policy('deploy'));
      const docs = await grouped(one, policy('docs'));
      const other = await grouped(two, policy('deploy'));
      expect((await admit(one, 'deploy')).start).toEqual([deploy.id]);
      expect((await admit(one, 'docs')).start).toEqual([docs.id]);
      expect((await admit(two, 'deploy')).start).toEqual([other.id]);
    });

    it('keeps a waiting run waiting through updates, lets it finish, and refuses to start it', async () => {
      const project = await contractProject(store());
      const first = await grouped(project, policy('deploy'));
      const second = await grouped(project, policy('deploy'));
      await admit(project, 'deploy');

      await contractUpdate(store(), second.id, RunStatus.Queued);
      expect(await status(second)).toBe(RunStatus.Waiting);
      await expect(contractUpdate(store(), second.id, RunStatus.Running)).rejects.toThrow(
        /concurrency group/,
      );
      expect(await status(second)).toBe(RunStatus.Waiting);
      await contractUpdate(store(), second.id, RunStatus.Cancelled);
      expect(await status(second)).toBe(RunStatus.Cancelled);

      await contractUpdate(store(), first.id, RunStatus.Running);
      expect(await status(first)).toBe(RunStatus.Running);
    });

    it('marks older runs of a cancel-in-progress group to be cancelled, and admits the new one once they finish', async () => {
      const project = await contractProject(store());
      const running = await grouped(project, policy('deploy', 1, true));
      await admit(project, 'deploy');
      await contractUpdate(store(), running.id, RunStatus.Running);
      const waiting = await grouped(project, policy('deploy'), T0 + 1);
      expect(await admit(project, 'deploy')).toEqual({ start: [], cancel: [] });

      const newest = await grouped(project, policy('deploy', 1, true), T0 + 2);
      expect(await admit(project, 'deploy')).toEqual({
        start: [],
        cancel: [running.id, waiting.id],
      });
      expect(await store().groupsToAdmit(10)).toEqual([{ projectId: project.id, group: 'deploy' }]);
      await store().clearPendingCancels([running.id, waiting.id]);
      expect(await store().groupsToAdmit(10)).toEqual([]);
      expect(await admit(project, 'deploy')).toEqual({ start: [], cancel: [] });

      await contractUpdate(store(), waiting.id, RunStatus.Cancelled);
      await contractUpdate(store(), running.id, RunStatus.Cancelled);
      expect(await admit(project, 'deploy')).toEqual({ start: [newest.id], cancel: [] });
    });

    it('lists the groups where a run may be admitted', async () => {
      const project = await contractProject(store());
      expect(await store().groupsToAdmit(10)).toEqual([]);
      const first = await grouped(project, policy('deploy'));
      await grouped(project, policy('deploy'));
      const ref = { projectId: project.id, group: 'deploy' };
      expect(await store().groupsToAdmit(10)).toEqual([ref]);
      await admit(project, 'deploy');
      expect(await store().groupsToAdmit(10)).toEqual([]);
      await contractUpdate(store(), first.id, RunStatus.Running);
      await contractUpdate(store(), first.id, RunStatus.Succeeded);
      expect(await store().groupsToAdmit(10)).toEqual([ref]);
      expect(await store().groupsToAdmit(0)).toEqual([]);
    });

    it('never admits beyond the limit when admissions run concurrently', async () => {
      const project = await contractProject(store());
      const runs: RunRecord[] = [];
      for (let i = 0; i < 6; i++) runs.push(await grouped(project, policy('deploy', 2), T0 + i));
      const admissions = await Promise.all(
        Array.from({ length: 6 }, () => admit(project, 'deploy')),
      );
      const started = admissions.flatMap((a) => a.start);
      expect(started.sort()).toEqual([runs[0]?.id, runs[1]?.id].sort());
      const counts = await store().countRunsByStatus();
      expect(counts).toMatchObject({ queued: 2, waiting: 4 });
    });
  });
}
