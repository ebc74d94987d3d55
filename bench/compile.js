// Parses and compiles a 1,000-task pipeline (900 plain tasks and a 100-way matrix) with
// @slipway/core, as `slipway run` and the server do before every run.
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { compilePipeline, parsePipelineDocument } from '@slipway/core';
import { median, ms, pick, seededRandom } from './stats.js';

const WARM_UP = 3;
const RUNS = 20;
const TARGET_MS = 100;
const PLAIN_TASKS = 900;

export function pipelineText() {
  const random = seededRandom(1000);
  const names = [];
  const lines = [
    'name: compile-bench',
    'params:',
    '  channel: { type: string, default: stable }',
    'env:',
    '  CHANNEL: ${{ params.channel }}',
    'tasks:',
  ];
  for (let i = 0; i < PLAIN_TASKS; i++) {
    const name = `task-${String(i).padStart(4, '0')}`;
    const needs = pick(names.slice(-50), Math.min(names.length, 2), random);
    lines.push(`  ${name}:`);
    if (needs.length) lines.push(`    needs: [${needs.join(', ')}]`);
    lines.push(
      '    results: [out]',
      '    env:',
      `      STEP_NAME: ${name}`,
      ...(needs.length ? [`      UPSTREAM: \${{ tasks.${needs[0]}.results.out }}`] : []),
      '    retries: { count: 1, backoff: 1s }',
      '    steps:',
      '      - echo "building $STEP_NAME"',
      '      - run: printf done > "$SLIPWAY_RESULTS/out"',
      '        timeout: 5m',
    );
    names.push(name);
  }
  const values = Array.from({ length: 10 }, (_, i) => i);
  lines.push(
    '  test:',
    `    needs: [${names.at(-1)}]`,
    '    matrix:',
    '      axes:',
    `        shard: [${values.join(', ')}]`,
    `        node: [${values.map((v) => 18 + v).join(', ')}]`,
    '    steps:',
    '      - echo "shard $MATRIX_SHARD on node $MATRIX_NODE"',
  );
  return `${lines.join('\n')}\n`;
}

/** Parses and compiles `text`, returning the plan and the time each half took. */
function parseAndCompile(text) {
  const start = performance.now();
  const parsed = parsePipelineDocument('.slipway.yml', text);
  const parsedAt = performance.now();
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
  const compiled = compilePipeline(parsed.value);
  const end = performance.now();
  if (!compiled.ok) throw new Error(compiled.diagnostics.map((d) => d.message).join('\n'));
  return {
    plan: compiled.plan,
    parseMs: parsedAt - start,
    compileMs: end - parsedAt,
    totalMs: end - start,
  };
}

export async function run({ log }) {
  const text = pipelineText();
  const tasks = parseAndCompile(text).plan.tasks.length;
  if (tasks !== 1000) throw new Error(`expected 1000 tasks in the plan, got ${tasks}`);
  for (let i = 0; i < WARM_UP; i++) parseAndCompile(text);
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(parseAndCompile(text));
  const totals = runs.map((r) => r.totalMs);
  const result = {
    name: 'compile/1000-tasks',
    tasks,
    bytes: Buffer.byteLength(text),
    ms: ms(median(totals)),
    bestMs: ms(Math.min(...totals)),
    parseMs: ms(median(runs.map((r) => r.parseMs))),
    compileMs: ms(median(runs.map((r) => r.compileMs))),
    target: TARGET_MS,
  };
  log(
    `  compile/1000-tasks: ${result.ms} ms (parse ${result.parseMs} ms, compile ${result.compileMs} ms)`,
  );
  return [result];
}
