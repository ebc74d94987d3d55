import type { ApiRoute } from '@slipway/api';

/** The route's path as Fastify takes it: its `pathRest` parameter becomes the wildcard. */
export function fastifyUrl(route: ApiRoute): string {
  if (route.pathRest === undefined) return route.path;
  const placeholder = `:${route.pathRest}`;
  if (!route.path.endsWith(placeholder)) {
    throw new Error(`route ${route.operationId}: ${placeholder} must end its path`);
  }
  return `${route.path.slice(0, -placeholder.length)}*`;
}

/** The path parameters Fastify matched, with the wildcard named as the route names it. */
export function routeParams(route: ApiRoute, params: unknown): Record<string, unknown> {
  const given = { ...(params as Record<string, unknown>) };
  if (route.pathRest === undefined) return given;
  given[route.pathRest] = given['*'];
  delete given['*'];
  return given;
}
