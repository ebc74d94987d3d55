import { describe, expect, it } from 'vitest';
import { SlipwayClient } from './slipway-client.js';

interface Sent {
  readonly url: string;
  readonly method: string;
  readonly body: string | undefined;
}

function clientAnswering(status: number, body: unknown) {
  const sent: Sent[] = [];
  const fetchFn = (input: string, init?: RequestInit) => {
    sent.push({
      url: input,
      method: init?.method ?? 'GET',
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return Promise.resolve(
      status === 204
        ? new Response(null, { status })
        : new Response(JSON.stringify(body), {
            status,
            headers: { 'content-type': 'application/json' },
          }),
    );
  };
  const client = new SlipwayClient({
    baseUrl: 'http://x',
    token: 't',
    fetch: fetchFn as unknown as typeof fetch,
  });
  return { client, sent };
}

const info = {
  id: 'tok-1',
  name: 'ci',
  user: 'ana',
  kind: 'user',
  admin: false,
  createdAt: 1,
  lastUsedAt: null,
};

describe('SlipwayClient tokens and roles', () => {
  it('makes, lists and revokes tokens', async () => {
    const made = clientAnswering(201, { ...info, token: 'slw_secret' });
    expect(await made.client.createToken({ name: 'ci', user: 'ana' })).toMatchObject({
      token: 'slw_secret',
      user: 'ana',
    });
    expect(made.sent[0]).toEqual({
      url: 'http://x/api/tokens',
      method: 'POST',
      body: '{"name":"ci","user":"ana"}',
    });

    const listed = clientAnswering(200, { tokens: [info] });
    expect(await listed.client.listTokens()).toEqual([info]);

    const revoked = clientAnswering(204, null);
    await revoked.client.deleteToken('tok 1');
    expect(revoked.sent[0]).toMatchObject({ url: 'http://x/api/tokens/tok%201', method: 'DELETE' });
  });

  it('gives, lists and takes away roles', async () => {
    const binding = { projectId: 'p1', user: 'bo@example.com', role: 'developer', updatedAt: 2 };
    const given = clientAnswering(200, binding);
    expect(await given.client.setRole('shop', 'bo@example.com', 'developer')).toEqual(binding);
    expect(given.sent[0]).toEqual({
      url: 'http://x/api/projects/shop/roles/bo%40example.com',
      method: 'PUT',
      body: '{"role":"developer"}',
    });

    const listed = clientAnswering(200, { roles: [binding] });
    expect(await listed.client.listRoles('shop')).toEqual([binding]);
    expect(listed.sent[0]?.url).toBe('http://x/api/projects/shop/roles');

    const taken = clientAnswering(204, null);
    await taken.client.deleteRole('shop', 'bo@example.com');
    expect(taken.sent[0]?.method).toBe('DELETE');
  });
});
