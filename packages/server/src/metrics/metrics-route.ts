import { ErrorCode } from '@slipway/api';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http/http-error.js';
import { UNMATCHED_ROUTE, type ServerMetrics } from './server-metrics.js';

/** Path of the Prometheus scrape endpoint; it needs no token, like `/healthz`. */
export const METRICS_PATH = '/metrics';

/**
 * Serves `GET /metrics` in the Prometheus text format, and counts every answered request
 * by its route pattern (never the raw URL), method and status.
 */
export function metricsRoute(app: FastifyInstance, metrics: ServerMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.requestAnswered(
      request.routeOptions.url ?? UNMATCHED_ROUTE,
      request.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.get(METRICS_PATH, async (request, reply) => {
    let text: string;
    try {
      text = await metrics.text();
    } catch (error) {
      request.log.warn({ err: error }, 'metrics could not be collected');
      throw new HttpError(ErrorCode.Unavailable, 'the metrics could not be collected');
    }
    return reply.header('content-type', metrics.contentType).send(text);
  });
}
