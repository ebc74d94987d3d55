// Webhook intake: signed GitHub deliveries posted with CONCURRENCY requests in flight to
// `slipway up` (SQLite, no agent), each verified over the raw body, stored and answered
// 202; against a bare node:http server in another process that reads the same bodies and
// answers 202, measured in the same run with the same client. A third server, the
// durable floor (bench/durable-webhook-server.js), does only what any intake that
// answers after storing must: check the signature, read the JSON, commit the deliveries
// that arrive together to SQLite with a sync, answer. The payload is the real GitHub push
// example of a deleted branch (from @octokit/webhooks-examples): its handling in the
// background is cheap (it starts nothing), so the figure is mostly the intake's.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepository, startSlipway } from './slipway-up.js';

const CONCURRENCY = 32;
const WARM_UP = 500;
const DELIVERIES = 4000;
const ROUNDS = 3;
const TARGET_PER_SECOND = 2000;
const TARGET_RATIO = 0.3;
const SECRET = 'bench-webhook-secret-0123456789';

export async function run({ root, log }) {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-webhook-'));
  const bare = await startBareServer();
  const durable = await startDurableServer(root, join(dir, 'durable.db'));
  let slipway;
  try {
    await makeRepository(join(dir, 'repo'), {
      '.slipway.yml': 'name: ci\ntasks:\n  t:\n    steps: ["true"]\n',
    });
    slipway = await startSlipway({
      root,
      log,
      dataDir: join(dir, 'data'),
      agent: false,
      env: { SLIPWAY_LOG_LEVEL: 'warn' },
    });
    await slipway.client.createProject({ name: 'bench', source: join(dir, 'repo') });
    await slipway.client.putProjectWebhook('bench', { forge: 'github', secret: SECRET });

    const body = Buffer.from(JSON.stringify(deletedBranchPush(root)));
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const slipwayUrl = new URL('/api/projects/bench/hooks/github', slipway.url);
    const bareUrl = new URL('/hook', bare.url);
    const durableUrl = new URL('/hook', durable.url);
    const post = (url) => (agent) =>
      send(agent, url, body, {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': signature,
      });

    const slipwayRates = [];
    const bareRates = [];
    const durableRates = [];
    await rate(post(slipwayUrl), WARM_UP);
    await rate(post(bareUrl), WARM_UP);
    await rate(post(durableUrl), WARM_UP);
    for (let i = 0; i < ROUNDS; i++) {
      slipwayRates.push(await rate(post(slipwayUrl), DELIVERIES));
      bareRates.push(await rate(post(bareUrl), DELIVERIES));
      durableRates.push(await rate(post(durableUrl), DELIVERIES));
    }
    const best = Math.max(...slipwayRates);
    const bareBest = Math.max(...bareRates);
    const durableBest = Math.max(...durableRates);
    const figure = {
      name: 'webhook-ingest/github-sqlite',
      deliveries: DELIVERIES,
      concurrency: CONCURRENCY,
      bodyBytes: body.length,
      perSecond: Math.round(best),
      bestOf: ROUNDS,
      barePerSecond: Math.round(bareBest),
      ratio: Math.round((best / bareBest) * 1000) / 1000,
      durableFloorPerSecond: Math.round(durableBest),
      durableFloorRatio: Math.round((durableBest / bareBest) * 1000) / 1000,
      target: { perSecond: TARGET_PER_SECOND, ratio: TARGET_RATIO },
    };
    log(
      `  ${figure.name}: ${figure.perSecond}/s (bare node:http ${figure.barePerSecond}/s, ratio ${figure.ratio}; ` +
        `durable floor ${figure.durableFloorPerSecond}/s, ratio ${figure.durableFloorRatio}); ` +
        `target ≥ ${TARGET_PER_SECOND}/s and ≥ ${TARGET_RATIO}`,
    );
    return [figure];
  } catch (error) {
    if (slipway) log(slipway.stderr());
    throw error;
  } finally {
    await slipway?.stop();
    await bare.stop();
    await durable.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The real GitHub push example of a deleted branch. */
function deletedBranchPush(root) {
  const require = createRequire(join(root, 'packages/server/package.json'));
  const path = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
  const events = JSON.parse(readFileSync(path, 'utf8'));
  const push = events.find((e) => e.name === 'push').examples.find((p) => p.deleted === true);
  if (!push) throw new Error('no deleted-branch push example in @octokit/webhooks-examples');
  return push;
}

/** Sends `count` requests, `CONCURRENCY` at a time, over kept-alive connections; returns requests/s. */
async function rate(send, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const start = process.hrtime.bigint();
  const worker = async () => {
    while (next < count) {
      next++;
      const status = await send(agent);
      if (status !== 202) throw new Error(`a delivery was answered ${status}, not 202`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return count / seconds;
}

function send(agent, url, body, headers) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A bare node:http server in a process of its own that reads a body and answers 202 with JSON. */
function startBareServer() {
  const code =
    "require('node:http').createServer((q, s) => { const parts = []; q.on('data', (c) => parts.push(c)); " +
    "q.on('end', () => { JSON.parse(Buffer.concat(parts).toString('utf8')); s.statusCode = 202; " +
    's.setHeader(\'content-type\', \'application/json\'); s.end(\'{"event":"x","duplicate":false}\'); }); })' +
    ".listen(0, '127.0.0.1', function () { console.log(this.address().port); });";
  return startServerProcess('the bare HTTP server', ['-e', code]);
}

/** The durable floor (bench/durable-webhook-server.js) storing into the SQLite file `path`. */
function startDurableServer(root, path) {
  const script = join(root, 'bench/durable-webhook-server.js');
  return startServerProcess('the durable floor server', [script, path, SECRET]);
}

/** Starts `node ARGS` and resolves with its URL once it printed its port. */
async function startServerProcess(what, args) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').once('data', (line) => resolve(Number(line.trim())));
    child.once('exit', (exit) => reject(new Error(`${what} exited with ${exit}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
