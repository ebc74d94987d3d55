import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACK_TRACE_LINE, runCli, useTempRepos } from './helpers.js';

const repos = useTempRepos();

describe('a task with an image and no container engine', () => {
  it('stops the run with exit code 3 before any task ran, naming the task', async () => {
    const dir = await repos.withFiles({
      '.slipway.yml': `tasks:
  prepare:
    steps:
      - touch prepare-ran.marker
  compile:
    needs: prepare
    image: alpine:3.20
    steps:
      - echo "compiling in a container"
`,
    });
    const result = await runCli(['run', '-C', dir], {
      env: { DOCKER_HOST: 'unix:///nonexistent.sock' },
    });

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('compile');
    expect(result.stderr).toContain('/nonexistent.sock');
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    expect(existsSync(join(dir, 'prepare-ran.marker'))).toBe(false);
  });
});
