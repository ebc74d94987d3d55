import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACK_TRACE_LINE, runCli, useTempRepos } from './helpers.js';

const temps = useTempRepos();

/** A folder nothing can be made in: a file stands where its parent should be. */
async function blockedFolder(): Promise<string> {
  const dir = await temps.create();
  await writeFile(join(dir, 'a-file'), 'not a folder\n');
  return join(dir, 'a-file', 'work');
}

describe('an agent work folder that cannot be made', () => {
  it('stops slipway up before it serves, naming the folder', async () => {
    const dir = await temps.create();
    const workDir = await blockedFolder();
    const result = await runCli(
      ['up', '--port', '0', '--data-dir', join(dir, 'data'), '--agent-work-dir', workDir],
      { timeoutMs: 30_000 },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`the agent cannot use ${workDir} as its work folder`);
    expect(result.stderr).toContain('a-file is not a folder');
    expect(result.stderr).not.toContain('slipway is up');
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });

  it('stops slipway agent before it registers, even under /proc', async () => {
    const result = await runCli(
      ['agent', '--server', 'http://127.0.0.1:9', '--token', 'any', '--work-dir', '/proc/nope'],
      { timeoutMs: 30_000 },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('the agent cannot use /proc/nope as its work folder');
    expect(result.stderr).toContain('choose a folder this user can write to');
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });
});
