// Time from a trigger to the first step started, on an idle `slipway up` with its
// embedded agent: on SQLite, and on PostgreSQL when SLIPWAY_BENCH_PG_URL or
// SLIPWAY_TEST_PG_URL is set. Two triggers: a request to the run API
// (`trigger-latency/*`), and a GitHub push delivery for a new commit (`push-latency/*`).
// The step writes bash's `$EPOCHREALTIME` to a file; the latency is that time minus the
// moment the request was sent. A push's figure also says when its delivery was answered
// and when the run was created (the server's `createdAt`), both from the send. The floor
// is the round trip of a bare node:http server in another process, measured alternately
// with the triggers. SLIPWAY_BENCH_REPO_FILES=N adds N small files to the repository (a
// large repository; the figures are then named `…-N-files`).
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, watch } from 'node:fs';
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
/** Push to first step started, on an idle server, whatever the store. */
const PUSH_TARGET_MS = 50;
const SECRET = 'bench-webhook-secret-0123456789';
const EXTRA_FILES = Number(process.env.SLIPWAY_BENCH_REPO_FILES ?? 0);
const NAME_SUFFIX = EXTRA_FILES > 0 ? `-${EXTRA_FILES}-files` : '';

/** `count` small files in folders of 100, for a large repository. */
function filler(count) {
  const files = {};
  for (let i = 0; i < count; i++) files[`src/${Math.floor(i / 100)}/file-${i}.txt`] = `${i}\n`;
  return files;
}

export async function run({ root, log }) {
  const results = [];
  const pg = postgresUrl();
  results.push(...(await measure({ root, log, backend: 'sqlite' })));
  if (pg) results.push(...(await measure({ root, log, backend: 'postgres', pg })));
  else log('  trigger-latency/postgres: skipped (set SLIPWAY_BENCH_PG_URL or SLIPWAY_TEST_PG_URL)');
  return results;
}

