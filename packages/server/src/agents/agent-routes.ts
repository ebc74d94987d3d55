import {
  decodeLogBatch,
  ErrorCode,
  LOG_BATCH_FRAME_TYPE,
  LOG_BATCH_MAX_BYTES,
  routes,
  type LeaseAnswer,
} from '@slipway/api';
import type { FinishAndClaim } from '@slipway/core';
import type { FastifyInstance } from 'fastify';
import { defineRoute } from '../http/define-route.js';
import { HttpError } from '../http/http-error.js';
import type { LogIntake } from '../logs/log-intake.js';
import type { GroupCommit } from '../loops/group-commit.js';
import type { LogNotifier } from '../logs/log-notifier.js';
import { readAgentCapacity } from './agent-capacity.js';
import type { AgentRegistry } from './agent-registry.js';
import type { AttemptEndAnswer } from './attempt-ends.js';
import { claimAttempts, describeClaimed, type ClaimContext } from './claim-attempts.js';

/** What the agent routes work with. */
export interface AgentRoutesContext extends ClaimContext {
  readonly agents: AgentRegistry;
  /** Masks, bounds and stores log chunks, and wakes followers. */
  readonly logs: LogIntake;
  /** Told when an attempt finishes, so its followers end at once. */
  readonly logNotifier: LogNotifier;
  /**
   * Records attempts' ends, applies them and makes the claims that came with them; those
   * reported together in one commit (see `attemptEnds`).
   */
  readonly finishes: GroupCommit<FinishAndClaim, AttemptEndAnswer>;
}

/** The agent protocol: register, claim (long-poll), heartbeat, logs, finish. */
export function agentRoutes(app: FastifyInstance, context: AgentRoutesContext): void {
  const { store, agents, now } = context;

  defineRoute(app, routes.listAgents, async () => {
    const listed = await agents.list();
    return {
      agents: listed.map((a) => ({
        id: a.id,
        name: a.name,
        labels: [...a.labels],
        capacity: a.capacity,
        registeredAt: a.registeredAt,
        lastSeenAt: a.lastSeenAt,
      })),
    };
  });

  defineRoute(app, routes.getCapacity, () =>
    readAgentCapacity(store, agents, now() - context.leaseMs),
  );

  defineRoute(app, routes.registerAgent, async ({ body }) => {
    const agent = await agents.register(body.name, body.labels, body.capacity, now());
    return { agentId: agent.id };
  });

  defineRoute(app, routes.claim, async ({ body, request, reply }) => {
    agents.seen(body.agentId, now());
    const gone = new AbortController();
    const onClose = () => {
      if (!reply.sent) gone.abort();
    };
    reply.raw.once('close', onClose);
    try {
      return { attempts: await claimAttempts(context, body, gone.signal) };
    } finally {
      reply.raw.off('close', onClose);
      request.log.debug({ agentId: body.agentId }, 'claim answered');
    }
  });

  defineRoute(app, routes.heartbeat, async ({ body }) => {
    const at = now();
    agents.seen(body.agentId, at);
    const renewed = await store.renewLeases(body.agentId, body.attemptIds, at + context.leaseMs);
    const answers: Record<string, LeaseAnswer> = {};
    for (const id of body.attemptIds) answers[id] = renewed[id] ?? { status: 'gone' };
    return { answers };
  });

  // A batch comes as a frame (see encodeLogBatch) or as JSON; the frame's parser is
  // this route's alone.
  void app.register((scope, _options, done) => {
    scope.addContentTypeParser(
      LOG_BATCH_FRAME_TYPE,
      { parseAs: 'buffer', bodyLimit: LOG_BATCH_MAX_BYTES },
      (_request, frame, parsed) => {
        const decoded = decodeLogBatch(frame as Buffer);
        if (decoded.ok) parsed(null, decoded.request);
        else
          parsed(new HttpError(ErrorCode.InvalidRequest, `invalid log batch: ${decoded.problem}`));
      },
    );
    defineRoute(
      scope,
      routes.sendLogs,
      async ({ body }) => {
        agents.seen(body.agentId, now());
        await context.logs.append(body.chunks);
        return null;
      },
      { bodyLimit: LOG_BATCH_MAX_BYTES },
    );
    done();
  });

  defineRoute(app, routes.finish, async ({ body }) => {
    const at = now();
    agents.seen(body.agentId, at);
    const { claim } = body;
    const { accepted, claimed } = await context.finishes.add({
      finish: {
        attemptId: body.attemptId,
        agentId: body.agentId,
        outcome: body.outcome,
        results: body.results,
        error: body.error,
        now: at,
      },
      claim:
        claim === undefined
          ? null
          : {
              agentId: body.agentId,
              labels: claim.labels,
              max: claim.free,
              now: at,
              leaseUntil: at + context.leaseMs,
            },
    });
    if (accepted) context.logNotifier.notify([body.attemptId]);
    if (claim === undefined) return { accepted };
    if (claimed.length > 0) context.onClaimed?.(claimed, at);
    return { accepted, attempts: await describeClaimed(context, claimed) };
  });
}
