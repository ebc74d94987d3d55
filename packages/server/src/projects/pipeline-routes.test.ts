import { rm } from 'node:fs/promises';
import { ApiError, SlipwayClient } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFiles, gitRepository, serverFixture } from '../testing/server-fixture.js';

const DEPLOY = `name: deploy
on:
  cron: 0 3 * * *
params:
  target:
    type: enum
    values: [staging, production]
    default: staging
    description: Where to deploy
  replicas:
    type: number
    default: 2
  dry_run:
    type: boolean
  version:
    type: string
    description: The image tag
tasks:
  ship:
    steps:
      - run: echo "$SLIPWAY_PARAM_TARGET"
`;
const CI = `name: ci
tasks:
  test:
    steps:
      - run: echo test
`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(files: Record<string, string>) {
  const server = await serverFixture({}, { startScheduler: false });
  cleanups.push(() => server.close());
  const repo = await gitRepository(files);
  cleanups.push(() => repo.remove());
  const client = new SlipwayClient({ baseUrl: await server.listen(), token: server.token });
  await client.createProject({ name: 'shop', source: repo.dir, defaultBranch: 'main' });
  return { server, repo, client };
}

describe('GET /api/projects/:project/pipelines', () => {
  it("lists the default branch's pipelines with their typed params, read again when the branch moves", async () => {
    const { server, repo, client } = await setUp({
      '.slipway/deploy.yml': DEPLOY,
      '.slipway/ci.yml': CI,
    });
    const list = await client.listPipelines('shop');
    expect(list).toMatchObject({ branch: 'main', commit: repo.commit, problem: null });
    expect(list.pipelines).toEqual([
      { name: 'ci', params: [] },
      {
        name: 'deploy',
        params: [
          {
            name: 'target',
            type: 'enum',
            values: ['staging', 'production'],
            default: 'staging',
            description: 'Where to deploy',
          },
          { name: 'replicas', type: 'number', default: 2, description: null },
          { name: 'dry_run', type: 'boolean', default: null, description: null },
          { name: 'version', type: 'string', default: null, description: 'The image tag' },
        ],
      },
    ]);
    // The schedules loop reads the same catalog: the cron pipeline is in it.
    const project = await server.store.findProject('shop');
    const stored = await server.store.findPipelineCatalog(project?.id ?? '');
    expect(stored?.pipelines.find((p) => p.name === 'deploy')?.cron).toHaveLength(1);

    const moved = await commitFiles(repo.dir, {
      '.slipway/ci.yml': `${CI}params:\n  fast:\n    type: boolean\n    default: true\n`,
    });
    const again = await client.listPipelines('shop');
    expect(again.commit).toBe(moved);
    expect(again.pipelines.find((p) => p.name === 'ci')?.params).toEqual([
      { name: 'fast', type: 'boolean', default: true, description: null },
    ]);
  });

  it('says why when no pipeline loads, and what was read last when the branch cannot be fetched', async () => {
    const { repo, client } = await setUp({ '.slipway.yml': 'name: [broken\n' });
    const broken = await client.listPipelines('shop');
    expect(broken.pipelines).toEqual([]);
    expect(broken.problem).toMatch(/no pipeline at the head of main loads/);

    await commitFiles(repo.dir, { '.slipway.yml': CI });
    expect((await client.listPipelines('shop')).pipelines.map((p) => p.name)).toEqual(['ci']);
    await rm(repo.dir, { recursive: true, force: true });
    const gone = await client.listPipelines('shop');
    expect(gone.pipelines.map((p) => p.name)).toEqual(['ci']);
    expect(gone.problem).toMatch(/^cannot fetch .*No such file or directory/);
  });

  it('reads a catalog stored before params were (migration 0012) again, keeping its cron marks', async () => {
    const { server, repo, client } = await setUp({ '.slipway/deploy.yml': DEPLOY });
    const project = await server.store.findProject('shop');
    if (project === null) throw new Error('no project');
    const schedule = { schedule: '0 3 * * *', timezone: 'UTC' };
    await server.store.putPipelineCatalog({
      projectId: project.id,
      commit: '',
      pipelines: [{ name: 'deploy', cron: [schedule], completions: [] }],
      readAt: 1,
    });
    const mark = { projectId: project.id, pipeline: 'deploy', schedule: 'UTC 0 3 * * *' };
    await server.store.putCronMark({ ...mark, lastTickAt: 1 });
    const list = await client.listPipelines('shop');
    expect(list.commit).toBe(repo.commit);
    expect(list.pipelines[0]?.params.map((p) => p.name)).toEqual([
      'target',
      'replicas',
      'dry_run',
      'version',
    ]);
    expect(await server.store.listCronMarks()).toEqual([{ ...mark, lastTickAt: 1 }]);
  });

  it('answers 404 for a project that does not exist', async () => {
    const { client } = await setUp({ '.slipway.yml': CI });
    const refused = await client.listPipelines('nothing').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(404);
  });
});
