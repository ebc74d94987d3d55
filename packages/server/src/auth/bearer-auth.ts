import { ErrorCode } from '@slipway/api';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http/http-error.js';
import { tokenMatches } from './admin-token.js';

/** Routes under `/api/` anyone may read. */
const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/api/openapi.json']);

/**
 * Requires `Authorization: Bearer TOKEN` on every `/api/` route but the public ones (and
 * on unknown `/api/` paths, so that they do not reveal which routes exist): 401 without a
 * token, 403 with one that matches none of `tokenHashes`. The decision is made on the
 * matched route's pattern, not on the raw URL.
 */
export function installBearerAuth(app: FastifyInstance, tokenHashes: readonly string[]): void {
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    const path = route ?? request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/') || PUBLIC_ROUTES.has(path)) return;
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
    if (!tokenMatches(token, tokenHashes)) {
      throw new HttpError(ErrorCode.Forbidden, 'the token is not valid');
    }
  });
}
