import type { ApiRoute } from '@slipway/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { parseInput } from './parse-input.js';

type Part<R, K extends string> =
  R extends Readonly<Record<K, infer S extends z.ZodType>> ? z.infer<S> : undefined;

/** A request's parts, validated with the route's schemas. */
export interface RouteInput<R extends ApiRoute> {
  readonly params: Part<R, 'params'>;
  readonly query: Part<R, 'query'>;
  readonly body: Part<R, 'body'>;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/** `T` with every array and object readonly, so that frozen values can be returned. */
export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** What a handler returns: the response body, or null for a route without one. */
export type RouteOutput<R extends ApiRoute> = R extends {
  readonly response: infer S extends z.ZodType;
}
  ? DeepReadonly<z.input<S>>
  : null;

/** Route options Fastify takes besides the handler. */
export interface RouteOptions {
  readonly bodyLimit?: number;
}

/**
 * Adds a route of the API table to the app: path, query and body are validated with the
 * route's schemas before `handler` runs (a 400 with field errors otherwise), and what it
 * returns is sent with the route's success status.
 */
export function defineRoute<R extends ApiRoute>(
  app: FastifyInstance,
  route: R,
  handler: (input: RouteInput<R>) => Promise<RouteOutput<R>>,
  options: RouteOptions = {},
): void {
  app.route({
    method: route.method,
    url: route.path,
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    handler: async (request, reply) => {
      const params = route.params ? parseInput(route.params, request.params, 'path') : undefined;
      const query = route.query ? parseInput(route.query, request.query, 'query') : undefined;
      let body: unknown = undefined;
      if (route.body) {
        const given = request.body ?? (route.bodyOptional ? {} : undefined);
        body = parseInput(route.body, given, 'body');
      }
      const result = await handler({
        params,
        query,
        body,
        request,
        reply,
      } as RouteInput<R>);
      void reply.code(route.status);
      return route.response === null ? reply.send() : reply.send(result);
    },
  });
}
