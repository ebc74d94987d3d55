import { isApiError, SlipwayClient, type ApiError } from '@slipway/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gitRepository,
  serverFixture,
  TWO_TASKS,
  type ServerFixture,
} from '../testing/server-fixture.js';

async function refused(call: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isApiError(error)) throw new Error(`expected an API error, got ${String(error)}`);
  return error;
}

async function refusal(call: Promise<unknown>): Promise<string> {
  const error = await refused(call);
  return `${error.status} ${error.code}`;
}

describe('groups of users through the API', () => {
  let server: ServerFixture;
  let repo: Awaited<ReturnType<typeof gitRepository>>;
  let admin: SlipwayClient;
  let url: string;

  beforeAll(async () => {
    server = await serverFixture({}, { startScheduler: false });
    repo = await gitRepository({ '.slipway.yml': TWO_TASKS });
    url = await server.listen();
    admin = new SlipwayClient({ baseUrl: url, token: server.token });
    await admin.createProject({ name: 'shop', source: repo.dir });
    await admin.createProject({ name: 'blog', source: repo.dir });
  });

  afterAll(async () => {
    await server.close();
    await repo.remove();
  });

  const as = async (user: string) =>
    new SlipwayClient({
      baseUrl: url,
      token: (await admin.createToken({ name: 'laptop', user })).token,
    });

  it('adds members, lists and shows groups, and takes members out', async () => {
    const added = await admin.addGroupMember('docs', 'ana');
    expect(added).toEqual({ group: 'docs', user: 'ana', addedAt: expect.any(Number) as unknown });
    expect(await admin.addGroupMember('docs', 'ana')).toEqual(added);
    await admin.addGroupMember('docs', 'bo@example.com');
    await admin.addGroupMember('ops', 'ana');

    expect(await admin.listGroups()).toEqual(
      expect.arrayContaining([
        { name: 'docs', members: 2 },
        { name: 'ops', members: 1 },
      ]),
    );
    expect(await admin.getGroup('docs')).toEqual({
      name: 'docs',
      members: [
        { user: 'ana', addedAt: added.addedAt },
        { user: 'bo@example.com', addedAt: expect.any(Number) as unknown },
      ],
    });

    await admin.removeGroupMember('ops', 'ana');
    const gone = await refused(admin.getGroup('ops'));
    expect([gone.status, gone.message]).toEqual([404, 'no group "ops"']);
    expect((await admin.listGroups()).map((g) => g.name)).not.toContain('ops');
  });

  it('answers 404 for an unknown group or a user who is not a member', async () => {
    await admin.addGroupMember('release', 'ana');
    const noGroup = await refused(admin.removeGroupMember('nothing', 'ana'));
    expect([noGroup.status, noGroup.message]).toEqual([404, 'no group "nothing"']);
    const noMember = await refused(admin.removeGroupMember('release', 'zed'));
    expect([noMember.status, noMember.message]).toEqual([
      404,
      'user "zed" is not a member of group "release"',
    ]);
    expect(await refusal(admin.getGroup('nothing'))).toBe('404 not_found');
  });

  it('refuses invalid group and user names with the field that is wrong', async () => {
    const badGroup = await refused(admin.addGroupMember('platform team', 'ana'));
    expect(badGroup.status).toBe(400);
    expect(badGroup.fields.map((f) => f.path)).toEqual(['group']);
    const badUser = await refused(admin.addGroupMember('platform', '-ana'));
    expect(badUser.fields.map((f) => f.path)).toEqual(['user']);
    const nested = await refused(admin.getGroup('group:platform'));
    expect([nested.status, nested.fields.map((f) => f.path)]).toEqual([400, ['group']]);
    const badSubject = await refused(admin.setRole('shop', 'group:bad name', 'viewer'));
    expect([badSubject.status, badSubject.fields.map((f) => f.path)]).toEqual([400, ['user']]);
  });

  it('lets only admins manage groups, project admins included', async () => {
    const pam = await as('pam');
    await admin.setRole('shop', 'pam', 'admin');
    await admin.addGroupMember('staff', 'pam');
    expect(await refusal(pam.listGroups())).toBe('403 forbidden');
    expect(await refusal(pam.getGroup('staff'))).toBe('403 forbidden');
    expect(await refusal(pam.addGroupMember('staff', 'pam'))).toBe('403 forbidden');
    expect(await refusal(pam.removeGroupMember('staff', 'pam'))).toBe('403 forbidden');
    expect((await admin.getGroup('staff')).members.map((m) => m.user)).toEqual(['pam']);
  });

  it('gives a member the role bound to their group, and takes it away when they leave', async () => {
    const gus = await as('gus');
    const shop = await admin.getProject('shop');
    await admin.setRole('shop', 'group:platform-team', 'developer');
    expect(await refusal(gus.getProject('shop'))).toBe('404 not_found');
    expect(await refusal(gus.createRun('shop'))).toBe('404 not_found');

    await admin.addGroupMember('platform-team', 'gus');
    expect((await gus.listProjects()).map((p) => p.name)).toEqual(['shop']);
    const run = await gus.createRun('shop');
    expect(run.projectId).toBe(shop.id);
    await gus.cancelRun(run.id);
    expect(await gus.getAccess()).toEqual({
      user: 'gus',
      admin: false,
      roles: [{ projectId: shop.id, role: 'developer' }],
      groups: ['platform-team'],
    });
    expect(await refusal(gus.listRoles('shop'))).toBe('403 forbidden');

    // Their own binding counts too: the highest wins.
    await admin.setRole('shop', 'gus', 'viewer');
    expect((await gus.getAccess()).roles).toEqual([{ projectId: shop.id, role: 'developer' }]);
    expect(await admin.listRoles('shop')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ user: 'group:platform-team', role: 'developer' }),
        expect.objectContaining({ user: 'gus', role: 'viewer' }),
      ]),
    );

    await admin.removeGroupMember('platform-team', 'gus');
    expect(await refusal(gus.createRun('shop'))).toBe('403 forbidden');
    await admin.deleteRole('shop', 'gus');
    expect(await refusal(gus.getProject('shop'))).toBe('404 not_found');
    expect(await gus.getAccess()).toEqual({ user: 'gus', admin: false, roles: [], groups: [] });
  });

  it('takes a group role away and says when a group has none', async () => {
    await admin.setRole('blog', 'group:writers', 'viewer');
    await admin.deleteRole('blog', 'group:writers');
    const none = await refused(admin.deleteRole('blog', 'group:writers'));
    expect([none.status, none.message]).toEqual([
      404,
      'group "writers" has no role in project "blog"',
    ]);
  });
});
