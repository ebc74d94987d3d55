import { describe, expect, it } from 'vitest';
import type { ControlStore, PipelineCatalog, Project } from '@slipway/core';

const T0 = 1_750_000_000_000;

/**
 * The part of the {@link ControlStore} contract about pipeline catalogs and cron marks.
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
      await store().putPipelineCatalog(replaced);
      const catalogs = await store().listPipelineCatalogs();
      const mine = catalogs.filter((c) => c.projectId === a.id || c.projectId === b.id);
      expect(mine).toHaveLength(2);
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
  });
}

function newProject(store: ControlStore, name: string): Promise<Project> {
  return store.createProject({ name, source: `/repos/${name}`, defaultBranch: 'main' });
}
