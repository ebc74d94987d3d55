import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PollSettings } from '@slipway/api';
import { expect, it } from 'vitest';
import {
  describeOnEachStore,
  slipway,
  slipwayJson,
  untilNewestEventProcessed,
  upWithShop,
  useCleanup,
  userRepository,
} from './helpers.js';

const PIPELINE = `on:
  push:
    branches: [main]
tasks:
  hello:
    steps:
      - echo "hello from $SLIPWAY_BRANCH"
`;

const cleanup = useCleanup();

describeOnEachStore('SCM polling through slipway up, as a user sets it up', (store) => {
  it(
    'polls a repository without webhooks: a pushed commit becomes a run',
    { timeout: 240_000 },
    async () => {
      const repo = (await userRepository(cleanup, PIPELINE)).dir;
      const { access } = await upWithShop(cleanup, store, repo);

      const wrong = await slipway(access, ['project', 'poll', 'shop', '--every', 'often']);
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toContain('--every takes a duration such as 30s, 5m or 1h, not "often"');
      const set = await slipway(access, ['project', 'poll', 'shop', '--every', '10s']);
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toMatch(/^shop is polled every 10s\nbreaker: +closed\n/);

      // The first poll, at once, takes the baseline.
      let state: PollSettings | null = null;
      for (let tries = 0; tries < 100 && state?.heads == null; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        state = await slipwayJson<PollSettings>(access, ['project', 'poll', 'shop']);
      }
      expect(state).toMatchObject({ heads: 1, breaker: 'closed', failures: 0 });

      await writeFile(join(repo, 'change.txt'), 'more\n');
      const git = (...args: string[]) =>
        promisify(execFile)('git', ['-C', repo, ...args], {
          env: {
            ...process.env,
            GIT_AUTHOR_NAME: 'Test',
            GIT_AUTHOR_EMAIL: 'test@example.com',
            GIT_COMMITTER_NAME: 'Test',
            GIT_COMMITTER_EMAIL: 'test@example.com',
          },
        });
      await git('add', '--all');
      await git('commit', '--quiet', '--message', 'more');

      const events = await untilNewestEventProcessed(access, 'shop', 150);
      expect(events.events).toMatchObject([{ source: 'poll', kind: 'push', status: 'processed' }]);
      const listed = await slipway(access, ['events', 'shop']);
      expect(listed.stdout).toMatch(/ poll +push +processed +started \S+ run #1 at /);

      const reset = await slipway(access, ['project', 'poll', 'shop', '--reset']);
      expect(reset.code, reset.stderr).toBe(0);
      const off = await slipway(access, ['project', 'poll', 'shop', '--off']);
      expect(off.stdout).toBe('shop is no longer polled\n');
    },
  );
});
