import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PollSettings, TriggerEventList } from '@slipway/api';
import { expect, it } from 'vitest';
import { gitInit } from '../e2e/helpers.js';
import {
  adminTokenOf,
  describeOnEachStore,
  slipway,
  slipwayJson,
  startUp,
  useCleanup,
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
      const repo = await cleanup.tempDir('slipway-rel-repo-');
      await writeFile(join(repo, '.slipway.yml'), PIPELINE);
      await gitInit(repo);
      const dataDir = join(await cleanup.tempDir(), 'data');
      await mkdir(dataDir);
      const up = await startUp(cleanup, { dataDir, database: await store.database(cleanup) });
      const access = { url: up.url, token: await adminTokenOf(up) };
      expect((await slipway(access, ['project', 'add', 'shop', repo])).code).toBe(0);

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

      let events: TriggerEventList = { events: [], nextBefore: null };
      for (let tries = 0; tries < 150; tries++) {
        events = await slipwayJson<TriggerEventList>(access, ['events', 'shop']);
        if (events.events[0]?.status === 'processed') break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
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
