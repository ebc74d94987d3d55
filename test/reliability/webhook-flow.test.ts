import { createHmac } from 'node:crypto';
import type { RunDetail } from '@slipway/api';
import { expect, it } from 'vitest';
import { runCli } from '../e2e/helpers.js';
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
const SECRET = 'generic-webhook-secret-7f3a';

const cleanup = useCleanup();

describeOnEachStore('webhooks through slipway up, as a user sets them up', (store) => {
  it('sets the secret from standard input, and a signed delivery becomes a run', async () => {
    const { dir: repo, commit } = await userRepository(cleanup, PIPELINE);
    const { up, access } = await upWithShop(cleanup, store, repo);

    const set = await runCli(
      ['project', 'webhook', 'shop', '--forge', 'generic', '--secret-stdin'],
      {
        env: { SLIPWAY_SERVER: access.url, SLIPWAY_TOKEN: access.token },
        input: `${SECRET}\n`,
      },
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe(
      'webhook of shop set for generic: point the forge at SERVER_URL/api/projects/shop/hooks/generic\n',
    );
    expect(set.stdout + set.stderr).not.toContain(SECRET);

    const body = JSON.stringify({ branch: 'main', commit, actor: 'deploy-bot' });
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    const post = (delivery: string, sig: string) =>
      fetch(`${up.url}/api/projects/shop/hooks/generic`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slipway-event': 'push',
          'x-slipway-delivery': delivery,
          'x-slipway-signature': `sha256=${sig}`,
        },
        body,
      });
    const tampered = (signature.startsWith('0') ? '1' : '0') + signature.slice(1);
    expect((await post('d-1', tampered)).status).toBe(401);
    expect((await post('d-1', signature)).status).toBe(202);

    const events = await untilNewestEventProcessed(access, 'shop', 100);
    expect(events.events).toMatchObject([{ deliveryId: 'd-1', status: 'processed' }]);
    const runId = events.events[0]?.runIds[0] ?? '';
    let detail: RunDetail | null = null;
    for (let tries = 0; tries < 150; tries++) {
      detail = await slipwayJson<RunDetail>(access, ['runs', 'show', runId]);
      if (detail.run.finishedAt !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(detail?.run).toMatchObject({ status: 'succeeded', trigger: { actor: 'deploy-bot' } });
    const logs = await slipway(access, ['logs', runId, 'hello']);
    expect(logs.stdout).toBe('hello from main\n');

    const listed = await slipway(access, ['events', 'shop']);
    expect(listed.stdout).toMatch(/ generic +push +processed +started \S+ run #1 at /);
  });
});
