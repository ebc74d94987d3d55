// A 256-way matrix (16 × 16) on `slipway up` whose embedded agent has capacity 256: the
// time from the run's creation (its `createdAt`, as the server recorded it) until every
// task's step has started (each writes bash's `$EPOCHREALTIME` to a file of its own), and
// from the trigger request until then. The floor is `make -j256` starting the same 256
// recipes, in the same run.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timed } from './dag.js';
import { makeRepository, sleep, startSlipway, waitForRun } from './slipway-up.js';
import { median, ms, wallClock } from './stats.js';

const SIDE = 16;
const TASKS = SIDE * SIDE;
const RUNS = 5;
const TARGET_MS = 1000;

export async function run({ root, log }) {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-matrix-'));
  const marks = join(dir, 'marks');
  let slipway;
  try {
    const values = `[${Array.from({ length: SIDE }, (_, i) => i).join(', ')}]`;
    const mark = `printf %s "$EPOCHREALTIME" > ${marks}/$SLIPWAY_RUN_ID-$MATRIX_A-$MATRIX_B`;
    const repository = await makeRepository(join(dir, 'repo'), {
      '.slipway.yml': [
        'name: matrix',
        'tasks:',
        '  cell:',
        '    matrix:',
        '      axes:',
        `        a: ${values}`,
        `        b: ${values}`,
        `    steps: ['${mark}']`,
        '',
      ].join('\n'),
    });
    await mkdir(marks);
    await writeFile(join(dir, 'Makefile'), makefile(marks));

    slipway = await startSlipway({ root, log, dataDir: join(dir, 'data'), agentCapacity: TASKS });
    const { client } = slipway;
    await client.createProject({ name: 'matrix', source: join(dir, 'repo') });

    const fromCreated = [];
    const fromRequest = [];
    const makeTimes = [];
    for (let i = 0; i <= RUNS; i++) {
      await sleep(1000);
      const makeMs = await timed('make', [`-j${TASKS}`, '-s'], dir);
      // Each run is of a new commit, as after a push: no checkout of it exists yet.
      await repository.commit();
      await sleep(1000);
      const clock = wallClock();
      const sent = clock();
      const created = await client.createRun('matrix');
      await waitForRun(client, 'matrix', created.id, { pollMs: 100 });
      const started = await lastMark(marks, created.id);
      if (i === 0) continue;
      fromCreated.push(started - created.createdAt);
      fromRequest.push(started - sent);
      makeTimes.push(makeMs);
    }
    const figure = {
      name: 'matrix-start/256',
      tasks: TASKS,
      agentCapacity: TASKS,
      runs: RUNS,
      fromCreatedMs: {
        best: ms(Math.min(...fromCreated)),
        median: ms(median(fromCreated)),
        worst: ms(Math.max(...fromCreated)),
      },
      fromRequestMs: { median: ms(median(fromRequest)) },
      makeMs: { median: ms(median(makeTimes)) },
      ratio: Math.round((median(fromCreated) / median(makeTimes)) * 10) / 10,
      target: TARGET_MS,
    };
    log(
      `  ${figure.name}: all started ${figure.fromCreatedMs.median} ms after creation ` +
        `(best ${figure.fromCreatedMs.best}, worst ${figure.fromCreatedMs.worst}; ` +
        `${figure.fromRequestMs.median} ms after the request); make -j${TASKS} ${figure.makeMs.median} ms, ` +
        `ratio ${figure.ratio}; target ≤ ${TARGET_MS} ms`,
    );
    return [figure];
  } catch (error) {
    if (slipway) log(slipway.stderr());
    throw error;
  } finally {
    await slipway?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The latest start time the steps of run `runId` wrote to `dir`. */
async function lastMark(dir, runId) {
  const files = (await readdir(dir)).filter((file) => file.startsWith(`${runId}-`));
  if (files.length !== TASKS) throw new Error(`${files.length} of ${TASKS} tasks left a mark`);
  const times = await Promise.all(
    files.map(async (file) => Number(await readFile(join(dir, file), 'utf8')) * 1000),
  );
  return Math.max(...times);
}

/** The same 256 recipes for make: each writes its start time to a file. */
function makefile(marks) {
  const names = [];
  for (let a = 0; a < SIDE; a++) for (let b = 0; b < SIDE; b++) names.push(`${a}-${b}`);
  const lines = [
    'SHELL := /bin/bash',
    '.SHELLFLAGS := -eo pipefail -c',
    `.PHONY: all ${names.join(' ')}`,
    `all: ${names.join(' ')}`,
  ];
  for (const name of names) {
    lines.push(`${name}:`, `\t@printf %s "$$EPOCHREALTIME" > ${marks}/make-${name}`);
  }
  return `${lines.join('\n')}\n`;
}
