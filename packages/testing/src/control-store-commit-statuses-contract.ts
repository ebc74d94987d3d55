import { describe, expect, it } from 'vitest';
import { RunStatus, type ControlStore } from '@slipway/core';
import {
  CONTRACT_T0,
  contractPlan,
  contractProject,
  contractRun,
  contractUpdate,
} from './control-store-contract-fixtures.js';

const T0 = CONTRACT_T0;
const COMMIT = 'a'.repeat(40);

/** The part of the {@link ControlStore} contract about forge settings and the commit status outbox. */
export function describeControlStoreCommitStatusesContract(store: () => ControlStore): void {
  describe('forge settings and commit statuses', () => {
    it('stores forge settings, replacing earlier ones', async () => {
      const project = await contractProject(store());
      expect(await store().findProjectForge(project.id)).toBeNull();
      const settings = {
        projectId: project.id,
        apiUrl: 'https://api.github.com',
        repository: 'octo/shop',
        sealedToken: 'sealed-1',
        users: { octocat: 'alice' },
        autoMerge: null,
        updatedAt: T0,
      };
      await store().putProjectForge(settings);
      await store().putProjectForge({
        ...settings,
        repository: 'octo/shop2',
        autoMerge: 'squash',
        updatedAt: T0 + 1,
      });
      expect(await store().findProjectForge(project.id)).toEqual({
        ...settings,
        repository: 'octo/shop2',
        autoMerge: 'squash',
        updatedAt: T0 + 1,
      });
    });

    it("is due while the run's status differs from the one delivered, until a final one is", async () => {
      const project = await contractProject(store());
      const run = await contractRun(store(), project.id, contractPlan(['build']));
      await store().addCommitStatuses([
        {
          projectId: project.id,
          runId: run.id,
          commit: COMMIT,
          context: 'slipway/ci',
          targetUrl: `https://ci.example.com/runs/${run.id}`,
          createdAt: T0,
        },
      ]);
      const ours = async (now: number) =>
        (await store().dueCommitStatuses(now, 100)).filter((due) => due.projectId === project.id);
      expect(await ours(T0 - 1)).toEqual([]);
      const [due] = await ours(T0);
      expect(due).toMatchObject({
        runId: run.id,
        commit: COMMIT,
        context: 'slipway/ci',
        runStatus: RunStatus.Queued,
        reported: null,
        attempts: 0,
        nextAttemptAt: T0,
      });
      if (due === undefined) throw new Error('due');

      expect(await store().claimCommitStatus(due.id, T0, T0 + 500)).toBe(true);
      expect(await store().claimCommitStatus(due.id, T0, T0 + 500)).toBe(false);
      expect(await ours(T0 + 100)).toEqual([]);
      await store().settleCommitStatus({
        id: due.id,
        reported: RunStatus.Queued,
        attempts: 0,
        nextAttemptAt: T0 + 100,
        lastError: null,
      });
      expect(await ours(T0 + 200)).toEqual([]);

      await contractUpdate(store(), run.id, RunStatus.Running);
      expect((await ours(T0 + 200)).map((d) => d.runStatus)).toEqual([RunStatus.Running]);
      await contractUpdate(store(), run.id, RunStatus.Failed);
      await store().settleCommitStatus({
        id: due.id,
        reported: RunStatus.Failed,
        attempts: 0,
        nextAttemptAt: null,
        lastError: null,
      });
      expect(await ours(T0 + 10_000)).toEqual([]);
      expect(await store().listCommitStatuses(project.id, COMMIT)).toEqual([
        expect.objectContaining({
          runId: run.id,
          runStatus: RunStatus.Failed,
          reported: RunStatus.Failed,
          lastError: null,
        }),
      ]);
    });

    it('keeps a skipped pipeline due until delivered, and records failures', async () => {
      const project = await contractProject(store());
      await store().addCommitStatuses([
        {
          projectId: project.id,
          runId: null,
          commit: COMMIT,
          context: 'slipway/docs',
          targetUrl: null,
          createdAt: T0,
        },
      ]);
      const [due] = (await store().dueCommitStatuses(T0, 100)).filter(
        (d) => d.projectId === project.id,
      );
      expect(due).toMatchObject({ runId: null, runStatus: null, reported: null });
      if (due === undefined) throw new Error('due');
      await store().settleCommitStatus({
        id: due.id,
        reported: null,
        attempts: 1,
        nextAttemptAt: T0 + 2000,
        lastError: 'forge answered 503',
      });
      expect(
        (await store().dueCommitStatuses(T0 + 1999, 100)).filter((d) => d.projectId === project.id),
      ).toEqual([]);
      const [again] = (await store().dueCommitStatuses(T0 + 2000, 100)).filter(
        (d) => d.projectId === project.id,
      );
      expect(again).toMatchObject({ attempts: 1 });
      expect(await store().listCommitStatuses(project.id, COMMIT)).toEqual([
        expect.objectContaining({ context: 'slipway/docs', lastError: 'forge answered 503' }),
      ]);
    });
  });
}

