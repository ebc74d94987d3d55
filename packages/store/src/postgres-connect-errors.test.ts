import { createServer, type Server } from 'node:net';
import { isUserError } from '@slipway/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresControlStore } from './postgres-control-store.js';

describe('opening a PostgreSQL store that cannot be reached', () => {
  let server: Server | undefined;
  afterEach(async () => {
    const open = server;
    server = undefined;
    if (open) await new Promise((resolve) => open.close(resolve));
  });

  it('refuses a URL that does not parse, as a usage error', async () => {
    const failure = PostgresControlStore.open('postgres://a@[::1:5432/x');
    await expect(failure).rejects.toSatisfy(isUserError);
    await expect(failure).rejects.toThrow(/is not a PostgreSQL URL: write it like postgres:\/\//);
  });

  it('says it cannot connect when what answers is not PostgreSQL', async () => {
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const failure = PostgresControlStore.open(`postgres://nobody@127.0.0.1:${port}/x`);
    await expect(failure).rejects.toSatisfy(isUserError);
    await expect(failure).rejects.toThrow(
      `Cannot connect to PostgreSQL at postgres://nobody@127.0.0.1:${port}/x`,
    );
  });
});
