import { describe, expect, it } from 'vitest';
import { PollBreaker, type ControlStore, type PipelineCatalog, type Project } from '@slipway/core';

const T0 = 1_750_000_000_000;

/**
 * The part of the {@link ControlStore} contract about pipeline catalogs, cron marks and
 * SCM polling.
 * `store` returns the store of the running test.
 */
export function describeControlStoreSchedulesContract(store: () => ControlStore): void {
  describe('pipeline catalogs and cron marks', () => {
    it('keeps one catalog per project, the latest stored replacing the one before', async () => {
      const a = await newProject(store(), 'catalog-a');
      const b = await newProject(store(), 'catalog-b');
      const first: PipelineCatalog = {
        projectId: a.id,
        commit: 'a'.repeat(40),
        pipelines: [
          {
            name: 'nightly',
            cron: [{ schedule: '0 3 * * *', timezone: 'Europe/Berlin' }],
            completions: [],
            params: [
              { name: 'target', type: 'enum', values: ['staging', 'prod'], default: 'staging' },
              { name: 'dry', type: 'boolean', description: 'only print' },
            ],
          },
        ],
        readAt: T0,
      };
      await store().putPipelineCatalog(first);
      await store().putPipelineCatalog({
        projectId: b.id,
        commit: 'b'.repeat(40),
        pipelines: [
          {
            name: 'deploy',
            cron: [],
            completions: [
              { project: 'catalog-a', name: 'build', statuses: ['succeeded', 'failed'] },
            ],
          },
        ],
        readAt: T0 + 1,
      });
      const replaced: PipelineCatalog = {
        projectId: a.id,
        commit: 'c'.repeat(40),
        pipelines: [],
        readAt: T0 + 2,
      };
      expect(await store().findPipelineCatalog(a.id)).toEqual(first);
      expect(await store().findPipelineCatalog('no-such-project')).toBeNull();
      await store().putPipelineCatalog(replaced);
      const catalogs = await store().listPipelineCatalogs();
      const mine = catalogs.filter((c) => c.projectId === a.id || c.projectId === b.id);
      expect(mine).toHaveLength(2);
      expect(await store().findPipelineCatalog(a.id)).toEqual(replaced);
      expect(mine.find((c) => c.projectId === a.id)).toEqual(replaced);
      expect(mine.find((c) => c.projectId === b.id)?.pipelines[0]?.completions).toEqual([
        { project: 'catalog-a', name: 'build', statuses: ['succeeded', 'failed'] },
      ]);
    });

    it('moves a cron mark forward only', async () => {
      const project = await newProject(store(), 'marks');
      const mark = { projectId: project.id, pipeline: 'nightly', schedule: 'UTC 0 3 * * *' };
      await store().putCronMark({ ...mark, lastTickAt: T0 });
      await store().putCronMark({ ...mark, lastTickAt: T0 + 60_000 });
      await store().putCronMark({ ...mark, lastTickAt: T0 + 30_000 });
      await store().putCronMark({ ...mark, schedule: 'UTC 0 4 * * *', lastTickAt: T0 - 5 });
      const marks = (await store().listCronMarks()).filter((m) => m.projectId === project.id);
      expect(marks).toEqual([
        { ...mark, lastTickAt: T0 + 60_000 },
        { ...mark, schedule: 'UTC 0 4 * * *', lastTickAt: T0 - 5 },
      ]);
    });

    it('keeps poll settings and what polls found apart: new settings keep the state', async () => {
      const project = await newProject(store(), 'polled');
      const other = await newProject(store(), 'not-polled');
      expect(await store().findProjectPoll(project.id)).toBeNull();
      const fresh = await store().putPollSettings(project.id, 300_000, T0);
      expect(fresh).toEqual({
        projectId: project.id,
        intervalMs: 300_000,
        nextPollAt: T0,
        heads: null,
        breaker: PollBreaker.Closed,
        breakerReason: null,
        breakerOpenedAt: null,
        failures: 0,
        lastError: null,
        lastPolledAt: null,
      });
      const found = {
        projectId: project.id,
        nextPollAt: T0 + 300_000,
        heads: { 'refs/heads/main': 'a'.repeat(40), 'refs/tags/v1': 'b'.repeat(40) },
        breaker: PollBreaker.Open,
        breakerReason: '25 new or moved heads',
        breakerOpenedAt: T0,
        failures: 2,
        lastError: 'git ls-remote failed',
        lastPolledAt: T0,
      };
      expect(await store().savePollResult(found)).toBe(true);
      const changed = await store().putPollSettings(project.id, 60_000, T0 + 60_000);
      expect(changed).toEqual({ ...found, intervalMs: 60_000, nextPollAt: T0 + 60_000 });
      expect(await store().findProjectPoll(project.id)).toEqual(changed);
      expect(await store().savePollResult({ ...found, projectId: other.id })).toBe(false);
      expect((await store().listProjectPolls()).map((p) => p.projectId)).toEqual([project.id]);
      expect(await store().deleteProjectPoll(project.id)).toBe(true);
      expect(await store().deleteProjectPoll(project.id)).toBe(false);
      expect(await store().findProjectPoll(project.id)).toBeNull();
    });
  });
}

function newProject(store: ControlStore, name: string): Promise<Project> {
  return store.createProject({ name, source: `/repos/${name}`, defaultBranch: 'main' });
}
