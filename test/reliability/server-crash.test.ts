import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Run, RunDetail } from '@slipway/api';
import { openControlStore } from '@slipway/store';
import { expect, it } from 'vitest';
import { gitInit, waitFor } from '../e2e/helpers.js';
import {
  adminTokenOf,
  SETTLED_TASK,
  SHORT_LEASE_MS,
  apiClient,
  describeOnEachStore,
  describeRun,
  exitsWithin,
  groupEndsWithin,
  isGroupAlive,
  readLines,
  slipwayJson,
  startUp,
  useCleanup,
  waitForRuns,
  type UpProcess,
} from './helpers.js';

/**
 * Tasks under whose steps the server is killed, one kill each, in order; none means at
 * once, with the runs just created.
 */
const KILL_POINTS: readonly (readonly string[])[] = [[], ['prepare'], ['left', 'right'], ['join']];
const KILLS = KILL_POINTS.length;
const RUNS = 2;
/**
 * Each task's step sleeps this long, so that kills land while steps run; longer than the
 * lease, so that only heartbeats keep the attempts.
 */
const STEP_SECONDS = 4;

/**
 * Five tasks in four levels; the result of `prepare` reaches `join` through env. Every
 * step records its start and end in marker files (run, task, attempt, pid), and prints a
 * line before it sleeps, so that the test can compare counts and logs across kills.
 */
function pipeline(markers: string): string {
  const step = `
        run: |
          echo "$SLIPWAY_RUN_ID $SLIPWAY_TASK_ID $SLIPWAY_ATTEMPT $$" >> ${markers}/started
          echo "started $SLIPWAY_TASK_ID attempt $SLIPWAY_ATTEMPT"
          sleep ${STEP_SECONDS}
          echo "finished $SLIPWAY_TASK_ID attempt $SLIPWAY_ATTEMPT"
          echo "$SLIPWAY_RUN_ID $SLIPWAY_TASK_ID $SLIPWAY_ATTEMPT $$" >> ${markers}/finished`;
  const retries = `
    retries: ${KILLS + 1}`;
  return `
tasks:
  prepare:${retries}
    results: [token]
    steps:
      - name: prepare${step}
      - name: hand over
        run: printf 'token-%s' "$SLIPWAY_RUN_ID" > "$SLIPWAY_RESULTS/token"
  left:${retries}
    needs: prepare
    steps:
      - name: left${step}
  right:${retries}
    needs: prepare
    steps:
      - name: right${step}
  join:${retries}
    needs: [left, right]
    env:
      TOKEN: \${{ tasks.prepare.results.token }}
    steps:
      - name: join${step}
      - name: show the token
        run: echo "join got $TOKEN"
  last:${retries}
    needs: join
    steps:
      - name: last${step}
`;
}

/** What the test saw just before one kill. */
interface Snapshot {
  readonly kill: number;
  /** Per run, its tasks as the API showed them. */
  readonly runs: readonly RunDetail[];
  /** Started-marker lines per `run task`. */
  readonly starts: ReadonlyMap<string, number>;
  /** Log text of each task's latest attempt, by attempt id, and whether it had settled. */
  readonly logs: ReadonlyMap<string, { text: string; settled: boolean; where: string }>;
}

