// Runs the three graphs of dag.js through `slipway up` (SQLite in its data folder, the
// embedded agent with capacity 2) and with `make -j2` in the same run, and reports the
// ratio of their wall-clock times. A Slipway run is timed from the moment the trigger
// request is sent to the run's `finishedAt` as the server recorded it. A run that takes
// longer than LIMIT_MS is cancelled and reported as incomplete, and a smaller version of
// its graph is measured instead. SLIPWAY_BENCH_GRAPHS=chain-500,… measures only those.
// Where an attempt's time goes is read from the store afterwards (`attemptMs`, medians
// over the measured runs' attempts): from queued to claimed, from claimed to its result
// reported (the agent's part: checkout, steps, clean-up, reporting), and from the last
// result reported before it was queued to its queueing (the server applying outcomes).
// `serverWrittenKbPerTask`: what the server passed to write calls during a measured run
// (its WAL and database above all; `wchar` of /proc/PID/io), per task, median of the runs.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GRAPHS, asMakefile, asPipeline, chain, independent, layers, timed } from './dag.js';
import { makeRepository, startSlipway, waitForRun, writtenBytes } from './slipway-up.js';
import { median, ms, seededRandom } from './stats.js';

const RUNS = 3;
const CAPACITY = 2;
const TARGET_RATIO = 5;
const LIMIT_MS = 5 * 60_000;

/** The graph measured when the full one does not finish within LIMIT_MS. */
const SMALLER = {
  'independent-1000': { name: 'independent-100', build: () => independent(100) },
  'chain-500': { name: 'chain-50', build: () => chain(50) },
  'layers-10x100': {
    name: 'layers-10x10',
    build: () => layers(10, 10, 3, seededRandom(20240601)),
  },
};

