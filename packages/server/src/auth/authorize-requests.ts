import { ErrorCode, permissionScope, routes, type ApiRoute, type Permission } from '@slipway/api';
import { roleAllows, TokenKind, type ControlStore } from '@slipway/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../http/http-error.js';
import { fastifyUrl } from '../http/rest-path.js';
import { setCaller, type Caller } from './caller.js';
import type { TokenAuthenticator } from './token-authenticator.js';

/** What {@link installAuthorization} checks requests against. */
export interface AuthorizationContext {
  readonly store: ControlStore;
  readonly authenticator: TokenAuthenticator;
}

/**
 * The one place where requests are authorized: before any body is read, every `/api/`
 * request is checked against what its route declares in the API table (`requires`, see
 * {@link Permission}), on the object it touches: the project named in the path, or the
 * project of the run named in the path. A missing or unknown token is a 401, a role too
 * low a 403, and a project or run the caller may not view a 404 worded like the one for
 * a project or run that does not exist. An `/api/` route missing from the table needs an
 * admin token; a path no route matches needs a valid token before it is answered 404, so
 * that it reveals nothing.
 */
export function installAuthorization(app: FastifyInstance, context: AuthorizationContext): void {
  const permissions = new Map<string, Permission>();
  for (const route of Object.values(routes) as readonly ApiRoute[]) {
    permissions.set(`${route.method} ${fastifyUrl(route)}`, route.requires);
  }

  app.addHook('onRequest', async (request, reply) => {
    const pattern = request.routeOptions.url;
    const path = pattern ?? request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/')) return;
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const requires =
      pattern === undefined ? null : (permissions.get(`${method} ${pattern}`) ?? 'admin');
    if (requires === 'public') return;
    const caller = await authenticate(request, reply, context.authenticator);
    setCaller(request, caller);
    if (requires !== null) await authorize(context.store, caller, requires, request.params);
  });
}

async function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
  authenticator: TokenAuthenticator,
): Promise<Caller> {
  const header = request.headers.authorization;
  const token = header === undefined ? undefined : /^Bearer +(\S+) *$/i.exec(header)?.[1];
  if (token === undefined) {
    void reply.header('www-authenticate', 'Bearer');
    throw new HttpError(
      ErrorCode.Unauthorized,
      header === undefined
        ? 'this route needs a token: send Authorization: Bearer TOKEN'
        : 'the Authorization header must be "Bearer TOKEN"',
    );
  }
  const caller = await authenticator.authenticate(token);
  if (caller === null) {
    void reply.header('www-authenticate', 'Bearer error="invalid_token"');
    throw new HttpError(ErrorCode.Unauthorized, 'the token is not valid');
  }
  return caller;
}

async function authorize(
  store: ControlStore,
  caller: Caller,
  requires: Permission,
  params: unknown,
): Promise<void> {
  if (requires === 'agent') {
    if (caller.kind === TokenKind.Agent || caller.admin) return;
    throw new HttpError(ErrorCode.Forbidden, 'this route is for agents: use an agent token');
  }
  if (caller.kind === TokenKind.Agent) {
    throw new HttpError(ErrorCode.Forbidden, 'an agent token is accepted only by agent routes');
  }
  if (caller.admin) return;
  if (requires === 'admin') throw new HttpError(ErrorCode.Forbidden, 'this needs an admin token');
  const scope = permissionScope(requires);
  if (scope === null) return;

  const given = (params as Readonly<Record<string, unknown>>)[
    scope.on === 'project' ? 'project' : 'id'
  ];
  const name = typeof given === 'string' ? given : '';
  const notFound = new HttpError(
    ErrorCode.NotFound,
    scope.on === 'project' ? `no project "${name}"` : `no run "${name}"`,
  );
  const projectId =
    scope.on === 'project'
      ? ((await store.findProject(name))?.id ?? null)
      : await store.findRunProject(name);
  if (projectId === null) throw notFound;
  const role = await store.findRole(projectId, caller.user);
  if (role === null) throw notFound;
  if (!roleAllows(role, scope.role)) {
    throw new HttpError(
      ErrorCode.Forbidden,
      `this needs the ${scope.role} role in the project; ${caller.user} has the ${role} role`,
    );
  }
}