/** The part of the {@link ControlStore} contract about pull request records. */
export function describeControlStorePullRequestsContract(store: () => ControlStore): void {
  describe('pull requests', () => {
    it('starts from an empty record and keeps what each update makes', async () => {
      const project = await contractProject(store());
      expect(await store().findPullRequest(project.id, 7)).toBeNull();
      const first = await store().updatePullRequest(project.id, 7, (current) => {
        expect(current).toEqual({
          projectId: project.id,
          number: 7,
          headCommit: null,
          state: null,
          stateAt: null,
          labels: {},
          waitingEventId: null,
          merge: null,
          updatedAt: 0,
        });
        return { ...current, headCommit: COMMIT, labels: { approved: ['alice'] }, updatedAt: T0 };
      });
      expect(first.labels).toEqual({ approved: ['alice'] });
      await store().updatePullRequest(project.id, 7, (current) => ({
        ...current,
        labels: { ...current.labels, held: ['bob'] },
        waitingEventId: 'event-1',
        state: 'closed',
        stateAt: T0 - 5,
        updatedAt: T0 + 1,
      }));
      expect(await store().findPullRequest(project.id, 7)).toEqual({
        projectId: project.id,
        number: 7,
        headCommit: COMMIT,
        state: 'closed',
        stateAt: T0 - 5,
        labels: { approved: ['alice'], held: ['bob'] },
        waitingEventId: 'event-1',
        merge: null,
        updatedAt: T0 + 1,
      });
      expect(await store().findPullRequest(project.id, 8)).toBeNull();
    });

    it("lists a project's pull requests, highest number first", async () => {
      const project = await contractProject(store());
      const other = await contractProject(store());
      for (const number of [3, 12, 5]) {
        await store().updatePullRequest(project.id, number, (current) => ({
          ...current,
          state: number === 5 ? 'closed' : 'open',
          updatedAt: T0 + number,
        }));
      }
      await store().updatePullRequest(other.id, 4, (current) => ({ ...current, updatedAt: T0 }));
      const listed = await store().listPullRequests(project.id, 10);
      expect(listed.map((pr) => [pr.number, pr.state])).toEqual([
        [12, 'open'],
        [5, 'closed'],
        [3, 'open'],
      ]);
      expect((await store().listPullRequests(project.id, 2)).map((pr) => pr.number)).toEqual([
        12, 5,
      ]);
      expect((await store().listPullRequests(other.id, 10)).map((pr) => pr.state)).toEqual([null]);
    });

    it('lists the pull requests whose merge is due, until the merge is settled', async () => {
      const project = await contractProject(store());
      const merge = {
        commit: COMMIT,
        method: 'squash',
        status: 'queued',
        attempts: 0,
        nextAttemptAt: T0 + 10,
        lastError: null,
        updatedAt: T0,
      } as const;
      await store().updatePullRequest(project.id, 9, (current) => ({
        ...current,
        headCommit: COMMIT,
        merge,
        updatedAt: T0,
      }));
      await store().updatePullRequest(project.id, 10, (current) => ({ ...current, updatedAt: T0 }));
      const ours = async (now: number) =>
        (await store().dueMerges(now, 100))
          .filter((record) => record.projectId === project.id)
          .map((record) => [record.number, record.merge]);
      expect(await ours(T0 + 9)).toEqual([]);
      expect(await ours(T0 + 10)).toEqual([[9, merge]]);
      const settled = { ...merge, status: 'merged', nextAttemptAt: null } as const;
      await store().updatePullRequest(project.id, 9, (current) => ({
        ...current,
        merge: settled,
      }));
      expect(await ours(T0 + 1_000_000)).toEqual([]);
      expect((await store().findPullRequest(project.id, 9))?.merge).toEqual(settled);
    });

    it('serializes concurrent updates of one pull request', async () => {
      const project = await contractProject(store());
      await Promise.all(
        ['a', 'b', 'c', 'd'].map((user) =>
          store().updatePullRequest(project.id, 3, (current) => ({
            ...current,
            labels: { lgtm: [...(current.labels.lgtm ?? []), user] },
            updatedAt: T0,
          })),
        ),
      );
      const record = await store().findPullRequest(project.id, 3);
      expect([...(record?.labels.lgtm ?? [])].sort()).toEqual(['a', 'b', 'c', 'd']);
    });

    it('finds a trigger event with its payload by id', async () => {
      const project = await contractProject(store());
      const [recorded] = await store().recordTriggerEvents([
        {
          projectId: project.id,
          source: 'github',
          deliveryId: 'pr-7',
          kind: 'pull_request',
          payload: '{"number":7}',
          receivedAt: T0,
        },
      ]);
      const found = await store().findTriggerEvent(recorded?.event.id ?? '');
      expect(found).toMatchObject({
        id: recorded?.event.id,
        kind: 'pull_request',
        payload: '{"number":7}',
      });
      expect(await store().findTriggerEvent('missing')).toBeNull();
    });
  });
}
