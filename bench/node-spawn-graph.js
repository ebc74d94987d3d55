// The Node.js floor of `dag/*`: runs a task graph (a JSON file of `{ name, needs }`, in an
// order where needs come first) with nothing but `child_process.spawn`, PARALLELISM tasks
// at a time, each task `bash -eo pipefail -c true` in its own process group with its
// output read through pipes, as Slipway's step runners start steps. No scheduling beyond
// counting needs, no bookkeeping: what any Node.js program pays to run the graph.
//
// With `--posix-spawn HELPER`, the tasks are started by HELPER, bench/posix-spawn-helper.c
// built, with posix_spawn as make starts its recipes, instead of by Node.js's fork: what
// starting the same processes costs when Node.js does not fork itself.
//
//   node bench/node-spawn-graph.js GRAPH.json PARALLELISM [--posix-spawn HELPER]
//
// bench/dag.js runs it beside make and `slipway run`; this module has no `run`, so
// bench/run.js does not run it by itself.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const SCRIPT = 'true';

/**
 * Runs the graph in `file`, `parallelism` tasks at a time, each started by `start(name,
 * onExit)`; exits non-zero if a task fails.
 */
export function runGraph(file, parallelism, start = spawnTask) {
  const tasks = JSON.parse(readFileSync(file, 'utf8'));
  const waitingOn = new Map(tasks.map((task) => [task.name, task.needs.length]));
  const neededBy = new Map(tasks.map((task) => [task.name, []]));
  for (const task of tasks) for (const need of task.needs) neededBy.get(need).push(task.name);
  const ready = tasks.filter((task) => task.needs.length === 0).map((task) => task.name);
  let running = 0;
  let done = 0;
  const over = () => done === tasks.length;

  const startReady = () => {
    while (running < parallelism && ready.length > 0) {
      const name = ready.shift();
      running++;
      start(name, (code) => {
        if (code !== 0) {
          process.stderr.write(`task ${name} exited with ${code}\n`);
          process.exit(1);
        }
        running--;
        done++;
        for (const next of neededBy.get(name)) {
          const left = waitingOn.get(next) - 1;
          waitingOn.set(next, left);
          if (left === 0) ready.push(next);
        }
        if (!over()) startReady();
      });
    }
  };
  startReady();
  return over;
}

/** Starts a task with `child_process.spawn`, in its own process group, output on pipes. */
function spawnTask(_name, onExit) {
  const child = spawn('/bin/bash', ['-eo', 'pipefail', '-c', SCRIPT], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.resume();
  child.stderr.resume();
  child.on('close', onExit);
}

/** A starter that hands each task to the posix_spawn helper at `helper`. */
export function posixSpawner(helper) {
  const child = spawn(helper, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map();
  let ids = 0;
  let unread = '';
  child.stdout.setEncoding('utf8').on('data', (text) => {
    unread += text;
    for (let end = unread.indexOf('\n'); end >= 0; end = unread.indexOf('\n')) {
      const [id, status] = unread.slice(0, end).split(' ');
      unread = unread.slice(end + 1);
      const onExit = waiting.get(id);
      waiting.delete(id);
      onExit?.(Number(status));
    }
  });
  return {
    start: (_name, onExit) => {
      const id = String(ids++);
      waiting.set(id, onExit);
      child.stdin.write(`${id} ${SCRIPT}\n`);
    },
    close: () => child.stdin.end(),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, parallelism, flag, helper] = process.argv.slice(2);
  const posix = flag === '--posix-spawn' && helper !== undefined;
  if (file === undefined || parallelism === undefined || (flag !== undefined && !posix)) {
    process.stderr.write(
      'usage: node bench/node-spawn-graph.js GRAPH.json PARALLELISM [--posix-spawn HELPER]\n',
    );
    process.exit(2);
  }
  if (posix) {
    const spawner = posixSpawner(helper);
    const over = runGraph(file, Number(parallelism), (name, onExit) =>
      spawner.start(name, (code) => {
        onExit(code);
        if (over()) spawner.close();
      }),
    );
  } else {
    runGraph(file, Number(parallelism));
  }
}
