// The Node.js floor of `dag/*`: runs a task graph (a JSON file of `{ name, needs }`, in an
// order where needs come first) with nothing but `child_process.spawn`, PARALLELISM tasks
// at a time, each task `bash -eo pipefail -c true` in its own process group with its
// output read through pipes, as Slipway's step runners start steps. No scheduling beyond
// counting needs, no bookkeeping: what any Node.js program pays to run the graph.
//
//   node bench/node-spawn-graph.js GRAPH.json PARALLELISM
//
// bench/dag.js runs it beside make and `slipway run`; this module has no `run`, so
// bench/run.js does not run it by itself.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Runs the graph in `file`, `parallelism` tasks at a time; exits non-zero if a task fails. */
export function runGraph(file, parallelism) {
  const tasks = JSON.parse(readFileSync(file, 'utf8'));
  const waitingOn = new Map(tasks.map((task) => [task.name, task.needs.length]));
  const neededBy = new Map(tasks.map((task) => [task.name, []]));
  for (const task of tasks) for (const need of task.needs) neededBy.get(need).push(task.name);
  const ready = tasks.filter((task) => task.needs.length === 0).map((task) => task.name);
  let running = 0;
  let done = 0;

  const startReady = () => {
    while (running < parallelism && ready.length > 0) {
      const name = ready.shift();
      running++;
      const child = spawn('/bin/bash', ['-eo', 'pipefail', '-c', 'true'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      child.stdout.resume();
      child.stderr.resume();
      child.on('close', (code) => {
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
        if (done < tasks.length) startReady();
      });
    }
  };
  startReady();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, parallelism] = process.argv.slice(2);
  if (file === undefined || parallelism === undefined) {
    process.stderr.write('usage: node bench/node-spawn-graph.js GRAPH.json PARALLELISM\n');
    process.exit(2);
  }
  runGraph(file, Number(parallelism));
}
