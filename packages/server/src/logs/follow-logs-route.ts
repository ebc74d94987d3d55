import { ErrorCode, routes } from '@slipway/api';
import { isTaskSettled, type AttemptInfo, type ControlStore, type RunRecord } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http/http-error.js';
import { parseInput } from '../http/parse-input.js';
import { EventStream } from './event-stream.js';
import type { LogNotifier } from './log-notifier.js';

/** Chunks read from the store at a time. */
const PAGE = 500;

/** What the log stream route works with. */
export interface FollowLogsContext {
  readonly store: ControlStore;
  readonly notifier: LogNotifier;
  /** How often a follower looks for chunks stored by other replicas, and for the attempt's end. */
  readonly pollMs: number;
  /** Time between keep-alive comments. */
  readonly keepAliveMs: number;
}

/**
 * `GET /api/runs/:id/tasks/:task/logs/stream`: an attempt's output as server-sent events.
 * Streams end, without an `end` event, when the server stops; clients resume from the
 * last id.
 */
export function followLogsRoute(app: FastifyInstance, context: FollowLogsContext): void {
  const route = routes.followTaskLogs;
  const open = new Set<EventStream>();
  app.addHook('preClose', (done) => {
    for (const stream of open) stream.end();
    done();
  });

  app.route({
    method: route.method,
    url: route.path,
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const params = parseInput(route.params, request.params, 'path');
      const query = parseInput(route.query, request.query, 'query');
      const after = lastEventId(request.headers['last-event-id']) ?? query.after ?? -1;
      const run = await context.store.getRun(params.id);
      if (!run) throw new HttpError(ErrorCode.NotFound, `no run "${params.id}"`);
      const task = (await context.store.listTasks(run.id)).find((t) => t.taskId === params.task);
      if (!task) {
        throw new HttpError(ErrorCode.NotFound, `run ${run.id} has no task "${params.task}"`);
      }
      let attempt: AttemptInfo | null = null;
      if (query.attempt === undefined && task.attemptId !== null) {
        attempt = await context.store.getAttempt(task.attemptId);
      } else if (query.attempt !== undefined) {
        attempt = await context.store.findAttempt(run.id, task.taskId, query.attempt);
        if (!attempt) {
          throw new HttpError(
            ErrorCode.NotFound,
            `task "${task.taskId}" of run ${run.id} has no attempt ${query.attempt}`,
          );
        }
      }

      void reply.hijack();
      const stream = new EventStream(reply.raw, context.keepAliveMs);
      open.add(stream);
      try {
        attempt ??= await latestAttempt(context, run, task.taskId, stream.signal);
        if (attempt === null) {
          if (!stream.signal.aborted) {
            await stream.send([
              { event: 'end', data: { attemptId: null, attempt: task.attempt, last: after } },
            ]);
          }
          return;
        }
        await followAttempt(context, attempt, after, stream);
      } catch (error) {
        request.log.error({ err: error }, 'log stream failed');
      } finally {
        open.delete(stream);
        stream.end();
      }
    },
  });
}

/**
 * The task's latest attempt, waiting for its first one; null when the task settled
 * without any (skipped, or cancelled before it started) or the stream ended first.
 */
async function latestAttempt(
  context: FollowLogsContext,
  run: RunRecord,
  taskId: string,
  signal: AbortSignal,
): Promise<AttemptInfo | null> {
  for (;;) {
    const task = (await context.store.listTasks(run.id)).find((t) => t.taskId === taskId);
    if (task?.attemptId) return context.store.getAttempt(task.attemptId);
    if (!task || isTaskSettled(task.status) || signal.aborted) return null;
    await sleep(context.pollMs, signal);
  }
}

/**
 * Sends the attempt's chunks after `after` as `log` events, then waits for more (woken
 * by the notifier, or by polling), until the attempt has settled and everything stored
 * was sent: then the `end` event. Settling is checked before the last read, and agents
 * send their output before they report the attempt finished, so nothing is missed.
 */
async function followAttempt(
  context: FollowLogsContext,
  attempt: AttemptInfo,
  after: number,
  stream: EventStream,
): Promise<void> {
  const { store } = context;
  const watch = context.notifier.watch(attempt.attemptId);
  try {
    await stream.send([
      { event: 'attempt', data: { attemptId: attempt.attemptId, attempt: attempt.attempt } },
    ]);
    let last = after;
    let settled = attempt.settled;
    while (!stream.signal.aborted) {
      const seen = watch.version;
      const chunks = await store.readLogs(attempt.attemptId, last, PAGE);
      await stream.send(chunks.map((chunk) => ({ event: 'log', data: chunk, id: chunk.seq })));
      last = chunks.at(-1)?.seq ?? last;
      if (chunks.length === PAGE) continue;
      if (settled) {
        await stream.send([
          { event: 'end', data: { attemptId: attempt.attemptId, attempt: attempt.attempt, last } },
        ]);
        return;
      }
      await watch.wait(context.pollMs, stream.signal, seen);
      settled = (await store.getAttempt(attempt.attemptId))?.settled ?? true;
    }
  } finally {
    watch.close();
  }
}

function lastEventId(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