function countStarts(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const [run, task] = line.split(' ');
    const key = `${run ?? ''} ${task ?? ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const cleanup = useCleanup();

describeOnEachStore('kill -9 of the server in the middle of runs', (store) => {
  it(`loses nothing across ${KILLS} kills: runs finish, settled tasks never run again, logs stay`, async () => {
    const repo = await cleanup.tempDir('slipway-rel-repo-');
    const markers = await cleanup.tempDir('slipway-rel-markers-');
    const started = join(markers, 'started');
    cleanup.trackStepPids(started);
    await writeFile(join(repo, '.slipway.yml'), pipeline(markers));
    await gitInit(repo);
    const dataDir = join(await cleanup.tempDir(), 'data');
    await mkdir(dataDir);
    const database = await store.database(cleanup);
    const env = { SLIPWAY_LEASE_MS: String(SHORT_LEASE_MS) };
    const start = (port?: number) =>
      startUp(cleanup, {
        dataDir,
        database,
        env,
        agentCapacity: 4,
        graceSeconds: 5,
        ...(port === undefined ? {} : { port }),
      });

    let up: UpProcess = await start();
    const token = await adminTokenOf(up);
    const access = { url: up.url, token };
    const client = apiClient(access);
    await slipwayJson(access, ['project', 'add', 'crash', repo]);
    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      runIds.push((await slipwayJson<Run>(access, ['trigger', 'crash'])).id);
    }

    const problems: string[] = [];
    const snapshots: Snapshot[] = [];
    for (const [index, targets] of KILL_POINTS.entries()) {
      const kill = index + 1;
      // Kill while a step of one of the targets runs (its process is alive) and the
      // server has stored its first line; without targets, at once.
      if (targets.length > 0) {
        await waitFor(
          `a step of ${targets.join(' or ')} to run, to kill server #${kill} under`,
          async () => {
            const live: string[] = [];
            for (const line of await readLines(started)) {
              const [run, task, attempt, pid] = line.split(' ');
              if (targets.includes(task ?? '') && (await isGroupAlive(Number(pid)))) {
                live.push(`${run ?? ''} ${task ?? ''} ${attempt ?? ''}`);
              }
            }
            for (const step of live) {
              const [run = '', task = '', attempt = ''] = step.split(' ');
              const logs = await client.readTaskLogs(run, task, {});
              const text = logs.chunks.map((c) => c.text).join('');
              if (text.includes(`started ${task} attempt ${attempt}\n`)) return true;
            }
            return false;
          },
          60_000,
        );
      }
      snapshots.push(await snapshot(kill));

      const agentPid = up.agentPid ?? 0;
      await up.kill9();
      if (!(await exitsWithin(agentPid, 15_000))) {
        problems.push(`kill ${kill}: the embedded agent (pid ${agentPid}) outlived its server`);
        process.kill(agentPid, 'SIGKILL');
      }
      for (const line of await readLines(started)) {
        const pid = Number(line.split(' ')[3]);
        if (!(await groupEndsWithin(pid, 5_000))) {
          problems.push(`kill ${kill}: the step "${line}" outlived the agent of the killed server`);
          process.kill(-pid, 'SIGKILL');
        }
      }
      up = await start(up.port);
      expect(up.url).toBe(access.url);
    }

    expect.soft(problems).toEqual([]);

    const finished = await waitForRuns(client, runIds, 180_000);
    const report = finished.map(describeRun).join('\n');
    expect(
      finished.map((d) => d.run.status),
      report,
    ).toEqual(runIds.map(() => 'succeeded'));
    expect((await client.listRuns({ status: 'running' })).runs).toEqual([]);
    expect((await client.listRuns({ status: 'queued' })).runs).toEqual([]);

    // The embedded agents renewed their leases in time: the task no kill hit ran once.
    for (const detail of finished) {
      expect(detail.tasks.find((t) => t.taskId === 'last')?.attempt, describeRun(detail)).toBe(1);
    }

    // Results handed over through env survived the kills.
    for (const id of runIds) {
      const logs = await client.readTaskLogs(id, 'join', {});
      expect(logs.chunks.map((c) => c.text).join('')).toContain(`join got token-${id}\n`);
    }

    // No task that had settled before a kill ran again, and no attempt ran twice.
    const startLines = await readLines(started);
    const finalStarts = countStarts(startLines);
    const attempts = startLines.map((line) => line.split(' ').slice(0, 3).join(' '));
    expect(attempts.filter((a, i) => attempts.indexOf(a) !== i)).toEqual([]);
    for (const before of snapshots) {
      for (const run of before.runs) {
        for (const task of run.tasks) {
          if (!SETTLED_TASK.has(task.status)) continue;
          const key = `${run.run.id} ${task.taskId}`;
          const now = finished.find((d) => d.run.id === run.run.id);
          const after = now?.tasks.find((t) => t.taskId === task.taskId);
          expect(
            { starts: finalStarts.get(key) ?? 0, attempt: after?.attempt, status: after?.status },
            `${key}, settled before kill ${before.kill}`,
          ).toEqual({
            starts: before.starts.get(key) ?? 0,
            attempt: task.attempt,
            status: task.status,
          });
        }
      }
    }
    for (const detail of finished) {
      for (const task of detail.tasks) {
        const starts = finalStarts.get(`${detail.run.id} ${task.taskId}`) ?? 0;
        expect(
          starts,
          `${detail.run.id} ${task.taskId} started more often than it was tried`,
        ).toBeLessThanOrEqual(task.attempt);
      }
    }

    const end = await up.terminate();
    expect(end, up.output()).toEqual({ code: 0, signal: null });

    // The logs stored before each kill are all still there, unchanged, also those of
    // attempts the kill cut short (whose tasks later ran again).
    const stored = await openControlStore(store.storeUrl(dataDir, database));
    try {
      for (const before of snapshots) {
        for (const [attemptId, seen] of before.logs) {
          const chunks = await stored.readLogs(attemptId, -1, 100_000);
          const text = chunks.map((c) => c.text).join('');
          const where = `${seen.where}, before kill ${before.kill}`;
          if (seen.settled) expect(text, where).toBe(seen.text);
          else expect(text.startsWith(seen.text), `${where}: ${text}`).toBe(true);
        }
      }
    } finally {
      await stored.close();
    }
    const killedAttemptsLogged = snapshots
      .flatMap((s) => [...s.logs.values()])
      .filter((l) => !l.settled && l.text.includes('started '));
    const underSteps = KILL_POINTS.filter((targets) => targets.length > 0).length;
    expect(killedAttemptsLogged.length).toBeGreaterThanOrEqual(underSteps);

    async function snapshot(kill: number): Promise<Snapshot> {
      const runs = await Promise.all(runIds.map((id) => client.getRun(id)));
      const logs = new Map<string, { text: string; settled: boolean; where: string }>();
      for (const run of runs) {
        for (const task of run.tasks) {
          if (task.attemptId === null) continue;
          const read = await client.readTaskLogs(run.run.id, task.taskId, {});
          if (read.attemptId !== task.attemptId) continue;
          logs.set(task.attemptId, {
            text: read.chunks.map((c) => c.text).join(''),
            settled: SETTLED_TASK.has(task.status),
            where: `${run.run.id} ${task.taskId} attempt ${task.attempt}`,
          });
        }
      }
      // Read after the API: a step counted here may not be shown as started there,
      // never the other way round.
      return { kill, runs, starts: countStarts(await readLines(started)), logs };
    }
  }, 300_000);
});
