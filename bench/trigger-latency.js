// Time from a trigger request to the first step started, on an idle `slipway up` with its
// embedded agent: on SQLite, and on PostgreSQL when SLIPWAY_BENCH_PG_URL or
// SLIPWAY_TEST_PG_URL is set. The step writes bash's `$EPOCHREALTIME` to a file; the
// latency is that time minus the moment the request was sent. The floor is the round trip
// of a bare node:http server in another process, measured alternately with the triggers.
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ms, percentile, wallClock } from './stats.js';
import {
  createPostgresDatabase,
  makeRepository,
  postgresUrl,
  sleep,
  startSlipway,
  waitForRun,
} from './slipway-up.js';

const WARM_UP = 5;
const SAMPLES = 30;
/** Pause between samples, so each trigger meets an idle server and a waiting agent. */
const IDLE_MS = 300;
const TARGET_MS = { sqlite: 20, postgres: 50 };

export async function run({ root, log }) {
  const results = [];
  const pg = postgresUrl();
  results.push(await measure({ root, log, backend: 'sqlite' }));
  if (pg) results.push(await measure({ root, log, backend: 'postgres', pg }));
  else log('  trigger-latency/postgres: skipped (set SLIPWAY_BENCH_PG_URL or SLIPWAY_TEST_PG_URL)');
  return results;
}

async function measure({ root, log, backend, pg }) {
  const dir = await mkdtemp(join(tmpdir(), `slipway-bench-trigger-${backend}-`));
  const marks = join(dir, 'marks');
  const database = pg ? await createPostgresDatabase(pg) : undefined;
  const floor = await startBareHttpServer();
  let slipway;
  try {
    await makeRepository(join(dir, 'repo'), {
      '.slipway.yml': [
        'name: trigger',
        'tasks:',
        '  first:',
        `    steps: ['printf %s "$EPOCHREALTIME" > ${marks}/$SLIPWAY_RUN_ID']`,
        '',
      ].join('\n'),
    });
    await mkdir(marks);
    slipway = await startSlipway({
      root,
      log,
      dataDir: join(dir, 'data'),
      database: database?.url,
    });
    const { client } = slipway;
    await client.createProject({ name: 'bench', source: join(dir, 'repo') });

    const latency = [];
    const request = [];
    const floorMs = [];
    for (let i = 0; i < WARM_UP + SAMPLES; i++) {
      await sleep(IDLE_MS);
      const roundTrip = await floor.roundTrip();
      const clock = wallClock();
      const sent = clock();
      const waiting = waitForMark(marks);
      const created = await client.createRun('bench');
      const answered = clock();
      const started = await waiting.until(created.id);
      await waitForRun(client, 'bench', created.id, { pollMs: 20 });
      if (i < WARM_UP) continue;
      latency.push(started - sent);
      request.push(answered - sent);
      floorMs.push(roundTrip);
    }
    const p50 = percentile(latency, 50);
    const floorP50 = percentile(floorMs, 50);
    const figure = {
      name: `trigger-latency/${backend}`,
      samples: SAMPLES,
      p50Ms: ms(p50),
      p95Ms: ms(percentile(latency, 95)),
      createRunP50Ms: ms(percentile(request, 50)),
      afterResponseP50Ms: ms(
        percentile(
          latency.map((l, i) => l - request[i]),
          50,
        ),
      ),
      floorMs: { p50: ms(floorP50), p95: ms(percentile(floorMs, 95)) },
      ratio: Math.round((p50 / floorP50) * 10) / 10,
      target: TARGET_MS[backend],
    };
    log(
      `  ${figure.name}: p50 ${figure.p50Ms} ms, p95 ${figure.p95Ms} ms (create request ${figure.createRunP50Ms} ms); ` +
        `floor p50 ${figure.floorMs.p50} ms, ratio ${figure.ratio}; target p50 ≤ ${figure.target} ms`,
    );
    return figure;
  } catch (error) {
    if (slipway) log(slipway.stderr());
    throw error;
  } finally {
    await slipway?.stop();
    await floor.stop();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Watches `dir` for the mark file a run's step writes; `until(runId)` resolves with the
 * time in it (milliseconds since the epoch). Watching starts before the trigger is sent.
 */
function waitForMark(dir) {
  let wake;
  const watcher = watch(dir, () => wake?.());
  return {
    async until(runId) {
      const deadline = Date.now() + 60_000;
      try {
        for (;;) {
          const text = await readFile(join(dir, runId), 'utf8').catch(() => '');
          if (text.trim()) return Number(text.trim()) * 1000;
          if (Date.now() > deadline) throw new Error(`the step of run ${runId} never started`);
          await new Promise((resolve) => {
            wake = resolve;
            setTimeout(resolve, 50);
          });
        }
      } finally {
        watcher.close();
      }
    },
  };
}

/** A bare node:http server in a process of its own; `roundTrip()` times one GET with fetch. */
async function startBareHttpServer() {
  const code =
    "require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end('{}'); })" +
    ".listen(0, '127.0.0.1', function () { console.log(this.address().port); });";
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').once('data', (line) => resolve(Number(line.trim())));
    child.once('exit', (code) => reject(new Error(`the bare HTTP server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}/`;
  const roundTrip = async () => {
    const clock = wallClock();
    const start = clock();
    await (await fetch(url)).json();
    return clock() - start;
  };
  for (let i = 0; i < WARM_UP; i++) await roundTrip();
  return {
    roundTrip,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
