import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunDetail, RunList } from '@slipway/api';
import { expect, it } from 'vitest';
import { gitInit, runCli, startCli, waitFor } from '../e2e/helpers.js';
import {
  adminTokenOf,
  apiClient,
  startAgent,
  describeOnEachStore,
  exitsWithin,
  slipway,
  slipwayJson,
  startUp,
  useCleanup,
  type UpProcess,
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
    const agentWorkDir = join(await cleanup.tempDir(), 'agent-work');
    const up = await startUp(cleanup, { dataDir, database, agentWorkDir });
    expect(up.url).toBe(`http://127.0.0.1:${up.port}`);
    const token = await adminTokenOf(up);
    expect(token).toMatch(/^slw_/);
    const access = { url: up.url, token };

    const added = await slipway(access, ['project', 'add', 'shop', repo]);
    expect(added.code, added.stderr).toBe(0);
    const unknown = await slipway(access, ['project', 'default-branch', 'shop', 'trunk']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('branch "trunk" does not exist');
    const kept = await slipway(access, ['project', 'default-branch', 'shop', 'main']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toBe('project shop: default branch main\n');
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
    expect((await readdir(agentWorkDir)).sort()).toEqual(['attempts', 'git']);
    expect(existsSync(join(dataDir, 'agent'))).toBe(false);

    const agentPid = up.agentPid ?? 0;
    const end = await up.terminate();
    expect(end, up.output()).toEqual({ code: 0, signal: null });
    expect(await exitsWithin(agentPid, 5_000), 'the embedded agent outlived its server').toBe(true);
  }, 120_000);
});

describeOnEachStore('the README quick start: slipway up --demo', (store) => {
  it('registers the sample project, runs it, and says how to follow the run', async () => {
    const dataDir = join(await cleanup.tempDir(), 'data');
    const database = await store.database(cleanup);
    const up = await startUp(cleanup, { dataDir, database, demo: true });
    const token = await adminTokenOf(up);
    const access = { url: up.url, token };
    const started = await waitForDemoRun(up);
    expect(up.output()).toContain(`  npx slipway logs -f ${started} --server ${up.url}\n`);
    expect(up.output()).toContain(`Open ${up.url}/runs/${started}\n`);

    const followed = await runCli(['logs', '-f', started, '--server', up.url], {
      env: { SLIPWAY_TOKEN: token, SLIPWAY_SERVER: undefined },
      timeoutMs: 120_000,
    });
    expect(followed.code, followed.stdout + followed.stderr).toBe(0);
    expect(followed.stdout).toContain('[announce] node-service 1.4.0 is ready to deploy\n');
    expect(followed.stdout).toMatch(/\[test\] .*notes service over HTTP/);
    const shown = await slipwayJson<RunDetail>(access, ['runs', 'show', started]);
    expect(shown.run.status).toBe('succeeded');
    expect(shown.run.projectName).toBe('node-service');
    expect(shown.tasks.find((t) => t.taskId === 'build')?.results).toEqual({ version: '1.4.0' });
    await up.terminate();

    // A second start finds the project registered and runs it again.
    const again = await startUp(cleanup, { dataDir, database, demo: true });
    const second = await waitForDemoRun(again);
    expect(second).not.toBe(started);
    expect(again.output()).toContain('demo: project node-service exists');
    expect(again.output()).not.toContain('admin token, shown only this once');
    const tail = await runCli(['logs', '-f', second, 'announce', '--server', again.url], {
      env: { SLIPWAY_TOKEN: token },
      timeoutMs: 120_000,
    });
    expect(tail.code, tail.stderr).toBe(0);
    expect(tail.stdout).toBe('node-service 1.4.0 is ready to deploy\n');
    const projects = await slipwayJson<{ name: string }[]>({ url: again.url, token }, [
      'project',
      'list',
    ]);
    expect(projects.map((p) => p.name)).toEqual(['node-service']);
    expect((await again.terminate()).code).toBe(0);
  }, 240_000);
});

/** The id of the run `slipway up --demo` started, once it says so. */
async function waitForDemoRun(up: UpProcess): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = /demo: run (\S+) started/.exec(up.output());
    if (match?.[1]) return match[1];
    if (Date.now() > deadline) throw new Error(`no demo run was started:\n${up.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const TICKING = `
tasks:
  tick:
    steps:
      - |
        for i in 1 2 3 4 5 6 7 8; do
          echo "tick $i"
          sleep 0.5
        done
`;

describeOnEachStore('slipway logs -f', (store) => {
  it('follows a run across a restart of the server, printing each line once', async () => {
    const repo = await cleanup.tempDir('slipway-rel-repo-');
    await writeFile(join(repo, '.slipway.yml'), TICKING);
    await gitInit(repo);
    const dataDir = join(await cleanup.tempDir(), 'data');
    await mkdir(dataDir);
    const database = await store.database(cleanup);
    const up = await startUp(cleanup, { dataDir, database, agent: false });
    const access = { url: up.url, token: await adminTokenOf(up) };
    const client = apiClient(access);
    const agentToken = await client.createToken({ name: 'remote', user: 'remote', kind: 'agent' });
    await startAgent(cleanup, {
      server: up.url,
      token: agentToken.token,
      workDir: await cleanup.tempDir(),
      heartbeatSeconds: 1,
    });
    await client.createProject({ name: 'ticks', source: repo });
    const run = await client.createRun('ticks');

    const follower = startCli(['logs', '-f', run.id, 'tick'], {
      env: { SLIPWAY_SERVER: up.url, SLIPWAY_TOKEN: access.token },
      timeoutMs: 120_000,
    });
    await waitFor('the follower printed two ticks', () => follower.output().includes('tick 2\n'));
    await up.kill9();
    const restarted = await startUp(cleanup, { dataDir, database, agent: false, port: up.port });

    const followed = await follower.result;
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toBe(
      Array.from({ length: 8 }, (_, i) => `tick ${String(i + 1)}\n`).join(''),
    );
    const shown = await slipwayJson<RunDetail>({ ...access, url: restarted.url }, [
      'runs',
      'show',
      run.id,
    ]);
    expect(shown.run.status).toBe('succeeded');
  }, 180_000);

  it('exits with the code of the run it follows', async () => {
    const repo = await cleanup.tempDir('slipway-rel-repo-');
    await writeFile(
      join(repo, '.slipway.yml'),
      `
tasks:
  fine:
    steps:
      - echo fine
  broken:
    needs: fine
    steps:
      - echo "about to fail"; exit 3
  after:
    needs: broken
    steps:
      - echo never
`,
    );
    await gitInit(repo);
    const dataDir = join(await cleanup.tempDir(), 'data');
    await mkdir(dataDir);
    const up = await startUp(cleanup, { dataDir, database: await store.database(cleanup) });
    const access = { url: up.url, token: await adminTokenOf(up) };
    const client = apiClient(access);
    await client.createProject({ name: 'broken', source: repo });
    const run = await client.createRun('broken');

    const whole = await slipway(access, ['logs', '-f', run.id]);
    expect(whole.code, whole.stderr).toBe(1);
    expect(whole.stdout).toContain('[fine] fine\n');
    expect(whole.stdout).toContain('[broken] about to fail\n');
    expect(whole.stdout).not.toContain('never');
    expect((await slipway(access, ['logs', '-f', run.id, 'fine'])).code).toBe(0);
    expect((await slipway(access, ['logs', '-f', run.id, 'broken'])).code).toBe(1);
    expect((await slipway(access, ['logs', '-f', run.id, 'after'])).code).toBe(0);
  }, 120_000);
});
