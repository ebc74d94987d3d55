import { describe, expect, it } from 'vitest';
import { runCli, useTempRepos } from './helpers.js';

const repos = useTempRepos();

const MATRIX_IDS = [
  'test[node=18,os=linux]',
  'test[node=20,os=linux]',
  'test[experimental=true,node=22,os=linux]',
  'test[node=20,os=macos]',
  'test[node=22,os=macos]',
  'test[node=20,os=windows]',
];

async function plan(example: string, ...args: string[]) {
  const dir = await repos.copyExample(example);
  const result = await runCli(['plan', '-C', dir, ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('slipway plan on the matrix example', () => {
  it('lists every combination as a task, then the task that needs them all', async () => {
    const text = await plan('matrix');

    expect(text.split('\n')[0]).toMatch(/^pipeline \S+ \(\.slipway\.yml\)$/);
    const taskLines = text.split('\n').filter((line) => line.startsWith('task '));
    expect(taskLines).toEqual([...MATRIX_IDS.map((id) => `task ${id}`), 'task summary']);
    expect(text).toContain(`needs: ${MATRIX_IDS.join(', ')}`);
  });

  it('draws the graph in Mermaid', async () => {
    const mermaid = await plan('matrix', '--format', 'mermaid');
    const lines = mermaid.trim().split('\n');

    expect(lines[0]).toBe('graph LR');
    for (const id of MATRIX_IDS) expect(mermaid).toContain(`["${id}"]`);
    expect(lines.filter((line) => line.includes('-->'))).toHaveLength(MATRIX_IDS.length);
  });

  it('draws the graph in Graphviz dot', async () => {
    const dot = await plan('matrix', '--format', 'dot');

    expect(dot).toMatch(/^digraph "[^"]+" \{/);
    for (const id of MATRIX_IDS) expect(dot).toContain(`"${id}" -> "summary";`);
    expect(dot.trim().endsWith('}')).toBe(true);
  });

  it('prints the plan as JSON, matrix values included', async () => {
    const json = JSON.parse(await plan('matrix', '--format', 'json')) as {
      tasks: { id: string; matrix: Record<string, unknown> | null }[];
    };

    expect(json.tasks.map((t) => t.id)).toEqual([...MATRIX_IDS, 'summary']);
    expect(json.tasks[2]?.matrix).toEqual({ os: 'linux', node: 22, experimental: true });
  });

  it('narrows the plan with --only', async () => {
    const text = await plan('matrix', '--only', 'test[node=18,os=linux]');

    expect(text.split('\n').filter((line) => line.startsWith('task '))).toEqual([
      'task test[node=18,os=linux]',
    ]);
  });
});

describe('slipway plan on the Makefile-only example', () => {
  it('says the pipeline was inferred from the Makefile, and why', async () => {
    const text = await plan('makefile-only');
    const lines = text.split('\n');

    expect(lines[0]).toMatch(/^pipeline default\b/);
    expect(lines[1]).toBe('inferred from the Makefile convention:');
    expect(text).toMatch(/init: runs first/);
    expect(text).toMatch(/test-unit, test-integration: tests, run in parallel after style/);
    expect(text).toMatch(/build: runs last, after test-unit, test-integration/);
    expect(text).not.toMatch(/task clean/);
    expect(lines.filter((line) => line.startsWith('task '))).toEqual([
      'task init',
      'task style',
      'task test-unit',
      'task test-integration',
      'task build',
    ]);
  });

  it('draws the inferred graph in Mermaid and dot', async () => {
    const mermaid = await plan('makefile-only', '--format', 'mermaid');
    const dot = await plan('makefile-only', '--format', 'dot');

    expect(mermaid.split('\n')[0]).toBe('graph LR');
    expect(mermaid.split('\n').filter((line) => line.includes('-->'))).toHaveLength(5);
    expect(dot).toContain('"init" -> "style";');
    expect(dot).toContain('"style" -> "test-unit";');
    expect(dot).toContain('"test-integration" -> "build";');
  });
});
