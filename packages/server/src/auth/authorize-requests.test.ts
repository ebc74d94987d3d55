import { ErrorCode, routes, type ApiRoute, type ErrorBody, type RouteName } from '@slipway/api';
import {
  ProjectRole,
  TokenKind,
  TriggerEvent,
  type ControlStore,
  type Plan,
  type TokenKind as Kind,
} from '@slipway/core';
import { openControlStore } from '@slipway/store';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../http/error-handler.js';
import { fastifyUrl } from '../http/rest-path.js';
import { hashToken } from './admin-token.js';
import { installAuthorization } from './authorize-requests.js';
import { callerOf } from './caller.js';
import { TokenAuthenticator } from './token-authenticator.js';

/** Who may call a route, as a user of the API sees it. */
type Audience =
  | 'anyone'
  | 'agents'
  | 'admins'
  | 'users'
  | 'project viewers'
  | 'project developers'
  | 'project admins';

/**
 * Who may call each route. A route missing here fails to compile: every new route must
 * say who may call it.
 */
const AUDIENCE = {
  health: 'anyone',
  readiness: 'anyone',
  openApi: 'anyone',
  createProject: 'admins',
  listProjects: 'users',
  getProject: 'project viewers',
  putProjectDefaultBranch: 'project admins',
  listPipelines: 'project viewers',
  createRun: 'project developers',
  listRuns: 'users',
  getAccess: 'users',
  getRun: 'project viewers',
  cancelRun: 'project developers',
  decideApproval: 'project developers',
  readTaskLogs: 'project viewers',
  registerAgent: 'agents',
  claim: 'agents',
  heartbeat: 'agents',
  sendLogs: 'agents',
  finish: 'agents',
  putSecret: 'project admins',
  listSecrets: 'project admins',
  deleteSecret: 'project admins',
  followTaskLogs: 'project viewers',
  rerunRun: 'project developers',
  retryRun: 'project developers',
  listTests: 'project viewers',
  listArtifacts: 'project viewers',
  downloadArtifact: 'project viewers',
  sendReport: 'agents',
  uploadArtifact: 'agents',
  createToken: 'admins',
  listTokens: 'admins',
  deleteToken: 'admins',
  setRole: 'project admins',
  listRoles: 'project admins',
  deleteRole: 'project admins',
  listGroups: 'admins',
  getGroup: 'admins',
  addGroupMember: 'admins',
  removeGroupMember: 'admins',
  listAgents: 'admins',
  getCapacity: 'users',
  putProjectWebhook: 'project admins',
  getProjectWebhook: 'project admins',
  putProjectForge: 'project admins',
  putProjectAutoMerge: 'project admins',
  getProjectForge: 'project admins',
  listPullRequests: 'project viewers',
  getPullRequestStatus: 'project viewers',
  receiveWebhook: 'anyone',
  listTriggerEvents: 'project developers',
  putProjectPoll: 'project admins',
  getProjectPoll: 'project developers',
  deleteProjectPoll: 'project admins',
  resetProjectPoll: 'admins',
  putSlackSettings: 'admins',
  getSlackSettings: 'admins',
  listSlackUsers: 'admins',
  putSlackUser: 'admins',
  deleteSlackUser: 'admins',
  putProjectSlack: 'project admins',
  getProjectSlack: 'project admins',
  deleteProjectSlack: 'project admins',
  receiveSlackCommand: 'anyone',
  receiveSlackInteraction: 'anyone',
} as const satisfies Record<RouteName, Audience>;

type CallerName =
  | 'no token'
  | 'unknown token'
  | 'agent'
  | 'outsider'
  | 'viewer'
  | 'developer'
  | 'project admin'
  | 'admin';

const CALLERS: readonly CallerName[] = [
  'no token',
  'unknown token',
  'agent',
  'outsider',
  'viewer',
  'developer',
  'project admin',
  'admin',
];

/** The status each caller gets from authorization; 200 means the handler ran. */
const EXPECTED: Readonly<Record<Audience, Readonly<Record<CallerName, number>>>> = {
  anyone: row(200, 200, 200, 200, 200, 200, 200, 200),
  agents: row(401, 401, 200, 403, 403, 403, 403, 200),
  admins: row(401, 401, 403, 403, 403, 403, 403, 200),
  users: row(401, 401, 403, 200, 200, 200, 200, 200),
  'project viewers': row(401, 401, 403, 404, 200, 200, 200, 200),
  'project developers': row(401, 401, 403, 404, 403, 200, 200, 200),
  'project admins': row(401, 401, 403, 404, 403, 403, 200, 200),
};

function row(...statuses: number[]): Record<CallerName, number> {
  return Object.fromEntries(CALLERS.map((caller, i) => [caller, statuses[i] ?? 0])) as Record<
    CallerName,
    number
  >;
}

const PLAN: Plan = {
  schemaVersion: 1,
  pipeline: 'ci',
  source: { file: '.slipway.yml' },
  params: {},
  trigger: { event: TriggerEvent.Api, commit: 'abc' },
  timeoutMs: null,
  concurrency: null,
  tasks: [],
};

