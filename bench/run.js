#!/usr/bin/env node
// Runs every benchmark module in this folder and prints one JSON document on stdout:
// { machine: { cpus, node }, date, benchmarks: [...] }. Progress goes to stderr.
// `node bench/run.js dag` runs only the modules whose file name contains "dag".
import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const filters = process.argv.slice(2);

const files = (await readdir(here)).filter((file) => file.endsWith('.js') && file !== 'run.js');
// A filter that names a module exactly ("dag" or "dag.js") selects only that module;
// any other filter selects every module whose file name contains it.
const selects = (filter, file) =>
  files.some((f) => f === filter || f === `${filter}.js`)
    ? file === filter || file === `${filter}.js`
    : file.includes(filter);
const modules = files
  .filter((file) => filters.length === 0 || filters.some((f) => selects(f, file)))
  .sort();

const log = (message) => process.stderr.write(`${message}\n`);
const benchmarks = [];
for (const file of modules) {
  const module = await import(pathToFileURL(join(here, file)).href);
  if (typeof module.run !== 'function') continue;
  log(`bench/${file}`);
  benchmarks.push(...(await module.run({ root, log })));
}

const report = {
  machine: { cpus: availableParallelism(), node: process.version },
  date: new Date().toISOString(),
  benchmarks,
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
