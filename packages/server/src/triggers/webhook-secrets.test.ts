import { randomBytes } from 'node:crypto';
import { openControlStore } from '@slipway/store';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../secrets/secret-box.js';
import { WEBHOOK_SETTINGS_FRESH_MS, WebhookSecrets } from './webhook-secrets.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('WebhookSecrets', () => {
  it('opens the secret last set: at once when set here, within a second when another server replaced it', async () => {
    const store = await openControlStore(':memory:');
    closers.push(() => store.close());
    const box = new SecretBox(randomBytes(32));
    const project = await store.createProject({
      name: 'shop',
      source: '/repo',
      defaultBranch: 'main',
    });
    let clock = 1;
    const here = new WebhookSecrets(store, box, () => clock);
    const elsewhere = new WebhookSecrets(store, box, () => clock);
    expect(await here.open(project.id)).toBeNull();

    await here.put(project.id, 'github', 'first-secret-0123456789');
    expect(await here.open(project.id)).toEqual({
      forge: 'github',
      secret: 'first-secret-0123456789',
    });
    expect(await here.open(project.id)).toEqual({
      forge: 'github',
      secret: 'first-secret-0123456789',
    });

    await elsewhere.put(project.id, 'gitea', 'second-secret-0123456789');
    expect(await here.open(project.id)).toEqual({
      forge: 'github',
      secret: 'first-secret-0123456789',
    });
    clock += WEBHOOK_SETTINGS_FRESH_MS;
    expect(await here.open(project.id)).toEqual({
      forge: 'gitea',
      secret: 'second-secret-0123456789',
    });

    await here.put(project.id, 'gitlab', 'third-secret-0123456789');
    expect(await here.open(project.id)).toEqual({
      forge: 'gitlab',
      secret: 'third-secret-0123456789',
    });
  });
});
