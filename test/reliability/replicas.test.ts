import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Run } from '@slipway/api';
import { expect, it } from 'vitest';
import { gitInit } from '../e2e/helpers.js';
import {
  adminTokenOf,
  apiClient,
  describeRun,
  describeWithPostgres,
  freshPostgresDatabase,
  readLines,
  startAgent,
  startUp,
  useCleanup,
  waitForRuns,
} from './helpers.js';

const RUNS = 200;
const TASKS = ['first', 'second'];

/**
 * Two trivial tasks; each step appends its run, task, attempt and agent to one shared
 * file (`>>` opens it with O_APPEND, and each line is one write).
 */
function pipeline(ledger: string): string {
  const step = `
      - echo "$SLIPWAY_RUN_ID $SLIPWAY_TASK_ID $SLIPWAY_ATTEMPT $AGENT_NAME" >> ${ledger}`;
  return `
tasks:
  first:
    steps:${step}
  second:
    needs: first
    steps:${step}
`;
}

const cleanup = useCleanup();

describeWithPostgres('two server replicas on one PostgreSQL database', () => {
  it(`runs ${RUNS} concurrent runs triggered through both, each attempt claimed once`, async () => {
    const base = await cleanup.tempDir();
    const repo = join(base, 'repo');
    await mkdir(repo);
    const ledger = join(base, 'ledger');
    await writeFile(join(repo, '.slipway.yml'), pipeline(ledger));
    await gitInit(repo);
    const database = await freshPostgresDatabase(cleanup);

    const replicas = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const dataDir = join(base, `replica-${name}`);
        await mkdir(dataDir);
        return startUp(cleanup, { dataDir, database, agent: false });
      }),
    );
    const token = await adminTokenOf(...replicas);
    const clients = replicas.map((r) => apiClient({ url: r.url, token }));
    const [a, b] = clients;
    if (!a || !b) throw new Error('two replicas expected');
    await a.createProject({ name: 'busy', source: repo });
    for (const [i, replica] of replicas.entries()) {
      await startAgent(cleanup, {
        server: replica.url,
        token,
        workDir: join(base, `agent-${i}`),
        name: `agent-${i}`,
        capacity: 4,
        env: { AGENT_NAME: `agent-${i}` },
      });
    }

    const triggered = await Promise.all(
      Array.from({ length: RUNS }, (_, i) => (i % 2 === 0 ? a : b).createRun('busy', {})),
    );
    const runIds = triggered.map((run: Run) => run.id);
    expect(new Set(runIds).size).toBe(RUNS);

    const finished = await waitForRuns(b, runIds, 120_000);
    const failed = finished.filter((d) => d.run.status !== 'succeeded');
    expect(failed.slice(0, 3).map(describeRun).join('\n')).toBe('');
    expect(failed).toHaveLength(0);

    const lines = await readLines(ledger);
    const seen = new Map<string, number>();
    const byAgent = new Map<string, number>();
    for (const line of lines) {
      const [run, task, attempt, agent = ''] = line.split(' ');
      const key = `${run ?? ''} ${task ?? ''} ${attempt ?? ''}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      byAgent.set(agent, (byAgent.get(agent) ?? 0) + 1);
    }
    const twice = [...seen].filter(([, count]) => count > 1);
    expect(twice, 'attempts that ran more than once').toEqual([]);
    const expected = runIds.flatMap((id) => TASKS.map((task) => `${id} ${task} 1`)).sort();
    expect([...seen.keys()].sort()).toEqual(expected);
    // Both replicas handed out work: each agent claims only through its own.
    expect([...byAgent.keys()].sort()).toEqual(['agent-0', 'agent-1']);
    for (const detail of finished) {
      for (const task of detail.tasks) expect(task.attempt, describeRun(detail)).toBe(1);
    }
  }, 180_000);
});