describe('authorization of every route', () => {
  let store: ControlStore;
  let app: FastifyInstance;
  let runId: string;
  const tokens = new Map<CallerName, string>();

  beforeAll(async () => {
    store = await openControlStore('sqlite::memory:');
    const shop = await store.createProject({ name: 'shop', source: '/src', defaultBranch: 'main' });
    const other = await store.createProject({
      name: 'other',
      source: '/src',
      defaultBranch: 'main',
    });
    runId = (
      await store.createRun({
        projectId: shop.id,
        plan: PLAN,
        trigger: PLAN.trigger,
        state: {},
        createdAt: 1,
      })
    ).id;
    const token = async (name: CallerName, user: string, kind: Kind, admin = false) => {
      const secret = `slw_${name.replace(/ /g, '_')}`;
      await store.createToken({ name, user, kind, admin, hash: hashToken(secret), createdAt: 1 });
      tokens.set(name, secret);
    };
    await token('agent', 'runner', TokenKind.Agent);
    await token('outsider', 'olga', TokenKind.User);
    await token('viewer', 'vic', TokenKind.User);
    await token('developer', 'dev', TokenKind.User);
    await token('project admin', 'pam', TokenKind.User);
    await token('admin', 'root', TokenKind.User, true);
    tokens.set('unknown token', 'slw_nobody');
    const role = (projectId: string, user: string, role: ProjectRole) =>
      store.setRole({ projectId, user, role, updatedAt: 1 });
    await role(other.id, 'olga', ProjectRole.Admin);
    await role(shop.id, 'vic', ProjectRole.Viewer);
    await role(shop.id, 'dev', ProjectRole.Developer);
    await role(shop.id, 'pam', ProjectRole.Admin);

    app = Fastify();
    installErrorHandling(app);
    installAuthorization(app, {
      store,
      authenticator: new TokenAuthenticator(store, [], () => 1000),
    });
    for (const route of Object.values(routes) as readonly ApiRoute[]) {
      app.route({
        method: route.method,
        url: fastifyUrl(route),
        handler: (request) => ({ user: route.auth ? callerOf(request).user : null }),
      });
    }
    app.get('/api/undeclared', () => ({ ok: true }));
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const request = (method: InjectOptions['method'], url: string, caller: CallerName) => {
    const secret = tokens.get(caller);
    const options: InjectOptions = {
      method,
      url,
      headers: secret === undefined ? {} : { authorization: `Bearer ${secret}` },
    };
    return app.inject(options);
  };

  const urlOf = (route: ApiRoute) =>
    route.path
      .replace(':project', 'shop')
      .replace(':id', route.tag === 'access' ? 'tok-1' : runId)
      .replace(/:(\w+)/g, 'x');

  for (const [name, audience] of Object.entries(AUDIENCE) as [RouteName, Audience][]) {
    const route = routes[name] as ApiRoute;
    it(`${route.method} ${route.path} (${name}) is for ${audience}`, async () => {
      const got: Record<string, number> = {};
      for (const caller of CALLERS) {
        got[caller] = (await request(route.method, urlOf(route), caller)).statusCode;
      }
      expect(got).toEqual(EXPECTED[audience]);
    });
  }

  it('answers a project or run the caller may not view like one that does not exist', async () => {
    const hidden = await request('GET', '/api/projects/shop', 'outsider');
    const missing = await request('GET', '/api/projects/nothing', 'outsider');
    expect(hidden.json()).toEqual({
      error: { code: ErrorCode.NotFound, message: 'no project "shop"' },
    });
    expect(missing.json()).toEqual({
      error: { code: ErrorCode.NotFound, message: 'no project "nothing"' },
    });
    const run = await request('GET', `/api/runs/${runId}`, 'outsider');
    expect(run.statusCode).toBe(404);
    expect(run.json<ErrorBody>().error.message).toBe(`no run "${runId}"`);
    expect((await request('GET', '/api/runs/nothing', 'viewer')).statusCode).toBe(404);
  });

  it('says why a role is too low', async () => {
    const refused = await request('POST', `/api/runs/${runId}/cancel`, 'viewer');
    expect(refused.json<ErrorBody>().error).toEqual({
      code: ErrorCode.Forbidden,
      message: 'this needs the developer role in the project; vic has the viewer role',
    });
  });

  it('records who called for the handler', async () => {
    expect((await request('GET', '/api/projects', 'developer')).json()).toEqual({ user: 'dev' });
  });

  it('needs an admin token for an /api/ route the API table does not declare', async () => {
    expect((await request('GET', '/api/undeclared', 'project admin')).statusCode).toBe(403);
    expect((await request('GET', '/api/undeclared', 'admin')).statusCode).toBe(200);
  });

  it('needs a valid token before answering that no route matches', async () => {
    expect((await request('GET', '/api/nothing/here', 'no token')).statusCode).toBe(401);
    expect((await request('GET', '/api/nothing/here', 'unknown token')).statusCode).toBe(401);
    expect((await request('GET', '/api/nothing/here', 'agent')).statusCode).toBe(404);
  });

  it('checks HEAD requests like the GET they mirror', async () => {
    expect((await request('HEAD', '/api/tokens', 'developer')).statusCode).toBe(403);
    expect((await request('HEAD', '/api/tokens', 'admin')).statusCode).toBe(200);
  });

  it('records when a token was last used, at most about once a minute', async () => {
    const hash = hashToken(tokens.get('viewer') ?? '');
    expect((await store.findTokenByHash(hash))?.lastUsedAt).toBe(1000);
  });
});
