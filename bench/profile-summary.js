#!/usr/bin/env node
// Summaries of what the benchmarks record when asked to (this module has no `run`, so
// bench/run.js skips it):
//
//   node bench/profile-summary.js DIR|FILE.cpuprofile …   CPU profiles written by
//       `SLIPWAY_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" node bench/run.js NAME`:
//       busy and idle time, self time by package and by function, inclusive time.
//   node bench/profile-summary.js --git FILE              a git trace written with
//       `SLIPWAY_BENCH_TRACE_GIT=FILE node bench/run.js NAME`: per calling process, the
//       git commands run, how many, and their wall-clock time.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './stats.js';

const TOP = 20;
const msOf = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;

/** Prints busy time, self time by package and function, and inclusive time of a profile. */
export function summarizeProfile(profile, top = TOP) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n.id);
  const selfTime = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    selfTime.set(id, (selfTime.get(id) ?? 0) + delta);
    total += delta;
  });
  const name = (n) =>
    `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const bySelf = new Map();
  const byInclusive = new Map();
  const byPackage = new Map();
  let idle = 0;
  for (const [id, time] of selfTime) {
    const node = nodes.get(id);
    if (node.callFrame.functionName === '(idle)') {
      idle += time;
      continue;
    }
    add(bySelf, name(node), time);
    add(byPackage, packageOf(node.callFrame), time);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parents.get(at)) {
      const key = name(nodes.get(at));
      if (!seen.has(key)) add(byInclusive, key, time);
      seen.add(key);
    }
  }
  const lines = [
    `${(total / 1e6).toFixed(1)} s profiled, ${((total - idle) / 1e6).toFixed(1)} s busy`,
    '  self time by package:',
    ...sorted(byPackage, 12).map(([k, v]) => `  ${msOf(v)}  ${k}`),
    '  self time by function:',
    ...sorted(bySelf, top).map(([k, v]) => `  ${msOf(v)}  ${k}`),
    '  inclusive time:',
    ...sorted(byInclusive, top).map(([k, v]) => `  ${msOf(v)}  ${k}`),
  ];
  return lines.join('\n');
}

/** Per calling process: each git subcommand, how often it ran and its wall-clock time. */
export function summarizeGitTrace(text) {
  const byProcess = new Map();
  for (const line of text.trim().split('\n')) {
    const [start, end, ppid, ...args] = line.split(' ');
    const command = subcommand(args);
    const calls = byProcess.get(ppid) ?? new Map();
    byProcess.set(ppid, calls);
    const times = calls.get(command) ?? [];
    calls.set(command, times);
    times.push((Number(end) - Number(start)) * 1000);
  }
  const lines = [];
  for (const [ppid, calls] of byProcess) {
    const all = [...calls.values()].flat();
    lines.push(`process ${ppid}: ${all.length} git commands, ${sum(all).toFixed(0)} ms in all`);
    for (const [command, times] of [...calls].sort((a, b) => sum(b[1]) - sum(a[1]))) {
      lines.push(
        `  ${command.padEnd(18)} ${String(times.length).padStart(6)} × median ${median(times).toFixed(1).padStart(6)} ms = ${sum(times).toFixed(0).padStart(6)} ms`,
      );
    }
  }
  return lines.join('\n');
}

/** `worktree add`, `fetch`, …: the first argument that is not a global option, and its verb. */
function subcommand(args) {
  let i = 0;
  while (i < args.length && args[i].startsWith('-'))
    i += args[i] === '-c' || args[i] === '-C' ? 2 : 1;
  const command = args[i] ?? '?';
  return command === 'worktree' ? `worktree ${args[i + 1] ?? ''}` : command;
}

function shortUrl(url) {
  return url.replace(/^.*\/(packages|node_modules)\//, '$1/');
}

function packageOf(frame) {
  if (!frame.url) return frame.functionName;
  if (frame.url.startsWith('node:')) return 'node (internal)';
  const found = /\/(packages\/[^/]+|node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(frame.url);
  return found?.[1] ?? frame.url;
}

function add(map, key, value) {
  map.set(key, (map.get(key) ?? 0) + value);
}

function sorted(map, count) {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
}

function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}

async function main(args) {
  if (args[0] === '--git') {
    process.stdout.write(`${summarizeGitTrace(await readFile(args[1], 'utf8'))}\n`);
    return;
  }
  for (const arg of args) {
    const files = arg.endsWith('.cpuprofile')
      ? [arg]
      : (await readdir(arg)).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(arg, f));
    for (const file of files.sort()) {
      const pid = /\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(file)?.[1] ?? '?';
      const profile = JSON.parse(await readFile(file, 'utf8'));
      process.stdout.write(`== process ${pid} (${file})\n${summarizeProfile(profile)}\n`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