async function measure({ root, log, backend, pg }) {
  const dir = await mkdtemp(join(tmpdir(), `slipway-bench-trigger-${backend}-`));
  const marksDir = join(dir, 'marks');
  const database = pg ? await createPostgresDatabase(pg) : undefined;
  const floor = await startBareHttpServer();
  let slipway;
  try {
    const repository = await makeRepository(join(dir, 'repo'), {
      ...filler(EXTRA_FILES),
      '.slipway.yml': [
        'name: trigger',
        'tasks:',
        '  first:',
        `    steps: ['printf %s "$EPOCHREALTIME" > ${marksDir}/$SLIPWAY_RUN_ID']`,
        '',
      ].join('\n'),
    });
    await mkdir(marksDir);
    slipway = await startSlipway({
      root,
      log,
      dataDir: join(dir, 'data'),
      database: database?.url,
    });
    const { client } = slipway;
    await client.createProject({ name: 'bench', source: join(dir, 'repo') });

    const marks = new MarkWatcher(marksDir);
    const api = await sample(floor, marks, () => client.createRun('bench'));
    const apiFigure = figureOf(`trigger-latency/${backend}${NAME_SUFFIX}`, api, TARGET_MS[backend]);
    apiFigure.createRunP50Ms = ms(percentile(api.answered, 50));
    apiFigure.afterResponseP50Ms = ms(
      percentile(
        api.latency.map((l, i) => l - api.answered[i]),
        50,
      ),
    );

    await client.putProjectWebhook('bench', { forge: 'github', secret: SECRET });
    const hookUrl = new URL('/api/projects/bench/hooks/github', slipway.url);
    const template = pushExample(root);
    const push = await sample(
      floor,
      marks,
      () => deliverPush(hookUrl, template, repository.before, repository.after),
      () => repository.commit(),
    );
    const pushFigure = figureOf(`push-latency/${backend}${NAME_SUFFIX}`, push, PUSH_TARGET_MS);
    pushFigure.deliveryP50Ms = ms(percentile(push.answered, 50));
    pushFigure.runCreatedP50Ms = ms(percentile(push.created, 50));
    marks.close();
    for (const figure of [apiFigure, pushFigure]) {
      log(
        `  ${figure.name}: p50 ${figure.p50Ms} ms, p95 ${figure.p95Ms} ms; ` +
          `floor p50 ${figure.floorMs.p50} ms, ratio ${figure.ratio}; target p50 ≤ ${figure.target} ms` +
          (figure.runCreatedP50Ms === undefined
            ? ''
            : `; answered in ${figure.deliveryP50Ms} ms, run created at ${figure.runCreatedP50Ms} ms`),
      );
    }
    return [apiFigure, pushFigure];

    /**
     * Runs the warm-up and the samples of one trigger: `prepare` (untimed) readies the
     * trigger, `trigger` sends it and resolves once it was answered.
     */
    async function sample(floorServer, watcher, trigger, prepare = async () => undefined) {
      const latency = [];
      const answered = [];
      const created = [];
      const floorMs = [];
      for (let i = 0; i < WARM_UP + SAMPLES; i++) {
        await prepare();
        await sleep(IDLE_MS);
        const roundTrip = await floorServer.roundTrip();
        const clock = wallClock();
        const waiting = watcher.next();
        const sent = clock();
        await trigger();
        const answer = clock();
        const mark = await waiting;
        const run = await waitForRun(client, 'bench', mark.runId, { pollMs: 20 });
        if (i < WARM_UP) continue;
        latency.push(mark.startedAt - sent);
        answered.push(answer - sent);
        created.push(run.createdAt - sent);
        floorMs.push(roundTrip);
      }
      return { latency, answered, created, floorMs };
    }
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

function figureOf(name, { latency, floorMs }, target) {
  const p50 = percentile(latency, 50);
  const floorP50 = percentile(floorMs, 50);
  return {
    name,
    samples: SAMPLES,
    p50Ms: ms(p50),
    p95Ms: ms(percentile(latency, 95)),
    floorMs: { p50: ms(floorP50), p95: ms(percentile(floorMs, 95)) },
    ratio: Math.round((p50 / floorP50) * 10) / 10,
    target,
  };
}

/**
 * Watches `dir` for the mark files runs' steps write, one per run named by its id;
 * `next()`, called before a trigger is sent, resolves with the run id and the time in
 * the next new file (milliseconds since the epoch).
 */
class MarkWatcher {
  constructor(dir) {
    this.dir = dir;
    this.seen = new Set(readdirSync(dir));
    this.wake = undefined;
    this.watcher = watch(dir, () => this.wake?.());
  }

  async next() {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const fresh = readdirSync(this.dir).find((name) => !this.seen.has(name));
      if (fresh !== undefined) {
        const text = await readFile(join(this.dir, fresh), 'utf8');
        if (text.trim()) {
          this.seen.add(fresh);
          return { runId: fresh, startedAt: Number(text.trim()) * 1000 };
        }
      }
      if (Date.now() > deadline) throw new Error('no step started within a minute');
      await new Promise((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }

  close() {
    this.watcher.close();
  }
}

/** The real GitHub push example of @octokit/webhooks-examples that pushed to `master`. */
function pushExample(root) {
  const require = createRequire(join(root, 'packages/server/package.json'));
  const path = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
  const events = JSON.parse(readFileSync(path, 'utf8'));
  const push = events
    .find((e) => e.name === 'push')
    .examples.find((p) => p.ref === 'refs/heads/master' && p.deleted === false);
  if (!push) throw new Error('no push example to master in @octokit/webhooks-examples');
  return push;
}

/** Posts the example, rewritten to a push of `after` onto main after `before`, signed. */
async function deliverPush(url, example, before, after) {
  const head = { ...example.commits[0], id: after, added: [], removed: [], modified: [] };
  const body = JSON.stringify({
    ...example,
    ref: 'refs/heads/main',
    before,
    after,
    created: false,
    commits: [head],
    head_commit: head,
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 202) throw new Error(`the push was answered ${response.status}`);
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
