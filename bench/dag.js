// Runs the same three task graphs with `make -j2` and with `slipway run --parallelism 2`
// and reports the ratio of their wall-clock times. Every task runs `true` through
// `bash -eo pipefail -c`, so both spawn the same shell per task; what differs is the
// scheduling and bookkeeping around it. A third runner, bench/node-spawn-graph.js, runs
// the graph with bare `child_process.spawn`: what Node.js itself costs (`nodeSpawnRatio`);
// and, when a C compiler builds bench/posix-spawn-helper.c, once more with the processes
// started by that helper with posix_spawn, as make starts them (`posixSpawnRatio`).
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, ms, pick, seededRandom } from './stats.js';

const RUNS = 3;
const PARALLELISM = 2;
const TARGET_RATIO = 3;

/** Each graph is a list of tasks `{ name, needs }` in an order where needs come first. */
export const GRAPHS = [
  { name: 'independent-1000', build: () => independent(1000) },
  { name: 'chain-500', build: () => chain(500) },
  { name: 'layers-10x100', build: () => layers(10, 100, 3, seededRandom(20240601)) },
];

const id = (n) => `t${String(n).padStart(4, '0')}`;

export function independent(count) {
  return Array.from({ length: count }, (_, i) => ({ name: id(i), needs: [] }));
}

export function chain(length) {
  return Array.from({ length }, (_, i) => ({ name: id(i), needs: i === 0 ? [] : [id(i - 1)] }));
}

export function layers(depth, width, parents, random) {
  const tasks = [];
  let previous = [];
  for (let layer = 0; layer < depth; layer++) {
    const current = [];
    for (let i = 0; i < width; i++) {
      const name = id(layer * width + i);
      tasks.push({ name, needs: pick(previous, parents, random).sort() });
      current.push(name);
    }
    previous = current;
  }
  return tasks;
}

/** The graph as a Slipway pipeline: every task runs `true`. */
export function asPipeline(tasks) {
  const lines = ['name: bench', 'tasks:'];
  for (const task of tasks) {
    lines.push(`  ${task.name}:`);
    if (task.needs.length) lines.push(`    needs: [${task.needs.join(', ')}]`);
    lines.push(`    steps: ["true"]`);
  }
  return `${lines.join('\n')}\n`;
}

/** The graph as a Makefile running every recipe through `bash -eo pipefail -c`. */
export function asMakefile(tasks) {
  const names = tasks.map((t) => t.name);
  const lines = [
    'SHELL := /bin/bash',
    '.SHELLFLAGS := -eo pipefail -c',
    `.PHONY: all ${names.join(' ')}`,
    `all: ${names.join(' ')}`,
  ];
  for (const task of tasks) lines.push(`${task.name}: ${task.needs.join(' ')}`.trimEnd(), '\ttrue');
  return `${lines.join('\n')}\n`;
}

/** Runs a command to its end and returns its wall-clock time in milliseconds. */
export function timed(command, args, cwd) {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const start = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const elapsed = performance.now() - start;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${stderr}`));
    });
  });
}

/** Builds the posix_spawn helper into `dir`; its path, or why it could not be built. */
async function buildPosixSpawnHelper(root, dir) {
  const helper = join(dir, 'posix-spawn-helper');
  try {
    await timed('cc', ['-O2', '-o', helper, join(root, 'bench/posix-spawn-helper.c')], root);
    return { helper };
  } catch (error) {
    return {
      skipped: `no posix_spawn floor: cc could not build bench/posix-spawn-helper.c (${error.message.split('\n')[0]})`,
    };
  }
}

export async function run({ root, log }) {
  const cli = join(root, 'packages/cli/bin/slipway.js');
  const results = [];
  const helperDir = await mkdtemp(join(tmpdir(), 'slipway-bench-helper-'));
  const posix = await buildPosixSpawnHelper(root, helperDir);
  if (posix.skipped) log(`  ${posix.skipped}`);
  for (const graph of GRAPHS) {
    const tasks = graph.build();
    const dir = await mkdtemp(join(tmpdir(), `slipway-bench-${graph.name}-`));
    try {
      const makeDir = join(dir, 'make');
      const slipwayDir = join(dir, 'slipway');
      await mkdir(makeDir);
      await mkdir(slipwayDir);
      await writeFile(join(makeDir, 'Makefile'), asMakefile(tasks));
      await writeFile(join(slipwayDir, '.slipway.yml'), asPipeline(tasks));
      await writeFile(join(dir, 'graph.json'), JSON.stringify(tasks));

      const make = () => timed('make', [`-j${PARALLELISM}`, '-s'], makeDir);
      const slipway = () =>
        timed(
          process.execPath,
          [cli, 'run', '-C', slipwayDir, '--parallelism', String(PARALLELISM), '--json'],
          root,
        );

      const spawnGraph = (...extra) =>
        timed(
          process.execPath,
          [
            join(root, 'bench/node-spawn-graph.js'),
            join(dir, 'graph.json'),
            String(PARALLELISM),
            ...extra,
          ],
          root,
        );
      const nodeSpawn = () => spawnGraph();
      const posixSpawn = posix.helper ? () => spawnGraph('--posix-spawn', posix.helper) : null;

      await make();
      await nodeSpawn();
      await posixSpawn?.();
      await slipway();
      const makeTimes = [];
      const nodeSpawnTimes = [];
      const posixSpawnTimes = [];
      const slipwayTimes = [];
      for (let i = 0; i < RUNS; i++) {
        makeTimes.push(await make());
        nodeSpawnTimes.push(await nodeSpawn());
        if (posixSpawn) posixSpawnTimes.push(await posixSpawn());
        slipwayTimes.push(await slipway());
      }
      const summary = (times) => ({ best: ms(Math.min(...times)), median: ms(median(times)) });
      const makeMs = summary(makeTimes);
      const nodeSpawnMs = summary(nodeSpawnTimes);
      const posixSpawnMs = posixSpawnTimes.length > 0 ? summary(posixSpawnTimes) : null;
      const slipwayMs = summary(slipwayTimes);
      const ratioOf = (a, b) => Math.round((a.median / b.median) * 100) / 100;
      const ratio = ratioOf(slipwayMs, makeMs);
      const posixNote = posixSpawnMs ? `, posix_spawn ${ratioOf(posixSpawnMs, makeMs)}` : '';
      log(
        `  dag/${graph.name}: make ${makeMs.median} ms, node spawn ${nodeSpawnMs.median} ms, ` +
          `slipway ${slipwayMs.median} ms, ratio ${ratio} (node spawn ${ratioOf(nodeSpawnMs, makeMs)}${posixNote})`,
      );
      results.push({
        name: `dag/${graph.name}`,
        tasks: tasks.length,
        makeMs,
        nodeSpawnMs,
        slipwayMs,
        ratio,
        nodeSpawnRatio: ratioOf(nodeSpawnMs, makeMs),
        ...(posixSpawnMs
          ? { posixSpawnMs, posixSpawnRatio: ratioOf(posixSpawnMs, makeMs) }
          : { posixSpawnSkipped: posix.skipped }),
        target: TARGET_RATIO,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  await rm(helperDir, { recursive: true, force: true });
  return results;
}
