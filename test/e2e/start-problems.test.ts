import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
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

describe('a port another program listens on', () => {
  it('stops slipway up with a message naming the port, and nothing after it', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const address = taken.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const dir = await temps.create();
      const result = await runCli(['up', '--port', String(port), '--data-dir', join(dir, 'data')], {
        timeoutMs: 30_000,
      });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is in use by another program`);
      expect(result.stdout + result.stderr).not.toContain('destroyed');
      expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe('an address that is not of this machine', () => {
  it('stops slipway up with a message naming the host', async () => {
    const dir = await temps.create();
    const result = await runCli(
      [
        'up',
        '--port',
        '0',
        '--no-agent',
        '--host',
        'nosuchhost.invalid',
        '--data-dir',
        join(dir, 'data'),
      ],
      { timeoutMs: 30_000 },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('nosuchhost.invalid is not an address of this machine');
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });
});

describe('a client given a server that is not a URL', () => {
  it('says how a server URL looks, before sending anything', async () => {
    const result = await runCli(['project', 'list', '--token', 't'], {
      env: { SLIPWAY_SERVER: '127.0.0.1:7070' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"127.0.0.1:7070" is not a server URL: give one like http://');
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });
});

describe('an agent given a server that is not a URL', () => {
  it('says which address to give', async () => {
    const result = await runCli(['agent', '--server', 'nope', '--token', 't']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      '"nope" is not a server URL: give the address `slipway up` printed, like http://127.0.0.1:7070',
    );
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });
});

describe('a data folder that cannot be made', () => {
  it('stops slipway up at once, even under /proc', async () => {
    const result = await runCli(['up', '--port', '0', '--no-agent', '--data-dir', '/proc/nope'], {
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('cannot use /proc/nope as the data folder');
    expect(result.stderr).toContain('(--data-dir)');
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });
});

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
