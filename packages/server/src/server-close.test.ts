import { once } from 'node:events';
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { serverFixture } from './testing/server-fixture.js';

it('closes even while a client holds a connection it never sent a request on', async () => {
  const server = await serverFixture();
  const url = new URL(await server.listen());
  const socket = connect(Number(url.port), url.hostname);
  const ended = once(socket, 'end');
  await once(socket, 'connect');
  const closedBy = Date.now();
  await server.close();
  expect(Date.now() - closedBy).toBeLessThan(10_000);
  await ended;
  socket.destroy();
}, 20_000);
