import { isApiError, SlipwayClient } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { git, gitRepository, serverFixture, TWO_TASKS } from '../testing/server-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function refusal(call: Promise<unknown>): Promise<string> {
  const error: unknown = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isApiError(error)) throw new Error(`expected an API error, got ${String(error)}`);
  return `${String(error.status)} ${error.message}`;
}

describe('PUT /api/projects/:project/default-branch', () => {
  it('changes the default branch to one that exists, for project admins only', async () => {
    const server = await serverFixture({}, { startScheduler: false });
    cleanups.push(() => server.close());
    const repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
    cleanups.push(() => repo.remove());
    await git(repo.dir, 'branch', 'trunk');
    const url = await server.listen();
    const admin = new SlipwayClient({ baseUrl: url, token: server.token });
    await admin.createProject({ name: 'shop', source: repo.dir });

    const made = async (user: string, role: 'developer' | 'admin') => {
      const { token } = await admin.createToken({ name: user, user });
      await admin.setRole('shop', user, role);
      return new SlipwayClient({ baseUrl: url, token });
    };
    const developer = await made('dev', 'developer');
    expect(await refusal(developer.putProjectDefaultBranch('shop', 'trunk'))).toMatch(/^403 /);

    const owner = await made('owner', 'admin');
    expect(await refusal(owner.putProjectDefaultBranch('shop', 'nope'))).toBe(
      `400 branch "nope" does not exist in ${repo.dir}`,
    );
    expect(await refusal(owner.putProjectDefaultBranch('shop', '-x'))).toMatch(/^400 /);
    const changed = await owner.putProjectDefaultBranch('shop', 'trunk');
    expect(changed).toMatchObject({ name: 'shop', defaultBranch: 'trunk' });
    expect((await admin.getProject('shop')).defaultBranch).toBe('trunk');
    // A run without a ref now builds the new default branch.
    expect((await owner.createRun('shop')).trigger.branch).toBe('trunk');
  });
});
