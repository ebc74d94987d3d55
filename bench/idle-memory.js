// Resident memory (VmRSS) of an idle `slipway up`: the server process and, apart, its
// embedded agent, after start-up has settled; then again after 20 runs, settled once more.
// SQLite, and PostgreSQL when SLIPWAY_BENCH_PG_URL or SLIPWAY_TEST_PG_URL is set. The
// floor is a bare node:http server's resident memory, in the same run.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPostgresDatabase,
  makeRepository,
  postgresUrl,
  residentMb,
  sleep,
  startSlipway,
  waitForRun,
} from './slipway-up.js';
import { median } from './stats.js';

const SETTLE_MS = 10_000;
const SAMPLES = 5;
const RUNS = 20;
const TARGET_MB = 150;

export async function run({ root, log }) {
  const floorMb = await bareHttpServerMb();
  const results = [await measure({ root, log, backend: 'sqlite', floorMb })];
  const pg = postgresUrl();
  if (pg) results.push(await measure({ root, log, backend: 'postgres', pg, floorMb }));
  else log('  idle-memory/postgres: skipped (set SLIPWAY_BENCH_PG_URL or SLIPWAY_TEST_PG_URL)');
  return results;
}

async function measure({ root, log, backend, pg, floorMb }) {
  const dir = await mkdtemp(join(tmpdir(), `slipway-bench-memory-${backend}-`));
  const database = pg ? await createPostgresDatabase(pg) : undefined;
  let slipway;
  try {
    slipway = await startSlipway({
      root,
      log,
      dataDir: join(dir, 'data'),
      database: database?.url,
    });
    const fresh = await settled(slipway);

    const { client } = slipway;
    await makeRepository(join(dir, 'repo'), {
      '.slipway.yml':
        'name: small\ntasks:\n  a:\n    steps: ["echo a"]\n  b:\n    needs: a\n    steps: ["echo b"]\n',
    });
    await client.createProject({ name: 'small', source: join(dir, 'repo') });
    for (let i = 0; i < RUNS; i++) {
      const created = await client.createRun('small');
      await waitForRun(client, 'small', created.id, { pollMs: 50 });
    }
    const afterRuns = await settled(slipway);

    const figure = {
      name: `idle-memory/${backend}`,
      serverMb: fresh.server,
      agentMb: fresh.agent,
      afterRunsMb: { runs: RUNS, server: afterRuns.server, agent: afterRuns.agent },
      floorMb,
      ratio: Math.round((fresh.server / floorMb) * 10) / 10,
      target: TARGET_MB,
    };
    log(
      `  ${figure.name}: server ${figure.serverMb} MB, agent ${figure.agentMb} MB; after ${RUNS} runs ` +
        `${afterRuns.server} MB and ${afterRuns.agent} MB; bare node:http ${floorMb} MB, ` +
        `ratio ${figure.ratio}; target server ≤ ${TARGET_MB} MB`,
    );
    return figure;
  } catch (error) {
    if (slipway) log(slipway.stderr());
    throw error;
  } finally {
    await slipway?.stop();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Waits SETTLE_MS, then the median of SAMPLES readings a second apart, per process. */
async function settled(slipway) {
  await sleep(SETTLE_MS);
  const server = [];
  const agent = [];
  for (let i = 0; i < SAMPLES; i++) {
    if (i > 0) await sleep(1000);
    server.push(await residentMb(slipway.pid));
    agent.push(await residentMb(slipway.agentPid));
  }
  return { server: median(server), agent: median(agent) };
}

/** Resident memory of a bare node:http server that answered one request, once settled. */
async function bareHttpServerMb() {
  const code =
    "require('node:http').createServer((q, s) => s.end('{}'))" +
    ".listen(0, '127.0.0.1', function () { console.log(this.address().port); });";
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolve, reject) => {
      child.stdout.setEncoding('utf8').once('data', (line) => resolve(Number(line.trim())));
      child.once('exit', (code) => reject(new Error(`the bare HTTP server exited with ${code}`)));
    });
    await (await fetch(`http://127.0.0.1:${port}/`)).text();
    await sleep(2000);
    return await residentMb(child.pid);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}
