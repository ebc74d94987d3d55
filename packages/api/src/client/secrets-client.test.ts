import { describe, expect, it } from 'vitest';
import { SecretName } from '../schemas/secrets.js';
import { SlipwayClient } from './slipway-client.js';

describe('SlipwayClient secrets', () => {
  it('puts, lists and deletes secrets', async () => {
    const sent: { method: string; url: string; body: unknown }[] = [];
    const answers = [
      () => Response.json({ name: 'TOKEN', updatedAt: 5 }),
      () => Response.json({ secrets: [{ name: 'TOKEN', updatedAt: 5 }] }),
      () => new Response(null, { status: 204 }),
    ];
    const fetchFn = (url: string, init?: RequestInit) => {
      sent.push({
        method: init?.method ?? 'GET',
        url,
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      });
      const answer = answers.shift();
      if (!answer) throw new Error('no answer');
      return Promise.resolve(answer());
    };
    const client = new SlipwayClient({ baseUrl: 'http://x', fetch: fetchFn as typeof fetch });
    expect(await client.putSecret('shop', 'TOKEN', 's3cret')).toEqual({
      name: 'TOKEN',
      updatedAt: 5,
    });
    expect(await client.listSecrets('shop')).toEqual([{ name: 'TOKEN', updatedAt: 5 }]);
    await client.deleteSecret('shop', 'TOKEN');
    expect(sent).toEqual([
      { method: 'PUT', url: 'http://x/api/projects/shop/secrets/TOKEN', body: { value: 's3cret' } },
      { method: 'GET', url: 'http://x/api/projects/shop/secrets', body: undefined },
      { method: 'DELETE', url: 'http://x/api/projects/shop/secrets/TOKEN', body: undefined },
    ]);
  });
});

describe('SecretName', () => {
  it('takes environment variable names and refuses Slipway-reserved ones', () => {
    for (const name of ['TOKEN', '_x', 'api_key_2', 'SLIPWAYX']) {
      expect(SecretName.safeParse(name).success).toBe(true);
    }
    for (const name of ['', '2FA', 'MY-KEY', 'a b', 'SLIPWAY_TOKEN', 'slipway_run', 'É']) {
      expect(SecretName.safeParse(name).success).toBe(false);
    }
  });
});
