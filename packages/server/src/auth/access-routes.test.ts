import { isApiError, SlipwayClient } from '@slipway/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gitRepository,
  serverFixture,
  TWO_TASKS,
  type ServerFixture,
} from '../testing/server-fixture.js';

async function refusal(call: Promise<unknown>): Promise<string> {
  const error: unknown = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isApiError(error)) throw new Error(`expected an API error, got ${String(error)}`);
  return `${error.status} ${error.code}`;
}

describe('tokens and roles through the API', () => {
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
    await admin.createRun('shop');
    await admin.createRun('blog');
  });

  afterAll(async () => {
    await server.close();
    await repo.remove();
  });

  const as = (token: string) => new SlipwayClient({ baseUrl: url, token });

  it('shows a new token once, lists tokens without it, and revokes it at once', async () => {
    const made = await admin.createToken({ name: 'laptop', user: 'ana' });
    expect(made).toMatchObject({ name: 'laptop', user: 'ana', kind: 'user', admin: false });
    expect(made.token).toMatch(/^slw_[\w-]{43}$/);
    const listed = await admin.listTokens();
    expect(listed.map((t) => t.user).sort()).toEqual(['admin', 'ana']);
    expect(JSON.stringify(listed)).not.toContain(made.token);

    const ana = as(made.token);
    expect(await ana.listProjects()).toEqual([]);
    expect((await admin.listTokens()).find((t) => t.id === made.id)?.lastUsedAt).toEqual(
      expect.any(Number),
    );
    await admin.deleteToken(made.id);
    expect(await refusal(ana.listProjects())).toBe('401 unauthorized');
    expect(await refusal(admin.deleteToken(made.id))).toBe('404 not_found');
  });

  it('lists the agents heard from to admins only, last seen first', async () => {
    const { agentId: older } = await admin.registerAgent({
      name: 'builder-1',
      labels: ['linux'],
      capacity: 2,
    });
    const { agentId: newer } = await admin.registerAgent({
      name: 'builder-2',
      labels: [],
      capacity: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await admin.heartbeat({ agentId: older, attemptIds: [] });
    const agents = await admin.listAgents();
    expect(agents.map((a) => [a.id, a.name, a.labels, a.capacity])).toEqual([
      [older, 'builder-1', ['linux'], 2],
      [newer, 'builder-2', [], 1],
    ]);

    const { token } = await admin.createToken({ name: 'x', user: 'dee' });
    await admin.setRole('shop', 'dee', 'admin');
    expect(await refusal(as(token).listAgents())).toBe('403 forbidden');
    await admin.deleteRole('shop', 'dee');
    const agentToken = await admin.createToken({ name: 'a', user: 'agent', kind: 'agent' });
    expect(await refusal(as(agentToken.token).listAgents())).toMatch(/^40[13] /);
  });

  it('lets a user see and do in a project what their role allows', async () => {
    const { token } = await admin.createToken({ name: 'ci', user: 'bo' });
    const bo = as(token);
    expect(await refusal(bo.getProject('shop'))).toBe('404 not_found');
    expect((await bo.listRuns()).runs).toEqual([]);

    await admin.setRole('shop', 'bo', 'viewer');
    expect((await bo.listProjects()).map((p) => p.name)).toEqual(['shop']);
    const runs = (await bo.listRuns()).runs;
    expect(runs.map((r) => r.projectName)).toEqual(['shop']);
    expect(await refusal(bo.listRuns({ project: 'blog' }))).toBe('404 not_found');
    expect((await bo.getRun(runs[0]?.id ?? '')).run.projectName).toBe('shop');
    expect(await refusal(bo.createRun('shop'))).toBe('403 forbidden');
    expect(await refusal(bo.listRoles('shop'))).toBe('403 forbidden');

    await admin.setRole('shop', 'bo', 'developer');
    const run = await bo.createRun('shop');
    expect(run.trigger.actor).toBe('bo');
    expect((await bo.cancelRun(run.id)).id).toBe(run.id);
    expect(await refusal(bo.createToken({ name: 'x', user: 'bo', admin: true }))).toBe(
      '403 forbidden',
    );

    await admin.setRole('shop', 'bo', 'admin');
    expect(await bo.listRoles('shop')).toEqual([
      {
        projectId: run.projectId,
        user: 'bo',
        role: 'admin',
        updatedAt: expect.any(Number) as unknown,
      },
    ]);
    await bo.setRole('shop', 'cy', 'viewer');
    await bo.deleteRole('shop', 'cy');
    expect(await refusal(bo.deleteRole('shop', 'cy'))).toBe('404 not_found');

    await admin.deleteRole('shop', 'bo');
    expect(await refusal(bo.getProject('shop'))).toBe('404 not_found');
  });

  it('tells a caller who they are and their role in each project, and refuses agent tokens', async () => {
    expect(await admin.getAccess()).toEqual({
      user: 'admin',
      admin: true,
      roles: [],
      groups: [],
    });
    const { token } = await admin.createToken({ name: 'ui', user: 'eve' });
    const eve = as(token);
    expect(await eve.getAccess()).toEqual({ user: 'eve', admin: false, roles: [], groups: [] });
    await admin.setRole('blog', 'eve', 'developer');
    const blog = await admin.getProject('blog');
    expect(await eve.getAccess()).toEqual({
      user: 'eve',
      admin: false,
      roles: [{ projectId: blog.id, role: 'developer' }],
      groups: [],
    });
    const agent = await admin.createToken({ name: 'runner', user: 'ci', kind: 'agent' });
    expect(await refusal(as(agent.token).getAccess())).toBe('403 forbidden');
    expect(await refusal(as('slw_nope').getAccess())).toBe('401 unauthorized');
  });

  it('makes agent tokens that only the agent protocol accepts', async () => {
    const { token, kind } = await admin.createToken({ name: 'runner', user: 'ci', kind: 'agent' });
    expect(kind).toBe('agent');
    const agent = as(token);
    expect(await agent.registerAgent({ name: 'a', labels: [], capacity: 1 })).toEqual({
      agentId: expect.any(String) as unknown,
    });
    expect(await refusal(agent.listProjects())).toBe('403 forbidden');
    expect(
      await refusal(admin.createToken({ name: 'x', user: 'y', kind: 'agent', admin: true })),
    ).toBe('400 invalid_request');
  });

  it('refuses the agent protocol to user tokens that are not admin', async () => {
    const { token } = await admin.createToken({ name: 'laptop', user: 'dee' });
    expect(await refusal(as(token).registerAgent({ name: 'a', labels: [], capacity: 1 }))).toBe(
      '403 forbidden',
    );
    expect(await admin.registerAgent({ name: 'a', labels: [], capacity: 1 })).toBeTruthy();
  });

  it('refuses a role in an unknown project and an invalid role', async () => {
    expect(await refusal(admin.setRole('nowhere', 'bo', 'viewer'))).toBe('404 not_found');
    expect(await refusal(admin.setRole('shop', 'bo', 'owner' as never))).toBe(
      '400 invalid_request',
    );
  });
});
