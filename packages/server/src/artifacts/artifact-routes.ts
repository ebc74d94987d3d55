import { ErrorCode, routes } from '@slipway/api';
import type { ControlStore } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import type { AgentRegistry } from '../agents/agent-registry.js';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';
import { parseInput } from '../http/parse-input.js';
import { fastifyUrl, routeParams } from '../http/rest-path.js';
import { ArtifactWriteError, type ArtifactFiles } from './artifact-files.js';
import { contentDisposition } from './content-disposition.js';

/** What the artifact routes work with. */
export interface ArtifactRoutesContext {
  readonly store: ControlStore;
  readonly files: ArtifactFiles;
  readonly agents: AgentRegistry;
  /** Largest file an agent may upload. */
  readonly maxArtifactBytes: number;
  readonly now: () => number;
}

/**
 * Artifacts: agents upload an attempt's files (raw bytes, streamed to disk), users list a
 * run's files and download them (streamed). A run's files are those of each task's latest
 * attempt, or of the attempt a task kept from an earlier run.
 */
export function artifactRoutes(app: FastifyInstance, context: ArtifactRoutesContext): void {
  const { store, files } = context;

  // The upload takes the request body as a stream, whatever its declared type, in a
  // scope of its own so that no other route loses its body parsers.
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, parsed) => {
      parsed(null);
    });
    const route = routes.uploadArtifact;
    scope.route({
      method: route.method,
      url: fastifyUrl(route),
      handler: async (request, reply) => {
        const params = parseInput(route.params, routeParams(route, request.params), 'path');
        const query = parseInput(route.query, request.query, 'query');
        context.agents.seen(query.agentId, context.now());
        const size = contentLength(request.headers['content-length']);
        if (size > context.maxArtifactBytes) {
          throw new HttpError(
            ErrorCode.PayloadTooLarge,
            `${params.path} is ${size} bytes; artifacts of at most ${context.maxArtifactBytes} bytes are kept`,
          );
        }
        const attempt = await store.getAttempt(params.attemptId);
        if (!attempt) throw new HttpError(ErrorCode.NotFound, `no attempt "${params.attemptId}"`);
        if (attempt.settled) throw notHeld(params.attemptId);
        const location = { runId: attempt.runId, attemptId: attempt.attemptId, path: params.path };
        let stored: { size: number; sha256: string };
        try {
          stored = await files.write(location, request.raw, size);
        } catch (error) {
          if (!(error instanceof ArtifactWriteError)) throw error;
          const code = error.reason === 'clash' ? ErrorCode.Conflict : ErrorCode.InvalidRequest;
          throw new HttpError(code, error.message);
        }
        const recorded = await store.recordArtifact({
          attemptId: attempt.attemptId,
          agentId: query.agentId,
          path: params.path,
          size: stored.size,
          sha256: stored.sha256,
          now: context.now(),
        });
        if (!recorded) {
          await files.remove(location);
          throw notHeld(params.attemptId);
        }
        void reply.code(route.status);
        return { path: params.path, ...stored };
      },
    });
    done();
  });

  defineRoute(app, routes.listArtifacts, async ({ params }) => {
    const run = await store.getRun(params.id);
    if (!run) throw new HttpError(ErrorCode.NotFound, `no run "${params.id}"`);
    const attemptIds = (await store.listTasks(run.id)).flatMap((t) =>
      t.attemptId === null ? [] : [t.attemptId],
    );
    const artifacts = await store.listArtifacts(attemptIds);
    return {
      artifacts: artifacts.map((a) => ({
        taskId: a.taskId,
        attemptId: a.attemptId,
        path: a.path,
        size: a.size,
        sha256: a.sha256,
        createdAt: a.createdAt,
      })),
    };
  });

  const download = routes.downloadArtifact;
  app.route({
    method: download.method,
    url: fastifyUrl(download),
    handler: async (request, reply) => {
      const params = parseInput(download.params, routeParams(download, request.params), 'path');
      const run = await store.getRun(params.id);
      if (!run) throw new HttpError(ErrorCode.NotFound, `no run "${params.id}"`);
      const task = (await store.listTasks(run.id)).find((t) => t.taskId === params.task);
      if (!task) {
        throw new HttpError(ErrorCode.NotFound, `run ${run.id} has no task "${params.task}"`);
      }
      const missing = () =>
        new HttpError(
          ErrorCode.NotFound,
          `task "${task.taskId}" of run ${run.id} has no artifact ${params.path}`,
        );
      if (task.attemptId === null) throw missing();
      const artifact = await store.findArtifact(task.attemptId, params.path);
      if (!artifact) throw missing();
      const opened = await files.open(artifact);
      if (!opened) throw missing();
      return reply
        .code(download.status)
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(opened.size))
        .header('content-disposition', contentDisposition(artifact.path))
        .header('x-content-type-options', 'nosniff')
        .header('etag', `"${artifact.sha256}"`)
        .send(opened.stream);
    },
  });
}

function contentLength(header: string | undefined): number {
  if (header === undefined || !/^\d{1,16}$/.test(header)) {
    throw new HttpError(
      ErrorCode.InvalidRequest,
      'an artifact upload needs a Content-Length header with the size of the file',
    );
  }
  return Number(header);
}

function notHeld(attemptId: string): HttpError {
  return new HttpError(
    ErrorCode.Conflict,
    `attempt ${attemptId} is settled or no longer held by this agent`,
  );
}
