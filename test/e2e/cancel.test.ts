import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive, parseSummary, startCli, statusesOf, useTempRepos, waitFor } from './helpers.js';

const repos = useTempRepos();

const PIPELINE = `tasks:
  slow:
    steps:
      - run: |
          sleep 30 &
          echo $! > sleep.pid
          echo "sleeping"
          wait
  never:
    needs: slow
    steps:
      - touch never-ran.marker
finally:
  cleanup:
    steps:
      - touch finally-ran.marker
`;

/** A step that ignores SIGTERM, so only a kill stops it. */
const STUBBORN = `tasks:
  stubborn:
    steps:
      - run: |
          trap '' TERM
          sleep 30 &
          echo $! > sleep.pid
          echo "ignoring SIGTERM"
          wait
`;

describe('Ctrl-C during slipway run', () => {
  it('cancels the running step and its children, runs finally tasks, exits 130', async () => {
    const dir = await repos.withFiles({ '.slipway.yml': PIPELINE });
    const cli = startCli(['run', '-C', dir, '--json'], { timeoutMs: 25_000 });
    try {
      await waitFor('the step to start its sleep', () => existsSync(join(dir, 'sleep.pid')));
      await waitFor('the step to be running', () => cli.output().includes('sleeping'));
      const sleepPid = Number((await readFile(join(dir, 'sleep.pid'), 'utf8')).trim());
      expect(await isAlive(sleepPid)).toBe(true);

      cli.signal('SIGINT');
      const result = await cli.result;

      expect(result.code).toBe(130);
      expect(existsSync(join(dir, 'finally-ran.marker'))).toBe(true);
      expect(existsSync(join(dir, 'never-ran.marker'))).toBe(false);
      await waitFor('the sleep to be gone', async () => !(await isAlive(sleepPid)), 5_000);

      const summary = parseSummary(result);
      expect(summary.run.status).toBe('cancelled');
      expect(statusesOf(summary)).toMatchObject({ slow: 'cancelled', cleanup: 'succeeded' });
      expect(statusesOf(summary).never).not.toBe('succeeded');
    } finally {
      cli.signal('SIGKILL');
      await cli.result.catch(() => undefined);
    }
  });

  it('kills at once on a second Ctrl-C, without waiting for the grace period', async () => {
    const dir = await repos.withFiles({ '.slipway.yml': STUBBORN });
    const cli = startCli(['run', '-C', dir], { timeoutMs: 25_000 });
    try {
      await waitFor('the step to be running', () => cli.output().includes('ignoring SIGTERM'));
      const sleepPid = Number((await readFile(join(dir, 'sleep.pid'), 'utf8')).trim());

      cli.signal('SIGINT');
      await waitFor('the cancel to be announced', () => cli.output().includes('cancelling'));
      const secondAt = Date.now();
      cli.signal('SIGINT');
      const result = await cli.result;

      expect(result.code).toBe(130);
      expect(Date.now() - secondAt).toBeLessThan(5_000);
      await waitFor('the sleep to be gone', async () => !(await isAlive(sleepPid)), 5_000);
    } finally {
      cli.signal('SIGKILL');
      await cli.result.catch(() => undefined);
    }
  });
});
