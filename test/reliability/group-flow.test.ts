import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Group, GroupList, GroupMember, Project, RoleBinding } from '@slipway/api';
import { expect, it } from 'vitest';
import {
  adminTokenOf,
  apiClient,
  describeOnEachStore,
  slipway,
  slipwayJson,
  startUp,
  useCleanup,
  userRepository,
} from './helpers.js';

const PIPELINE = `tasks:
  build:
    steps: [echo building]
`;

const cleanup = useCleanup();

describeOnEachStore('groups of users, managed with the CLI', (store) => {
  it('gives members the role bound to their group, and takes it away when they leave', async () => {
    const repo = await userRepository(cleanup, PIPELINE);
    const dataDir = join(await cleanup.tempDir(), 'data');
    await mkdir(dataDir);
    const up = await startUp(cleanup, {
      dataDir,
      database: await store.database(cleanup),
      agent: false,
    });
    const admin = { url: up.url, token: await adminTokenOf(up) };
    expect((await slipway(admin, ['project', 'add', 'shop', repo.dir])).code).toBe(0);
    const gus = {
      url: up.url,
      token: (await apiClient(admin).createToken({ name: 'laptop', user: 'gus' })).token,
    };
    const projectsOfGus = async () =>
      (await slipwayJson<Project[]>(gus, ['project', 'list'])).map((p) => p.name);

    const bound = await slipwayJson<RoleBinding>(admin, [
      'role',
      'set',
      'shop',
      'group:platform-team',
      'developer',
    ]);
    expect(bound).toMatchObject({ user: 'group:platform-team', role: 'developer' });
    expect(await projectsOfGus()).toEqual([]);

    const added = await slipway(admin, ['group', 'add-member', 'platform-team', 'gus']);
    expect(added.stdout).toBe(
      'gus is a member of group platform-team: roles bound to group:platform-team apply to them\n',
    );
    await slipwayJson<GroupMember>(admin, ['group', 'add-member', 'platform-team', 'ana']);
    expect(await projectsOfGus()).toEqual(['shop']);
    const triggered = await slipway(gus, ['trigger', 'shop']);
    expect(triggered.code, triggered.stderr).toBe(0);

    expect(await slipwayJson<GroupList>(admin, ['group', 'list'])).toEqual({
      groups: [{ name: 'platform-team', members: 2 }],
    });
    const shown = await slipwayJson<Group>(admin, ['group', 'show', 'platform-team']);
    expect(shown.members.map((m) => m.user)).toEqual(['ana', 'gus']);
    const table = await slipway(admin, ['group', 'show', 'platform-team']);
    expect(table.stdout.split('\n')[0]).toMatch(/^USER +ADDED$/);
    const roles = await slipway(admin, ['role', 'list', 'shop']);
    expect(roles.stdout).toMatch(/^group:platform-team +developer$/m);

    const refused = await slipway(gus, ['group', 'list']);
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining('admin token')]);
    const unknown = await slipway(admin, ['group', 'show', 'nothing']);
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      expect.stringContaining('no group "nothing"'),
    ]);
    const invalid = await slipway(admin, ['group', 'add-member', 'platform team', 'gus']);
    expect([invalid.code, invalid.stderr]).toEqual([
      2,
      expect.stringMatching(/^error the group given is not valid: use 1 [^\n]*\n$/),
    ]);
    const notMember = await slipway(admin, ['group', 'remove-member', 'platform-team', 'zed']);
    expect(notMember.stderr).toContain('user "zed" is not a member of group "platform-team"');

    const removed = await slipway(admin, ['group', 'remove-member', 'platform-team', 'gus']);
    expect(removed.stdout).toBe('gus is no longer a member of group platform-team\n');
    expect(await projectsOfGus()).toEqual([]);
    expect((await slipway(gus, ['trigger', 'shop'])).code).toBe(2);

    const unbound = await slipway(admin, ['role', 'remove', 'shop', 'group:platform-team']);
    expect(unbound.stdout).toBe('group platform-team has no role in shop any more\n');
    expect(await slipwayJson<{ roles: RoleBinding[] }>(admin, ['role', 'list', 'shop'])).toEqual({
      roles: [],
    });
  });
});
