import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli, useTempRepos, waitFor } from './helpers.js';

const temps = useTempRepos();

describe('slipway up', () => {
  it('prints nothing on stdout: its messages and the server log lines go to stderr', async () => {
    const dir = await temps.create();
    const cli = startCli(['up', '--port', '0', '--data-dir', join(dir, 'data')], {
      timeoutMs: 30_000,
    });
    try {
      await waitFor('the agent to wait for work', () => cli.output().includes('waiting for work'));
      cli.signal('SIGTERM');
      const result = await cli.result;

      expect(result.code).toBe(0);
      expect(result.stderr).toContain('slipway is up at http://127.0.0.1:');
      expect(result.stdout.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
      expect(result.stderr).toMatch(/^\{.*"msg":"Server listening at http:\/\/127\.0\.0\.1:/m);
    } finally {
      cli.signal('SIGKILL');
      await cli.result.catch(() => undefined);
    }
  });
});