export async function run({ root, log }) {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-server-dag-'));
  let slipway;
  try {
    slipway = await startSlipway({
      root,
      log,
      dataDir: join(dir, 'data'),
      agentCapacity: CAPACITY,
    });
    const only = (process.env.SLIPWAY_BENCH_GRAPHS ?? '').split(',').filter(Boolean);
    const benches = [];
    // Every graph runs once through make and through the server before any is measured,
    // so that no graph's figure pays for the server's warm-up (its JIT above all).
    for (const graph of GRAPHS.filter((g) => only.length === 0 || only.includes(g.name))) {
      const bench = await prepare({ slipway, dir, graph, log });
      benches.push({ bench, incomplete: await bench.warmUp() });
    }
    const results = [];
    for (const { bench, incomplete } of benches) {
      const figure = incomplete ?? (await bench.measure());
      results.push(figure);
      if (figure.incomplete) {
        const smaller = await prepare({ slipway, dir, graph: SMALLER[bench.name], log });
        results.push((await smaller.warmUp()) ?? (await smaller.measure()));
      }
    }
    return results;
  } catch (error) {
    if (slipway) log(slipway.stderr());
    throw error;
  } finally {
    await slipway?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Makes `graph`'s Makefile and project; `warmUp` runs it once through each (not counted)
 * and `measure` in RUNS rounds. Either answers an incomplete figure when a run does not
 * finish within LIMIT_MS (`warmUp` answers null when it does).
 */
async function prepare({ slipway, dir, graph, log }) {
  const { client } = slipway;
  const tasks = graph.build();
  const makeDir = join(dir, graph.name, 'make');
  await mkdir(makeDir, { recursive: true });
  await writeFile(join(makeDir, 'Makefile'), asMakefile(tasks));
  await makeRepository(join(dir, graph.name, 'repo'), { '.slipway.yml': asPipeline(tasks) });
  await client.createProject({ name: graph.name, source: join(dir, graph.name, 'repo') });

  const make = () => timed('make', [`-j${CAPACITY}`, '-s'], makeDir);
  const slipwayRun = async () => {
    const writtenBefore = await writtenBytes(slipway.pid);
    const sent = Date.now();
    const created = await client.createRun(graph.name);
    try {
      const done = await waitForRun(client, graph.name, created.id, {
        pollMs: 250,
        timeoutMs: LIMIT_MS,
      });
      if (done.status !== 'succeeded') throw new Error(`run ${created.id} ${done.status}`);
      const written = (await writtenBytes(slipway.pid)) - writtenBefore;
      return { runId: created.id, elapsed: done.finishedAt - sent, written };
    } catch (error) {
      if (!/did not settle/.test(String(error))) throw error;
      await client.cancelRun(created.id, { mode: 'kill' });
      await waitForRun(client, graph.name, created.id, { pollMs: 200 });
      return null;
    }
  };

  const incomplete = (makeTimes) => {
    log(`  server-dag/${graph.name}: a run took over ${LIMIT_MS / 1000} s; stopped`);
    return {
      name: `server-dag/${graph.name}`,
      tasks: tasks.length,
      incomplete: true,
      slipwayMs: { over: LIMIT_MS },
      makeMs: { median: ms(median(makeTimes)) },
      target: TARGET_RATIO,
    };
  };
  const round = async (label) => {
    const makeTime = await make();
    const measured = await slipwayRun();
    const shown = measured === null ? 'stopped' : `${ms(measured.elapsed)} ms`;
    log(`    ${graph.name} ${label}: make ${ms(makeTime)} ms, slipway up ${shown}`);
    return { makeTime, measured };
  };

  const warmUp = async () => {
    const { makeTime, measured } = await round('warm-up');
    return measured === null ? incomplete([makeTime]) : null;
  };

  const measure = async () => {
    const runIds = [];
    const makeTimes = [];
    const slipwayTimes = [];
    const writes = [];
    for (let i = 1; i <= RUNS; i++) {
      const { makeTime, measured } = await round(`round ${i}`);
      makeTimes.push(makeTime);
      if (measured === null) return incomplete(makeTimes);
      slipwayTimes.push(measured.elapsed);
      writes.push(measured.written);
      runIds.push(measured.runId);
    }
    return figure({ graph, tasks, dir, log, makeTimes, slipwayTimes, writes, runIds });
  };

  return { name: graph.name, warmUp, measure };
}

/** The figure of a graph from its measured rounds. */
function figure({ graph, tasks, dir, log, makeTimes, slipwayTimes, writes, runIds }) {
  const makeMs = { best: ms(Math.min(...makeTimes)), median: ms(median(makeTimes)) };
  const slipwayMs = { best: ms(Math.min(...slipwayTimes)), median: ms(median(slipwayTimes)) };
  const ratio = Math.round((slipwayMs.median / makeMs.median) * 100) / 100;
  const serverWrittenKbPerTask = Math.round(median(writes) / 1024 / tasks.length);
  const attemptMs = attemptTimes(join(dir, 'data'), runIds);
  log(
    `  server-dag/${graph.name}: make ${makeMs.median} ms, slipway up ${slipwayMs.median} ms, ` +
      `ratio ${ratio}; target ≤ ${TARGET_RATIO}; server wrote ${serverWrittenKbPerTask} KB a task; ` +
      `an attempt's median ms: ${JSON.stringify(attemptMs)}`,
  );
  return {
    name: `server-dag/${graph.name}`,
    tasks: tasks.length,
    store: 'sqlite',
    agentCapacity: CAPACITY,
    makeMs,
    slipwayMs,
    ratio,
    serverWrittenKbPerTask,
    attemptMs,
    target: TARGET_RATIO,
  };
}

/** Medians of where the attempts of `runIds` spent their time, read from the SQLite store. */
function attemptTimes(dataDir, runIds) {
  const Database = createRequire(new URL('../packages/store/package.json', import.meta.url))(
    'better-sqlite3',
  );
  const db = new Database(join(dataDir, 'slipway.db'), { readonly: true });
  try {
    const waiting = [];
    const onAgent = [];
    const toQueue = [];
    const read = db.prepare(
      'select queued_at, claimed_at, finished_at from attempts where run_id = ? order by queued_at',
    );
    for (const runId of runIds) {
      const attempts = read.all(runId);
      const finishes = attempts.map((a) => a.finished_at).sort((a, b) => a - b);
      for (const { queued_at: queued, claimed_at: claimed, finished_at: finished } of attempts) {
        waiting.push(claimed - queued);
        onAgent.push(finished - claimed);
        const released = finishes.findLast((at) => at <= queued);
        if (released !== undefined) toQueue.push(queued - released);
      }
    }
    const of = (values) => (values.length === 0 ? null : ms(median(values)));
    return {
      queuedToClaimed: of(waiting),
      claimedToReported: of(onAgent),
      reportedToNextQueued: of(toQueue),
    };
  } finally {
    db.close();
  }
}
