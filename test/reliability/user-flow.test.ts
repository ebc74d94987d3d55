import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunDetail, RunList } from '@slipway/api';
import { expect, it } from 'vitest';
import { gitInit } from '../e2e/helpers.js';
import {
  adminTokenOf,
  describeOnEachStore,
  exitsWithin,
  slipway,
  slipwayJson,
  startUp,
  useCleanup,
} from './helpers.js';

const PIPELINE = `
tasks:
  version:
    results: [tag]
    steps:
      - name: compute the version
        run: |
          echo "computing the version"
          printf 'v1.2.3' > "$SLIPWAY_RESULTS/tag"
  build:
    needs: version
    env:
      TAG: \${{ tasks.version.results.tag }}
    steps:
      - echo "building $TAG"
  test:
    needs: version
    steps:
      - echo "testing"
  publish:
    needs: [build, test]
    env:
      TAG: \${{ tasks.version.results.tag }}
    steps:
      - echo "publishing $TAG"
`;

const cleanup = useCleanup();

describeOnEachStore('slipway up, as a user runs it', (store) => {
  it('adds a project, runs it to the end, shows its logs, and stops on SIGTERM', async () => {
    const repo = await cleanup.tempDir('slipway-rel-repo-');
    await writeFile(join(repo, '.slipway.yml'), PIPELINE);
    await gitInit(repo);
    const dataDir = join(await cleanup.tempDir(), 'data');
    await mkdir(dataDir);

    const database = await store.database(cleanup);
    const up = await startUp(cleanup, { dataDir, database });
    expect(up.url).toBe(`http://127.0.0.1:${up.port}`);
    const token = await adminTokenOf(up);
    expect(token).toMatch(/^slw_/);
    const access = { url: up.url, token };

    const added = await slipway(access, ['project', 'add', 'shop', repo]);
    expect(added.code, added.stderr).toBe(0);
    const triggered = await slipway(access, ['trigger', 'shop', '--wait', '--json']);
    expect(triggered.code, triggered.stdout + triggered.stderr).toBe(0);
    const runId = (JSON.parse(triggered.stdout) as RunDetail).run.id;

    const shown = await slipwayJson<RunDetail>(access, ['runs', 'show', runId]);
    expect(shown.run.status).toBe('succeeded');
    expect(Object.fromEntries(shown.tasks.map((t) => [t.taskId, t.status]))).toEqual({
      version: 'succeeded',
      build: 'succeeded',
      test: 'succeeded',
      publish: 'succeeded',
    });
    expect(shown.tasks.find((t) => t.taskId === 'version')?.results).toEqual({ tag: 'v1.2.3' });

    const logs = await slipway(access, ['logs', runId, 'publish']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toBe('publishing v1.2.3\n');
    const all = await slipway(access, ['logs', runId]);
    expect(all.stdout).toContain('[build] building v1.2.3\n');
    expect(all.stdout).toContain('[version] computing the version\n');

    const listed = await slipwayJson<RunList>(access, ['runs', 'list']);
    expect(listed.runs.map((r) => r.id)).toEqual([runId]);

    const agentPid = up.agentPid ?? 0;
    const end = await up.terminate();
    expect(end, up.output()).toEqual({ code: 0, signal: null });
    expect(await exitsWithin(agentPid, 5_000), 'the embedded agent outlived its server').toBe(true);
  }, 120_000);
});
