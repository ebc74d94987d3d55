import type { Run } from '@slipway/api';
import { expect, it } from 'vitest';
import { waitFor } from '../e2e/helpers.js';
import {
  apiClient,
  describeOnEachStore,
  FINISHED_RUN,
  slipway,
  slipwayJson,
  upWithShop,
  useCleanup,
  userRepository,
} from './helpers.js';

const SLOW = `
tasks:
  slow:
    steps:
      - sleep 30
`;

const cleanup = useCleanup();

describeOnEachStore('slipway cancel', (store) => {
  it('cancels a running run, and says a finished one had nothing to cancel', async () => {
    const repo = await userRepository(cleanup, SLOW);
    const { access } = await upWithShop(cleanup, store, repo.dir);
    const run = await slipwayJson<Run>(access, ['trigger', 'shop']);

    const cancelled = await slipway(access, ['cancel', run.id]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^run ${run.id}: \\w+\\n$`));

    const client = apiClient(access);
    await waitFor(
      'the run to finish',
      async () => FINISHED_RUN.has((await client.getRun(run.id)).run.status),
      30_000,
    );
    const again = await slipway(access, ['cancel', run.id]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(
      `run ${run.id} had already finished (cancelled): nothing to cancel\n`,
    );
  });
});
